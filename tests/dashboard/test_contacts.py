"""A client's people, kept on the project page: add, edit, change kind, take portal access away,
deactivate — with bad input answered beside the field and nothing changed."""

import pytest
from django.urls import reverse

from projects.models import Contact
from projects.portal_access import link_token
from tests.factories import ContactFactory, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(lead):
    return make_project(owner=lead, name="Fleet dashboard")


@pytest.fixture
def jack(project):
    jack = ContactFactory(
        client=project.client, name="Jack Nguyen", email="jack@hf.example", kind=Contact.Kind.TECHNICAL
    )
    project.contacts.add(jack)
    return jack


def add(client, project, **fields):
    data = {"name": "Mia Chen", "email": "mia@hf.example", "kind": "executive", "receives_updates": "on"}
    return client.post(reverse("dashboard:add_contact", args=[project.pk]), {**data, **fields})


def edit(client, project, contact, **fields):
    data = {"name": contact.name, "email": contact.email, "kind": contact.kind, "receives_updates": "on"}
    return client.post(
        reverse("dashboard:edit_contact", args=[project.pk, contact.pk]),
        {f"contact-{contact.pk}-{name}": value for name, value in {**data, **fields}.items()},
    )


def test_a_lead_adds_a_contact_to_the_project_and_its_client(client, project):
    response = add(client, project)

    assert response.status_code == 302 and response.url == reverse("dashboard:project", args=[project.pk])
    mia = project.contacts.get()
    assert (mia.name, mia.client, mia.kind, mia.receives_updates) == (
        "Mia Chen",
        project.client,
        "executive",
        True,
    )
    assert "Mia Chen" in client.get(response.url).content.decode()


def test_a_bad_email_or_a_duplicate_is_refused_beside_the_field_on_the_project_page(client, project, jack):
    bad = add(client, project, email="not an address")
    duplicate = add(client, project, email="JACK@hf.example")

    assert bad.status_code == 400 and "Enter a valid email address." in bad.content.decode()
    assert duplicate.status_code == 400
    assert "This client already has a contact with that email address." in duplicate.content.decode()
    assert list(project.client.contacts.all()) == [jack]


def test_a_name_on_two_lines_is_refused(client, project):
    assert add(client, project, name="Mia\nChen").status_code == 400
    assert not project.client.contacts.exists()


def test_a_lead_edits_a_contact_and_changes_their_kind(client, project, jack):
    response = edit(client, project, jack, name="Jack N. Nguyen", kind="executive", receives_updates="")

    assert response.status_code == 302
    jack.refresh_from_db()
    assert (jack.name, jack.kind, jack.receives_updates) == ("Jack N. Nguyen", "executive", False)


def test_revoking_portal_access_on_the_project_page_makes_an_old_link_open_nothing(client, project, jack):
    old_link = reverse("portal:open_link", args=[link_token(jack)])

    response = client.post(
        reverse("dashboard:contact_portal", args=[project.pk, jack.pk]), {"access": "revoke"}
    )

    assert response.status_code == 302
    jack.refresh_from_db()
    assert jack.portal_access is False
    assert client.get(old_link).status_code == 403


def test_portal_access_given_back_does_not_revive_an_old_link(client, project, jack):
    old_link = reverse("portal:open_link", args=[link_token(jack)])
    url = reverse("dashboard:contact_portal", args=[project.pk, jack.pk])
    client.post(url, {"access": "revoke"})

    client.post(url, {"access": "grant"})

    jack.refresh_from_db()
    assert jack.portal_access is True
    assert client.get(old_link).status_code == 403
    assert client.get(reverse("portal:open_link", args=[link_token(jack)])).status_code == 302


def test_deactivating_takes_a_contact_off_the_project_and_stops_their_mail_and_portal(client, project, jack):
    response = client.post(reverse("dashboard:deactivate_contact", args=[project.pk, jack.pk]))

    assert response.status_code == 302
    jack.refresh_from_db()
    assert not project.contacts.exists()
    assert (jack.receives_updates, jack.portal_access) == (False, False)


def test_another_leads_project_or_contact_is_not_found(client, project, jack):
    other = make_project(name="Someone else's")
    stranger = ContactFactory(client=other.client)

    assert add(client, other).status_code == 404
    assert edit(client, project, stranger, name="Changed").status_code == 404
    assert edit(client, other, jack, name="Changed").status_code == 404
    stranger.refresh_from_db()
    assert stranger.name != "Changed"
