"""Root URLs: the lead dashboard, the REST API, team sign-in, Django admin, provider webhooks, the health
check."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from .health import healthz

urlpatterns = [
    path("", include("dashboard.urls")),
    path("portal/", include("portal.urls")),
    path("api/", include("api.urls")),
    # One sign-in page for the whole team: admin's own login form forwards to it.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    # Provider webhooks (inbound mail, delivery tracking) of the configured providers only, refused
    # without ANYMAIL_WEBHOOK_SECRET's basic auth; see comms/webhooks.py.
    path("anymail/", include("comms.webhooks")),
    path("hooks/slack/events/", include("comms.slack_events")),  # Slack's Events API, signed
]
