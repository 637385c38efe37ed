"""Pages and API answers carry what a shared computer or a proxy must not keep (`Cache-Control:
private, no-store`), and every response denies the browser features the portal never uses
(`Permissions-Policy`); static files stay cacheable."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DENIED = ["camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"]


def assert_private_and_denied(response):
    cache_control = {part.strip() for part in response.headers["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control, response.headers["Cache-Control"]
    assert all(feature in response.headers["Permissions-Policy"] for feature in DENIED)


def test_a_dashboard_page_is_private_and_not_stored(client):
    client.force_login(UserFactory())
    response = client.get(reverse("dashboard:portfolio"))
    assert response.status_code == 200
    assert_private_and_denied(response)


def test_a_portal_page_is_private_and_not_stored(client):
    response = client.get(reverse("portal:request_link"))
    assert response.status_code == 200
    assert_private_and_denied(response)


def test_an_api_answer_is_private_and_not_stored():
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=UserFactory()).key}")
    response = api.get("/api/projects/")
    assert response.status_code == 200
    assert_private_and_denied(response)


def test_a_static_file_stays_cacheable_and_still_denies_the_features(client, settings):
    # Tests run with DEBUG off, so let whitenoise serve from the finders as it does under runserver.
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    response = client.get("/static/js/htmx.min.js")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    assert all(feature in response.headers["Permissions-Policy"] for feature in DENIED)
