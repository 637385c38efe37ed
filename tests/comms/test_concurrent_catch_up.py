"""Ticks catching up after an outage: a draft that goes out by itself is sent once, and its owner is
never told it is overdue while this tick or another is sending it; eight at once on PostgreSQL."""

import datetime as dt
import os
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from comms import tick as tick_module
from comms.lifecycle import log_decision
from comms.models import Deadline, Message, Update
from comms.tick import run_tick
from projects.models import Contact, Phase
from tests.concurrently import at_once
from tests.factories import ContactFactory, make_project

LONDON = ZoneInfo("Europe/London")
DECIDED = dt.datetime(2026, 3, 3, 9, 0, tzinfo=LONDON)
NOW = dt.datetime(2026, 3, 5, 12, 0, tzinfo=LONDON)  # two days of ticks were lost
TICKS = 8
DRAFTS = 24


def draft_of_a_project_that_sends_by_itself(name, *, contacts=1):
    project = make_project(name=name, phase=Phase.BUILD, auto_send_drafts=True)
    for _ in range(contacts):
        project.contacts.add(ContactFactory(client=project.client, kind=Contact.Kind.TECHNICAL))
    log_decision(project, summary="Two stages", made_in="call", made_at=DECIDED, by=project.owner)
    return Update.objects.get(project=project)


def owed_before_its_release(update):
    """Both due after the outage, the send-by first in the tick's order."""
    Deadline.objects.filter(update=update, kind=Deadline.Kind.SEND_BY).update(
        due_at=NOW - dt.timedelta(hours=2)
    )
    Deadline.objects.filter(update=update, kind=Deadline.Kind.DRAFT_RELEASE).update(
        due_at=NOW - dt.timedelta(hours=1)
    )


def overdue_alerts():
    return Message.objects.filter(subject__startswith="Overdue:")


@pytest.mark.django_db
def test_a_draft_owed_while_its_release_is_due_goes_out_and_nobody_is_told_it_is_overdue():
    update = draft_of_a_project_that_sends_by_itself("Ferry app")
    owed_before_its_release(update)

    run_tick(NOW)
    run_tick(NOW + dt.timedelta(minutes=10))

    update.refresh_from_db()
    assert update.state == Update.State.SENT
    assert not overdue_alerts().exists()
    assert not Deadline.objects.filter(update=update, is_active=True).exists()


@pytest.mark.django_db
def test_a_draft_whose_release_fails_is_overdue_and_its_owner_told_once():
    update = draft_of_a_project_that_sends_by_itself("Ferry app", contacts=0)
    owed_before_its_release(update)

    run_tick(NOW)
    run_tick(NOW + dt.timedelta(minutes=10))
    run_tick(NOW + dt.timedelta(minutes=20))

    update.refresh_from_db()
    assert update.state == Update.State.OVERDUE
    assert overdue_alerts().count() == 1


@pytest.fixture
def both_due_after_an_outage(org_defaults):
    """Drafts of projects that send by themselves, whose review window ended and which are owed
    now: each draft's send-by is due a second after its release, so different ticks take them."""
    for i in range(DRAFTS):
        draft_of_a_project_that_sends_by_itself(f"Project {i}")
    for i, update in enumerate(Update.objects.order_by("pk")):
        released = NOW - dt.timedelta(hours=1) + dt.timedelta(seconds=2 * i)
        Deadline.objects.filter(update=update, kind=Deadline.Kind.DRAFT_RELEASE).update(due_at=released)
        Deadline.objects.filter(update=update, kind=Deadline.Kind.SEND_BY).update(
            due_at=released + dt.timedelta(seconds=1)
        )


@pytest.mark.django_db(transaction=True)
def test_ticks_catching_up_at_once_send_each_draft_once_and_call_none_overdue(
    both_due_after_an_outage, monkeypatch
):
    if connection.vendor != "postgresql":
        if os.environ.get("CI"):
            pytest.fail("CI must run the concurrent ticks on PostgreSQL.")
        pytest.skip("row locks with SKIP LOCKED need PostgreSQL (CI runs this on PostgreSQL)")
    # One deadline per batch, so a draft's release and its send-by are in different ticks' hands.
    monkeypatch.setattr(tick_module, "BATCH", 1)
    results = at_once(lambda: run_tick(NOW), copies=TICKS)

    assert set(Update.objects.values_list("state", flat=True)) == {Update.State.SENT}
    assert sum(summary["sent by themselves"] for summary in results) == DRAFTS
    assert Message.objects.filter(contact__isnull=False).count() == DRAFTS
    run_tick(NOW + dt.timedelta(minutes=10))  # a send-by left to a release under way looks again
    assert not overdue_alerts().exists()
    assert not Deadline.objects.filter(is_active=True, update__isnull=False).exists()
