"""A tick's queries follow its batches, not what is in them: drafting the phases' updates and
sending the drafts that go out by themselves cost the same for two projects as for six."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comms.lifecycle import log_decision
from comms.models import Deadline, Message, Update, UpdateVisual
from comms.tick import run_tick
from projects.models import Contact, Phase
from tests.factories import ContactFactory, make_project

# The senders the tick wakes run in workers: only the tick's own queries are counted here.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("woken")]

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2026, 3, 10, 11, 0, tzinfo=LONDON)


def project_with_a_contact(name, **fields):
    project = make_project(name=name, phase=Phase.BUILD, **fields)
    project.contacts.add(ContactFactory(client=project.client, kind=Contact.Kind.TECHNICAL))
    return project


def cadence_updates_due(count):
    projects = [project_with_a_contact(f"Project {i}") for i in range(count)]
    Deadline.objects.bulk_create(
        Deadline(project=project, kind=Deadline.Kind.CADENCE_UPDATE, due_at=NOW, explanation="due")
        for project in projects
    )


def drafts_released(count):
    """Drafts of projects that send by themselves, each with a link to show, whose review window
    has ended."""
    for i in range(count):
        project = project_with_a_contact(f"Project {i}", auto_send_drafts=True)
        log_decision(
            project,
            summary="Two stages",
            made_in="call",
            made_at=NOW - dt.timedelta(days=1),
            by=project.owner,
        )
    for update in Update.objects.all():
        UpdateVisual.objects.create(
            update=update, link="https://staging.example/", caption="Staging", added_at=NOW
        )
    Deadline.objects.filter(kind=Deadline.Kind.DRAFT_RELEASE).update(due_at=NOW)


def queries_of_a_tick():
    with CaptureQueriesContext(connection) as tick:
        summary = run_tick(NOW)
    return len(tick), summary


@pytest.mark.parametrize("count", [2, 6])
def test_drafting_costs_the_same_queries_for_any_number_of_projects(count):
    cadence_updates_due(count)

    queries, summary = queries_of_a_tick()

    assert summary["drafted"] == count
    assert queries == 26


@pytest.mark.parametrize("count", [2, 6])
def test_sending_drafts_by_themselves_costs_the_same_queries_for_any_number(count):
    drafts_released(count)

    queries, summary = queries_of_a_tick()

    assert summary["sent by themselves"] == count
    assert Message.objects.filter(contact__isnull=False).count() == count
    # 32: with the organisation's settings, read once per tick for the readers' languages.
    assert queries == 32
