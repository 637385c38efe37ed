"""Mail the engines write for someone on the team is in that person's language: the draft to review,
the morning digest, the alerts. Data stays as it is (a draft's subject, its text in the client's
language, a deadline's explanation); a person who chose nothing reads English."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comms.lifecycle import log_decision
from comms.models import Deadline, Message, Update
from comms.tick import run_tick
from projects.models import Commitment, Contact, MemberSettings, Phase
from tests.comms.test_tick_queries import NOW, cadence_updates_due
from tests.factories import ContactFactory, UserFactory, make_project

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def london(*args):
    return dt.datetime(*args, tzinfo=LONDON)


@pytest.fixture
def project():
    project = make_project(phase=Phase.BUILD)
    project.contacts.set([ContactFactory(client=project.client, kind=Contact.Kind.TECHNICAL)])
    return project


def speaks(user, language):
    MemberSettings.objects.create(user=user, language=language)


def decided(project, made_at):
    decision = log_decision(
        project, summary="Launch in two stages", made_in="call", made_at=made_at, by=project.owner
    )
    return Update.objects.get(decision=decision)


def test_an_owner_who_chose_german_gets_the_draft_to_review_in_german(project):
    speaks(project.owner, "de")

    draft = decided(project, london(2026, 3, 6, 15, 0))

    notice = Message.objects.get(user=project.owner)
    assert notice.subject == f"Entwurf zur Prüfung: {draft.subject}"
    assert f"für {project} ist entworfen und wartet auf Ihre Prüfung." in notice.body_text
    owed = Deadline.objects.get(update=draft, kind=Deadline.Kind.SEND_BY)
    assert f"Fällig beim Kunden: {owed.explanation}." in notice.body_text
    assert "Er wartet auf Sie." in notice.body_text
    assert notice.body_text.endswith(f"--- Entwurf ---\n{draft.technical_body}")


def test_an_owner_without_settings_gets_the_draft_to_review_in_english(project):
    draft = decided(project, london(2026, 3, 6, 15, 0))

    notice = Message.objects.get(user=project.owner)
    owed = Deadline.objects.get(update=draft, kind=Deadline.Kind.SEND_BY)
    assert notice.subject == f"Draft to review: {draft.subject}"
    assert notice.body_text == (
        f"Decision confirmation for {project} is drafted and waiting for your review.\n"
        f"It is owed to the client {owed.explanation}.\nIt waits for you.\n\n"
        f"--- draft ---\n{draft.technical_body}"
    )


def digest_with_a_late_promise(project):
    digest = Deadline.objects.get(owner=project.owner, kind=Deadline.Kind.MORNING_DIGEST)
    Commitment.objects.create(project=project, description="Send the test plan", due_on=dt.date(2026, 3, 2))
    run_tick(max(digest.due_at, dt.datetime(2026, 3, 4, 9, tzinfo=dt.UTC)))
    return Message.objects.get(kind="morning_digest")


def test_an_owner_who_chose_german_gets_the_digest_in_german(project):
    speaks(project.owner, "de")

    mail = digest_with_a_late_promise(project)

    assert mail.subject == "Heute: 1 Sache braucht Sie"
    assert mail.body_text == f"- {project}: „Send the test plan“ wurde für Mo 02 Mär zugesagt und ist offen."


def test_an_owner_without_settings_gets_the_digest_in_english(project):
    mail = digest_with_a_late_promise(project)

    assert mail.subject == "Today: 1 thing needs you"
    assert mail.body_text == f"- {project}: “Send the test plan” was promised for Mon 02 Mar and is open."


def test_an_owner_who_chose_french_is_told_of_an_overdue_draft_in_french(project):
    speaks(project.owner, "fr")
    draft = decided(project, london(2026, 3, 3, 11, 0))
    owed = Deadline.objects.get(update=draft, kind=Deadline.Kind.SEND_BY)

    run_tick(draft.send_by)

    alert = Message.objects.get(user=project.owner, kind="owner_alert", subject__startswith="En retard")
    assert alert.subject == f"En retard\u00a0: {draft.subject}"
    assert alert.body_text == (
        f"Ce brouillon pour {project.client} n’a pas été envoyé\u00a0; échéance\u00a0: {owed.explanation}."
    )


def test_each_admin_is_told_of_a_problem_in_their_own_language():
    german, english = UserFactory(is_superuser=True), UserFactory(is_superuser=True)
    speaks(german, "de")
    lonely = make_project(name="No contacts yet", auto_send_drafts=True)
    log_decision(lonely, summary="Agreed", made_in="call", made_at=london(2026, 3, 3, 9, 0), by=lonely.owner)

    run_tick(london(2026, 3, 3, 13, 0))

    told = Message.objects.filter(kind="deadline_problem")
    assert told.get(user=german).subject == "Admin nötig: 1 Frist konnte nicht ausgeführt werden"
    assert told.get(user=english).subject == "Needs an admin: 1 deadline could not be acted on"
    assert told.get(user=english).body_text.startswith("The portal could not act on these deadlines;")
    assert Message.objects.filter(user=lonely.owner, subject=f"Needs your attention: {lonely}").exists()


def test_each_owner_reads_their_own_language_in_one_tick():
    cadence_updates_due(3)
    owners = [
        deadline.project.owner for deadline in Deadline.objects.filter(kind=Deadline.Kind.CADENCE_UPDATE)
    ]
    speaks(owners[0], "de")
    speaks(owners[1], "fr")

    run_tick(NOW)

    subjects = [Message.objects.get(user=owner, kind="owner_alert").subject for owner in owners]
    assert subjects[0].startswith("Entwurf zur Prüfung: ")
    assert subjects[1].startswith("Brouillon à relire\u00a0: ")
    assert subjects[2].startswith("Draft to review: ")


@pytest.mark.usefixtures("woken")
def test_owners_languages_cost_the_tick_no_query():
    """tests/comms/test_tick_queries.py counts 26 for owners who chose nothing; choosing is free."""
    cadence_updates_due(2)
    for deadline in Deadline.objects.filter(kind=Deadline.Kind.CADENCE_UPDATE).select_related("project"):
        speaks(deadline.project.owner, "de")

    with CaptureQueriesContext(connection) as tick:
        summary = run_tick(NOW)

    assert summary["drafted"] == 2
    assert len(tick) == 26
