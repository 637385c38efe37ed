"""A contact's language through the API: set on adding, changed on editing, and a language we do not
ship refused with a 400 naming the field, changing nothing."""

import pytest

pytestmark = pytest.mark.django_db


def jack_of(project):
    return project.contacts.get(name="Jack Nguyen")


def test_a_contact_is_added_reading_german(api, project):
    response = api.post(
        "/api/contacts/",
        {
            "project": project.pk,
            "name": "Lena Vogel",
            "email": "lena@hf.example",
            "kind": "executive",
            "language": "de",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["language"] == "de"
    assert project.contacts.get(email="lena@hf.example").language == "de"


def test_a_contacts_language_is_changed_and_cleared_back_to_their_clients(api, project):
    jack = jack_of(project)

    french = api.patch(f"/api/contacts/{jack.pk}/", {"language": "fr"}, format="json")
    jack.refresh_from_db()
    assert french.status_code == 200 and french.json()["language"] == "fr" and jack.language == "fr"

    cleared = api.patch(f"/api/contacts/{jack.pk}/", {"language": ""}, format="json")
    jack.refresh_from_db()
    assert cleared.status_code == 200 and jack.language == ""


def test_a_language_we_do_not_ship_is_a_400_naming_the_field_that_changes_nothing(api, project):
    jack = jack_of(project)

    edited = api.patch(f"/api/contacts/{jack.pk}/", {"language": "xx", "name": "Jack N."}, format="json")
    added = api.post(
        "/api/contacts/",
        {
            "project": project.pk,
            "name": "Mia Chen",
            "email": "mia@hf.example",
            "kind": "executive",
            "language": "it",
        },
        format="json",
    )

    assert edited.status_code == 400 and "language" in edited.json()
    assert added.status_code == 400 and "language" in added.json()
    jack.refresh_from_db()
    assert (jack.name, jack.language) == ("Jack Nguyen", "")
    assert not project.contacts.filter(email="mia@hf.example").exists()
