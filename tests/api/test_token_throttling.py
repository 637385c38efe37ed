"""Guessing API tokens counts like guessing passwords: five wrong tokens from one address lock that
address out (429 with a JSON body saying until when), even for a right token, and no other address."""

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from .conftest import client_with_token

pytestmark = pytest.mark.django_db

WINTER_MORNING = dt.datetime(2026, 1, 14, 9, 0, tzinfo=dt.UTC)  # 09:00 in London (GMT)
GUESSER, COLLEAGUE = "203.0.113.5", "198.51.100.7"


def with_token(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_wrong_tokens_from_one_address_are_refused_with_429_and_json_after_five(lead, project):
    with time_machine.travel(WINTER_MORNING, tick=False):
        answers = [
            with_token(f"guess-{attempt}").get("/api/projects/", REMOTE_ADDR=GUESSER) for attempt in range(6)
        ]
        right_token = client_with_token(lead)
        from_the_guesser = right_token.get("/api/projects/", REMOTE_ADDR=GUESSER)
        from_a_colleague = right_token.get("/api/projects/", REMOTE_ADDR=COLLEAGUE)

    assert [answer.status_code for answer in answers] == [401, 401, 401, 401, 429, 429]
    assert answers[-1].json() == {
        "detail": "Too many failed sign-ins. Try again after 09:15 (Europe/London)."
    }
    assert from_the_guesser.status_code == 429 and "Try again after" in from_the_guesser.json()["detail"]
    assert from_a_colleague.status_code == 200


def test_a_request_without_a_token_is_not_counted(project):
    answers = [APIClient().get("/api/projects/", REMOTE_ADDR=GUESSER).status_code for _ in range(6)]
    assert answers == [401] * 6
