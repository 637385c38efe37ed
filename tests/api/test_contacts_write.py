"""Contacts through the API: added to a project the user may see, edited, portal access taken away
or given back; another client's contacts are not found, bad input is a 400 that changes nothing."""

import pytest
from django.urls import reverse

from projects.models import Contact
from projects.portal_access import link_token

pytestmark = pytest.mark.django_db


def jack_of(project):
    return project.contacts.get(name="Jack Nguyen")


def test_a_lead_adds_a_contact_to_their_project(api, project):
    response = api.post(
        "/api/contacts/",
        {"project": project.pk, "name": "Mia Chen", "email": "mia@hf.example", "kind": "executive"},
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["client"], body["projects"], body["kind"]) == (project.client.pk, [project.pk], "executive")
    assert project.contacts.filter(email="mia@hf.example").exists()


def test_a_bad_email_or_a_duplicate_is_a_400_that_adds_nobody(api, project):
    bad = api.post(
        "/api/contacts/",
        {"project": project.pk, "name": "Mia Chen", "email": "not an address", "kind": "executive"},
        format="json",
    )
    duplicate = api.post(
        "/api/contacts/",
        {"project": project.pk, "name": "Jack Two", "email": "JACK@hf.example", "kind": "technical"},
        format="json",
    )

    assert bad.status_code == 400 and "email" in bad.json()
    assert duplicate.status_code == 400
    assert "already has a contact with that email address" in str(duplicate.json())
    assert project.client.contacts.count() == 1


def test_a_contact_cannot_be_added_to_a_project_the_user_may_not_see(api, other_project):
    response = api.post(
        "/api/contacts/",
        {"project": other_project.pk, "name": "Mia Chen", "email": "mia@hf.example", "kind": "executive"},
        format="json",
    )

    assert response.status_code == 400 and "project" in response.json()
    assert other_project.client.contacts.count() == 1


def test_a_lead_edits_a_contacts_kind_and_updates(api, project):
    jack = jack_of(project)

    response = api.patch(
        f"/api/contacts/{jack.pk}/", {"kind": "executive", "receives_updates": False}, format="json"
    )

    assert response.status_code == 200, response.json()
    jack.refresh_from_db()
    assert (jack.kind, jack.receives_updates) == ("executive", False)


def test_a_bad_email_in_an_edit_is_a_400_and_changes_nothing(api, project):
    jack = jack_of(project)

    response = api.patch(f"/api/contacts/{jack.pk}/", {"email": "nope", "name": "Other"}, format="json")

    assert response.status_code == 400 and "email" in response.json()
    jack.refresh_from_db()
    assert (jack.email, jack.name) == ("jack@hf.example", "Jack Nguyen")


def test_revoking_portal_access_through_the_api_makes_an_old_link_open_nothing(api, client, project):
    jack = jack_of(project)
    old_link = reverse("portal:open_link", args=[link_token(jack)])

    response = api.patch(f"/api/contacts/{jack.pk}/", {"portal_access": False}, format="json")

    assert response.status_code == 200 and response.json()["portal_access"] is False
    assert client.get(old_link).status_code == 403


def test_a_lead_cannot_touch_another_clients_contacts(api, other_project):
    ana = other_project.contacts.get()

    response = api.patch(f"/api/contacts/{ana.pk}/", {"name": "Changed"}, format="json")

    assert response.status_code == 404
    ana.refresh_from_db()
    assert ana.name == "Ana Silva"


def test_deactivating_through_the_api_takes_the_contact_off_the_project(api, project):
    jack = jack_of(project)

    response = api.post(f"/api/contacts/{jack.pk}/deactivate/", {"project": project.pk}, format="json")

    assert response.status_code == 200, response.json()
    jack.refresh_from_db()
    assert not project.contacts.exists()
    assert (jack.receives_updates, jack.portal_access) == (False, False)
    assert Contact.objects.filter(pk=jack.pk).exists()  # the record of what they agreed stays
