"""When each obligation to a client falls due, and why, in words: the rules of PRODUCT.md as pure
functions of business clocks and the instant of the event that started them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from comms.cadence import day_n_after, every_n_days
from comms.clock import BusinessClock, to_utc
from projects.when import wall_clock, when

# The product's defaults; an admin may change them in the organisation settings, which the
# callers read once per pass and hand in.
REVIEW_WINDOW = dt.timedelta(hours=4)  # business hours the owner has to edit a draft
CHECKIN_DAYS = (7, 30)  # after launch
FOLD_WITHIN_BUSINESS_DAYS = 3
LATE_GRACE_BUSINESS_DAYS = 1  # "late" becomes "overdue" one business day after the due instant
MAX_PREPARE_DAYS = 14  # longer than any run of team holidays
ROUTINE_RESPONSE = dt.timedelta(hours=3)
URGENT_RESPONSE = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Due:
    at: dt.datetime
    explanation: str


def within_one_business_day(
    event_at: dt.datetime, event: str, team: BusinessClock, shown: BusinessClock
) -> Due:
    """The team's own "within 24 hours" (kickoff summary, decision confirmation): one business day
    on the team's calendar, i.e. the same local time on the next business day, so a Friday call is
    confirmed by Monday."""
    at = team.add_business_days(event_at, 1)
    return Due(at, explain(at, f"one business day after the {event} on", event_at, team, shown))


def cadence_update(
    last: dt.datetime, interval_days: int, business_days_only: bool, client: BusinessClock
) -> Due:
    """Next update by the phase cadence, on the client's calendar so it lands inside their hours."""
    at = every_n_days(last, interval_days, client, business_days_only=business_days_only)
    unit = "business day" if business_days_only else "day"
    unit = unit if interval_days == 1 else f"{unit}s"
    # Calendar days run through weekends; only days the due instant was pushed past are named.
    nominal = None if business_days_only else client.local(last).date() + dt.timedelta(days=interval_days)
    rule = f"{interval_days} {unit} after the last update on"
    return Due(at, explain(at, rule, last, client, client, pushed_from=nominal))


def delivery_final_week(target_launch_on: dt.date, client: BusinessClock) -> Due:
    """The delivery checklist goes out daily in the final week before the target launch: the
    first is owed at the client's opening seven days before it."""
    day = target_launch_on - dt.timedelta(days=7)
    at = client.next_opening(client.at(day, dt.time(0)))
    return Due(
        at,
        f"due {zoned(at, client)}: the first business hour of the final week "
        f"before the target launch on {target_launch_on:%a %d %b}",
    )


def folds_into_checkin(owed_at: dt.datetime, launched_at: dt.datetime, client: BusinessClock) -> bool:
    """A support-cadence check-in within a few business days of the day-7 or day-30 check-in is
    folded into it: the client hears from us once, not twice in a week."""
    for day in CHECKIN_DAYS:
        checkin_at = checkin(launched_at, day, client).at
        earlier, later = sorted((owed_at, checkin_at))
        if client.add_business_days(earlier, FOLD_WITHIN_BUSINESS_DAYS) >= later:
            return True
    return False


def phase_notice(changed_at: dt.datetime, client: BusinessClock) -> Due:
    """A phase change is announced at once, inside the client's business hours."""
    at = client.next_opening(changed_at)
    return Due(
        at,
        explain(at, "the client's first business hour after the phase change on", changed_at, client, client),
    )


def checkin(launched_at: dt.datetime, day: int, client: BusinessClock) -> Due:
    """Post-launch check-ins: the client's opening on day N after launch (next business day if not one)."""
    at = day_n_after(launched_at, day, client)
    nominal = client.local(launched_at).date() + dt.timedelta(days=day)
    return Due(
        at, explain(at, f"day {day} after the launch on", launched_at, client, client, pushed_from=nominal)
    )


