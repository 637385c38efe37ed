"""Where a request comes from, behind the configured number of trusted proxies: the one address the
portal's rate limits and the sign-in lockout (django-axes) count against."""

from django.conf import settings


def request_ip(request):
    """The address the outermost trusted proxy saw: the Nth entry from the right of
    X-Forwarded-For for N trusted proxies, as each proxy appends the address it was reached from.
    Entries further left are whatever the client wrote, so they are never read. With no trusted
    proxy, or a header shorter than the chain (the request did not come through it), the peer's
    own address."""
    peer = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if not proxies:
        return peer
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    return hops[-proxies] if len(hops) >= proxies else peer
