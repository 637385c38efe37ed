"""Every list: pages of 50 (page_size up to 200), and a constant number of queries whether the page
holds 5 rows or 30."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comms.models import Message, Update
from escalations.models import Escalation, EscalationEvent
from projects.models import Commitment, Decision, PhaseChange
from tests.factories import ContactFactory, UserFactory, make_project

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)


def projects(project, n):
    for index in range(n):
        name = f"Project {project.client.projects.count()}:{index}"
        other = make_project(owner=project.owner, client=project.client, name=name)
        other.contacts.add(project.contacts.get())
        other.team.add(project.lead)


def contacts(project, n):
    project.contacts.add(*[ContactFactory(client=project.client) for _ in range(n)])


def phases(project, n):
    PhaseChange.objects.bulk_create(
        PhaseChange(
            project=project, from_phase="build", to_phase="qa", changed_at=NOW, changed_by=project.owner
        )
        for _ in range(n)
    )


def commitments(project, n):
    Commitment.objects.bulk_create(
        Commitment(project=project, description=f"Step {index}", due_on=dt.date(2026, 4, 1))
        for index in range(n)
    )


def decisions(project, n):
    jack = project.contacts.get()
    for index in range(n):
        decision = Decision.objects.create(
            project=project, summary=f"Decision {index}", made_in="call", made_at=NOW, logged_by=project.owner
        )
        decision.agreed_by.add(jack)
        update(project, index, decision=decision, kind="decision_confirmation")


def update(project, index, **extra):
    """A sent build status by default: a project has one open draft of a recurring kind at most."""
    fields = {"kind": "build_status", "state": "sent", "sent_at": NOW, **extra}
    return Update.objects.create(
        project=project,
        subject=f"Update {index}",
        technical_body="Shipped.",
        executive_body="On track.",
        status_line="On track",
        rag="green",
        send_by=NOW,
        created_at=NOW,
        **fields,
    )


def updates(project, n):
    for index in range(n):
        update(project, index)


def messages(project, n):
    Message.objects.bulk_create(
        Message(
            project=project,
            kind="build_status",
            contact=project.contacts.get(),
            from_email="updates@portal.localhost",
            to_email="jack@hf.example",
            subject=f"Update {index}",
            body_text="Shipped.",
            dedupe_key=f"test:{Message.objects.count()}:{index}",
            created_at=NOW,
        )
        for index in range(n)
    )


def escalations(project, n):
    for index in range(n):
        escalation = Escalation.objects.create(
            project=project,
            category="dispute",
            severity="minor",
            title=f"Issue {index}",
            description="An invoice query.",
            first_responder=project.owner,
            raised_at=NOW,
            acknowledge_by=NOW,
            resolve_by=NOW,
            targets={},
            path={},
        )
        EscalationEvent.objects.create(escalation=escalation, kind="raised", at=NOW)


def people(project, n):
    UserFactory.create_batch(n)


LISTS = {
    "projects": projects,
    "contacts": contacts,
    "phases": phases,
    "commitments": commitments,
    "decisions": decisions,
    "updates": updates,
    "messages": messages,
    "escalations": escalations,
    "people": people,
}


def queries_for(api, url):
    with CaptureQueriesContext(connection) as queries:
        response = api.get(url)
    assert response.status_code == 200
    return len(queries), response.json()


@pytest.mark.parametrize("resource", LISTS)
def test_a_list_costs_the_same_queries_for_5_rows_as_for_30(
    api, project, resource, django_assert_num_queries
):
    LISTS[resource](project, 5)
    few, body = queries_for(api, f"/api/{resource}/")
    assert body["count"] >= 5

    LISTS[resource](project, 25)
    with django_assert_num_queries(few):
        assert api.get(f"/api/{resource}/").json()["count"] >= 30


def test_pages_hold_50_rows_and_link_to_the_next(api, project):
    commitments(project, 120)

    first = api.get("/api/commitments/").json()
    last = api.get("/api/commitments/?page=3").json()

    assert (first["count"], len(first["results"])) == (120, 50)
    assert first["next"].endswith("/api/commitments/?page=2")
    assert (len(last["results"]), last["next"]) == (20, None)


def test_page_size_is_chosen_up_to_200(api, project):
    commitments(project, 230)

    assert len(api.get("/api/commitments/?page_size=10").json()["results"]) == 10
    assert len(api.get("/api/commitments/?page_size=1000").json()["results"]) == 200


def test_a_page_past_the_end_is_404(api, project):
    commitments(project, 3)

    response = api.get("/api/commitments/?page=9")

    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid page."}


def test_ordering_is_limited_to_the_listed_fields(api, project):
    commitments(project, 3)
    Commitment.objects.filter(description="Step 1").update(due_on=dt.date(2026, 3, 1))

    rows = api.get("/api/commitments/?ordering=due_on").json()["results"]
    ignored = api.get("/api/commitments/?ordering=description").json()["results"]

    assert rows[0]["description"] == "Step 1"
    assert [row["description"] for row in ignored][0] == "Step 1"  # an unlisted field keeps the default


def test_filters_and_time_ranges_combine(api, project):
    escalations(project, 2)
    Escalation.objects.filter(title="Issue 0").update(raised_at=timezone.now())

    rows = api.get(f"/api/escalations/?project={project.pk}&since=2026-04-01T00:00:00Z").json()["results"]

    assert [row["title"] for row in rows] == ["Issue 0"]


def test_an_instant_with_any_iso_offset_is_read_in_utc(api, project):
    escalations(project, 1)

    response = api.get("/api/escalations/", {"since": "2026-03-09T20:00:00-21:49"})

    assert response.status_code == 200
    assert response.json()["count"] == 0  # 2026-03-10 17:49 UTC, after NOW


@pytest.mark.parametrize(
    "query",
    [{"project": "99999999999999999999"}, {"project": "0.5"}, {"in_scope": "maybe"}, {"page_size": "abc"}],
)
def test_a_filter_value_the_schema_does_not_allow_is_400_not_ignored(api, project, query):
    response = api.get("/api/commitments/", query)

    assert response.status_code == 400
    assert list(response.json()) == list(query)


def test_an_id_too_long_for_the_database_is_a_json_404(api, project):
    response = api.get("/api/projects/99999999999999999999/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
