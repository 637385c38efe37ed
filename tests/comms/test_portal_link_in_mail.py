"""Update mail carries the portal link only to contacts who may open the portal: a contact whose
access was revoked still gets the update, without a link or a word about the status page."""

import pytest
from django.utils import timezone

from comms.autopilot import send_update
from comms.lifecycle import log_decision
from comms.models import Update
from projects.models import Contact
from tests.factories import ContactFactory, make_project

pytestmark = pytest.mark.django_db


def test_a_revoked_contact_gets_the_update_without_a_portal_link(org_defaults):
    project = make_project(name="Fleet dashboard")
    mia = ContactFactory(client=project.client, name="Mia Thompson")
    jack = ContactFactory(client=project.client, name="Jack Nguyen", portal_access=False)
    project.contacts.add(mia, jack)
    log_decision(project, summary="Two stages", made_in="call", made_at=timezone.now(), by=project.owner)

    sent = send_update(Update.objects.get(kind="decision_confirmation"), by=project.owner, now=timezone.now())

    mail = {message.contact: message for message in sent}
    assert set(mail) == {mia, jack}
    assert "/portal/link/" in mail[mia].body_text and "/portal/link/" in mail[mia].body_html
    assert "Your project status, any time" in mail[mia].body_text
    for body in (mail[jack].body_text, mail[jack].body_html):
        assert "/portal/" not in body and "project status, any time" not in body
    assert "Two stages" in mail[jack].body_text  # the update itself still reaches them
    assert Contact.objects.get(pk=jack.pk).portal_access is False
