"""A day named in the active language ("Mon 9 Mar", "Mo. 9. März", "lun. 9 mars"): the words of the
portal's pages and of the mail a client reads. English names are the house's own (as
`projects.when` writes them for the team); the others are the Unicode CLDR's abbreviations, which
Babel carries; the order is the translation catalogue's."""

from functools import cache

from babel import Locale
from django.utils import translation
from django.utils.translation import pgettext

from projects.when import MONTHS, WEEKDAYS


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
