import time as stopwatch
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comms import clock as clock_module
from comms.clock import BusinessClock

WEEKDAYS = frozenset(range(5))
LONDON = BusinessClock("Europe/London", WEEKDAYS, time(9), time(17), "GB", "ENG")
NEW_YORK = BusinessClock("America/New_York", WEEKDAYS, time(9), time(17), "US", "NY")
SYDNEY = BusinessClock("Australia/Sydney", WEEKDAYS, time(9), time(17), "AU", "NSW")
AUCKLAND = BusinessClock("Pacific/Auckland", WEEKDAYS, time(8, 30), time(17, 30), "NZ")
KOLKATA = BusinessClock("Asia/Kolkata", frozenset(range(6)), time(9, 30), time(18))
# Chile moves its clocks at midnight, so this clock's opening falls into a DST gap once a year.
SANTIAGO_MIDNIGHT = BusinessClock("America/Santiago", frozenset(range(7)), time(0), time(12))
# Open nearly round the clock, so wall times inside London's DST gap and fold are business hours.
LONDON_ALL_DAY = BusinessClock("Europe/London", frozenset(range(7)), time(0), time(23, 59))
CLOCKS = [LONDON, NEW_YORK, SYDNEY, AUCKLAND, KOLKATA, SANTIAGO_MIDNIGHT, LONDON_ALL_DAY]


def local(zone: str, *args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone), fold=fold)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def at_close(clock: BusinessClock, instant: datetime) -> bool:
    return not clock.is_open(instant) and clock.is_open(instant - timedelta(microseconds=1))


# Business hours


def test_three_hours_from_1400_ends_at_close_not_next_morning():
    result = LONDON.add_business_hours(local("Europe/London", 2024, 6, 12, 14), timedelta(hours=3))
    assert result == local("Europe/London", 2024, 6, 12, 17)


def test_four_hours_from_1400_ends_at_1000_next_business_day():
    friday = local("Europe/London", 2024, 6, 14, 14)
    result = LONDON.add_business_hours(friday, timedelta(hours=4))
    assert result == local("Europe/London", 2024, 6, 17, 10)


def test_results_are_returned_in_utc():
    result = LONDON.add_business_hours(local("Europe/London", 2024, 6, 12, 14), timedelta(hours=1))
    assert result.tzinfo is UTC
    assert result == utc(2024, 6, 12, 14)


def test_adding_zero_to_an_open_instant_returns_it_unchanged():
    instant = local("Europe/London", 2024, 6, 12, 10, 17, 3, 5)
    assert LONDON.add_business_hours(instant, timedelta(0)) == instant


def test_adding_zero_after_hours_gives_the_next_opening():
    evening = local("Europe/London", 2024, 6, 12, 20)
    result = LONDON.add_business_hours(evening, timedelta(0))
    assert result == local("Europe/London", 2024, 6, 13, 9)


def test_adding_zero_exactly_at_close_stays_at_close():
    close = local("Europe/London", 2024, 6, 12, 17)
    assert LONDON.add_business_hours(close, timedelta(0)) == close


def test_adding_from_exactly_at_close_continues_next_morning():
    close = local("Europe/London", 2024, 6, 12, 17)
    result = LONDON.add_business_hours(close, timedelta(minutes=30))
    assert result == local("Europe/London", 2024, 6, 13, 9, 30)


def test_mail_arriving_on_saturday_starts_the_clock_at_monday_opening():
    saturday = local("Europe/London", 2024, 6, 15, 11)
    result = LONDON.add_business_hours(saturday, timedelta(hours=3))
    assert result == local("Europe/London", 2024, 6, 17, 12)


def test_five_hundred_business_hours_skip_whole_days_quickly():
    clock = BusinessClock("UTC", WEEKDAYS, time(9), time(17))
    started = stopwatch.perf_counter()
    result = clock.add_business_hours(utc(2024, 1, 1, 9), timedelta(hours=500))
    elapsed = stopwatch.perf_counter() - started
    # 500 h is 62 whole eight-hour days (12 weeks and two days) and four hours more.
    assert result == utc(2024, 3, 27, 13)
    assert elapsed < 0.5


