"""Who may call the API, and what they see: token or session, their own projects only (404 for the
rest, as on the dashboard), admins everything."""

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from comms.lifecycle import log_decision
from escalations.services import raise_escalation
from projects.models import Commitment, PhaseChange
from tests.factories import UserFactory

from .conftest import client_with_token

pytestmark = pytest.mark.django_db


def test_a_request_without_credentials_is_401_with_a_token_challenge(project):
    response = APIClient().get("/api/projects/")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_a_wrong_token_is_401(project):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    assert client.get("/api/projects/").status_code == 401


def test_a_token_sees_its_users_projects(api, project, other_project):
    response = api.get("/api/projects/")

    assert response.status_code == 200
    assert [row["name"] for row in response.json()["results"]] == ["Fleet dashboard"]


def test_a_signed_in_session_works_too(lead, project):
    client = APIClient()
    client.force_login(lead)

    assert client.get(f"/api/projects/{project.pk}/").json()["name"] == "Fleet dashboard"


def test_a_session_write_without_its_csrf_token_is_refused(lead, project):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(lead)

    response = client.post("/api/commitments/", {"project": project.pk}, format="json")

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Commitment.objects.exists()


def test_team_members_and_leads_see_the_project_as_on_the_dashboard(project):
    member, lead = UserFactory(), project.lead
    project.team.add(member)

    for user in (member, lead):
        assert client_with_token(user).get(f"/api/projects/{project.pk}/").status_code == 200


@pytest.fixture
def others_record(other_project):
    """One of everything on another lead's project."""
    owner = other_project.owner
    decision = log_decision(
        other_project, summary="Keep the archive", made_in="call", made_at=timezone.now(), by=owner
    )
    escalation = raise_escalation(
        other_project,
        category="dispute",
        severity="minor",
        title="Invoice query",
        description="They query March.",
        now=decision.made_at,
        by=owner,
    )
    return {
        "projects": other_project.pk,
        "contacts": other_project.contacts.get().pk,
        "phases": PhaseChange.objects.get(project=other_project).pk,
        "commitments": Commitment.objects.create(
            project=other_project, description="Export", due_on="2026-04-01"
        ).pk,
        "decisions": decision.pk,
        "updates": decision.confirmations.get().pk,
        "messages": other_project.messages.filter(user__isnull=True).first().pk,
        "escalations": escalation.pk,
    }


def test_another_leads_objects_are_404_everywhere(api, project, others_record):
    for resource, pk in others_record.items():
        response = api.get(f"/api/{resource}/{pk}/")
        assert response.status_code == 404, resource
        assert api.get(f"/api/{resource}/").json()["count"] in (0, 1), resource
        assert pk not in [row["id"] for row in api.get(f"/api/{resource}/").json()["results"]], resource


def test_another_leads_objects_cannot_be_acted_on(api, project, others_record):
    actions = [
        ("patch", f"/api/updates/{others_record['updates']}/", {"revision": 0, "subject": "Mine now"}),
        ("post", f"/api/updates/{others_record['updates']}/send/", {}),
        ("post", f"/api/commitments/{others_record['commitments']}/complete/", {}),
        ("post", f"/api/escalations/{others_record['escalations']}/acknowledge/", {}),
        ("post", f"/api/escalations/{others_record['escalations']}/close/", {"resolution": "Mine"}),
        ("post", f"/api/escalations/{others_record['escalations']}/comment/", {"note": "Mine"}),
        ("post", f"/api/escalations/{others_record['escalations']}/wait-on-client/", {"waiting_for": "Logs"}),
        ("post", f"/api/escalations/{others_record['escalations']}/resume/", {}),
    ]
    for method, url, body in actions:
        assert getattr(api, method)(url, body, format="json").status_code == 404, url


def test_creating_on_a_project_you_cannot_see_names_the_project_field(api, project, other_project):
    response = api.post(
        "/api/commitments/",
        {"project": other_project.pk, "description": "Export", "due_on": "2026-04-01"},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["project"]
    assert not Commitment.objects.exists()


def test_an_admin_sees_every_project(project, other_project):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)

    response = client_with_token(admin).get("/api/projects/")

    assert {row["name"] for row in response.json()["results"]} == {"Fleet dashboard", "Statement archive"}


def test_the_schema_needs_credentials_too(api):
    assert APIClient().get(reverse("api:schema")).status_code == 401
    assert api.get(reverse("api:schema")).status_code == 200
