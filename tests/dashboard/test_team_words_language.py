"""The record's words inside the team's sentences read right in each language: a translated noun
keeps its capital (German), and what is stored as English stays English whoever asked."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from comms.lifecycle import log_decision
from comms.models import Deadline, Message, SatisfactionAsk, Update, asked_in
from comms.outbox import not_delivered
from dashboard import project_page
from projects.models import Commitment, MemberSettings
from tests.factories import UserFactory, make_client_mail, make_project

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def jonas(client):
    """A member who reads the dashboard in German, signed in."""
    user = UserFactory(username="jonas", email="jonas@agency.example")
    MemberSettings.objects.create(user=user, language="de")
    client.force_login(user)
    return user


@pytest.fixture
def project(jonas):
    with time_machine.travel(NOW, tick=False):
        return make_project(owner=jonas, name="Fleet dashboard")


def page_text(client, project):
    with time_machine.travel(NOW, tick=False):
        html = client.get(reverse("dashboard:project", args=[project.pk])).content.decode()
    return " ".join(strip_tags(html).split())


def test_a_german_member_reads_the_record_with_its_nouns_capitalised(client, jonas, project):
    with time_machine.travel(NOW, tick=False):
        log_decision(project, summary="Use Stripe", made_in="call", made_at=NOW, by=jonas)
    make_client_mail(project, "A question", at=NOW - dt.timedelta(hours=1))

    shown = page_text(client, project)

    assert "Bestätigung der Entscheidung entworfen:" in shown
    assert "(Entwurf, wartet auf Prüfung)" in shown
    assert "Entscheidung erfasst: Use Stripe (erfasst)" in shown
    assert "E-Mail vom Kunden: A question (empfangen)" in shown
    assert "startet den Rhythmus der Phase Konzeption" in shown


def test_the_decisions_deadline_is_explained_in_english_whatever_the_language(jonas, project):
    with translation.override("de"), time_machine.travel(NOW, tick=False):
        log_decision(project, summary="Use Stripe", made_in="meeting", made_at=NOW, by=jonas)

    explanation = Deadline.objects.get(project=project, kind=Deadline.Kind.SEND_BY).explanation
    assert "one business day after the meeting on" in explanation


def test_an_api_refusal_follows_the_language_asked_for(jonas, project):
    update = Update.objects.create(
        project=project,
        kind="build_status",
        subject="Week 3",
        state=Update.State.SENT,
        send_by=timezone.now(),
        created_at=timezone.now(),
    )
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=jonas).key}")
    promise = Commitment.objects.create(
        project=project,
        description="Admin guide",
        due_on=NOW.date(),
        status=Commitment.Status.DONE,
        done_on=NOW.date(),
    )

    german = api.post(f"/api/updates/{update.pk}/send/", HTTP_ACCEPT_LANGUAGE="de")
    english = api.post(f"/api/updates/{update.pk}/send/", HTTP_ACCEPT_LANGUAGE="en-GB")
    french = api.post(f"/api/commitments/{promise.pk}/complete/", HTTP_ACCEPT_LANGUAGE="fr")

    assert german.status_code == 409
    assert german.json()["detail"] == "Dieses Update ist kein Entwurf (Status: gesendet)."
    assert english.json()["detail"] == "This update is sent, not a draft."
    assert french.status_code == 409
    assert french.json()["detail"] == "Cette promesse n’est plus en cours (état\u00a0: réalisée)."


def test_an_undelivered_chat_message_names_its_channel_as_the_owner_writes_it(project):
    message = Message(project=project, channel="chat", destination="#fleet")

    with translation.override("de"):
        assert not_delivered(message) == "Die Nachricht (Chat) an #fleet konnte nicht gesendet werden."
    assert not_delivered(message) == "The chat message to #fleet could not be sent."


def test_what_asked_for_satisfaction_reads_in_the_readers_language():
    with translation.override("de"):
        assert asked_in(SatisfactionAsk.Occasion.PHASE_END, "build") == "Ende der Phase Umsetzung"
    assert asked_in(SatisfactionAsk.Occasion.PHASE_END, "build") == "end of Build"
    assert asked_in(SatisfactionAsk.Occasion.DAY_30, "") == "day-30 check-in"


def test_every_state_the_record_can_hold_has_its_words():
    assert set(project_page.STATE_WORDS["message"]) == set(Message.State.values)
    assert set(project_page.STATE_WORDS["update"]) == set(Update.State.values)
    assert set(project_page.STATE_WORDS["commitment"]) == set(Commitment.Status.values)