def test_easter_monday_is_skipped_in_london():
    thursday = local("Europe/London", 2024, 3, 28, 16)
    result = LONDON.add_business_hours(thursday, timedelta(hours=2))
    # Good Friday, the weekend (and the clocks going forward) and Easter Monday are all skipped.
    assert result == local("Europe/London", 2024, 4, 2, 10)
    assert result == utc(2024, 4, 2, 9)
    assert LONDON.holiday_name(date(2024, 4, 1)) == "Easter Monday"


def test_new_years_day_skipped_across_year_end():
    new_years_eve = local("Europe/London", 2024, 12, 31, 16)
    result = LONDON.add_business_hours(new_years_eve, timedelta(hours=2))
    assert result == local("Europe/London", 2025, 1, 2, 10)
    assert LONDON.skipped_days(new_years_eve, result) == [(date(2025, 1, 1), "New Year's Day")]


def test_london_business_hours_across_october_dst_end():
    friday = local("Europe/London", 2024, 10, 25, 16)
    result = LONDON.add_business_hours(friday, timedelta(hours=2))
    assert result == local("Europe/London", 2024, 10, 28, 10)
    assert result - friday == timedelta(hours=67)


def test_new_york_business_hours_across_march_dst_start():
    friday = local("America/New_York", 2024, 3, 8, 15)
    result = NEW_YORK.add_business_hours(friday, timedelta(hours=3))
    assert result == utc(2024, 3, 11, 14)
    assert NEW_YORK.local(result).hour == 10


def test_sydney_adding_business_hours_across_april_dst_end():
    friday = local("Australia/Sydney", 2024, 4, 5, 16)
    result = SYDNEY.add_business_hours(friday, timedelta(hours=2))
    assert result == utc(2024, 4, 8, 0)
    assert SYDNEY.local(result) == local("Australia/Sydney", 2024, 4, 8, 10)


def test_a_business_day_spanning_a_dst_change_counts_real_elapsed_time():
    saturday = local("Europe/London", 2024, 3, 30, 23)
    # Midnight to 23:59 on the day the clocks go forward is one hour shorter.
    result = LONDON_ALL_DAY.add_business_hours(saturday, timedelta(hours=24))
    assert result == local("Europe/London", 2024, 4, 1, 0, 2)


def test_negative_hours_are_refused():
    with pytest.raises(ValueError, match="negative"):
        LONDON.add_business_hours(utc(2024, 6, 12, 10), timedelta(hours=-1))


# Business days


def test_friday_call_is_confirmed_by_monday_same_local_time():
    friday = local("Europe/London", 2024, 6, 14, 11)
    assert LONDON.add_business_days(friday, 1) == local("Europe/London", 2024, 6, 17, 11)


def test_friday_call_before_a_monday_bank_holiday_is_confirmed_tuesday():
    friday = local("Europe/London", 2024, 5, 3, 11)
    assert LONDON.add_business_days(friday, 1) == local("Europe/London", 2024, 5, 7, 11)


def test_saturday_call_counts_from_monday_opening():
    saturday = local("Europe/London", 2024, 6, 15, 10)
    assert LONDON.add_business_days(saturday, 1) == local("Europe/London", 2024, 6, 18, 9)


def test_business_day_keeps_local_time_across_london_october_dst_end():
    friday = local("Europe/London", 2024, 10, 25, 11)
    result = LONDON.add_business_days(friday, 1)
    assert result == utc(2024, 10, 28, 11)
    assert result - friday == timedelta(hours=73)


def test_sydney_business_day_across_october_dst_start_and_labour_day():
    friday = local("Australia/Sydney", 2024, 10, 4, 11)
    result = SYDNEY.add_business_days(friday, 1)
    assert result == local("Australia/Sydney", 2024, 10, 8, 11)
    assert result == utc(2024, 10, 8, 0)
    assert SYDNEY.skipped_days(friday, result) == [
        (date(2024, 10, 5), "Saturday"),
        (date(2024, 10, 6), "Sunday"),
        (date(2024, 10, 7), "Labor Day"),
    ]


def test_wall_time_in_the_spring_gap_moves_to_the_first_valid_instant():
    saturday = local("Europe/London", 2024, 3, 30, 1, 30)
    result = LONDON_ALL_DAY.add_business_days(saturday, 1)
    assert result == utc(2024, 3, 31, 1)
    assert LONDON_ALL_DAY.local(result).time() == time(2)


