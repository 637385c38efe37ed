"""The portfolio's filters offer the owners and clients of the projects the user sees, each once."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory, make_project

pytestmark = pytest.mark.django_db


def test_a_leads_filters_offer_the_owners_and_clients_of_the_projects_they_see_each_once(client, lead):
    mine = make_project(owner=lead, name="Mine")
    make_project(owner=lead, client=mine.client, name="Mine too")
    sam = UserFactory(username="sam", first_name="Sam")
    led = make_project(owner=sam, lead=lead, name="Led by me")
    worked_on = make_project(owner=sam, name="Worked on")
    worked_on.team.add(lead)
    make_project(owner=UserFactory(username="stranger"), name="Not mine")

    filters = client.get(reverse("dashboard:portfolio")).context["filters"]
    owners = [label for value, label in filters.fields["owner"].choices if value]
    clients = [label for value, label in filters.fields["client"].choices if value]
    assert sorted(owners) == sorted([lead.get_full_name() or lead.username, "Sam " + sam.last_name])
    assert sorted(clients) == sorted(str(project.client) for project in (mine, led, worked_on))
