"""The organisation's numbers (review window, grace, response targets, portal links) are one settings
object an admin edits; the next deadline computed uses them, history keeps its times."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from comms.inbound import store_client_mail
from comms.lifecycle import log_decision
from comms.models import Deadline
from projects.models import Contact, OrganisationSettings, Phase
from projects.portal_access import link_token
from tests.factories import ContactFactory, make_project
from tests.test_admin import admin_form_data

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def london(*args):
    return dt.datetime(*args, tzinfo=LONDON)


def settings_url():
    return reverse("admin:projects_organisationsettings_change", args=[OrganisationSettings.current().pk])


def edit_settings(admin_client, **changes):
    form = admin_form_data(admin_client.get(settings_url()))
    form.update(changes)
    return admin_client.post(settings_url(), form)


@pytest.fixture
def project():
    project = make_project(phase=Phase.BUILD, auto_send_drafts=True)
    project.contacts.add(ContactFactory(client=project.client, kind=Contact.Kind.EXECUTIVE))
    return project


def release_of(project, summary):
    return Deadline.objects.get(
        project=project, kind=Deadline.Kind.DRAFT_RELEASE, update__decision__summary=summary
    )


def test_the_accessor_makes_the_settings_with_the_product_defaults_when_there_are_none():
    OrganisationSettings.objects.all().delete()
    org = OrganisationSettings.current()
    assert OrganisationSettings.objects.count() == 1
    assert org.review_window == dt.timedelta(hours=4)
    assert org.late_grace_business_days == 1
    assert (org.routine_response, org.urgent_response) == (dt.timedelta(hours=3), dt.timedelta(hours=1))
    assert (org.link_requests_per_address, org.link_requests_per_ip) == (3, 10)
    assert org.single_use_link_age == dt.timedelta(minutes=15)


def test_a_shorter_review_window_set_in_admin_times_the_next_draft_and_leaves_the_last_one(
    admin_client, project
):
    log_decision(
        project, summary="Before", made_in="call", made_at=london(2026, 3, 3, 14, 0), by=project.owner
    )
    response = edit_settings(admin_client, review_window_hours=2)
    assert response.status_code == 302
    log_decision(
        project, summary="After", made_in="call", made_at=london(2026, 3, 3, 14, 0), by=project.owner
    )
    assert release_of(project, "Before").due_at == london(2026, 3, 4, 10, 0)  # 4 business hours
    after = release_of(project, "After")
    assert after.due_at == london(2026, 3, 3, 16, 0)
    assert "2 business hours for review" in after.explanation


@pytest.mark.parametrize("hours", ["0", "-1"])
def test_admin_refuses_a_review_window_of_zero_or_less_and_changes_nothing(admin_client, hours):
    response = edit_settings(admin_client, review_window_hours=hours)
    assert response.status_code == 200
    assert "The review window must be at least 1 business hour." in response.content.decode()
    assert OrganisationSettings.current().review_window == dt.timedelta(hours=4)


def test_there_is_one_settings_object_an_admin_can_neither_add_to_nor_delete(admin_client):
    OrganisationSettings.current()
    assert admin_client.get(reverse("admin:projects_organisationsettings_add")).status_code == 403
    assert admin_client.get(settings_url().replace("change", "delete")).status_code == 403
    listing = admin_client.get(reverse("admin:projects_organisationsettings_changelist"))
    assert listing.context["cl"].result_count == 1


def test_the_link_request_limit_per_address_comes_from_the_settings(admin_client, client):
    cache.clear()
    assert edit_settings(admin_client, link_requests_per_address=1).status_code == 302
    ask = {"email": "someone@client.example"}
    assert client.post(reverse("portal:request_link"), ask).status_code == 200
    assert client.post(reverse("portal:request_link"), ask).status_code == 429


def test_the_portal_tells_clients_the_numbers_the_settings_give(admin_client, client):
    cache.clear()
    assert (
        edit_settings(
            admin_client, single_use_link_minutes=30, routine_response_hours=4, urgent_response_hours=2
        ).status_code
        == 302
    )
    sent = client.post(reverse("portal:request_link"), {"email": "someone@client.example"})
    assert "It works once, for 30 minutes." in sent.content.decode()

    project = make_project()
    contact = ContactFactory(client=project.client, kind=Contact.Kind.EXECUTIVE)
    project.contacts.add(contact)
    client.get(reverse("portal:open_link", args=[link_token(contact)]))
    page = " ".join(client.get(reverse("portal:project", args=[project.pk])).content.decode().split())
    assert "within 4 business hours, and the same business day at the latest" in page
    assert "within 2 business hours when it is urgent" in page


def test_client_mail_is_due_within_the_response_target_the_settings_give():
    OrganisationSettings.objects.filter(pk=1).update(routine_response_hours=2)
    project = make_project()
    contact = ContactFactory(client=project.client, email="dana@cobalt.example", kind=Contact.Kind.EXECUTIVE)
    project.contacts.add(contact)
    mail = store_client_mail(
        esp_name="Postmark",
        provider_id="<abc@cobalt.example>",
        sender=contact.email,
        recipients=[f"reply+{project.reply_token}@portal.localhost"],
        subject="Can we move the demo?",
        text="Thursday does not work for us.",
        attachments=[],
        headers=[],
        received_at=london(2026, 3, 10, 10, 0),
    )
    assert mail.respond_by == london(2026, 3, 10, 12, 0)
    assert (
        "2 business hours (capped at close of business)"
        in Deadline.objects.get(message=mail, kind="response_due").explanation
    )


def test_admin_refuses_an_urgent_target_longer_than_the_routine_one(admin_client):
    response = edit_settings(admin_client, urgent_response_hours=4)
    assert "The urgent response target cannot be longer than the routine one." in response.content.decode()
    assert OrganisationSettings.current().urgent_response_hours == 1


def test_an_update_email_link_older_than_the_set_lifetime_opens_nothing(client):
    project = make_project()
    contact = ContactFactory(client=project.client, kind=Contact.Kind.EXECUTIVE)
    project.contacts.add(contact)
    with time_machine.travel(timezone.now() - dt.timedelta(days=2), tick=False):
        token = link_token(contact)
    assert client.get(reverse("portal:open_link", args=[token])).status_code == 302  # 14 days by default
    OrganisationSettings.objects.filter(pk=1).update(portal_link_days=1)
    assert client.get(reverse("portal:open_link", args=[token])).status_code == 403
