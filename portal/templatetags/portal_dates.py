"""`{{ date|day }}` ("Mon 9 Mar") and `{{ date|day_year }}` ("Mon 9 Mar 2026"): the days the portal
shows, an instant on the page's zone's calendar (the client's, set by the portal's decorator).

Django's `date` filter reads the locale's format and translations for every value it writes, which
was most of a long project page's time; these spell the same words out once, as `projects.when` does."""

from django import template

from projects.when import MONTHS, WEEKDAYS

register = template.Library()


# expects_localtime: an aware datetime arrives already on the page's zone's wall clock.
@register.filter(expects_localtime=True)
def day(value):
    if not value:
        return ""
    return f"{WEEKDAYS[value.weekday()]} {value.day} {MONTHS[value.month - 1]}"


@register.filter(expects_localtime=True)
def day_year(value):
    if not value:
        return ""
    return f"{day(value)} {value.year}"
