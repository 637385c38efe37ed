"""The "send me a link" limit per network address counts the client's address, not the proxy's:
behind TRUSTED_PROXY_COUNT proxies it is the address the outermost trusted proxy saw, the Nth entry
from the right of X-Forwarded-For, so entries a client writes itself further left change nothing."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from projects.network import request_ip

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"
ABUSER, NEIGHBOUR = "203.0.113.5", "198.51.100.7"


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()


def ask(client, email, forwarded_for):
    return client.post(
        reverse("portal:request_link"),
        {"email": email},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_behind_one_proxy_two_clients_are_limited_separately(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(10):
        assert ask(client, f"person{n}@abuser.example", ABUSER).status_code == 200
    assert ask(client, "one-more@abuser.example", ABUSER).status_code == 429
    assert ask(client, "someone@neighbour.example", NEIGHBOUR).status_code == 200


def test_a_forged_leftmost_entry_does_not_dodge_the_limit(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(10):
        assert ask(client, f"person{n}@abuser.example", f"192.0.2.{n}, {ABUSER}").status_code == 200
    assert ask(client, "one-more@abuser.example", f"192.0.2.99, {ABUSER}").status_code == 429


def test_without_trusted_proxies_the_forwarded_header_is_ignored(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(10):
        assert ask(client, f"person{n}@abuser.example", f"192.0.2.{n}").status_code == 200
    assert ask(client, "one-more@abuser.example", "192.0.2.99").status_code == 429


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "address"),
    [
        (0, "192.0.2.1, 203.0.113.5", PROXY),
        (1, "192.0.2.1, 203.0.113.5", "203.0.113.5"),
        (2, "192.0.2.1, 203.0.113.5, 10.0.0.1", "203.0.113.5"),
        (2, "10.0.0.1", PROXY),  # fewer entries than proxies: not through them all, so the peer counts
        (1, "", PROXY),
    ],
)
def test_the_address_is_the_nth_entry_from_the_right(settings, proxies, forwarded_for, address):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)
    assert request_ip(request) == address
