"""The periodic escalation review: what was raised, for whom, how fast it was handled, which
categories recur per client, how well client mail was answered on time, and how satisfied clients
said they were. Reads only."""

import datetime as dt
import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, Q

from comms.models import Message
from escalations import satisfaction
from escalations.models import Category, Escalation, Severity

RECURS_AT = 2
"""A category raised this many times for one client in the period is recurring."""


@dataclass(frozen=True)
class ResponseSla:
    """Inbound client mail received in the period, measured against its response deadline."""

    met: int
    breached: int
    open: int
    compliance_percent: float | None
    median_first_response: dt.timedelta | None


@dataclass(frozen=True)
class Review:
    """Escalations raised in [since, until). Count dicts are keyed by display label (client name for
    clients), most frequent first (severity: most severe first), zero counts left out."""

    since: dt.datetime
    until: dt.datetime
    total: int
    by_category: dict[str, int]
    by_client: dict[str, int]
    by_severity: dict[str, int]
    recurring: dict[str, list[tuple[str, int]]]
    median_to_acknowledge: dt.timedelta | None
    median_to_resolve: dt.timedelta | None
    response_sla: ResponseSla
    satisfaction: satisfaction.Summary


def review(since: dt.datetime, until: dt.datetime) -> Review:
    """The review of the period [since, until), in five queries whatever the number of rows."""
    raised = Escalation.objects.filter(raised_at__gte=since, raised_at__lt=until)
    groups = (
        raised.order_by().values("project__client__name", "category", "severity").annotate(count=Count("id"))
    )
    by_category, by_client, by_severity = Counter(), Counter(), Counter()
    per_client_category = defaultdict(Counter)
    for group in groups:
        client, category = group["project__client__name"], Category(group["category"]).label
        by_category[category] += group["count"]
        by_client[client] += group["count"]
        by_severity[group["severity"]] += group["count"]
        per_client_category[client][category] += group["count"]

    timings = raised.filter(Q(acknowledged_at__isnull=False) | Q(resolved_at__isnull=False)).values_list(
        "raised_at", "acknowledged_at", "resolved_at"
    )
    to_acknowledge, to_resolve = [], []
    for raised_at, acknowledged_at, resolved_at in timings:
        if acknowledged_at is not None:
            to_acknowledge.append(acknowledged_at - raised_at)
        if resolved_at is not None:
            to_resolve.append(resolved_at - raised_at)

    return Review(
        since=since,
        until=until,
        total=sum(by_client.values()),
        by_category=most_frequent_first(by_category),
        by_client=most_frequent_first(by_client),
        by_severity={
            severity.label: by_severity[severity.value]
            for severity in reversed(Severity)
            if by_severity[severity.value]
        },
        recurring=recurring(per_client_category),
        median_to_acknowledge=median(to_acknowledge),
        median_to_resolve=median(to_resolve),
        response_sla=response_sla(since, until),
        satisfaction=satisfaction.summary(since, until),
    )


def response_sla(since: dt.datetime, until: dt.datetime) -> ResponseSla:
    """Client mail received in [since, until) that had a response deadline. Mail still unanswered
    is breached once its deadline is before `until`, and open otherwise."""
    received = Message.objects.filter(
        direction=Message.Direction.IN,
        respond_by__isnull=False,
        created_at__gte=since,
        created_at__lt=until,
    )
    unanswered = Q(responded_at__isnull=True)
    counts = received.aggregate(
        met=Count("id", filter=Q(responded_at__lte=F("respond_by"))),
        breached=Count(
            "id", filter=Q(responded_at__gt=F("respond_by")) | (unanswered & Q(respond_by__lt=until))
        ),
        open=Count("id", filter=unanswered & Q(respond_by__gte=until)),
    )
    first_responses = [
        responded_at - created_at
        for created_at, responded_at in received.filter(responded_at__isnull=False).values_list(
            "created_at", "responded_at"
        )
    ]
    measured = counts["met"] + counts["breached"]
    return ResponseSla(
        met=counts["met"],
        breached=counts["breached"],
        open=counts["open"],
        compliance_percent=100 * counts["met"] / measured if measured else None,
        median_first_response=median(first_responses),
    )


