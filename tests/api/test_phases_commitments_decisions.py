"""Phase changes, commitments and decisions through the API: the dashboard's services, its refusals
as field errors or 409s, and the filters on each list."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from comms.models import Update
from projects.models import Commitment, Decision, Phase, PhaseChange
from tests.factories import CalendarFactory, ClientFactory, ContactFactory, make_project

pytestmark = pytest.mark.django_db


# --- Phases --------------------------------------------------------------------------------------


def test_changing_the_phase_drafts_the_clients_notice(api, project, lead):
    response = api.post(
        "/api/phases/",
        {"project": project.pk, "to_phase": "build", "note": "Designs signed off."},
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["from_phase"] == "discovery"
    assert response.json()["changed_by"] == lead.pk
    project.refresh_from_db()
    assert project.phase == "build"
    assert project.updates.get(kind="phase_notice").state == Update.State.DRAFT


def test_moving_into_the_phase_it_is_in_is_a_field_error(api, project):
    response = api.post("/api/phases/", {"project": project.pk, "to_phase": "discovery"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"to_phase": ["The project is already in Discovery."]}
    assert PhaseChange.objects.filter(project=project).count() == 1


def test_the_phase_history_filters_by_project_and_phase(api, project, lead):
    api.post("/api/phases/", {"project": project.pk, "to_phase": "build"}, format="json")

    rows = api.get(f"/api/phases/?project={project.pk}&to_phase=build").json()["results"]

    assert [(row["from_phase"], row["to_phase"]) for row in rows] == [("discovery", "build")]
    assert api.get(f"/api/phases/?project={project.pk}").json()["count"] == 2


# --- Commitments ---------------------------------------------------------------------------------


def test_a_commitment_is_added_held_up_and_completed(api, project):
    created = api.post(
        "/api/commitments/",
        {"project": project.pk, "description": "Send the test plan", "due_on": "2026-04-02"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    url = f"/api/commitments/{created.json()['id']}/"

    waiting = api.patch(url, {"waiting_for": "Staging credentials"}, format="json")
    assert waiting.json()["waiting_for"] == "Staging credentials"
    assert waiting.json()["waiting_since"] is not None

    done = api.post(f"{url}complete/", {"done_on": "2026-04-01"}, format="json")
    assert done.status_code == 200
    assert (
        done.json() | {"status": "done", "done_on": "2026-04-01", "progress": 100, "waiting_for": ""}
        == done.json()
    )


def overdue_in_the_api(api, commitment, instant, time_machine):
    time_machine.move_to(instant, tick=False)
    return api.get(f"/api/commitments/{commitment.pk}/").json()["overdue"]


def test_a_promise_is_overdue_in_the_api_by_the_date_the_client_lives_on(api, lead, time_machine):
    new_york = CalendarFactory(time_zone="America/New_York", holiday_country="US", holiday_subdivision="NY")
    for_new_york = Commitment.objects.create(
        project=make_project(owner=lead, client=ClientFactory(calendar=new_york)),
        description="Monday's promise",
        due_on=dt.date(2026, 3, 9),
    )
    for_sydney = Commitment.objects.create(
        project=make_project(owner=lead, client=ClientFactory(calendar=CalendarFactory())),
        description="Monday's promise",
        due_on=dt.date(2026, 3, 9),
    )
    new_york_zone = ZoneInfo("America/New_York")

    # Monday 21:00 in New York is Tuesday in UTC, but not yet for the New York client.
    assert not overdue_in_the_api(
        api, for_new_york, dt.datetime(2026, 3, 9, 21, tzinfo=new_york_zone), time_machine
    )
    assert overdue_in_the_api(
        api, for_new_york, dt.datetime(2026, 3, 10, 0, 30, tzinfo=new_york_zone), time_machine
    )
    # Monday 14:00 UTC is already Tuesday 01:00 for the Sydney client.
    assert overdue_in_the_api(api, for_sydney, dt.datetime(2026, 3, 9, 14, tzinfo=dt.UTC), time_machine)


def test_a_closed_projects_promise_is_not_overdue_in_the_api(api, project):
    promise = Commitment.objects.create(
        project=project, description="Old promise", due_on=dt.date(2020, 1, 1)
    )
    project.phase = Phase.CLOSED
    project.save(update_fields=["phase"])

    assert api.get(f"/api/commitments/{promise.pk}/").json()["overdue"] is False
    assert [row["overdue"] for row in api.get("/api/commitments/").json()["results"]] == [False]


def test_completing_a_done_commitment_is_409(api, project):
    commitment = Commitment.objects.create(project=project, description="Export", due_on="2026-04-01")
    api.post(f"/api/commitments/{commitment.pk}/complete/", {}, format="json")

    response = api.post(f"/api/commitments/{commitment.pk}/complete/", {}, format="json")

    assert response.status_code == 409
    assert response.json() == {"detail": "This commitment is done, no longer open."}


def test_a_commitment_without_its_due_date_names_the_field(api, project):
    response = api.post("/api/commitments/", {"project": project.pk, "description": "Export"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"due_on": ["This field is required."]}


def test_commitments_filter_on_their_due_date_and_status(api, project):
    for day in (1, 8, 15):
        Commitment.objects.create(project=project, description=f"Step {day}", due_on=dt.date(2026, 4, day))
    Commitment.objects.filter(description="Step 15").update(status="dropped")

    rows = api.get("/api/commitments/?since=2026-04-05&status=open").json()["results"]

    assert [row["description"] for row in rows] == ["Step 8"]
    assert [
        row["description"]
        for row in api.get("/api/commitments/?until=2026-04-08&ordering=-due_on").json()["results"]
    ] == [
        "Step 8",
        "Step 1",
    ]


# --- Decisions -----------------------------------------------------------------------------------


def test_a_decision_made_on_a_call_gets_its_confirmation_drafted(api, project):
    jack = project.contacts.get()

    response = api.post(
        "/api/decisions/",
        {
            "project": project.pk,
            "summary": "Launch in two stages",
            "made_in": "call",
            "made_at": "2026-03-06T15:00:00Z",
            "agreed_by": [jack.pk],
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["agreed_by"] == [jack.pk]
    assert body["needs_written_confirmation"] is True
    [confirmation] = body["confirmations"]
    assert Update.objects.get(pk=confirmation).kind == "decision_confirmation"


@pytest.mark.parametrize(
    ("made_at", "problem"),
    [
        ("0001-01-01T00:00:00Z", "The decision is dated 1: check the year."),
        ("2099-01-01T09:00:00Z", "future"),
    ],
)
def test_a_decision_dated_before_2000_or_in_the_future_is_refused(api, project, made_at, problem):
    response = api.post(
        "/api/decisions/",
        {"project": project.pk, "summary": "Go live", "made_in": "call", "made_at": made_at},
        format="json",
    )

    assert response.status_code == 400
    assert problem in response.json()["made_at"][0]
    assert not Decision.objects.exists() and not Update.objects.exists()


def test_a_decision_agreed_by_someone_not_on_the_project_is_refused(api, project):
    outsider = ContactFactory(client=project.client, name="Mia Park")

    response = api.post(
        "/api/decisions/",
        {
            "project": project.pk,
            "summary": "Drop the export",
            "made_in": "email",
            "made_at": "2026-03-06T15:00:00Z",
            "agreed_by": [outsider.pk],
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"agreed_by": [f"Mia Park is not a contact on {project}."]}
    assert not Decision.objects.exists()


def test_decisions_filter_by_venue_and_time(api, project, lead):
    for venue, day in [("call", 2), ("email", 3), ("call", 9)]:
        Decision.objects.create(
            project=project,
            summary=f"{venue} {day}",
            made_in=venue,
            made_at=dt.datetime(2026, 3, day, 10, tzinfo=dt.UTC),
            logged_by=lead,
        )

    rows = api.get("/api/decisions/?made_in=call&until=2026-03-05T00:00:00Z").json()["results"]

    assert [row["summary"] for row in rows] == ["call 2"]
    assert api.get("/api/decisions/?since=yesterday").status_code == 400


def test_the_natural_timestamp_defaults_to_newest_first(api, project, lead):
    now = timezone.now()
    for hours in (3, 1, 2):
        Decision.objects.create(
            project=project,
            summary=f"{hours}h ago",
            made_in="email",
            made_at=now - dt.timedelta(hours=hours),
            logged_by=lead,
        )

    rows = api.get("/api/decisions/").json()["results"]

    assert [row["summary"] for row in rows] == ["1h ago", "2h ago", "3h ago"]