def test_wall_time_in_the_autumn_fold_takes_the_first_occurrence():
    saturday = local("Europe/London", 2024, 10, 26, 1, 30)
    assert LONDON_ALL_DAY.add_business_days(saturday, 1) == utc(2024, 10, 27, 0, 30)


def test_second_occurrence_of_a_folded_hour_keeps_its_wall_time_next_day():
    second = local("Europe/London", 2024, 10, 27, 1, 30, fold=1)
    # Equality across zones is always False for a folded time (PEP 495), so compare in UTC.
    assert second.astimezone(UTC) == utc(2024, 10, 27, 1, 30)
    assert LONDON_ALL_DAY.add_business_days(second, 1) == utc(2024, 10, 28, 1, 30)


def test_zero_business_days_is_the_next_opening():
    saturday = local("Europe/London", 2024, 6, 15, 10)
    assert LONDON.add_business_days(saturday, 0) == local("Europe/London", 2024, 6, 17, 9)


def test_negative_business_days_are_refused():
    with pytest.raises(ValueError, match="negative"):
        LONDON.add_business_days(utc(2024, 6, 12, 10), -1)


# Opening hours


def test_opening_is_inclusive_and_closing_exclusive():
    assert LONDON.is_open(local("Europe/London", 2024, 6, 12, 9))
    assert LONDON.is_open(local("Europe/London", 2024, 6, 12, 16, 59, 59, 999999))
    assert not LONDON.is_open(local("Europe/London", 2024, 6, 12, 17))
    assert not LONDON.is_open(local("Europe/London", 2024, 6, 12, 8, 59, 59))


def test_closed_all_day_on_weekends_and_public_holidays():
    assert not LONDON.is_open(local("Europe/London", 2024, 6, 15, 12))
    assert not LONDON.is_open(local("Europe/London", 2024, 12, 25, 12))
    assert not LONDON.is_business_day(date(2024, 12, 25))
    assert LONDON.is_business_day(date(2024, 12, 24))


def test_next_opening_after_friday_close_is_monday_morning():
    friday_evening = local("America/New_York", 2024, 6, 14, 18)
    assert NEW_YORK.next_opening(friday_evening) == local("America/New_York", 2024, 6, 17, 9)


def test_next_opening_of_an_open_instant_is_itself():
    instant = local("Australia/Sydney", 2024, 6, 12, 12, 34)
    assert SYDNEY.next_opening(instant) == instant


def test_opening_at_midnight_skipped_by_dst_moves_to_first_valid_instant():
    saturday_afternoon = local("America/Santiago", 2024, 9, 7, 13)
    result = SANTIAGO_MIDNIGHT.next_opening(saturday_afternoon)
    assert result == utc(2024, 9, 8, 4)
    assert SANTIAGO_MIDNIGHT.local(result).time() == time(1)


def test_close_of_business_day_is_today_during_hours():
    morning = local("Europe/London", 2024, 6, 12, 10)
    assert LONDON.close_of_business_day(morning) == local("Europe/London", 2024, 6, 12, 17)


def test_close_of_business_day_after_hours_is_the_next_business_day():
    friday_evening = local("Europe/London", 2024, 6, 14, 17)
    assert LONDON.close_of_business_day(friday_evening) == local("Europe/London", 2024, 6, 17, 17)


def test_close_of_business_day_on_a_holiday_is_the_next_business_day():
    christmas = local("Europe/London", 2024, 12, 25, 11)
    assert LONDON.close_of_business_day(christmas) == local("Europe/London", 2024, 12, 27, 17)


# Explaining deadlines


def test_skipped_days_name_the_weekend_and_the_holiday():
    thursday = local("Europe/London", 2024, 3, 28, 16)
    tuesday = local("Europe/London", 2024, 4, 2, 10)
    assert LONDON.skipped_days(thursday, tuesday) == [
        (date(2024, 3, 29), "Good Friday"),
        (date(2024, 3, 30), "Saturday"),
        (date(2024, 3, 31), "Sunday"),
        (date(2024, 4, 1), "Easter Monday"),
    ]


