"""Projects through the API: read with their plan, created through create_project with the plan's
overrides, refused with field errors, and nothing stored when a later step fails."""

import pytest
from django.core.exceptions import ValidationError

from comms.models import CadencePolicy, ChannelRule, Deadline
from projects.models import Client, PhaseChange, Project
from tests.factories import ClientFactory, ContactFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_project_reads_with_its_phase_channel_rules_and_cadence(api, project):
    body = api.get(f"/api/projects/{project.pk}/").json()

    assert body["phase"] == "discovery"
    assert body["owner"] == project.owner.pk
    rules = {rule["message_type"]: rule["channel"] for rule in body["plan"]["channel_rules"]}
    assert rules["decision"] == "email"
    assert rules["quick_question"] == "chat"
    cadence = {policy["phase"]: policy for policy in body["plan"]["cadence"]}
    assert set(cadence) == {"discovery", "build", "qa", "delivery", "support"}
    assert cadence["build"]["interval_days"] == 7
    assert cadence["build"]["description"] == "a written build status every week"
    assert body["plan"]["record_location"] == "This portal"


def new_project(lead, **overrides):
    client = ClientFactory()
    return {
        "client": client.pk,
        "name": "Ferry booking",
        "scope": "Book a ferry seat from the phone.",
        "owner": lead.pk,
        "lead": UserFactory().pk,
        "contacts": [ContactFactory(client=client).pk],
        "starts_on": "2026-05-04",
        "target_delivery_on": "2026-08-28",
        "target_launch_on": "2026-09-07",
        **overrides,
    }


@pytest.fixture
def admin_api(db):
    from .conftest import client_with_token

    return client_with_token(UserFactory(username="root", is_superuser=True))


def test_creating_a_project_starts_its_record_with_the_plan_asked_for(admin_api, lead):
    response = admin_api.post(
        "/api/projects/",
        new_project(
            lead,
            channel_rules=[{"message_type": "quick_question", "channel": "email"}],
            cadence=[{"phase": "build", "interval_days": 14, "business_days_only": False}],
        ),
        format="json",
    )

    assert response.status_code == 201, response.json()
    project = Project.objects.get(name="Ferry booking")
    assert response.json()["id"] == project.pk
    assert PhaseChange.objects.filter(project=project, from_phase="", to_phase="discovery").exists()
    assert ChannelRule.objects.get(project=project, message_type="quick_question").channel == "email"
    assert ChannelRule.objects.get(project=project, message_type="decision").channel == "email"
    assert CadencePolicy.objects.get(project=project, phase="build").interval_days == 14
    assert Deadline.objects.filter(owner=lead, kind="morning_digest", is_active=True).exists()
    assert {p["phase"]: p["interval_days"] for p in response.json()["plan"]["cadence"]}["build"] == 14


def test_a_lead_creates_a_project_for_a_client_they_work_with(api, lead, project):
    response = api.post(
        "/api/projects/", new_project(lead, client=project.client.pk, contacts=[]), format="json"
    )

    assert response.status_code == 201, response.json()


def test_a_lead_cannot_name_a_client_they_do_not_work_with(api, lead, project):
    response = api.post("/api/projects/", new_project(lead), format="json")

    assert response.status_code == 400
    assert "client" in response.json()


def test_a_lead_must_be_on_the_project_they_create(api, lead, project):
    response = api.post(
        "/api/projects/",
        new_project(lead, client=project.client.pk, contacts=[], owner=UserFactory().pk),
        format="json",
    )

    assert response.status_code == 400
    assert "you would not see the project" in response.json()["non_field_errors"][0]


def test_missing_and_wrong_fields_are_named(admin_api, lead):
    response = admin_api.post(
        "/api/projects/",
        {"name": "", "owner": 999999, "starts_on": "next week", "cadence": [{"phase": "closed"}]},
        format="json",
    )

    assert response.status_code == 400
    errors = response.json()
    assert {"client", "name", "scope", "owner", "lead", "starts_on", "cadence"} <= set(errors)
    assert errors["cadence"]["0"]["phase"] == ['"closed" is not a valid choice.']
    assert not Project.objects.exists()


def test_dates_in_the_wrong_order_are_refused_in_the_models_own_words(admin_api, lead):
    response = admin_api.post(
        "/api/projects/", new_project(lead, target_delivery_on="2026-01-01"), format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Target delivery cannot be before the start date."]}


def test_a_contact_of_another_client_is_refused(admin_api, lead):
    stranger = ContactFactory(name="Ana Silva")

    fields = new_project(lead, contacts=[stranger.pk])

    response = admin_api.post("/api/projects/", fields, format="json")

    assert response.status_code == 400
    client = Client.objects.get(pk=fields["client"])
    assert response.json()["contacts"] == [f"Ana Silva is not a contact of {client}."]


def test_two_channels_for_one_message_type_are_refused(admin_api, lead):
    rules = [
        {"message_type": "decision", "channel": "email"},
        {"message_type": "decision", "channel": "chat"},
    ]

    response = admin_api.post("/api/projects/", new_project(lead, channel_rules=rules), format="json")

    assert response.status_code == 400
    assert response.json()["channel_rules"] == ["One channel per message type: a type is named twice."]


def test_nothing_is_stored_when_a_later_step_of_the_creation_fails(admin_api, lead, monkeypatch):
    def refuse(project, **policy):
        raise ValidationError({"interval_days": "Refused for the test."})

    monkeypatch.setattr("api.projects.set_cadence", refuse)

    response = admin_api.post(
        "/api/projects/",
        new_project(
            lead,
            channel_rules=[{"message_type": "quick_question", "channel": "email"}],
            cadence=[{"phase": "build", "interval_days": 14}],
        ),
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"interval_days": ["Refused for the test."]}
    assert not Project.objects.exists()
    assert not PhaseChange.objects.exists()
    assert not ChannelRule.objects.filter(project__isnull=False).exists()


def test_malformed_json_is_400_with_a_message(api, project):
    response = api.post("/api/projects/", '{"name": "Ferry', content_type="application/json")

    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")


def test_projects_filter_by_phase_and_order_by_name(admin_api, lead):
    from tests.factories import make_project

    for name, phase in [("Beta", "build"), ("Alpha", "build"), ("Gamma", "qa")]:
        make_project(name=name, phase=phase)

    names = [
        row["name"] for row in admin_api.get("/api/projects/?phase=build&ordering=-name").json()["results"]
    ]

    assert names == ["Beta", "Alpha"]
    assert admin_api.get("/api/projects/?phase=launched").status_code == 400
