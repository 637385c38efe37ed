"""A day named in the active language ("Mon 9 Mar", "Mo. 9. März", "lun. 9 mars"): the words of the
portal's pages and of the mail a client reads. English names are the house's own (as
`projects.when` writes them for the team); the others are the Unicode CLDR's abbreviations, which
Babel carries; the order is the translation catalogue's."""

from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import get_timezone, get_timezone_location
from django.utils import translation
from django.utils.translation import pgettext

from projects.when import MONTHS, WEEKDAYS, zone_label


@cache
def calendar_words(language):
    """(weekday names, month names, a day's order, a day-and-year's order) in `language`."""
    with translation.override(language):
        order = pgettext("a day on the portal", "{weekday} {day} {month}")
        order_with_year = pgettext("a day on the portal", "{weekday} {day} {month} {year}")
    if language.split("-")[0] == "en":
        return WEEKDAYS, MONTHS, order, order_with_year
    names = Locale.parse(language, sep="-")
    weekdays = tuple(names.days["format"]["abbreviated"][number] for number in range(7))
    months = tuple(names.months["format"]["abbreviated"][number] for number in range(1, 13))
    return weekdays, months, order, order_with_year


def spelled(value, *, with_year=False):
    """`value` (a date, or a datetime on the reader's wall clock) in the active language."""
    weekdays, months, order, order_with_year = calendar_words(translation.get_language() or "en")
    return (order_with_year if with_year else order).format(
        weekday=weekdays[value.weekday()], day=value.day, month=months[value.month - 1], year=value.year
    )


def moment(instant, zone=None):
    """'Mo. 9. März 20:00 Sydney': `instant` on the wall clock of `zone` (else the one it carries),
    with the zone's city, in the active language; in English exactly `projects.when.when`."""
    if instant.tzinfo is None:
        raise ValueError(f"{instant} has no time zone, so the wall-clock time it means is unknown.")
    if zone is not None:
        zone = ZoneInfo(zone) if isinstance(zone, str) else zone
        instant = instant.astimezone(zone)
    return f"{spelled(instant)} {instant:%H:%M} {city(instant.tzinfo)}"


def city(zone):
    """The city that names `zone` beside a time, in the active language ("Kalkutta", "Londres");
    in English the house's own, from the zone's name, as the team's pages write it."""
    return _city(
        zone_label(zone), getattr(zone, "key", None) or str(zone), translation.get_language() or "en"
    )


@cache
def _city(english, name, language):
    if language.split("-")[0] == "en":
        return english
    try:
        return get_timezone_location(
            get_timezone(name), locale=Locale.parse(language, sep="-"), return_city=True
        )
    except LookupError:  # a zone the CLDR does not know: its own name, as in English
        return english
