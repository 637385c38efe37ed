"""API tokens, counted like passwords: a wrong token is a failed sign-in for django-axes (DRF's
TokenAuthentication never calls `authenticate()`, which axes listens to), so guessing tokens from one
address locks that address out as guessing passwords does."""

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth.signals import user_login_failed
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

NO_USER = {"username": None}  # a token names no user: axes counts it against the address alone


class CountedTokenAuthentication(TokenAuthentication):
    def authenticate(self, request):
        try:
            found = super().authenticate(request)
        except AuthenticationFailed:
            self.count_failure(request)
            raise
        if found is not None and not AxesProxyHandler.is_allowed(request._request, NO_USER):
            # A right token from a locked-out address is refused too, or guessing would pay off.
            self.count_failure(request)
            raise AuthenticationFailed("Too many failed sign-ins from this address.")
        return found

    def count_failure(self, request):
        """Axes records the failure and, past the limit, marks the request so its middleware
        answers with the lockout response."""
        user_login_failed.send(sender=type(self), credentials=NO_USER, request=request._request)
