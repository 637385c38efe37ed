"""When the next thing is due: the next update by cadence, the post-launch check-ins, and when a
message may go out, all measured on a business clock."""

from __future__ import annotations

import datetime as dt

from comms.clock import BusinessClock, to_utc


def every_n_days(last: dt.datetime, n: int, clock: BusinessClock, *, business_days_only: bool) -> dt.datetime:
    """The next update after `last`: n business days on, or n calendar days on at the same local
    time, moved to the next opening if that falls outside business hours."""
    _require_at_least_one(n)
    if business_days_only:
        return clock.add_business_days(last, n)
    local = clock.local(last)
    # Calendar days, not n * 24 hours: across a DST change the update keeps its local hour.
    return clock.next_opening(clock.at(local.date() + dt.timedelta(days=n), local.time()))


def weekly(last: dt.datetime, clock: BusinessClock, *, business_days_only: bool) -> dt.datetime:
    n = 5 if business_days_only else 7
    return every_n_days(last, n, clock, business_days_only=business_days_only)


def day_n_after(start: dt.datetime, n: int, clock: BusinessClock) -> dt.datetime:
    """The opening of the n-th calendar day after `start` (local date), or of the next business
    day if that one is not: the day-7 and day-30 post-launch check-ins."""
    _require_at_least_one(n)
    day = clock.local(start).date() + dt.timedelta(days=n)
    return clock.next_opening(clock.at(day, clock.opens))


def release_time(instant: dt.datetime, clock: BusinessClock, *, urgent: bool) -> dt.datetime:
    """When a message may go out to the client: urgent traffic ignores quiet hours, routine mail
    waits for the client's next opening."""
    if urgent:
        return to_utc(instant)
    return clock.next_opening(instant)


def _require_at_least_one(n: int) -> None:
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