def test_skipped_days_use_the_clocks_local_dates():
    # 23:30 UTC on Thursday is already Friday in Sydney, so only the weekend lies between.
    thursday_utc = utc(2024, 6, 13, 23, 30)
    assert SYDNEY.skipped_days(thursday_utc, local("Australia/Sydney", 2024, 6, 17, 9)) == [
        (date(2024, 6, 15), "Saturday"),
        (date(2024, 6, 16), "Sunday"),
    ]


def test_no_days_are_skipped_between_neighbouring_days_or_backwards():
    monday = local("Europe/London", 2024, 6, 17, 9)
    assert LONDON.skipped_days(monday, monday + timedelta(days=1)) == []
    assert LONDON.skipped_days(monday, monday - timedelta(days=5)) == []


def test_holiday_name_is_none_on_ordinary_days_and_without_a_holiday_country():
    assert LONDON.holiday_name(date(2024, 6, 12)) is None
    assert KOLKATA.holiday_name(date(2024, 12, 25)) is None


def test_local_shows_the_instant_in_the_clocks_time_zone():
    shown = SYDNEY.local(utc(2024, 1, 15, 0))
    assert shown.utcoffset() == timedelta(hours=11)
    assert (shown.date(), shown.time()) == (date(2024, 1, 15), time(11))


def test_local_date_is_the_day_on_the_clocks_own_calendar_not_in_utc():
    monday_night_in_new_york = local("America/New_York", 2026, 3, 9, 21)  # Tuesday 01:00 UTC
    assert NEW_YORK.local_date(monday_night_in_new_york) == date(2026, 3, 9)
    monday_afternoon_in_utc = utc(2026, 3, 9, 14)  # Tuesday 01:00 in Sydney
    assert SYDNEY.local_date(monday_afternoon_in_utc) == date(2026, 3, 10)


def test_local_date_changes_at_local_midnight_across_a_dst_change():
    # London's clocks went back on Sun 27 Oct 2024: midnight there was 23:00 UTC the day before.
    assert LONDON.local_date(utc(2024, 10, 26, 22, 59)) == date(2024, 10, 26)
    assert LONDON.local_date(utc(2024, 10, 26, 23, 0)) == date(2024, 10, 27)
    assert LONDON.local_date(utc(2024, 10, 27, 23, 59)) == date(2024, 10, 27)
    assert LONDON.local_date(utc(2024, 10, 28, 0, 0)) == date(2024, 10, 28)


# Business time between two instants


def test_business_time_between_counts_only_opening_hours():
    monday_four_pm = local("Europe/London", 2026, 3, 9, 16)
    tuesday_ten_am = local("Europe/London", 2026, 3, 10, 10)
    assert LONDON.business_time_between(monday_four_pm, tuesday_ten_am) == timedelta(hours=2)


def test_business_time_between_skips_weekends_and_public_holidays():
    thursday_before_easter = local("Europe/London", 2024, 3, 28, 16)  # Good Friday and Easter Monday follow
    tuesday_after_easter = local("Europe/London", 2024, 4, 2, 9, 30)
    assert LONDON.business_time_between(thursday_before_easter, tuesday_after_easter) == timedelta(
        hours=1, minutes=30
    )


def test_business_time_between_two_closed_instants_is_zero_or_whole_days():
    assert LONDON.business_time_between(
        local("Europe/London", 2026, 3, 9, 18), local("Europe/London", 2026, 3, 10, 8)
    ) == timedelta(0)
    friday_close, monday_close = (
        local("Europe/London", 2026, 3, 13, 17),
        local("Europe/London", 2026, 3, 16, 17),
    )
    assert LONDON.business_time_between(friday_close, monday_close) == timedelta(hours=8)


def test_business_time_between_an_instant_and_itself_is_zero():
    instant = local("Europe/London", 2026, 3, 9, 11)
    assert LONDON.business_time_between(instant, instant) == timedelta(0)


def test_business_time_between_runs_through_midnight_on_a_clock_open_at_night():
    before_midnight = local("Europe/London", 2024, 6, 12, 23)
    after_midnight = local("Europe/London", 2024, 6, 13, 1)
    # Open until 23:59, then again from 00:00: the minute before midnight is closed.
    assert LONDON_ALL_DAY.business_time_between(before_midnight, after_midnight) == timedelta(
        hours=1, minutes=59
    )


