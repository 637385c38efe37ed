"""The project page costs the same queries for a small project and a busy one: the record's length
and the number of contacts, people, tiers, drafts, waiting mails, escalations and promises change
what it shows, never how often it asks the database."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from comms.lifecycle import change_phase, log_decision
from comms.models import Attachment, Message, Update
from escalations.models import Tier
from escalations.services import raise_escalation
from projects.models import Commitment
from tests.factories import ContactFactory, UserFactory, make_client_mail, make_project

pytestmark = pytest.mark.django_db

# Session and user, the project with the team's zone, its health with its channels and cadence,
# the record (messages, attachments, updates, the drafts' visuals and texts, decisions, promises, phase
# changes), the people (the project's contacts, the client's contacts), the escalation path and its
# members, open escalations, the client's satisfaction asks and what comes due. The team is read
# only when a form that names it is shown (the people and the escalation path folds).
PAGE_QUERIES = 19


@pytest.fixture(autouse=True)
def json_support_known():
    """SQLite is asked once per connection whether it reads JSON (the page's health facts carry
    some); asked before the counting starts, as it is no cost of the page."""
    assert connection.features.supports_json_field


@pytest.fixture
def project(lead):
    """A small project with one of each thing the page lists."""
    project = make_project(owner=lead, name="Fleet dashboard")
    add_a_round(project, lead, 0)
    return project


def add_a_round(project, lead, n):
    """One more of everything the page shows a row or a form for; `n` keeps the rows apart."""
    now = timezone.now()
    contact = ContactFactory(client=project.client, name=f"Contact {n}", email=f"contact{n}@hf.example")
    project.contacts.add(contact)
    project.team.add(UserFactory(username=f"team{n}"))
    mail = make_client_mail(
        project,
        f"Question {n}",
        "Any news?",
        at=now - dt.timedelta(hours=n),
        respond_by=now + dt.timedelta(hours=n),
    )
    Attachment.objects.create(message=mail, position=1, name=f"spec{n}.pdf", size=1000)
    Attachment.objects.create(message=mail, position=2, name=f"plan{n}.pdf", size=2000)
    Commitment.objects.create(project=project, description=f"Promise {n}", due_on=dt.date(2026, 6, 1))
    Commitment.objects.create(
        project=project,
        description=f"Done promise {n}",
        due_on=dt.date(2026, 3, 1),
        status=Commitment.Status.DONE,
        done_on=now.date(),
    )
    log_decision(
        project,
        summary=f"Decision {n}",
        made_in="email",
        made_at=now - dt.timedelta(days=1),
        by=lead,
        agreed_by=[contact],
    )
    Update.objects.create(
        project=project,
        kind="meeting_recap",
        subject=f"Recap {n}",
        technical_body="What shipped.",
        executive_body="On track.",
        status_line="On track.",
        rag="green",
        edited_at=now - dt.timedelta(days=2),
        send_by=now + dt.timedelta(days=1),
        created_at=now - dt.timedelta(days=3),
    )
    raise_escalation(
        project,
        category="technical_failure",
        severity="minor",
        title=f"Outage {n}",
        description="Down.",
        now=now,
        by=lead,
    )


def make_busy(project, lead):
    for n in range(1, 8):
        add_a_round(project, lead, n)
    Tier.override_for(project, 2, [UserFactory(username="l2a"), UserFactory(username="l2b")])
    Tier.override_for(project, 3, [UserFactory(username="l3")])
    change_phase(project, to="build", by=lead)
    change_phase(project, to="qa", by=lead)
    Message.objects.bulk_create(
        Message(
            project=project,
            direction=Message.Direction.OUT,
            kind="client_mail",
            from_email="team@agency.example",
            to_email="jack@hf.example",
            subject=f"Note {i}",
            state=Message.State.DELIVERED,
            dedupe_key=f"busy-{i}",
            created_at=timezone.now() - dt.timedelta(days=10, minutes=i),
        )
        for i in range(150)
    )


def test_the_project_page_costs_the_same_queries_for_a_small_and_a_busy_project(
    client, lead, project, django_assert_num_queries
):
    url = reverse("dashboard:project", args=[project.pk])
    with django_assert_num_queries(PAGE_QUERIES):
        small = client.get(url)
    make_busy(project, lead)
    with django_assert_num_queries(PAGE_QUERIES):
        busy = client.get(url)
    assert small.status_code == busy.status_code == 200
    # The busy page shows what was added: the queries held while the page grew.
    assert len(busy.context["contacts"]) == 8
    assert [draft.kind for draft, *_ in busy.context["drafts"]].count("meeting_recap") == 8
    assert len(busy.context["waiting"]) == 8 and len(busy.context["escalations"]) == 8
    assert len(busy.context["entries"]) == 100
    assert b"Recap 7" in busy.content and b"plan7.pdf" in busy.content


def test_a_filtered_timeline_costs_no_more_than_the_whole_one(
    client, lead, project, django_assert_max_num_queries
):
    make_busy(project, lead)
    for kind in ("message", "update", "decision", "commitment", "phase_change"):
        with django_assert_max_num_queries(PAGE_QUERIES):
            assert (
                client.get(reverse("dashboard:project", args=[project.pk]), {"kind": kind}).status_code == 200
            )


def test_a_refused_form_comes_back_for_the_same_queries_as_the_page_small_or_busy(
    client, lead, project, django_assert_num_queries
):
    url = reverse("dashboard:add_commitment", args=[project.pk])
    with django_assert_num_queries(PAGE_QUERIES):
        assert client.post(url, {"description": "", "due_on": ""}).status_code == 400
    make_busy(project, lead)
    with django_assert_num_queries(PAGE_QUERIES):
        assert client.post(url, {"description": "", "due_on": ""}).status_code == 400


def test_the_people_fold_reads_the_team_only_when_it_is_opened(
    client, lead, project, django_assert_num_queries
):
    project.team.add(UserFactory(username="tomas"))
    UserFactory(username="ingeborg")
    url = reverse("dashboard:project", args=[project.pk])
    with django_assert_num_queries(PAGE_QUERIES):
        shut = client.get(url).content.decode()
    # The project's team for the boxes ticked, and everyone who could be on it.
    with django_assert_num_queries(PAGE_QUERIES + 2):
        opened = client.get(url, {"open": "people"}).content.decode()

    assert "ingeborg" not in shut and 'name="team"' not in shut
    assert re.search(r'<input type="checkbox" name="team" value="\d+"[^>]*checked>\s*tomas', opened)
    assert re.search(r'<input type="checkbox" name="team" value="\d+"[^>]*>\s*ingeborg', opened)