def quiet_client(last_heard: dt.datetime, business_days: int, client: BusinessClock) -> Due:
    """A client silent for N business days (their calendar) is nudged."""
    at = client.add_business_days(last_heard, business_days)
    plural = "s" if business_days != 1 else ""
    return Due(
        at,
        explain(
            at,
            f"{business_days} business day{plural} of silence since the client wrote on",
            last_heard,
            client,
            client,
        ),
    )


def review_window_ends(
    drafted_at: dt.datetime, team: BusinessClock, shown: BusinessClock, window: dt.timedelta = REVIEW_WINDOW
) -> Due:
    """The owner's review window: 4 business hours (by default) on the team's calendar after the draft."""
    at = team.add_business_hours(drafted_at, window)
    rule = f"{duration(window, 'business hour')} for review after the draft of"
    return Due(at, explain(at, rule, drafted_at, team, shown))


def overdue_after(
    due_at: dt.datetime, team: BusinessClock, shown: BusinessClock, grace_days: int = LATE_GRACE_BUSINESS_DAYS
) -> Due:
    """A missed obligation turns from late to overdue one business day (by default) after it was due."""
    at = team.add_business_days(due_at, grace_days)
    days = "one business day" if grace_days == 1 else f"{grace_days} business days"
    return Due(at, explain(at, f"{days} of grace after it was due on", due_at, team, shown))


def morning_digest(after: dt.datetime, team: BusinessClock) -> Due:
    """The owner's digest goes out at the opening of their next business day."""
    local = team.local(after)
    candidate = team.next_opening(team.at(local.date(), team.opens))
    if candidate <= to_utc(after):
        candidate = team.next_opening(team.at(local.date() + dt.timedelta(days=1), team.opens))
    return Due(candidate, explain(candidate, "the start of the next business day after", after, team, team))


def end_of_today(now: dt.datetime, team: BusinessClock) -> dt.datetime:
    """What the digest means by "due today": until today's close on the team's calendar, even for
    a digest that runs late, at or after that close (not the next business day's close)."""
    return team.at(team.local_date(now), team.closes)


def response_due(
    received_at: dt.datetime,
    team: BusinessClock,
    *,
    urgent: bool,
    routine: dt.timedelta = ROUTINE_RESPONSE,
    urgent_within: dt.timedelta = URGENT_RESPONSE,
) -> tuple[Due, dt.datetime]:
    """Client email is answered within 3 business hours (1 when urgent) by default, on the team's
    calendar, and never later than the close of that business day; mail outside hours starts the
    clock at the next opening. Returns the deadline and the 80% reminder instant."""
    start = team.next_opening(received_at)
    allowed = urgent_within if urgent else routine
    at = min(team.add_business_hours(start, allowed), team.close_of_business_day(start))
    # Both ends lie in the same business window, so wall time between them is business time.
    reminder = start + (at - start) * 4 / 5
    hours = duration(allowed, "business hour")
    return Due(
        at, explain(at, f"{hours} (capped at close of business) after the email of", received_at, team, team)
    ), reminder


def escalation_target(
    raised_at: dt.datetime, amount: int, unit: str, team: BusinessClock, shown: BusinessClock
) -> Due:
    """An escalation's acknowledge or resolve target: wall-clock hours (critical: day and night),
    business hours or business days on the team's calendar."""
    if unit == "hours":
        at = to_utc(raised_at) + dt.timedelta(hours=amount)
        rule = f"{amount} hours, day and night, after"
    elif unit == "business_hours":
        at = team.add_business_hours(raised_at, dt.timedelta(hours=amount))
        rule = f"{amount} business hours after"
    else:
        at = team.add_business_days(raised_at, amount)
        rule = f"{amount} business days after"
    return Due(at, explain(at, rule, raised_at, team, shown))


