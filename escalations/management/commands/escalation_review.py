"""`manage.py escalation_review --since YYYY-MM-DD [--until YYYY-MM-DD]`: the periodic review of
escalations and client-mail response times, as a plain-text report."""

import datetime as dt
import math

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from escalations.review import Review, review


class Command(BaseCommand):
    help = "Print the escalation review for a period: counts, recurring categories per client, medians, response SLA."

    def add_arguments(self, parser):
        parser.add_argument(
            "--since", required=True, help="First day of the period (YYYY-MM-DD, from 00:00 UTC)."
        )
        parser.add_argument(
            "--until", help="End of the period, not included (YYYY-MM-DD, 00:00 UTC); default: now."
        )

    def handle(self, *args, since, until=None, **options):
        start = parse_day(since, "--since")
        end = parse_day(until, "--until") if until else timezone.now()
        if start >= end:
            raise CommandError(
                f"--since ({start:%Y-%m-%d %H:%M} UTC) must be before --until ({end:%Y-%m-%d %H:%M} UTC)."
            )
        self.stdout.write("\n".join(report_lines(review(start, end))))


def parse_day(text, option):
    try:
        day = dt.datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        raise CommandError(
            f"{option} must be a date such as 2026-03-01 (YYYY-MM-DD), not “{text}”."
        ) from None
    return day.replace(tzinfo=dt.UTC)


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
    return lines


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
