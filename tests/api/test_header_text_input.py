"""Through the API too, text that ends up in a mail header must be one line: a line break in a
draft's subject, an escalation's title or a project's name is a 400 naming the field, and nothing
changes."""

import pytest

from comms.models import Message
from escalations.models import Escalation
from projects.models import Project

pytestmark = pytest.mark.django_db

INJECTED = "Launch confirmed\r\nBcc: everyone@example.com"
ONE_LINE = "Keep this on one line"


def test_a_draft_subject_with_a_line_break_is_400_and_the_draft_is_unchanged(api, draft):
    subject = draft.subject

    response = api.patch(f"/api/updates/{draft.pk}/", {"revision": 0, "subject": INJECTED}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["subject"]
    assert ONE_LINE in response.json()["subject"][0]
    draft.refresh_from_db()
    assert (draft.subject, draft.revision) == (subject, 0)


def test_an_escalation_title_with_a_line_break_is_400_and_nothing_is_raised(api, project):
    response = api.post(
        "/api/escalations/",
        {
            "project": project.pk,
            "category": "technical_failure",
            "severity": "critical",
            "title": "Checkout is down\nBcc: everyone@example.com",
            "description": "500s since 21:40.",
        },
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["title"]
    assert ONE_LINE in response.json()["title"][0]
    assert not Escalation.objects.exists()
    assert not Message.objects.filter(kind__startswith="escalation").exists()


def test_a_project_created_with_a_line_break_in_its_name_is_400(api, lead, project):
    response = api.post(
        "/api/projects/",
        {
            "client": project.client.pk,
            "name": INJECTED,
            "scope": "Book a ferry seat from the phone.",
            "owner": lead.pk,
            "lead": lead.pk,
            "starts_on": "2026-05-04",
            "target_delivery_on": "2026-08-28",
            "target_launch_on": "2026-09-07",
        },
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["name"]
    assert ONE_LINE in response.json()["name"][0]
    assert list(Project.objects.values_list("name", flat=True)) == ["Fleet dashboard"]


def test_a_project_renamed_with_a_line_break_is_400_and_keeps_its_name(api, project):
    response = api.patch(f"/api/projects/{project.pk}/", {"name": INJECTED}, format="json")

    assert response.status_code == 400
    assert ONE_LINE in response.json()["name"][0]
    project.refresh_from_db()
    assert project.name == "Fleet dashboard"
