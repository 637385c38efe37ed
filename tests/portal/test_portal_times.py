"""The portal writes times in the client's own zone and says which zone that is."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from comms.models import Update
from projects.models import Contact
from projects.portal_access import link_token
from tests.factories import ContactFactory, make_project

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)


def test_a_sent_update_shows_when_it_went_out_in_the_clients_zone(client):
    with time_machine.travel(NOW, tick=False):
        project = make_project(name="Fleet dashboard")  # the client's calendar is Sydney's
        contact = ContactFactory(client=project.client, kind=Contact.Kind.EXECUTIVE)
        project.contacts.add(contact)
        Update.objects.create(
            project=project,
            kind="build_status",
            subject="Week 3",
            technical_body="Detail.",
            executive_body="On track.",
            status_line="On track.",
            rag="green",
            state="sent",
            send_by=NOW,
            created_at=NOW,
            sent_at=NOW,
        )
        client.get(reverse("portal:open_link", args=[link_token(contact)]))
        page = client.get(reverse("portal:project", args=[project.pk])).content.decode()

    assert "Tue 24 Nov 20:00 Sydney" in page  # 09:00 UTC is 20:00 in Sydney's summer
