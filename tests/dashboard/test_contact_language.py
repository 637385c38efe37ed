"""A contact's language, chosen on the project page's contact forms (through the same service as
the API); blank means "as their client"."""

import pytest
from django.urls import reverse

from projects.models import Contact
from tests.factories import ContactFactory, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(lead):
    return make_project(owner=lead, name="Fleet dashboard")


def test_a_lead_adds_a_contact_who_reads_french(client, project):
    data = {"name": "Chloé Martin", "email": "chloe@hf.example", "kind": "executive", "language": "fr"}
    response = client.post(reverse("dashboard:add_contact", args=[project.pk]), data)

    assert response.status_code == 302
    assert project.contacts.get().language == "fr"


def test_a_lead_changes_a_contacts_language_and_a_bad_one_is_refused_beside_the_field(client, project):
    jack = ContactFactory(client=project.client, name="Jack Nguyen", kind=Contact.Kind.TECHNICAL)
    project.contacts.add(jack)
    url = reverse("dashboard:edit_contact", args=[project.pk, jack.pk])
    data = {"name": jack.name, "email": jack.email, "kind": jack.kind, "receives_updates": "on"}

    german = client.post(url, {f"contact-{jack.pk}-{k}": v for k, v in {**data, "language": "de"}.items()})
    jack.refresh_from_db()
    assert german.status_code == 302 and jack.language == "de"

    bad = client.post(url, {f"contact-{jack.pk}-{k}": v for k, v in {**data, "language": "xx"}.items()})
    jack.refresh_from_db()
    assert bad.status_code == 400 and "Select a valid choice" in bad.content.decode()
    assert jack.language == "de"


def test_the_add_contact_form_offers_the_languages_we_ship(client, project):
    page = client.get(
        reverse("dashboard:project", args=[project.pk]), {"open": "new-contact"}
    ).content.decode()

    assert "Reads in" in page
    assert all(f'<option value="{code}"' in page for code in ("en", "de", "fr", "es"))
