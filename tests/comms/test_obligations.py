"""The rules of when things fall due, and the words that explain them (pure, no database)."""

import datetime as dt
from zoneinfo import ZoneInfo

from comms import obligations
from comms.clock import BusinessClock

LONDON_TEAM = BusinessClock("Europe/London", frozenset(range(5)), dt.time(9), dt.time(17), "GB", "ENG")
SYDNEY = BusinessClock("Australia/Sydney", frozenset(range(5)), dt.time(8, 30), dt.time(17), "AU", "NSW")
LONDON = ZoneInfo("Europe/London")
SYD = ZoneInfo("Australia/Sydney")


def at(zone, *args):
    return dt.datetime(*args, tzinfo=zone)


def test_decision_made_friday_afternoon_is_due_monday_same_time():
    due = obligations.within_one_business_day(at(LONDON, 2026, 3, 6, 15, 0), "call", LONDON_TEAM, LONDON_TEAM)
    assert due.at == at(LONDON, 2026, 3, 9, 15, 0)
    assert due.explanation == (
        "due Mon 9 Mar 15:00 London: one business day after the call on Fri 6 Mar 15:00, skipping the weekend"
    )


def test_friday_call_before_easter_monday_is_due_tuesday_and_says_why():
    due = obligations.within_one_business_day(at(LONDON, 2026, 4, 2, 11, 0), "call", LONDON_TEAM, LONDON_TEAM)
    assert due.at == at(LONDON, 2026, 4, 7, 11, 0)
    assert "Friday's public holiday (Good Friday)" in due.explanation
    assert "Monday's public holiday (Easter Monday)" in due.explanation
    assert "the weekend" in due.explanation


def test_team_deadline_is_explained_in_the_clients_local_time():
    due = obligations.within_one_business_day(at(LONDON, 2026, 3, 6, 15, 0), "call", LONDON_TEAM, SYDNEY)
    # Monday 15:00 in London is Tuesday 02:00 in Sydney (AEDT, UTC+11).
    assert due.explanation.startswith("due Tue 10 Mar 02:00 Sydney:")


def test_phase_notice_waits_for_the_clients_morning():
    # Changed at 10:00 London on a Tuesday = 21:00 in Sydney: the notice waits for 08:30 Wednesday.
    due = obligations.phase_notice(at(LONDON, 2026, 3, 10, 10, 0), SYDNEY)
    assert due.at == at(SYD, 2026, 3, 11, 8, 30)


def test_checkins_fall_on_day_7_and_day_30_at_the_clients_opening_moved_past_holidays():
    launch = at(SYD, 2026, 3, 27, 16, 0)  # Friday
    day_7 = obligations.checkin(launch, 7, SYDNEY)
    # Day 7 is Good Friday: the weekend and Easter Monday follow, so Tuesday.
    assert day_7.at == at(SYD, 2026, 4, 7, 8, 30)
    assert day_7.explanation == (
        "due Tue 7 Apr 08:30 Sydney: day 7 after the launch on Fri 27 Mar 16:00, skipping the weekend, "
        "Friday's public holiday (Good Friday) and Monday's public holiday (Easter Monday)"
    )
    # Day 30 is Sunday 26 April; Anzac Day fell on the Saturday and NSW observes it on Monday.
    day_30 = obligations.checkin(launch, 30, SYDNEY)
    assert day_30.at == at(SYD, 2026, 4, 28, 8, 30)
    assert day_30.explanation.endswith(
        "skipping 1 day off and Monday's public holiday (ANZAC Day (observed))"
    )


def test_cadence_update_in_sydney_keeps_its_local_hour_across_the_april_dst_end():
    last = at(SYD, 2026, 4, 1, 10, 0)  # AEDT; DST ends Sunday 5 April
    due = obligations.cadence_update(last, 7, False, SYDNEY)
    assert due.at == at(SYD, 2026, 4, 8, 10, 0)
    assert due.at.astimezone(SYD).utcoffset() == dt.timedelta(hours=10)  # AEST now, was AEDT
    assert due.explanation == "due Wed 8 Apr 10:00 Sydney: 7 days after the last update on Wed 1 Apr 10:00"


def test_quiet_client_counts_business_days_on_the_clients_calendar():
    due = obligations.quiet_client(at(SYD, 2026, 4, 2, 9, 0), 2, SYDNEY)  # Thu before Good Friday
    # Good Friday, the weekend and Easter Monday are skipped: Thursday + 2 business days = Wednesday.
    assert due.at == at(SYD, 2026, 4, 8, 9, 0)


def test_review_window_is_four_business_hours_and_runs_into_the_next_day():
    due = obligations.review_window_ends(at(LONDON, 2026, 3, 10, 15, 0), LONDON_TEAM, LONDON_TEAM)
    assert due.at == at(LONDON, 2026, 3, 11, 11, 0)


def test_morning_digest_is_at_the_next_opening_never_the_current_instant():
    assert obligations.morning_digest(at(LONDON, 2026, 3, 10, 7, 0), LONDON_TEAM).at == at(
        LONDON, 2026, 3, 10, 9, 0
    )
    assert obligations.morning_digest(at(LONDON, 2026, 3, 10, 9, 0), LONDON_TEAM).at == at(
        LONDON, 2026, 3, 11, 9, 0
    )
    assert obligations.morning_digest(at(LONDON, 2026, 3, 13, 18, 0), LONDON_TEAM).at == at(
        LONDON, 2026, 3, 16, 9, 0
    )


def test_end_of_today_is_todays_close_even_at_or_after_it():
    for now in (
        at(LONDON, 2026, 3, 10, 9, 0),
        at(LONDON, 2026, 3, 10, 17, 0),
        at(LONDON, 2026, 3, 10, 23, 30),
    ):
        assert obligations.end_of_today(now, LONDON_TEAM) == at(LONDON, 2026, 3, 10, 17, 0)


def test_end_of_today_is_on_the_teams_date_not_utcs():
    # Tuesday 08:00 in Sydney is still Monday 21:00 in UTC.
    assert obligations.end_of_today(at(SYD, 2026, 3, 10, 8, 0), SYDNEY) == at(SYD, 2026, 3, 10, 17, 0)


def test_a_business_time_resolve_target_moves_by_the_business_time_spent_waiting():
    due = obligations.resolve_target_after_pause(
        at(LONDON, 2026, 3, 13, 16, 0),
        at(LONDON, 2026, 3, 9, 16, 0),
        at(LONDON, 2026, 3, 10, 10, 30),
        "business_days",
        LONDON_TEAM,
        LONDON_TEAM,
    )
    assert due.at == at(LONDON, 2026, 3, 16, 10, 30)  # 2 h 30 min on from Friday 16:00
    assert due.explanation == (
        "due Mon 16 Mar 10:30 London: 2 business hours 30 minutes spent waiting on the client "
        "(Mon 9 Mar 16:00 to Tue 10 Mar 10:30) added to the resolve target of Fri 13 Mar 16:00, "
        "skipping the weekend"
    )


def test_a_wall_clock_resolve_target_moves_by_the_whole_time_spent_waiting():
    due = obligations.resolve_target_after_pause(
        at(LONDON, 2026, 3, 13, 16, 0),
        at(LONDON, 2026, 3, 9, 16, 0),
        at(LONDON, 2026, 3, 10, 10, 30),
        "hours",
        LONDON_TEAM,
        LONDON_TEAM,
    )
    assert due.at == at(LONDON, 2026, 3, 14, 10, 30)
    assert due.explanation.startswith("due Sat 14 Mar 10:30 London: 18 hours 30 minutes, day and night,")