def test_business_time_between_across_midnight_utc_uses_the_clocks_own_days():
    sydney_monday_four_pm = utc(2026, 3, 9, 5)  # Mon 16:00 in Sydney (AEDT)
    sydney_tuesday_ten_am = utc(2026, 3, 9, 23)  # Tue 10:00 in Sydney, still Monday in UTC
    assert SYDNEY.business_time_between(sydney_monday_four_pm, sydney_tuesday_ten_am) == timedelta(hours=2)


def test_business_time_between_across_a_dst_change_counts_real_elapsed_time():
    # London's clocks went forward at 01:00 on Sun 31 Mar 2024, so that day had 23 hours.
    saturday_noon = local("Europe/London", 2024, 3, 30, 12)
    sunday_noon = local("Europe/London", 2024, 3, 31, 12)
    assert LONDON_ALL_DAY.business_time_between(saturday_noon, sunday_noon) == timedelta(hours=22, minutes=59)
    # Office hours on either side of the autumn change are whole 8-hour days.
    friday_four_pm = local("Europe/London", 2024, 10, 25, 16)
    monday_ten_am = local("Europe/London", 2024, 10, 28, 10)
    assert LONDON.business_time_between(friday_four_pm, monday_ten_am) == timedelta(hours=2)


def test_business_time_between_a_day_whose_opening_falls_in_a_dst_gap():
    # Chile moved its clocks from 00:00 to 01:00 on Sun 8 Sep 2024: that day opened at 01:00.
    saturday_six_am = local("America/Santiago", 2024, 9, 7, 6)
    sunday_six_am = local("America/Santiago", 2024, 9, 8, 6)
    assert SANTIAGO_MIDNIGHT.business_time_between(saturday_six_am, sunday_six_am) == timedelta(hours=11)


def test_business_time_between_refuses_an_end_before_its_start():
    with pytest.raises(ValueError, match="end must not be before start"):
        LONDON.business_time_between(utc(2026, 3, 10, 10), utc(2026, 3, 9, 10))


# Refusals and validation


@pytest.mark.parametrize(
    "call",
    [
        lambda instant: LONDON.is_open(instant),
        lambda instant: LONDON.next_opening(instant),
        lambda instant: LONDON.close_of_business_day(instant),
        lambda instant: LONDON.add_business_hours(instant, timedelta(hours=1)),
        lambda instant: LONDON.add_business_days(instant, 1),
        lambda instant: LONDON.skipped_days(instant, utc(2024, 7, 1)),
        lambda instant: LONDON.skipped_days(utc(2024, 1, 1), instant),
        lambda instant: LONDON.local(instant),
        lambda instant: LONDON.local_date(instant),
        lambda instant: LONDON.business_time_between(instant, utc(2024, 7, 1)),
        lambda instant: LONDON.business_time_between(utc(2024, 1, 1), instant),
    ],
)
def test_naive_datetime_is_refused(call):
    with pytest.raises(ValueError, match="must be timezone-aware"):
        call(datetime(2024, 6, 12, 10))


def test_a_datetime_is_refused_where_a_date_is_meant():
    with pytest.raises(TypeError, match="pass a date"):
        LONDON.is_business_day(utc(2024, 6, 12, 10))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"timezone": "Mars/Olympus_Mons"}, "unknown time zone"),
        ({"timezone": ""}, "unknown time zone"),
        ({"workdays": frozenset()}, "at least one day"),
        ({"workdays": frozenset({7})}, "0 \\(Monday\\) to 6"),
        ({"closes": time(9)}, "closes must be after opens"),
        ({"closes": time(8)}, "closes must be after opens"),
        ({"opens": time(9, tzinfo=UTC)}, "no tzinfo"),
        ({"holiday_country": "XX"}, "unknown holiday country 'XX'"),
        ({"holiday_subdivision": "XYZ"}, "unknown holiday subdivision 'XYZ'"),
        ({"holiday_country": "", "holiday_subdivision": "NSW"}, "needs a holiday_country"),
    ],
)
def test_invalid_calendar_is_refused_with_a_clear_message(changes, message):
    fields = {
        "timezone": "Europe/London",
        "workdays": WEEKDAYS,
        "opens": time(9),
        "closes": time(17),
        "holiday_country": "GB",
        "holiday_subdivision": "ENG",
    }
    with pytest.raises(ValueError, match=message):
        BusinessClock(**(fields | changes))


