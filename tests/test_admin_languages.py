"""An admin sets the language clients read in: the organisation's, a client's, a contact's."""

import pytest
from django.urls import reverse

from projects.models import OrganisationSettings
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


def test_the_admin_edits_the_organisations_clients_and_contacts_language(admin_client):
    contact = ContactFactory()
    OrganisationSettings.current()
    pages = [
        reverse("admin:projects_organisationsettings_change", args=[1]),
        reverse("admin:projects_client_change", args=[contact.client.pk]),  # with its contacts inline
        reverse("admin:projects_contact_change", args=[contact.pk]),
    ]

    for url in pages:
        page = admin_client.get(url).content.decode()
        assert 'name="language"' in page or 'name="contacts-0-language"' in page, url
        assert '<option value="de">Deutsch</option>' in page, url
    client_page = admin_client.get(pages[1]).content.decode()
    assert 'name="contacts-0-language"' in client_page