def recurring(per_client_category: dict[str, Counter]) -> dict[str, list[tuple[str, int]]]:
    """Per client (by name), the categories raised at least RECURS_AT times, most frequent first."""
    found = {}
    for client, categories in sorted(per_client_category.items()):
        repeated = [
            (category, count)
            for category, count in most_frequent_first(categories).items()
            if count >= RECURS_AT
        ]
        if repeated:
            found[client] = repeated
    return found


def most_frequent_first(counts: Counter) -> dict[str, int]:
    """Non-zero counts, largest first; ties in alphabetical order so the report reads the same each run."""
    return {
        label: count for label, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])) if count
    }


def median(durations: list[dt.timedelta]) -> dt.timedelta | None:
    return statistics.median(durations) if durations else None


# --- The report as plain text (the command prints it; admin shows it) ---


def report_lines(result: Review) -> list[str]:
    lines = [
        f"Escalation review: {result.since.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC "
        f"to {result.until.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC",
        "",
    ]
    if not result.total:
        lines.append("No escalations were raised in this period.")
    else:
        lines.append(f"{result.total} escalation{'s' if result.total != 1 else ''} raised.")
        for heading, counts in (
            ("By category", result.by_category),
            ("By client", result.by_client),
            ("By severity", result.by_severity),
        ):
            lines += ["", heading, *table(counts)]
        lines += ["", "Recurring (a category raised 2 or more times for one client)"]
        if result.recurring:
            lines += [
                f"  ** {client}: " + ", ".join(f"{category} ×{count}" for category, count in categories)
                for client, categories in result.recurring.items()
            ]
        else:
            lines.append("  None.")
        lines += [
            "",
            f"Median time to acknowledge: {duration(result.median_to_acknowledge, 'none acknowledged')}",
            f"Median time to resolve: {duration(result.median_to_resolve, 'none resolved')}",
        ]
    sla = result.response_sla
    compliance = f" ({percent(sla.compliance_percent)})" if sla.compliance_percent is not None else ""
    lines += [
        "",
        f"Response SLA: {sla.met} met, {sla.breached} breached{compliance}, {sla.open} open; "
        f"median first response {duration(sla.median_first_response, 'no responses')}",
    ]
    return lines + satisfaction_lines(result.satisfaction)


def satisfaction_lines(summary: satisfaction.Summary) -> list[str]:
    """Scores 1–5 asked for in the period; the trend is against the period of the same length before."""
    lines = ["", f"Client satisfaction: {scores(summary.overall)}"]
    for heading, groups in (("By client", summary.by_client), ("By phase", summary.by_phase)):
        if groups:
            width = max(len(label) for label in groups)
            lines += [
                "",
                heading,
                *(f"  {label:<{width}}  {scores(group)}" for label, group in groups.items()),
            ]
    return lines


def scores(group: satisfaction.Scores) -> str:
    if not group.asked:
        return "nobody was asked"
    rate = f"{group.answered} of {group.asked} answered ({group.response_percent}%)"
    if group.mean is None:
        return rate
    trend = f", {group.trend} from {group.previous_mean:g}" if group.trend else ""
    return f"mean {group.mean:g}/5{trend}; {rate}"


def table(counts: dict[str, int]) -> list[str]:
    width = max(len(label) for label in counts)
    return [f"  {label:<{width}}  {count:>4}" for label, count in counts.items()]


def duration(span: dt.timedelta | None, missing: str) -> str:
    """'2 h 15 min', '45 min', '3 d 4 h 05 min', to the nearest minute."""
    if span is None:
        return f"n/a ({missing})"
    minutes = round(span.total_seconds() / 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h {minutes:02d} min"
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min"


def percent(value: float) -> str:
    """Rounded down to a tenth, so one breach never reads as 100%."""
    tenths = math.floor(value * 10 + 1e-9) / 10
    return f"{tenths:g}%"
