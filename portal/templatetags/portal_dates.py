"""`{{ date|day }}` ("Mon 9 Mar", "Mo. 9. März"), `{{ date|day_year }}` ("Mon 9 Mar 2026") and
`{{ instant|moment }}` ("Mon 9 Mar 20:00 Sydney"): the days and times the portal shows, in the page's
language, an instant on the page's zone's calendar (the client's, set by the portal's decorator).

Django's `date` filter reads the locale's format and translations for every value it writes, which
was most of a long project page's time; `projects.dates` looks a language's names and order up once."""

from django import template
from django.utils import timezone

from projects import dates
from projects.dates import spelled

register = template.Library()


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
    return dates.moment(value, timezone.get_current_timezone()) if value else ""
