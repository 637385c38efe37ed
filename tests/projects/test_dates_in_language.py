"""A time a client reads names its city in their language ("09:00 Kalkutta"), as its day does
("Mo. 9. März"); English keeps the house's own words, which the team's pages use too."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from projects.dates import city, spelled


@pytest.mark.parametrize(
    ("language", "zone", "named"),
    [
        ("en-gb", "Asia/Kolkata", "Kolkata"),
        ("en-gb", "America/Sao_Paulo", "Sao Paulo"),
        ("de", "Asia/Kolkata", "Kalkutta"),
        ("de", "Asia/Riyadh", "Riad"),
        ("fr", "Europe/London", "Londres"),
        ("es", "America/New_York", "Nueva York"),
        ("es", "Australia/Sydney", "Sídney"),
    ],
)
def test_a_zone_is_named_by_its_city_in_the_readers_language(language, zone, named):
    with translation.override(language):
        assert city(ZoneInfo(zone)) == named


def test_a_zone_the_cldr_does_not_name_keeps_its_own_name():
    with translation.override("de"):
        assert city("Etc/GMT+5") == "GMT+5"


def test_a_day_is_spelled_in_the_readers_language():
    monday = dt.date(2026, 3, 9)
    with translation.override("de"):
        assert spelled(monday) == "Mo. 9. März"
    with translation.override("fr"):
        assert spelled(monday) == "lun. 9 mars"
    with translation.override("en-gb"):
        assert spelled(monday) == "Mon 9 Mar"
