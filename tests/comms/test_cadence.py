from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comms.cadence import day_n_after, every_n_days, release_time, weekly
from comms.clock import BusinessClock

WEEKDAYS = frozenset(range(5))
LONDON = BusinessClock("Europe/London", WEEKDAYS, time(9), time(17), "GB", "ENG")
SYDNEY = BusinessClock("Australia/Sydney", WEEKDAYS, time(9), time(17), "AU", "NSW")
NEW_YORK = BusinessClock("America/New_York", WEEKDAYS, time(9), time(17), "US", "NY")
SAO_PAULO = BusinessClock("America/Sao_Paulo", WEEKDAYS, time(8), time(18), "BR")


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo("Europe/London"))


def sydney(*args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo("Australia/Sydney"))


# Update cadence


def test_weekly_update_keeps_its_local_hour_across_the_clocks_going_forward():
    wednesday = london(2024, 3, 27, 10)
    result = weekly(wednesday, LONDON, business_days_only=False)
    assert result == london(2024, 4, 3, 10)
    assert result - wednesday == timedelta(days=7, hours=-1)


def test_calendar_cadence_landing_on_a_weekend_waits_for_monday_opening():
    wednesday = london(2024, 6, 12, 15)
    assert every_n_days(wednesday, 3, LONDON, business_days_only=False) == london(2024, 6, 17, 9)


def test_calendar_cadence_landing_after_hours_waits_for_next_opening():
    late = london(2024, 6, 12, 16, 30)
    # Same wall time is open; the day after a weekday at 18:00 is not.
    assert every_n_days(late, 1, LONDON, business_days_only=False) == london(2024, 6, 13, 16, 30)
    evening = london(2024, 6, 12, 18)
    assert every_n_days(evening, 1, LONDON, business_days_only=False) == london(2024, 6, 14, 9)


def test_business_day_cadence_skips_the_weekend():
    thursday = london(2024, 6, 13, 11)
    assert every_n_days(thursday, 2, LONDON, business_days_only=True) == london(2024, 6, 17, 11)


def test_daily_qa_note_skips_the_easter_weekend():
    thursday = london(2024, 3, 28, 16)
    assert every_n_days(thursday, 1, LONDON, business_days_only=True) == london(2024, 4, 2, 16)


def test_weekly_on_business_days_is_five_business_days_later():
    wednesday = london(2024, 6, 12, 11)
    assert weekly(wednesday, LONDON, business_days_only=True) == london(2024, 6, 19, 11)
    # The May bank holiday pushes it a day.
    assert weekly(london(2024, 5, 1, 11), LONDON, business_days_only=True) == london(2024, 5, 9, 11)


def test_cadence_is_refused_below_one_day():
    with pytest.raises(ValueError, match="at least 1"):
        every_n_days(london(2024, 6, 12, 11), 0, LONDON, business_days_only=False)


# Post-launch check-ins


def test_day_seven_check_in_is_at_opening_on_the_seventh_day():
    launch = london(2024, 6, 11, 15)
    assert day_n_after(launch, 7, LONDON) == london(2024, 6, 18, 9)


def test_day_seven_check_in_falling_on_easter_monday_moves_to_tuesday():
    launch = london(2024, 3, 25, 15)
    assert day_n_after(launch, 7, LONDON) == london(2024, 4, 2, 9)


def test_day_thirty_check_in_on_a_sunday_before_a_holiday_moves_to_tuesday():
    launch = sydney(2024, 5, 10, 12)
    # 9 June 2024 is a Sunday and 10 June the King's Birthday holiday in New South Wales.
    assert day_n_after(launch, 30, SYDNEY) == sydney(2024, 6, 11, 9)


def test_day_n_counts_from_the_launch_date_in_the_clocks_time_zone():
    # 22:00 UTC on Monday is already Tuesday in Sydney.
    launch = datetime(2024, 6, 10, 22, tzinfo=UTC)
    assert day_n_after(launch, 7, SYDNEY) == sydney(2024, 6, 18, 9)


def test_check_in_is_refused_below_day_one():
    with pytest.raises(ValueError, match="at least 1"):
        day_n_after(london(2024, 6, 12, 11), 0, LONDON)


# When messages may go out


def test_urgent_message_goes_out_at_once_even_at_night():
    saturday_night = sydney(2024, 6, 15, 3)
    result = release_time(saturday_night, SYDNEY, urgent=True)
    assert result == saturday_night
    assert result.tzinfo is UTC


def test_routine_message_waits_for_the_clients_next_opening():
    friday_evening_in_london = london(2024, 6, 14, 18)
    assert release_time(friday_evening_in_london, SYDNEY, urgent=False) == sydney(2024, 6, 17, 9)


def test_routine_message_inside_client_hours_goes_out_at_once():
    instant = sydney(2024, 6, 12, 11)
    assert release_time(instant, SYDNEY, urgent=False) == instant


@pytest.mark.parametrize(
    "call",
    [
        lambda naive: every_n_days(naive, 2, LONDON, business_days_only=False),
        lambda naive: every_n_days(naive, 2, LONDON, business_days_only=True),
        lambda naive: weekly(naive, LONDON, business_days_only=False),
        lambda naive: day_n_after(naive, 7, LONDON),
        lambda naive: release_time(naive, LONDON, urgent=True),
        lambda naive: release_time(naive, LONDON, urgent=False),
    ],
)
def test_naive_datetime_is_refused(call):
    with pytest.raises(ValueError, match="must be timezone-aware"):
        call(datetime(2024, 6, 12, 10))


# Properties over random instants in 2020–2035

instants = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(UTC)
)
clocks = st.sampled_from([LONDON, SYDNEY, NEW_YORK, SAO_PAULO])


@settings(max_examples=200, deadline=None)
@given(instants, st.integers(1, 31), clocks, st.booleans())
def test_every_n_days_is_open_and_after_last(last, n, clock, business_days_only):
    due = every_n_days(last, n, clock, business_days_only=business_days_only)
    assert clock.is_open(due)
    assert due > last
    assert due.tzinfo is UTC


@settings(max_examples=200, deadline=None)
@given(instants, st.integers(1, 60), clocks)
def test_check_in_is_at_an_opening_on_or_after_day_n(start, n, clock):
    due = day_n_after(start, n, clock)
    assert clock.is_open(due)
    assert clock.local(due).time() == clock.opens
    assert clock.local(due).date() >= clock.local(start).date() + timedelta(days=n)
