"""One way to write an instant: wall-clock time in a zone, with the zone's city beside it."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from projects.when import when, zone_label


@pytest.mark.parametrize(
    ("zone", "label"),
    [
        ("Europe/London", "London"),
        ("America/New_York", "New York"),
        ("America/Argentina/Buenos_Aires", "Buenos Aires"),
        ("UTC", "UTC"),
    ],
)
def test_a_zone_is_labelled_by_its_city(zone, label):
    assert zone_label(zone) == label


def test_an_instant_reads_as_weekday_day_month_time_and_city():
    instant = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
    assert when(instant, "Europe/London") == "Tue 24 Nov 09:00 London"
    assert when(instant, ZoneInfo("America/New_York")) == "Tue 24 Nov 04:00 New York"


def test_the_same_format_holds_either_side_of_the_clocks_going_back():
    # London leaves summer time at 02:00 BST on Sunday 25 October 2026.
    with time_machine.travel(dt.datetime(2026, 10, 24, 8, 0, tzinfo=dt.UTC), tick=False):
        before = when(timezone.now(), "Europe/London")
    with time_machine.travel(dt.datetime(2026, 10, 26, 8, 0, tzinfo=dt.UTC), tick=False):
        after = when(timezone.now(), "Europe/London")
    assert before == "Sat 24 Oct 09:00 London"
    assert after == "Mon 26 Oct 08:00 London"


def test_the_same_format_holds_either_side_of_new_york_springing_forward():
    # New York moves to daylight time at 02:00 on Sunday 8 March 2026.
    with time_machine.travel(dt.datetime(2026, 3, 7, 15, 30, tzinfo=dt.UTC), tick=False):
        before = when(timezone.now(), "America/New_York")
    with time_machine.travel(dt.datetime(2026, 3, 9, 15, 30, tzinfo=dt.UTC), tick=False):
        after = when(timezone.now(), "America/New_York")
    assert before == "Sat 7 Mar 10:30 New York"
    assert after == "Mon 9 Mar 11:30 New York"


def test_an_instant_without_a_zone_is_refused():
    with pytest.raises(ValueError, match="zone"):
        when(dt.datetime(2026, 11, 24, 9, 0), "Europe/London")
