"""The dashboard's search page: a lead finds what was said, in their own projects, by words, kind,
dates and week of the project; bad filters are refused next to the field."""

import datetime as dt

import pytest
from django.urls import reverse

from comms.lifecycle import log_decision
from tests.factories import CalendarFactory, ClientFactory, UserFactory, make_client_mail, make_project

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def lead(client):
    user = UserFactory(username="lena")
    client.force_login(user)
    return user


@pytest.fixture
def project(lead):
    sydney = CalendarFactory(name="Sydney", time_zone="Australia/Sydney")
    return make_project(
        owner=lead, name="Fleet dashboard", client=ClientFactory(name="Harbour Ferries", calendar=sydney)
    )


def search(browser, **params):
    return browser.get(reverse("dashboard:search"), params)


def test_a_lead_finds_an_entry_with_its_words_marked_and_a_link_to_its_project(client, lead, project):
    log_decision(project, summary="Timetable import runs nightly", made_in="call", made_at=NOW, by=lead)
    other = make_project(name="Not mine")
    make_client_mail(other, "Timetable for the other client", at=NOW)

    response = search(client, q="timetable")

    page = response.content.decode()
    assert response.status_code == 200
    assert "<mark>Timetable</mark> import runs nightly" in page
    assert reverse("dashboard:project", args=[project.pk]) in page
    assert "Not mine" not in page and "other client" not in page


def test_the_project_page_offers_a_search_of_that_project(client, lead, project):
    page = client.get(reverse("dashboard:project", args=[project.pk])).content.decode()
    assert f'action="{reverse("dashboard:search")}"' in page
    assert f'name="project" value="{project.pk}"' in page


def test_week_n_counts_from_the_project_start_in_the_clients_zone(client, lead, project):
    # The project starts Monday 2 March 2026; in Sydney (UTC+11) week 2 begins 8 March 13:00 UTC.
    make_client_mail(project, "Schedule, end of week one", at=dt.datetime(2026, 3, 8, 12, 30, tzinfo=dt.UTC))
    make_client_mail(
        project, "Schedule, start of week two", at=dt.datetime(2026, 3, 8, 13, 30, tzinfo=dt.UTC)
    )

    hits = search(client, q="schedule", project=project.pk, week=2).context["hits"]

    assert [hit.title for hit in hits] == ["<mark>Schedule</mark>, start of week two"]


def test_dates_are_whole_days_in_the_teams_zone(client, lead, project):
    make_client_mail(project, "Schedule on the 19th", at=dt.datetime(2026, 11, 19, 22, 0, tzinfo=dt.UTC))
    make_client_mail(project, "Schedule on the 20th", at=dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC))

    hits = search(client, q="schedule", since="2026-11-20", until="2026-11-20").context["hits"]

    assert [hit.title for hit in hits] == ["<mark>Schedule</mark> on the 20th"]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"week": 2}, "week", "Choose a project: its weeks count from its start date."),
        ({"since": "2026-11-20", "until": "2026-11-01"}, "until", "The end date is before the start date."),
        ({"week": 0}, "week", "Ensure this value is greater than or equal to 1."),
        ({"q": ""}, "q", "This field is required."),
    ],
)
def test_bad_filters_are_refused_next_to_the_field(client, lead, project, params, field, message):
    response = search(client, **{"q": "schedule", **params})

    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()


def test_a_project_of_another_client_or_lead_cannot_be_chosen(client, lead, project):
    mine_elsewhere = make_project(owner=lead, name="Booking app")
    theirs = make_project(name="Not mine")

    wrong_client = search(client, q="x", client=project.client.pk, project=mine_elsewhere.pk)
    not_visible = search(client, q="x", project=theirs.pk)

    assert "is not a project of Harbour Ferries" in wrong_client.context["form"].errors["project"][0]
    assert not_visible.status_code == 400
    assert "project" in not_visible.context["form"].errors


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("dashboard:search"), {"q": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