def test_workdays_given_as_a_list_are_accepted():
    clock = BusinessClock("Europe/London", [0, 1, 2, 3, 4], time(9), time(17))
    assert clock.workdays == WEEKDAYS
    assert hash(clock) == hash(BusinessClock("Europe/London", WEEKDAYS, time(9), time(17)))


def test_a_calendar_that_never_opens_is_reported_not_searched_forever(monkeypatch):
    class EveryDay(dict):
        def get(self, day, default=None):
            return "Company shutdown"

    monkeypatch.setattr(clock_module, "_public_holidays", lambda *year: EveryDay())
    with pytest.raises(ValueError, match="no business day"):
        LONDON.next_opening(utc(2024, 6, 12))


# Properties over random instants in 2020–2035


@st.composite
def clocks_and_instants(draw):
    clock = draw(st.sampled_from(CLOCKS))
    day = draw(st.dates(date(2020, 1, 1), date(2035, 12, 31)))
    wall = draw(st.one_of(st.sampled_from([clock.opens, clock.closes, time(0)]), st.times()))
    fold = draw(st.integers(0, 1))
    return clock, datetime.combine(day, wall, tzinfo=ZoneInfo(clock.timezone)).replace(fold=fold)


amounts = st.one_of(
    st.sampled_from([timedelta(0), timedelta(hours=1), timedelta(hours=3), timedelta(hours=8)]),
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=400)),
)
properties = settings(max_examples=200, deadline=None)


@properties
@given(clocks_and_instants(), amounts)
def test_business_hours_always_end_open_or_exactly_at_close(clock_and_instant, hours):
    clock, instant = clock_and_instant
    result = clock.add_business_hours(instant, hours)
    assert clock.is_open(result) or at_close(clock, result)
    assert result >= instant
    assert result.tzinfo is UTC


@properties
@given(clocks_and_instants(), amounts, amounts)
def test_adding_more_business_hours_never_ends_earlier(clock_and_instant, a, b):
    clock, instant = clock_and_instant
    smaller, larger = sorted([a, b])
    assert clock.add_business_hours(instant, smaller) <= clock.add_business_hours(instant, larger)


@properties
@given(clocks_and_instants(), amounts, amounts)
def test_adding_in_two_steps_equals_adding_the_sum(clock_and_instant, a, b):
    clock, instant = clock_and_instant
    in_two_steps = clock.add_business_hours(clock.add_business_hours(instant, a), b)
    assert in_two_steps == clock.add_business_hours(instant, a + b)


@properties
@given(clocks_and_instants())
def test_next_opening_is_open_idempotent_and_never_earlier(clock_and_instant):
    clock, instant = clock_and_instant
    opening = clock.next_opening(instant)
    assert clock.is_open(opening)
    assert opening >= instant
    assert clock.next_opening(opening) == opening
    assert clock.close_of_business_day(instant) > opening


@properties
@given(clocks_and_instants(), st.integers(1, 30))
def test_business_days_end_later_on_a_business_day(clock_and_instant, days):
    clock, instant = clock_and_instant
    result = clock.add_business_days(instant, days)
    assert result > instant
    assert clock.is_business_day(clock.local(result).date())
    start_day = clock.local(clock.next_opening(instant)).date()
    assert len(clock.skipped_days(clock.next_opening(instant), result)) == (
        (clock.local(result).date() - start_day).days - days
    )


@properties
@given(clocks_and_instants(), amounts)
def test_business_time_between_undoes_adding_business_hours(clock_and_instant, hours):
    clock, instant = clock_and_instant
    assert clock.business_time_between(instant, clock.add_business_hours(instant, hours)) == hours


@properties
@given(clocks_and_instants(), amounts, amounts)
def test_business_time_between_adds_up_over_consecutive_spans(clock_and_instant, a, b):
    clock, start = clock_and_instant
    middle, end = start + a, start + a + b
    assert clock.business_time_between(start, middle) + clock.business_time_between(
        middle, end
    ) == clock.business_time_between(start, end)
