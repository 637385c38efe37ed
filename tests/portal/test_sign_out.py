"""Signing out of the portal ends the session on the server: a copy of the old cookie, on this
device or another, opens nothing afterwards. Access taken away and given back leaves what was issued
before dead, however it was taken away."""

import pytest
from django.urls import reverse

from portal.views import COOKIE
from projects.portal_access import link_token
from tests.factories import ContactFactory, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def mia():
    project = make_project(name="Fleet dashboard")
    contact = ContactFactory(client=project.client, name="Mia Thompson")
    project.contacts.add(contact)
    return contact


def open_link(client, contact):
    assert client.get(reverse("portal:open_link", args=[link_token(contact)])).status_code == 302


def test_an_old_cookie_opens_nothing_after_signing_out(client, mia):
    open_link(client, mia)
    old_cookie = client.cookies[COOKIE].value

    client.post(reverse("portal:sign_out"))
    client.cookies[COOKIE] = old_cookie
    response = client.get(reverse("portal:home"))

    assert response.status_code == 403
    assert "This link has expired — request a new one" in response.content.decode()


def test_signing_out_on_one_device_ends_the_copy_on_another(client, mia):
    from django.test import Client

    open_link(client, mia)
    other_device = Client()
    other_device.cookies[COOKIE] = client.cookies[COOKIE].value
    assert other_device.get(reverse("portal:home")).status_code == 200

    client.post(reverse("portal:sign_out"))

    assert other_device.get(reverse("portal:home")).status_code == 403


def test_a_new_link_after_signing_out_opens_the_portal_again(client, mia):
    open_link(client, mia)
    client.post(reverse("portal:sign_out"))
    open_link(client, mia)
    assert "Fleet dashboard" in client.get(reverse("portal:home")).content.decode()


def test_access_taken_away_and_given_back_in_admin_leaves_earlier_links_and_sessions_dead(
    client, admin_client, mia
):
    token = link_token(mia)
    open_link(client, mia)
    change = reverse("admin:projects_contact_change", args=[mia.pk])
    form = {
        "client": mia.client_id,
        "name": mia.name,
        "email": mia.email,
        "kind": mia.kind,
        "receives_updates": "on",
        "email_bounced_at_0": "",
        "email_bounced_at_1": "",
    }
    assert admin_client.post(change, form).status_code == 302  # the box unticked
    assert admin_client.post(change, {**form, "portal_access": "on"}).status_code == 302  # and ticked again

    assert client.get(reverse("portal:home")).status_code == 403
    assert client.get(reverse("portal:open_link", args=[token])).status_code == 403
    open_link(client, mia)  # a link issued since works
