"""Failed sign-ins and API token attempts, as django-axes counts them: what is counted together, and
what someone locked out is told (the sign-in page, or a JSON body for the API)."""

import datetime as dt
from zoneinfo import ZoneInfo

from axes.helpers import get_client_username, get_cool_off
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone

from projects.models import BusinessCalendar


def lockout_parameters(request, credentials):
    """A sign-in counts against its username and its address, each on its own; an API token names
    no user, so it counts against its address alone (counting it under an empty username would
    add every address's wrong tokens together and lock the whole API out)."""
    if get_client_username(request, credentials):
        return ["username", "ip_address"]
    return ["ip_address"]


def locked_out(request, original_response, credentials):
    """Refused while the cool-off runs. Every attempt during it starts the cool-off again
    (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT), so its end is this attempt's time plus the
    cool-off, shown in the team's zone and rounded up to the minute."""
    ends = request.axes_attempt_time + get_cool_off(request)
    until = ends.replace(second=0, microsecond=0)
    if until < ends:
        until += dt.timedelta(minutes=1)
    zone = (
        BusinessCalendar.objects.filter(is_team_default=True).values_list("time_zone", flat=True).first()
        or settings.TIME_ZONE  # the refusal must not fail for want of a team calendar
    )
    message = f"Too many failed sign-ins. Try again after {timezone.localtime(until, ZoneInfo(zone)):%H:%M} ({zone})."
    status = settings.AXES_HTTP_RESPONSE_CODE
    if request.resolver_match and request.resolver_match.app_name == "api":
        response = JsonResponse({"detail": message}, status=status)
    else:
        response = render(request, "registration/locked_out.html", {"message": message}, status=status)
    response["Retry-After"] = str(int((until - request.axes_attempt_time).total_seconds()))
    return response
