"""Every request starts and ends in UTC. A page that reads or shows times in a person's zone (the
team's on the dashboard, the client's on the portal) activates that zone for itself, and it never
carries over into the next request the same worker serves (an admin form or an API body would
otherwise read a typed time in whatever zone the previous page left behind)."""

from django.utils import timezone


def utc_between_requests(get_response):
    def middleware(request):
        timezone.deactivate()
        try:
            return get_response(request)
        finally:
            timezone.deactivate()

    return middleware
