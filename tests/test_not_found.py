"""An address that leads nowhere answers 404 with a page of ours, in the reader's language."""

import pytest

from projects.models import MemberSettings
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_missing_page_says_so_in_the_browsers_language(client):
    french = client.get("/nowhere/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    english = client.get("/nowhere/", HTTP_ACCEPT_LANGUAGE="en-GB")

    assert french.status_code == english.status_code == 404
    assert "Cette page n’existe pas" in french.content.decode()
    assert "This page does not exist" in english.content.decode()


def test_a_signed_in_member_reads_it_in_their_own_language(client):
    member = UserFactory(username="marta")
    MemberSettings.objects.create(user=member, language="es")
    client.force_login(member)

    response = client.get("/projects/999999/", HTTP_ACCEPT_LANGUAGE="en-GB")

    assert response.status_code == 404
    assert "Esta página no existe" in response.content.decode()
