"""A project's steps through the API: PATCH edits what a lead edits and refuses, naming the action,
the fields that are steps of their own; the kickoff and the launch are logged once, each drafting
what it owes the client; another lead's project is not found."""

import datetime as dt

import pytest
import time_machine

from comms.models import Deadline
from projects.models import Contact, Phase, Project
from tests.factories import ContactFactory, UserFactory, make_project

pytestmark = pytest.mark.django_db


def utc(*args):
    return dt.datetime(*args, tzinfo=dt.UTC)


def instant(text):
    return dt.datetime.fromisoformat(text)


def url(project, step=""):
    return f"/api/projects/{project.pk}/{step}"


def drafts(api, project, kind):
    return api.get("/api/updates/", {"project": project.pk, "kind": kind}).json()["results"]


# --- Edits ---------------------------------------------------------------------------------------


def test_a_lead_renames_the_project_moves_its_dates_and_adds_a_contact(api, project):
    mia = ContactFactory(client=project.client, name="Mia Thompson", kind=Contact.Kind.EXECUTIVE)
    jack = project.contacts.get()

    response = api.patch(
        url(project),
        {
            "name": "Fleet map",
            "target_delivery_on": "2026-07-10",
            "target_launch_on": "2026-07-20",
            "contacts": [jack.pk, mia.pk],
        },
        format="json",
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["name"], body["target_delivery_on"], body["target_launch_on"]) == (
        "Fleet map",
        "2026-07-10",
        "2026-07-20",
    )
    assert sorted(body["contacts"]) == sorted([jack.pk, mia.pk])
    assert set(project.contacts.values_list("name", flat=True)) == {"Jack Nguyen", "Mia Thompson"}
    assert body["phase"] == "discovery"  # fields not given are kept