def resolve_target_after_pause(
    target: dt.datetime,
    paused_at: dt.datetime,
    resumed_at: dt.datetime,
    unit: str,
    team: BusinessClock,
    shown: BusinessClock,
) -> Due:
    """A resolve target after waiting on the client moves by the time the wait took on the clock
    the target is counted on: business time on the team's calendar, or day and night for a
    wall-clock (critical) target."""
    waited = f"spent waiting on the client ({stamp(paused_at, shown)} to {stamp(resumed_at, shown)})"
    if unit == "hours":
        pause = to_utc(resumed_at) - to_utc(paused_at)
        at = to_utc(target) + pause
        rule = f"{duration(pause, 'hour')}, day and night, {waited} added to the resolve target of"
        return Due(at, f"due {zoned(at, shown)}: {rule} {stamp(target, shown)}")
    pause = team.business_time_between(paused_at, resumed_at)
    at = team.add_business_hours(target, pause)
    rule = f"{duration(pause, 'business hour')} {waited} added to the resolve target of"
    return Due(at, explain(at, rule, target, team, shown))


def prepare_ahead(
    owed_at: dt.datetime, team: BusinessClock, window: dt.timedelta = REVIEW_WINDOW
) -> dt.datetime:
    """When to draft something owed to the client at `owed_at` so that the owner's review window
    (team calendar) ends by then: whole days back, the latest that fits. A Sydney client's Monday
    morning is a London Sunday night, so its draft is made on the Friday before."""
    for days_back in range(1, MAX_PREPARE_DAYS + 1):
        drafted = owed_at - dt.timedelta(days=days_back)
        if team.add_business_hours(drafted, window) <= owed_at:
            return drafted
    return owed_at - dt.timedelta(days=MAX_PREPARE_DAYS)


def explain(
    due: dt.datetime,
    rule: str,
    basis: dt.datetime,
    measured_on: BusinessClock,
    shown: BusinessClock,
    *,
    pushed_from: dt.date | None = None,
) -> str:
    """'due Tue 11 Mar 11:00 Sydney: one business day after the call on Fri 7 Mar 11:00, skipping the
    weekend and Monday's public holiday (Labour Day)'. For a rule in calendar days, only the days
    from `pushed_from` (the day it would have fallen on) to the due day are named."""
    start = basis
    if pushed_from is not None:
        start = measured_on.at(pushed_from - dt.timedelta(days=1), measured_on.opens)
    skipped = describe_skipped(measured_on.skipped_days(start, due))
    return f"due {zoned(due, shown)}: {rule} {stamp(basis, shown)}{skipped}"


def duration(span: dt.timedelta, hour: str) -> str:
    """'2 business hours', '8 hours 30 minutes': whole minutes, hours named by `hour`."""
    hours, minutes = divmod(int(span.total_seconds() // 60), 60)
    parts = [f"{hours} {hour}{'' if hours == 1 else 's'}"] if hours or not minutes else []
    if minutes:
        parts.append(f"{minutes} minute{'' if minutes == 1 else 's'}")
    return " ".join(parts)


def stamp(instant: dt.datetime, clock: BusinessClock) -> str:
    return wall_clock(instant, clock.timezone)


def zoned(instant: dt.datetime, clock: BusinessClock) -> str:
    return when(instant, clock.timezone)


def describe_skipped(days: list[tuple[dt.date, str]]) -> str:
    weekday_names = {"Saturday", "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday"}
    days_off = [day for day, reason in days if reason in weekday_names]
    holidays = [(day, reason) for day, reason in days if reason not in weekday_names]
    parts = []
    if days_off:
        weekends = sum(1 for day in days_off if day.weekday() == 5)
        if all(day.weekday() >= 5 for day in days_off) and len(days_off) == 2 * weekends:
            parts.append("the weekend" if weekends == 1 else f"{weekends} weekends")
        else:
            parts.append("1 day off" if len(days_off) == 1 else f"{len(days_off)} days off")
    for day, name in holidays:
        parts.append(f"{day:%A}'s public holiday ({name})")
    if not parts:
        return ""
    return ", skipping " + (
        " and ".join(parts) if len(parts) <= 2 else ", ".join(parts[:-1]) + " and " + parts[-1]
    )
