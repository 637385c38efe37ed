"""Team sign-in is throttled per user and per address (django-axes): five wrong passwords lock that
username from every address, and that address for every username, for 15 minutes; the page says
until when, in the team's zone."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "harbour-lights-2026"
SUMMER_MORNING = dt.datetime(2026, 6, 10, 9, 0, tzinfo=dt.UTC)  # 10:00 in London (BST)
ATTACKER, COLLEAGUE = "203.0.113.5", "198.51.100.7"


@pytest.fixture
def team():
    for username in ("lena", "omar"):
        user = UserFactory(username=username)
        user.set_password(PASSWORD)
        user.save()


def sign_in(client, username, password, address):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def five_wrong_passwords(client, username, address):
    return [sign_in(client, username, "guess", address).status_code for _ in range(5)]


def test_five_wrong_passwords_lock_out_even_the_right_one_and_say_until_when(client, team):
    with time_machine.travel(SUMMER_MORNING, tick=False):
        assert five_wrong_passwords(client, "lena", ATTACKER) == [200, 200, 200, 200, 429]
        right = sign_in(client, "lena", PASSWORD, ATTACKER)
    assert right.status_code == 429
    assert "Too many failed sign-ins. Try again after 10:15 (Europe/London)." in right.content.decode()
    assert client.get(reverse("dashboard:portfolio")).status_code == 302  # no session was opened


def test_a_locked_username_is_locked_from_every_address(client, team):
    five_wrong_passwords(client, "lena", ATTACKER)
    assert sign_in(client, "lena", PASSWORD, COLLEAGUE).status_code == 429


def test_a_locked_address_is_locked_for_every_username_and_other_addresses_are_not(client, team):
    five_wrong_passwords(client, "lena", ATTACKER)
    assert sign_in(client, "omar", PASSWORD, ATTACKER).status_code == 429
    assert sign_in(client, "omar", PASSWORD, COLLEAGUE).status_code == 302


def test_the_lockout_ends_after_fifteen_minutes(client, team):
    with time_machine.travel(SUMMER_MORNING, tick=False):
        five_wrong_passwords(client, "lena", ATTACKER)
    with time_machine.travel(SUMMER_MORNING + dt.timedelta(minutes=16), tick=False):
        assert sign_in(client, "lena", PASSWORD, ATTACKER).status_code == 302
