"""`{{ date|day }}` ("Mon 9 Mar", "Mo. 9. März"), `{{ date|day_year }}` ("Mon 9 Mar 2026") and
`{{ instant|moment }}` ("Mon 9 Mar 20:00 Sydney"): the days and times the portal shows, in the page's
language, an instant on the page's zone's calendar (the client's, set by the portal's decorator).

Django's `date` filter reads the locale's format and translations for every value it writes, which
was most of a long project page's time; these look a language's names and order up once."""

from functools import cache

from babel import Locale
from django import template
from django.utils import timezone, translation
from django.utils.translation import pgettext

from projects.when import MONTHS, WEEKDAYS, zone_label

register = template.Library()


@cache
def calendar_words(language):
    """(weekday names, month names, a day's order, a day-and-year's order) in `language`. English
    names are the house's own (as `projects.when` writes them for the team); the others are the
    Unicode CLDR's abbreviations, which Babel carries; the order is the translation catalogue's."""
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
    weekdays, months, order, order_with_year = calendar_words(translation.get_language())
    return (order_with_year if with_year else order).format(
        weekday=weekdays[value.weekday()], day=value.day, month=months[value.month - 1], year=value.year
    )


# expects_localtime: an aware datetime arrives already on the page's zone's wall clock.
@register.filter(expects_localtime=True)
def day(value):
    return spelled(value) if value else ""


@register.filter(expects_localtime=True)
def day_year(value):
    return spelled(value, with_year=True) if value else ""


@register.filter(expects_localtime=True)
def moment(value):
    """A day, its wall-clock time and the zone's city, the portal's `when`."""
    if not value:
        return ""
    return f"{spelled(value)} {value:%H:%M} {zone_label(timezone.get_current_timezone())}"
