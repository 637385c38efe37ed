"""`{{ instant|when }}`: an instant as people read it everywhere ("Tue 24 Nov 09:00 London", in
German "Di. 24. Nov. 09:00 London"), in the zone the page is in (the team's on the dashboard, the
client's on the portal) or in the zone given, in the page's language."""

from django import template
from django.utils import timezone

from projects.dates import moment

register = template.Library()


@register.filter(name="when")
def when(instant, zone=None):
    if not instant:
        return ""
    return moment(instant, zone or timezone.get_current_timezone())
