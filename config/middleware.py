"""The site's own middleware: UTC between requests, and the caching and browser-feature headers.

Every request starts and ends in UTC. A page that reads or shows times in a person's zone (the
team's on the dashboard, the client's on the portal) activates that zone for itself, and it never
carries over into the next request the same worker serves (an admin form or an API body would
otherwise read a typed time in whatever zone the previous page left behind)."""

from django.conf import settings
from django.utils import timezone
from django.utils.cache import patch_cache_control


def utc_between_requests(get_response):
    def middleware(request):
        timezone.deactivate()
        try:
            return get_response(request)
        finally:
            timezone.deactivate()

    return middleware


# Features no page of ours uses; a script that slipped in still cannot ask for them.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def private_and_featureless(get_response):
    """Every page and API answer may carry a client's record or a CSRF token, so no shared cache or
    browser history keeps it (`private, no-store`); static files are the same for everyone and stay
    cacheable. Every response, static files included, denies the browser features we never use."""

    def middleware(request):
        response = get_response(request)
        if not request.path.startswith(settings.STATIC_URL):
            patch_cache_control(response, private=True, no_store=True)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response

    return middleware
