"""A broad search ranks only the newest matches (comms.search.RANKED_AT_MOST, lowered here) and
says so; a search with fewer matches ranks them all, as it always did."""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse

from comms import search
from comms.search import search_record
from projects.models import Decision, Project
from tests.factories import UserFactory, make_client_mail, make_project

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the windows are read on PostgreSQL (CI runs it there)"
)


@pytest.fixture
def lead():
    return UserFactory(username="lena")


@pytest.fixture
def project(lead):
    return make_project(owner=lead, name="Fleet dashboard")


@pytest.fixture
def invoices(lead, project):
    """Five entries about invoices, oldest first: the two oldest name it in their title (the best
    matches), the three newest only mention it."""
    for day in (1, 2):
        make_client_mail(project, f"Invoice {day}", "Attached.", at=NOW - dt.timedelta(days=30 - day))
    for day in (3, 4):
        make_client_mail(
            project, f"Numbers {day}", "The invoice is attached.", at=NOW - dt.timedelta(days=30 - day)
        )
    Decision.objects.create(
        project=project,
        summary="Numbers go out with the invoice",
        made_in="call",
        made_at=NOW,
        logged_by=lead,
    )


def titles(hits):
    return [str(hit.title) for hit in hits]


def test_a_search_with_no_more_matches_than_the_cap_ranks_them_all(monkeypatch, lead, invoices):
    everything = search_record(Project.objects.visible_to(lead), "invoice")
    monkeypatch.setattr(search, "RANKED_AT_MOST", 5)

    capped_at_five = search_record(Project.objects.visible_to(lead), "invoice")

    assert capped_at_five == everything
    assert titles(capped_at_five)[:3] == [
        "Numbers go out with the <mark>invoice</mark>",
        "<mark>Invoice</mark> 2",
        "<mark>Invoice</mark> 1",
    ]
    assert len(capped_at_five) == 5
    assert not capped_at_five.capped and capped_at_five.ranked_of is None


def test_past_the_cap_the_newest_matches_are_ranked_and_the_older_left_out(monkeypatch, lead, invoices):
    monkeypatch.setattr(search, "RANKED_AT_MOST", 3)

    hits = search_record(Project.objects.visible_to(lead), "invoice")

    assert sorted(titles(hits)) == ["Numbers 3", "Numbers 4", "Numbers go out with the <mark>invoice</mark>"]
    assert hits.capped and hits.ranked_of == 3


def test_the_cap_counts_matches_in_the_filters_not_the_whole_record(monkeypatch, lead, invoices):
    monkeypatch.setattr(search, "RANKED_AT_MOST", 3)

    hits = search_record(Project.objects.visible_to(lead), "invoice", kinds=["message"])

    assert titles(hits) == ["<mark>Invoice</mark> 2", "Numbers 4", "Numbers 3"]
    assert hits.capped


def test_the_search_page_says_when_only_the_newest_matches_were_ranked(client, monkeypatch, lead, invoices):
    client.force_login(lead)
    monkeypatch.setattr(search, "RANKED_AT_MOST", 3)

    page = client.get(reverse("dashboard:search"), {"q": "invoice"}).content.decode()

    assert "Showing the best of the newest 3 matches; narrow by client or dates." in page
    assert "Numbers 4" in page and "<mark>Invoice</mark> 1" not in page


def test_the_search_page_says_nothing_of_a_cap_it_did_not_reach(client, lead, invoices):
    client.force_login(lead)

    page = client.get(reverse("dashboard:search"), {"q": "invoice"}).content.decode()

    assert "Showing the best of the newest" not in page
    assert "<mark>Invoice</mark> 1" in page


@needs_postgres
@pytest.mark.parametrize(
    ("ranked", "expected", "statements"),
    [
        (3, 30, 4),  # the newest fifth of the record holds all five: read alone
        (3, 300, 5),  # the newest 2% holds one, and is widened eightfold by that pace
        (10, 300, 5),  # the newest 7% holds one; at that pace the whole record is read
    ],
)
def test_windows_back_from_the_end_find_what_the_whole_record_would(
    monkeypatch, time_machine, django_assert_num_queries, lead, invoices, ranked, expected, statements
):
    time_machine.move_to(NOW)
    monkeypatch.setattr(search, "RANKED_AT_MOST", ranked)
    whole = search_record(Project.objects.visible_to(lead), "invoice")
    monkeypatch.setattr(search, "_expected_matches", lambda *args: expected)

    with django_assert_num_queries(statements):
        windowed = search_record(Project.objects.visible_to(lead), "invoice")

    assert windowed == whole and windowed.capped == (ranked < 5)
