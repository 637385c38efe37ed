"""Text the lead types that ends up in a mail header (a draft's subject, an escalation's title, a
project's name) must be one line: a line break is refused with a field error and nothing changes."""

import pytest
from django.urls import reverse
from django.utils import timezone

from comms.lifecycle import log_decision
from comms.models import Message, Update
from escalations.models import Escalation
from projects.models import Contact, Project
from tests.factories import ContactFactory, make_project

pytestmark = pytest.mark.django_db

INJECTED = "Confirming the launch\r\nBcc: everyone@example.com"
ONE_LINE = "Keep this on one line"


@pytest.fixture
def project(lead):
    project = make_project(owner=lead, name="Fleet dashboard")
    project.contacts.add(
        ContactFactory(client=project.client, email="jack@hf.example", kind=Contact.Kind.TECHNICAL)
    )
    return project


def test_a_draft_subject_with_a_line_break_is_refused_and_neither_saved_nor_sent(client, lead, project):
    log_decision(project, summary="Two stages", made_in="call", made_at=timezone.now(), by=lead)
    draft = Update.objects.get()
    subject = draft.subject

    response = client.post(
        reverse("dashboard:save_draft", args=[project.pk, draft.pk]),
        {
            "revision": draft.revision,
            "subject": INJECTED,
            "status_line": draft.status_line,
            "rag": "green",
            "executive_body": draft.executive_body,
            "technical_body": draft.technical_body,
            "send": "1",
        },
    )

    assert response.status_code == 400
    [(_, form, *_)] = response.context["drafts"]
    assert ONE_LINE in form.errors["subject"][0]
    assert ONE_LINE in response.content.decode()
    draft.refresh_from_db()
    assert (draft.subject, draft.revision, draft.state) == (subject, 0, Update.State.DRAFT)
    assert not Message.objects.filter(contact__isnull=False).exists()


def test_an_escalation_title_with_a_line_break_is_refused_and_nothing_is_raised(client, project):
    response = client.post(
        reverse("dashboard:raise_escalation", args=[project.pk]),
        {
            "category": "technical_failure",
            "severity": "critical",
            "title": "Payments down\nBcc: everyone@example.com",
            "description": "Card payments fail.",
        },
    )

    assert response.status_code == 400
    assert ONE_LINE in response.context["escalation_form"].errors["title"][0]
    assert not Escalation.objects.exists()
    assert not Message.objects.filter(kind__startswith="escalation").exists()


def test_a_new_project_named_with_a_line_break_is_refused(client, lead, project):
    response = client.post(
        reverse("dashboard:new_project"),
        {
            "client": project.client.pk,
            "name": "Ferry booking\r\nBcc: everyone@example.com",
            "scope": "Book a ferry seat from the phone.",
            "owner": lead.pk,
            "lead": lead.pk,
            "starts_on": "2026-05-04",
            "target_delivery_on": "2026-08-28",
            "target_launch_on": "2026-09-07",
        },
    )

    assert response.status_code == 400
    assert ONE_LINE in response.context["form"].errors["name"][0]
    assert list(Project.objects.values_list("name", flat=True)) == ["Fleet dashboard"]
