"""The portal's project page shows a page of each long list (updates, promises, decisions), what is
open first, and "older" pages for the rest, at the same number of queries for any project's size."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from comms.models import Update, UpdateVisual
from projects.models import Commitment, Contact, Decision
from projects.portal_access import link_token
from tests.factories import ContactFactory, make_project

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 10, 1, 0, tzinfo=dt.UTC)  # Tuesday 10 March, noon in Sydney


@pytest.fixture
def project():
    return make_project(name="Fleet dashboard")  # the client's calendar is Sydney's


@pytest.fixture
def client_of(client, project):
    """The test client signed in to the portal as a contact on `project`."""
    contact = ContactFactory(client=project.client, kind=Contact.Kind.TECHNICAL)
    project.contacts.add(contact)
    with time_machine.travel(NOW, tick=False):
        client.get(reverse("portal:open_link", args=[link_token(contact)]))
    return client


def page(client, project, **query):
    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("portal:project", args=[project.pk]), query)
    assert response.status_code == 200
    return response.content.decode()


def sent_updates(project, count):
    """Weekly updates "Week 1" … "Week <count>", the last sent an hour ago."""
    updates = Update.objects.bulk_create(
        Update(
            project=project,
            kind="build_status",
            subject=f"Week {week}",
            technical_body=f"Detail of week {week}.",
            executive_body="On track.",
            status_line=f"On track in week {week}.",
            rag="green",
            state=Update.State.SENT,
            send_by=NOW - dt.timedelta(weeks=count - week, hours=1),
            created_at=NOW - dt.timedelta(weeks=count - week, hours=2),
            sent_at=NOW - dt.timedelta(weeks=count - week, hours=1),
        )
        for week in range(1, count + 1)
    )
    UpdateVisual.objects.bulk_create(
        UpdateVisual(update=update, link="https://fleet.example/preview", caption="Preview", added_at=NOW)
        for update in updates
    )


def agreed_decisions(project, count):
    """Decisions "Agreed 1" … "Agreed <count>" made by email, one a day, the last yesterday."""
    Decision.objects.bulk_create(
        Decision(
            project=project,
            summary=f"Agreed {number}",
            made_in=Decision.Venue.EMAIL,
            made_at=NOW - dt.timedelta(days=count - number + 1),
            logged_by=project.owner,
        )
        for number in range(1, count + 1)
    )


def kept_promises(project, count):
    """Promises "Kept 1" … "Kept <count>", done one a day, the last yesterday."""
    Commitment.objects.bulk_create(
        Commitment(
            project=project,
            description=f"Kept {number}",
            due_on=dt.date(2026, 3, 9) - dt.timedelta(days=count - number),
            status=Commitment.Status.DONE,
            done_on=dt.date(2026, 3, 9) - dt.timedelta(days=count - number),
            progress=100,
        )
        for number in range(1, count + 1)
    )


def test_the_page_shows_the_20_newest_updates_and_an_older_page_the_rest(client_of, project):
    sent_updates(project, 25)
    first = page(client_of, project)
    assert "Week 25" in first and "Week 6<" in first
    assert "Week 5<" not in first
    assert 'href="?older=updates&amp;page=2"' in first

    older = page(client_of, project, older="updates", page=2)
    assert all(f"Week {week}<" in older for week in range(1, 6))
    assert "Week 6<" not in older and "Week 25" not in older
    assert "?older=updates&amp;page=3" not in older  # nothing older than week 1
    assert f'href="{reverse("portal:project", args=[project.pk])}"' in older  # back to the newest


def test_an_old_open_promise_comes_before_newer_kept_ones_and_older_pages_hold_the_rest(client_of, project):
    kept_promises(project, 25)
    Commitment.objects.create(
        project=project, description="Hand over the admin guide", due_on=dt.date(2025, 3, 3)
    )
    first = page(client_of, project)
    assert "Hand over the admin guide — 0% done, due Mon 3 Mar <strong>overdue</strong>" in first
    assert "Hand over the admin guide, by Mon 3 Mar" in first  # and in "We owe you"
    assert first.index("Hand over the admin guide — ") < first.index("Kept 25 — done Mon 9 Mar")
    assert "Kept 7 —" in first and "Kept 6 —" not in first  # 1 open + the 19 kept last

    older = page(client_of, project, older="promises", page=2)
    assert all(f"Kept {number} —" in older for number in range(1, 7))
    assert "Kept 7 —" not in older and "Hand over the admin guide" not in older


def test_an_old_decision_awaiting_the_client_comes_before_newer_agreed_ones(client_of, project):
    agreed_decisions(project, 25)
    Decision.objects.create(
        project=project,
        summary="Pick the launch date",
        made_in=Decision.Venue.EMAIL,
        made_at=NOW - dt.timedelta(days=400),
        logged_by=project.owner,
        awaiting_client=True,
    )
    first = page(client_of, project)
    assert "A decision: Pick the launch date" in first  # in "We are waiting for you"
    assert first.index("Pick the launch date <strong>waiting for your decision</strong>") < first.index(
        "Agreed 25 "
    )
    assert "Agreed 7 " in first and "Agreed 6 " not in first

    older = page(client_of, project, older="decisions", page=2)
    assert all(f"Agreed {number} " in older for number in range(1, 7))
    assert "Agreed 7 " not in older and "Pick the launch date" not in older


def test_more_open_promises_than_a_page_holds_are_said_to_continue(client_of, project):
    for number in range(21):
        Commitment.objects.create(
            project=project,
            description=f"Open {number}",
            due_on=dt.date(2026, 4, 1) + dt.timedelta(days=number),
        )
    first = page(client_of, project)
    assert "Open 19, by" in first and "Open 20" not in first
    assert "More open promises on the next page" in first
    assert "Open 20 —" in page(client_of, project, older="promises", page=2)


def test_a_page_of_open_promises_followed_by_kept_ones_says_no_more_are_open(client_of, project):
    kept_promises(project, 1)
    for number in range(20):
        Commitment.objects.create(project=project, description=f"Open {number}", due_on=dt.date(2026, 4, 1))
    first = page(client_of, project)
    assert "More open promises on the next page" not in first
    assert "Older promises" in first


def test_dates_read_as_before_in_the_clients_zone(client_of, project):
    Decision.objects.create(
        project=project,
        summary="Invoices go monthly",
        made_in=Decision.Venue.CALL,
        made_at=dt.datetime(2026, 3, 8, 23, 30, tzinfo=dt.UTC),  # Monday 9 March in Sydney
        confirmed_at=dt.datetime(2026, 3, 9, 22, 0, tzinfo=dt.UTC),  # Tuesday 10 March there
        logged_by=project.owner,
    )
    Decision.objects.create(
        project=project,
        summary="Reports go weekly",
        made_in=Decision.Venue.EMAIL,
        made_at=dt.datetime(2026, 3, 2, 3, 0, tzinfo=dt.UTC),
        logged_by=project.owner,
    )
    text = page(client_of, project)
    assert (
        'Invoices go monthly <span class="muted">(call, Mon 9 Mar 2026; confirmed in writing Tue 10 Mar)'
        in text
    )
    assert 'Reports go weekly <span class="muted">(email, Mon 2 Mar 2026)</span>' in text


@pytest.mark.parametrize(
    "query",
    [{"older": "nonsense", "page": 2}, {"older": "updates", "page": "two"}, {"older": "updates", "page": 0}],
)
def test_a_malformed_older_page_address_gets_a_clear_400(client_of, project, query):
    with time_machine.travel(NOW, tick=False):
        response = client_of.get(reverse("portal:project", args=[project.pk]), query)
    assert response.status_code == 400
    assert "This page of the project does not exist" in response.content.decode()


def with_record(project, size):
    """`size` each of sent updates, agreed decisions and kept promises; one in ten of the decisions
    is still waiting on the client and one in ten of the promises is open."""
    sent_updates(project, size)
    agreed_decisions(project, size)
    kept_promises(project, size)
    Decision.objects.filter(project=project, summary__endswith="0").update(awaiting_client=True)
    Commitment.objects.filter(project=project, description__endswith="0").update(
        status=Commitment.Status.OPEN, done_on=None, progress=50
    )


@pytest.mark.parametrize("size", [1, 60])
def test_the_project_page_costs_the_same_queries_for_a_small_or_a_big_project(
    client_of, project, size, django_assert_num_queries
):
    with_record(project, size)
    with django_assert_num_queries(15):
        page(client_of, project)


@pytest.mark.parametrize("size", [21, 120])
@pytest.mark.parametrize("older, queries", [("updates", 7), ("promises", 6), ("decisions", 6)])
def test_an_older_page_costs_the_same_queries_for_a_small_or_a_big_project(
    client_of, project, size, older, queries, django_assert_num_queries
):
    with_record(project, size)
    with django_assert_num_queries(queries):  # the updates' visuals are read with them
        text = page(client_of, project, older=older, page=2)
    assert "Nothing yet." not in text and "No decisions recorded yet." not in text
    assert "No updates yet." not in text
