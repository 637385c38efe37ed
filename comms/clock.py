"""The business clock: one calendar's time zone, workdays, opening hours and public holidays, and
the business-time arithmetic every deadline measured on that calendar is built from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

UTC = dt.UTC  # the same object as datetime.timezone.utc
ONE_DAY = dt.timedelta(days=1)
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Public holidays never cover a whole year, so walking this far without a business day means the
# calendar can never open and a search for the next opening would otherwise never end.
MAX_DAYS_WITHOUT_BUSINESS = 366


def to_utc(value: dt.datetime, name: str = "instant") -> dt.datetime:
    """`value` in UTC; a naive datetime is refused because it names no instant."""
    if not isinstance(value, dt.datetime):
        raise TypeError(f"{name} must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    return value.astimezone(UTC)


@lru_cache(maxsize=512)
def _public_holidays(country: str, subdivision: str, year: int) -> dict[dt.date, str]:
    # Building a year of holidays is slow next to a dict lookup, and clocks are rebuilt per request.
    return dict(holidays.country_holidays(country, subdiv=subdivision or None, years=year))


@dataclass(frozen=True, slots=True)
class BusinessClock:
    """Opening hours in a time zone on workdays that are not public holidays."""

    timezone: str
    workdays: frozenset[int]
    opens: dt.time
    closes: dt.time
    holiday_country: str = ""
    holiday_subdivision: str = ""

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            raise ValueError(f"unknown time zone {self.timezone!r}") from None
        # Stored schedules arrive as lists; a frozenset keeps the clock hashable and comparable.
        object.__setattr__(self, "workdays", frozenset(self.workdays))
        if not self.workdays:
            raise ValueError("workdays must name at least one day")
        if not self.workdays <= frozenset(range(7)):
            raise ValueError("workdays are numbered 0 (Monday) to 6 (Sunday)")
        if self.opens.tzinfo is not None or self.closes.tzinfo is not None:
            raise ValueError("opens and closes are local wall times and take no tzinfo")
        if self.closes <= self.opens:
            raise ValueError("closes must be after opens on the same day")
        self._check_holiday_calendar()

    def _check_holiday_calendar(self) -> None:
        if not self.holiday_country:
            if self.holiday_subdivision:
                raise ValueError("holiday_subdivision needs a holiday_country")
            return
        try:
            holidays.country_holidays(self.holiday_country)
        except NotImplementedError:
            raise ValueError(f"unknown holiday country {self.holiday_country!r}") from None
        try:
            holidays.country_holidays(self.holiday_country, subdiv=self.holiday_subdivision or None)
        except NotImplementedError:
            raise ValueError(
                f"unknown holiday subdivision {self.holiday_subdivision!r} for {self.holiday_country!r}"
            ) from None

    @property
    def _zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)  # ZoneInfo keeps one instance per key, so this is a lookup

    def local(self, instant: dt.datetime) -> dt.datetime:
        """The instant in the clock's time zone, for display."""
        return to_utc(instant).astimezone(self._zone)

    def local_date(self, instant: dt.datetime) -> dt.date:
        """The date it is on this calendar at the instant: what "today" means to whoever lives by
        it, which is not the date in UTC (Monday 21:00 in New York is already Tuesday there)."""
        return self._local_date(to_utc(instant))

    def at(self, day: dt.date, wall: dt.time) -> dt.datetime:
        """The instant a local wall time happens on a date: in a DST gap the first valid instant
        after it, in a DST fold the first occurrence."""
        local = dt.datetime.combine(day, wall.replace(tzinfo=None, fold=0), tzinfo=self._zone)
        instant = local.astimezone(UTC)
        if instant.astimezone(self._zone).replace(tzinfo=None) == local.replace(tzinfo=None):
            return instant
        # A wall time in a gap maps after the change with fold=0 and before it with fold=1;
        # the change itself, the first valid instant, lies between.
        before, after = local.replace(fold=1).astimezone(UTC), instant
        while after - before > dt.timedelta(microseconds=1):
            middle = before + (after - before) // 2
            if self._offset(middle) == self._offset(after):
                after = middle
            else:
                before = middle
        return after

    def holiday_name(self, day: dt.date) -> str | None:
        _require_date(day)
        if not self.holiday_country:
            return None
        return _public_holidays(self.holiday_country, self.holiday_subdivision, day.year).get(day)

    def is_business_day(self, day: dt.date) -> bool:
        return self._why_closed(day) is None

    def is_open(self, instant: dt.datetime) -> bool:
        instant = to_utc(instant)
        day = self._local_date(instant)
        if not self.is_business_day(day):
            return False
        opening, closing = self._hours(day)
        return opening <= instant < closing

    def next_opening(self, instant: dt.datetime) -> dt.datetime:
        """The instant itself if open, else the next moment the clock opens."""
        instant = to_utc(instant)
        return max(instant, self._current_or_next_window(instant)[0])

    def close_of_business_day(self, instant: dt.datetime) -> dt.datetime:
        """The close of the business day the instant is in, or of the next one if it is closed."""
        return self._current_or_next_window(to_utc(instant))[1]

    def add_business_hours(self, instant: dt.datetime, hours: dt.timedelta) -> dt.datetime:
        """Business time after the instant (counted from the next opening if closed); a result
        that uses up a day exactly is that day's close, not the next opening."""
        instant = to_utc(instant)
        if hours < dt.timedelta(0):
            raise ValueError("hours must not be negative")
        remaining = hours
        for opening, closing in self._windows_from(self._local_date(instant)):
            # An instant exactly at a close still belongs to that day, so adding zero leaves a
            # result at a close where it is and add(add(x, a), b) == add(x, a + b) holds.
            if instant > closing:
                continue
            start = max(instant, opening)
            if remaining <= closing - start:
                return start + remaining
            remaining -= closing - start
        raise AssertionError("_windows_from never runs out")

    def business_time_between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """How much business time passes from start to end: the inverse of `add_business_hours`,
        so add_business_hours(start, business_time_between(start, end)) is end when end is open."""
        start, end = to_utc(start, "start"), to_utc(end, "end")
        if end < start:
            raise ValueError("end must not be before start")
        total = dt.timedelta(0)
        for opening, closing in self._windows_from(self._local_date(start)):
            if opening >= end:
                return total
            total += max(dt.timedelta(0), min(closing, end) - max(opening, start))
        raise AssertionError("_windows_from never runs out")

    def add_business_days(self, instant: dt.datetime, days: int) -> dt.datetime:
        """The same local wall time on the `days`-th following business day, counted from the next
        opening if the instant is closed: a Friday 11:00 promise is due Monday 11:00."""
        if days < 0:
            raise ValueError("days must not be negative")
        start = self.local(self.next_opening(instant))
        day = start.date()
        following = self._business_days_from(day + ONE_DAY)
        for _ in range(days):
            day = next(following)
        return self.at(day, start.time())

    def skipped_days(self, start: dt.datetime, end: dt.datetime) -> list[tuple[dt.date, str]]:
        """Days strictly between the local dates of start and end that are not business days,
        each with why: the weekday name for a day off, else the holiday's name."""
        first = self._local_date(to_utc(start, "start")) + ONE_DAY
        last = self._local_date(to_utc(end, "end"))
        between = (first + ONE_DAY * i for i in range((last - first).days))
        return [(day, reason) for day in between if (reason := self._why_closed(day))]

    def _why_closed(self, day: dt.date) -> str | None:
        _require_date(day)
        if day.weekday() not in self.workdays:
            return WEEKDAY_NAMES[day.weekday()]
        return self.holiday_name(day)

    def _offset(self, instant: dt.datetime) -> dt.timedelta | None:
        return instant.astimezone(self._zone).utcoffset()

    def _local_date(self, instant: dt.datetime) -> dt.date:
        return instant.astimezone(self._zone).date()

    def _hours(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        return self.at(day, self.opens), self.at(day, self.closes)

    def _business_days_from(self, day: dt.date) -> Iterator[dt.date]:
        idle = 0
        while idle < MAX_DAYS_WITHOUT_BUSINESS:
            if self.is_business_day(day):
                idle = 0
                yield day
            else:
                idle += 1
            day += ONE_DAY
        raise ValueError(f"{self} has no business day in the year before {day}")

    def _windows_from(self, day: dt.date) -> Iterator[tuple[dt.datetime, dt.datetime]]:
        # Opening and closing inside the same DST gap leave that day without business time.
        hours = (self._hours(d) for d in self._business_days_from(day))
        return ((opening, closing) for opening, closing in hours if opening < closing)

    def _current_or_next_window(self, instant: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
        return next(w for w in self._windows_from(self._local_date(instant)) if instant < w[1])


def _require_date(day: dt.date) -> None:
    # A datetime is a date subclass, but its date is in its own time zone, not the clock's.
    if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
        raise TypeError("pass a date; for an instant use clock.local_date(instant)")
