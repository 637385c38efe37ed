"""What a draft tells the client is true when it is sent: an unedited draft is composed again from
the record at sending, a person's edit is never rewritten, and a project has one open draft of a
recurring kind at most."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction

from comms.autopilot import DraftSuperseded, edit_draft, send_update
from comms.lifecycle import change_phase, log_kickoff
from comms.models import Deadline, Message, Update
from comms.tick import run_tick
from projects.models import Phase
from projects.services import add_commitment, complete_commitment
from tests.factories import ContactFactory, make_project

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def london(*args):
    return dt.datetime(*args, tzinfo=LONDON)


@pytest.fixture
def project():
    project = make_project(phase=Phase.BUILD)
    project.contacts.set([ContactFactory(client=project.client, email="ada@client.example")])
    return project


def open_drafts(project, kind):
    return list(project.updates.filter(kind=kind, state__in=Update.OPEN_STATES))


def body_sent(update):
    return Message.objects.filter(update=update, contact__isnull=False).get().body_text


def test_an_unedited_draft_is_composed_again_so_a_promise_done_meanwhile_is_not_called_late(project):
    kickoff = london(2026, 3, 2, 10)
    log_kickoff(project, at=kickoff, by=project.owner)
    promise = add_commitment(project, description="Export to CSV", due_on=dt.date(2026, 3, 4))
    run_tick(now=london(2026, 3, 9, 12))
    (draft,) = open_drafts(project, "build_status")
    assert "Export to CSV" in draft.technical_body and "overdue" in draft.technical_body.lower()

    complete_commitment(promise, on=dt.date(2026, 3, 9))
    send_update(draft, by=project.owner, now=london(2026, 3, 9, 14))

    sent = body_sent(draft)
    assert "Export to CSV" in sent
    assert "overdue" not in sent.lower()
    draft.refresh_from_db()
    assert "overdue" not in draft.technical_body.lower()  # the record keeps what went out


def test_a_draft_a_person_edited_goes_out_as_they_wrote_it(project):
    log_kickoff(project, at=london(2026, 3, 2, 10), by=project.owner)
    run_tick(now=london(2026, 3, 9, 12))
    (draft,) = open_drafts(project, "build_status")
    edit_draft(
        draft,
        revision=draft.revision,
        subject=draft.subject,
        status_line=draft.status_line,
        rag=draft.rag,
        executive_body=draft.executive_body,
        technical_body="Written by hand: the export ships on Friday.",
    )
    add_commitment(project, description="Audit log", due_on=dt.date(2026, 3, 20))
    send_update(draft, by=project.owner, now=london(2026, 3, 9, 14))

    assert "Written by hand: the export ships on Friday." in body_sent(draft)
    assert "Audit log" not in body_sent(draft)


def test_saving_a_draft_unchanged_is_not_an_edit(project):
    log_kickoff(project, at=london(2026, 3, 2, 10), by=project.owner)
    run_tick(now=london(2026, 3, 9, 12))
    (draft,) = open_drafts(project, "build_status")
    edit_draft(
        draft,
        revision=draft.revision,
        subject=draft.subject,
        status_line=draft.status_line,
        rag=draft.rag,
        executive_body=draft.executive_body.replace("\n", "\r\n"),  # as a browser sends a textarea
        technical_body=draft.technical_body.replace("\n", "\r\n") + "\r\n",
    )
    draft.refresh_from_db()
    assert draft.revision == 0


def test_a_newer_recurring_draft_supersedes_the_unsent_one_and_only_one_is_overdue(project):
    log_kickoff(project, at=london(2026, 3, 2, 10), by=project.owner)
    for day in range(9, 31):  # four Mondays of ticks, the owner sending nothing
        for hour in (8, 12, 18):
            run_tick(now=london(2026, 3, day, hour))

    builds = project.updates.filter(kind="build_status")
    assert builds.count() == 4
    assert builds.filter(state__in=Update.OPEN_STATES).count() == 1
    assert builds.filter(state=Update.State.SUPERSEDED).count() == 3
    superseded = builds.filter(state=Update.State.SUPERSEDED)
    assert not Deadline.objects.filter(update__in=superseded, is_active=True).exists()
    assert not Message.objects.filter(update__in=superseded, contact__isnull=False).exists()


def test_a_superseded_draft_cannot_be_sent(project):
    log_kickoff(project, at=london(2026, 3, 2, 10), by=project.owner)
    run_tick(now=london(2026, 3, 9, 12))
    (older,) = open_drafts(project, "build_status")
    run_tick(now=london(2026, 3, 16, 12))
    older.refresh_from_db()
    assert older.state == Update.State.SUPERSEDED

    with pytest.raises(DraftSuperseded):
        send_update(older, by=project.owner, now=london(2026, 3, 16, 13))
    assert not Message.objects.filter(update=older, contact__isnull=False).exists()


def test_the_database_refuses_two_open_drafts_of_a_recurring_kind(project):
    fields = {
        "project": project,
        "kind": "qa_note",
        "subject": "QA",
        "technical_body": "t",
        "executive_body": "e",
        "status_line": "s",
        "rag": "green",
        "send_by": london(2026, 3, 2, 10),
        "created_at": london(2026, 3, 2, 9),
    }
    Update.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Update.objects.create(**fields)
    Update.objects.create(**{**fields, "kind": "decision_confirmation"})
    Update.objects.create(**{**fields, "kind": "decision_confirmation"})


def test_moving_on_supersedes_the_unsent_update_of_the_phase_left(project):
    log_kickoff(project, at=london(2026, 3, 2, 10), by=project.owner)
    run_tick(now=london(2026, 3, 9, 12))
    (build_status,) = open_drafts(project, "build_status")

    change_phase(project, to=Phase.QA, by=project.owner, at=london(2026, 3, 10, 10))

    build_status.refresh_from_db()
    assert build_status.state == Update.State.SUPERSEDED
    assert open_drafts(project, "phase_notice")