def test_a_new_owner_is_named_and_gets_their_morning_digest(api, lead, project):
    colleague = UserFactory(username="omar")

    response = api.patch(url(project), {"owner": colleague.pk, "team": [lead.pk]}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["owner"] == colleague.pk
    project.refresh_from_db()
    assert project.owner == colleague
    assert Deadline.objects.filter(owner=colleague, kind="morning_digest", is_active=True).exists()


def test_dates_in_the_wrong_order_are_refused_and_nothing_changes(api, project):
    response = api.patch(
        url(project), {"name": "Fleet map", "target_delivery_on": "2020-01-01"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Target delivery cannot be before the start date."]}
    project.refresh_from_db()
    assert project.name == "Fleet dashboard"


@pytest.mark.parametrize(
    ("field", "value", "action", "path"),
    [
        ("phase", "build", "change the phase", "/api/phases/"),
        ("kickoff_at", "2026-02-27T14:00:00Z", "log the kickoff call", "/kickoff/"),
        ("launched_at", "2026-05-05T09:00:00Z", "record the launch", "/launch/"),
    ],
)
def test_a_step_of_the_projects_life_is_refused_in_an_edit_with_the_action_named(
    api, project, field, value, action, path
):
    response = api.patch(url(project), {"name": "Fleet map", field: value}, format="json")

    assert response.status_code == 400
    [message] = response.json()[field]
    assert action in message and path in message
    project.refresh_from_db()
    assert (project.name, project.phase, project.kickoff_at, project.launched_at) == (
        "Fleet dashboard",
        Phase.DISCOVERY,
        None,
        None,
    )


def test_a_contact_of_another_client_is_refused_and_nothing_changes(api, lead, project):
    elsewhere = make_project(owner=lead, name="Statement archive")
    ana = ContactFactory(client=elsewhere.client, name="Ana Silva")

    response = api.patch(url(project), {"name": "Fleet map", "contacts": [ana.pk]}, format="json")

    assert response.status_code == 400
    assert response.json() == {"contacts": [f"Not contacts of {project.client}: Ana Silva."]}
    project.refresh_from_db()
    assert project.name == "Fleet dashboard"
    assert list(project.contacts.values_list("name", flat=True)) == ["Jack Nguyen"]


def test_a_contact_of_a_client_the_lead_does_not_work_with_is_unknown(api, project, other_project):
    stranger = other_project.contacts.get()

    response = api.patch(url(project), {"contacts": [stranger.pk]}, format="json")

    assert response.status_code == 400
    assert "contacts" in response.json()
    assert list(project.contacts.values_list("name", flat=True)) == ["Jack Nguyen"]


# --- Kickoff and launch --------------------------------------------------------------------------


def test_logging_the_kickoff_drafts_the_summary_owed_one_business_day_later(api, project):
    friday_call = utc(2026, 2, 27, 14)  # 14:00 in London, the team's calendar
    with time_machine.travel(utc(2026, 2, 27, 16), tick=False):
        response = api.post(url(project, "kickoff/"), {"at": "2026-02-27T14:00:00Z"}, format="json")
        [summary] = drafts(api, project, "kickoff_summary")

    assert response.status_code == 200, response.json()
    assert instant(response.json()["kickoff_at"]) == friday_call
    assert summary["state"] == "draft"
    assert instant(summary["send_by"]) == utc(2026, 3, 2, 14)  # the Monday after the Friday call
    assert "Jack Nguyen" in summary["technical_body"]
    assert Deadline.objects.filter(project=project, kind="cadence_update", is_active=True).exists()
    assert Deadline.objects.filter(project=project, kind="quiet_client", is_active=True).exists()


def test_a_second_kickoff_is_409_and_drafts_nothing_more(api, project):
    with time_machine.travel(utc(2026, 2, 27, 16), tick=False):
        api.post(url(project, "kickoff/"), {"at": "2026-02-27T14:00:00Z"}, format="json")
        again = api.post(url(project, "kickoff/"), {"at": "2026-02-27T15:00:00Z"}, format="json")
        summaries = drafts(api, project, "kickoff_summary")

    assert again.status_code == 409
    assert again.json() == {"detail": "The kickoff call is already logged (Fri 27 Feb 14:00 London)."}
    assert len(summaries) == 1
    project.refresh_from_db()
    assert project.kickoff_at == utc(2026, 2, 27, 14)


def test_a_kickoff_in_the_future_is_refused(api, project):
    with time_machine.travel(utc(2026, 2, 27, 16), tick=False):
        response = api.post(url(project, "kickoff/"), {"at": "2026-02-28T10:00:00Z"}, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "kickoff_at": ["The kickoff call is in the future: log it once it has happened."]
    }
    project.refresh_from_db()
    assert project.kickoff_at is None
    assert not project.updates.exists()


def test_a_step_without_its_time_names_the_field(api, project):
    response = api.post(url(project, "kickoff/"), {}, format="json")

    assert response.status_code == 400
    assert response.json() == {"at": ["This field is required."]}


def test_recording_the_launch_drafts_the_delivery_summary_and_books_the_checkins(api, project):
    Project.objects.filter(pk=project.pk).update(
        phase=Phase.DELIVERY,
        known_limitations="No offline mode on Android yet.",
        support_terms="Defects fixed free for 30 days.",
    )
    with time_machine.travel(utc(2026, 5, 5, 12), tick=False):
        response = api.post(url(project, "launch/"), {"at": "2026-05-05T09:00:00Z"}, format="json")
        [summary] = drafts(api, project, "delivery_summary")
        again = api.post(url(project, "launch/"), {"at": "2026-05-05T10:00:00Z"}, format="json")

    assert response.status_code == 200, response.json()
    assert instant(response.json()["launched_at"]) == utc(2026, 5, 5, 9)
    assert summary["state"] == "draft"
    assert "No offline mode on Android yet." in summary["technical_body"]
    assert "Defects fixed free for 30 days." in summary["technical_body"]
    checkins = Deadline.objects.filter(project=project, kind="checkin", is_active=True)
    assert sorted(checkins.values_list("checkin_day", flat=True)) == [7, 30]
    assert again.status_code == 409
    assert again.json() == {"detail": "The launch is already recorded (Tue 5 May 10:00 London)."}
    assert len(drafts(api, project, "delivery_summary")) == 1


# --- Someone else's project ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "step", "body"),
    [
        ("patch", "", {"name": "Taken over"}),
        ("post", "kickoff/", {"at": "2026-02-27T14:00:00Z"}),
        ("post", "launch/", {"at": "2026-02-27T14:00:00Z"}),
    ],
)
def test_another_leads_project_is_not_found_and_left_alone(api, other_project, method, step, body):
    with time_machine.travel(utc(2026, 2, 27, 16), tick=False):
        response = getattr(api, method)(url(other_project, step), body, format="json")

    assert response.status_code == 404
    other_project.refresh_from_db()
    assert (other_project.name, other_project.kickoff_at, other_project.launched_at) == (
        "Statement archive",
        None,
        None,
    )
    assert not other_project.updates.exists()


def test_a_lead_who_hands_the_project_over_entirely_gets_an_answer_that_matches_the_record(api, project):
    api.raise_request_exception = False
    colleague = UserFactory(username="omar")

    response = api.patch(url(project), {"owner": colleague.pk}, format="json")

    # Handed over (200) or refused because the lead would no longer see it (400): either way in JSON,
    # and saying what the record now holds.
    assert response.status_code in (200, 400), response.status_code
    assert response["Content-Type"] == "application/json"
    project.refresh_from_db()
    assert (project.owner == colleague) == (response.status_code == 200)
