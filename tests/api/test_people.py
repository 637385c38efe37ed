"""People through the API: the active team members any signed-in user may look up, with the ids a
new project's owner, lead and team take."""

import pytest
from rest_framework.test import APIClient

from tests.factories import ClientFactory, UserFactory

from .conftest import client_with_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(lead):
    """Lena Smith (the lead) and three more: an admin, a developer, and someone who has left."""
    lead.first_name, lead.last_name = "Lena", "Smith"
    lead.save()
    return {
        "root": UserFactory(username="root", first_name="Rita", last_name="Okafor", is_superuser=True),
        "sam": UserFactory(username="sam", first_name="Sam", last_name="Lindqvist"),
        "ola": UserFactory(username="ola", first_name="Ola", last_name="Smith", is_active=False),
    }


def usernames(response):
    assert response.status_code == 200, response.json()
    return [row["username"] for row in response.json()["results"]]


def test_a_lead_lists_the_active_team_by_username_with_who_is_admin(api, lead, team):
    body = api.get("/api/people/").json()

    assert [row["username"] for row in body["results"]] == ["lena", "root", "sam"]
    assert body["results"][0] == {
        "id": lead.pk,
        "username": "lena",
        "full_name": "Lena Smith",
        "email": "lena@agency.example",
        "is_admin": False,
    }
    assert body["results"][1]["is_admin"] is True


def test_an_admin_sees_the_same_people(team):
    admin_api = client_with_token(team["root"])

    assert usernames(admin_api.get("/api/people/")) == ["lena", "root", "sam"]


def test_a_lead_sees_people_who_share_no_project_with_them(api, project, other_project):
    response = api.get(f"/api/people/{other_project.owner.pk}/")

    assert response.status_code == 200
    assert response.json()["username"] == other_project.owner.username


def test_someone_who_has_left_is_404(api, team):
    response = api.get(f"/api/people/{team['ola'].pk}/")

    assert response.status_code == 404
    assert response.json() == {"detail": "No User matches the given query."}


def test_people_need_credentials():
    response = APIClient().get("/api/people/")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Token"


def test_people_are_found_word_by_word_in_username_name_or_email(api, team):
    assert usernames(api.get("/api/people/", {"q": "lind"})) == ["sam"]
    assert usernames(api.get("/api/people/", {"q": "AGENCY.example"})) == ["lena", "root", "sam"]
    assert usernames(api.get("/api/people/", {"q": "rita okafor"})) == ["root"]
    assert usernames(api.get("/api/people/", {"q": "smith"})) == ["lena"]  # Ola Smith has left
    assert usernames(api.get("/api/people/", {"q": ""})) == ["lena", "root", "sam"]


def test_people_sort_by_username_either_way(api, team):
    assert usernames(api.get("/api/people/", {"ordering": "-username"})) == ["sam", "root", "lena"]


def test_the_ids_listed_are_the_ones_a_new_project_takes(team):
    admin_api = client_with_token(team["root"])
    [lena] = admin_api.get("/api/people/", {"q": "lena"}).json()["results"]
    [sam] = admin_api.get("/api/people/", {"q": "sam"}).json()["results"]
    fields = {
        "client": ClientFactory(account_owner=team["root"]).pk,
        "name": "Ferry booking",
        "scope": "Book a ferry seat from the phone.",
        "owner": lena["id"],
        "lead": sam["id"],
        "starts_on": "2026-05-04",
        "target_delivery_on": "2026-08-28",
        "target_launch_on": "2026-09-07",
    }

    refused = admin_api.post("/api/projects/", {**fields, "team": [team["ola"].pk]}, format="json")
    created = admin_api.post("/api/projects/", fields, format="json")

    assert refused.status_code == 400
    assert list(refused.json()) == ["team"]  # someone who has left is neither listed nor taken
    assert created.status_code == 201, created.json()
    assert (created.json()["owner"], created.json()["lead"]) == (lena["id"], sam["id"])
