"""The strict Content-Security-Policy: every page carries it, nothing inline is allowed, and the one
script the pages need (htmx) is served from our own origin."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "font-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def policy_of(response):
    header = response.headers["Content-Security-Policy"]
    directives = {}
    for directive in filter(None, (part.strip() for part in header.split(";"))):
        name, *sources = directive.split()
        assert name not in directives, f"{name} appears twice in {header!r}"
        directives[name] = sources
    return directives


def test_the_sign_in_page_carries_the_strict_policy(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert policy_of(response) == POLICY


def test_django_admin_renders_under_the_strict_policy(admin_client):
    response = admin_client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert policy_of(response) == POLICY


def test_the_health_check_carries_the_strict_policy(client):
    response = client.get(reverse("healthz"))

    assert policy_of(response) == POLICY


@pytest.mark.parametrize("path", ["login", "admin:index", "healthz"])
def test_no_page_allows_inline_script_or_style(admin_client, path):
    header = admin_client.get(reverse(path)).headers["Content-Security-Policy"]

    assert "unsafe-inline" not in header
    assert "unsafe-eval" not in header


@pytest.mark.parametrize("path", ["login", "admin:index"])
def test_pages_have_no_inline_script_or_style_for_the_policy_to_block(admin_client, path):
    page = admin_client.get(reverse(path)).content.decode()

    scripts = re.findall(r"<script\b[^>]*>", page)
    assert all(" src=" in script for script in scripts), scripts
    assert "style=" not in page
    assert "<style" not in page


def test_htmx_is_vendored_and_served_from_our_own_origin(client, settings):
    assert finders.find("js/htmx.min.js")

    # Tests run with DEBUG off, so let whitenoise serve from the finders as it does under runserver.
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    response = client.get("/static/js/htmx.min.js")

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(("text/javascript", "application/javascript"))
    assert b'version:"2.' in b"".join(response.streaming_content)
