"""/api/search/: the record search for other systems — same hits as the dashboard, JSON errors."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from comms import search
from comms.lifecycle import log_decision
from tests.factories import make_client_mail

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)


def test_hits_come_best_first_with_marked_titles_and_snippets(api, lead, project, other_project):
    mail = make_client_mail(
        project, "Invoice for October", "The invoice is attached & due in 30 days.", at=NOW
    )
    log_decision(project, summary="Send invoices monthly", made_in="email", made_at=NOW, by=lead)
    make_client_mail(other_project, "Invoice", "Not yours", at=NOW)

    response = api.get("/api/search/", {"q": "invoice"})

    assert response.status_code == 200
    first, second = response.json()["results"]
    assert first == {
        "kind": "message",
        "id": mail.pk,
        "project": project.pk,
        "project_name": "Fleet dashboard",
        "client_name": project.client.name,
        "said_at": "2026-11-20T10:00:00Z",
        "title": "<mark>Invoice</mark> for October",
        "snippet": first["snippet"],
        "rank": first["rank"],
    }
    assert "<mark>invoice</mark>" in first["snippet"] and "&amp;" in first["snippet"]
    assert second["kind"] == "decision"
    assert first["rank"] >= second["rank"]


def test_kind_filters_repeat_and_limit_caps_the_hits(api, lead, project):
    for i in range(3):
        make_client_mail(project, f"Staging link {i}", "staging", at=NOW)
    log_decision(project, summary="Staging stays up", made_in="email", made_at=NOW, by=lead)

    only_decisions = api.get("/api/search/?q=staging&kind=decision").json()["results"]
    both = api.get("/api/search/?q=staging&kind=decision&kind=message&limit=2").json()["results"]

    assert [hit["kind"] for hit in only_decisions] == ["decision"]
    assert len(both) == 2


@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({}, {"q": ["This field is required."]}),
        ({"q": "x", "week": "2"}, {"week": ["Choose a project: its weeks count from its start date."]}),
        (
            {"q": "x", "kind": "gossip"},
            {"kind": ["Select a valid choice. gossip is not one of the available choices."]},
        ),
        ({"q": "x", "limit": "500"}, {"limit": ["Ensure this value is less than or equal to 100."]}),
        ({"q": "x", "since": "yesterday"}, {"since": ["Enter a valid date."]}),
        (
            {"q": "x", "until": "9999-12-31"},
            {"until": ["Ensure this value is less than or equal to 9999-12-30."]},
        ),
    ],
)
def test_bad_parameters_answer_400_naming_the_field(api, project, params, errors):
    response = api.get("/api/search/", params)

    assert response.status_code == 400
    assert response.json() == errors


def test_another_leads_project_cannot_be_searched(api, other_project):
    response = api.get("/api/search/", {"q": "x", "project": other_project.pk})

    assert response.status_code == 400
    assert list(response.json()) == ["project"]


def test_search_needs_credentials():
    response = APIClient().get("/api/search/", {"q": "x"})
    assert response.status_code == 401


@pytest.mark.parametrize("value", ["99999999999999999999", "-1", "1.5", "x"])
def test_ids_past_what_the_database_holds_are_refused_not_crashed(api, project, value):
    response = api.get("/api/search/", {"q": "x", "project": value, "client": value})

    assert response.status_code == 400
    assert set(response.json()) == {"project", "client"}


def test_the_answer_says_whether_every_match_was_ranked(api, monkeypatch, project):
    for day in (1, 2, 3):
        make_client_mail(project, f"Release {day}", "release", at=NOW + dt.timedelta(days=day))

    everything = api.get("/api/search/", {"q": "release"}).json()
    monkeypatch.setattr(search, "RANKED_AT_MOST", 2)
    newest = api.get("/api/search/", {"q": "release"}).json()

    assert (everything["capped"], everything["ranked_of"], len(everything["results"])) == (False, None, 3)
    assert (newest["capped"], newest["ranked_of"]) == (True, 2)
    assert sorted(hit["title"] for hit in newest["results"]) == [
        "<mark>Release</mark> 2",
        "<mark>Release</mark> 3",
    ]
