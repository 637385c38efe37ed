"""Mail to a project's reply address from someone who is not yet one of the client's contacts: it
starts the response clock like a contact's mail, and the lead is told a new person wrote so they
can add them."""

from urllib.parse import quote

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from comms.models import Deadline, Message
from tests.comms.test_inbound import SECRET, post_postmark, postmark_payload
from tests.factories import ContactFactory, UserFactory, make_project

pytestmark = pytest.mark.django_db

NEWCOMER = "sam.lee@cobalt.example"


@pytest.fixture(autouse=True)
def webhook_secret(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET, "POSTMARK_SERVER_TOKEN": "server-token"}


@pytest.fixture
def lead():
    return UserFactory(username="lena")


@pytest.fixture
def project(lead):
    project = make_project(owner=lead, name="Fleet dashboard")
    project.contacts.add(ContactFactory(client=project.client, email="dana@cobalt.example"))
    return project


def newcomer_writes(client, project, sender=NEWCOMER):
    payload = postmark_payload(f"reply+{project.reply_token}@portal.localhost", sender=sender)
    assert post_postmark(client, payload).status_code == 200
    return Message.objects.get(direction="in", from_email=sender)


def test_mail_from_a_new_person_to_the_reply_address_starts_the_response_clock(client, project):
    message = newcomer_writes(client, project)

    assert (message.project, message.contact, message.from_new_person) == (project, None, True)
    assert message.respond_by is not None
    assert Deadline.objects.filter(message=message, kind=Deadline.Kind.RESPONSE_DUE, is_active=True).exists()
    project.refresh_from_db()
    assert project.last_client_message_at == message.created_at


def test_mail_from_a_contact_is_not_flagged(client, project):
    assert newcomer_writes(client, project, sender="dana@cobalt.example").from_new_person is False


def test_the_project_page_tells_an_admin_a_new_person_wrote_and_links_to_adding_them(
    client, admin_user, project
):
    newcomer_writes(client, project)
    client.force_login(admin_user)

    page = client.get(reverse("dashboard:project", args=[project.pk])).content.decode()

    add = reverse("admin:projects_contact_add") + f"?client={project.client.pk}&amp;email={quote(NEWCOMER)}"
    waiting = page.split('aria-labelledby="mail-title"')[1].split("</section>")[0]
    record = page.split('aria-labelledby="record-title"')[1]
    for part in (waiting, record):
        assert f"New person at {project.client.name}: {NEWCOMER}" in part
        assert f'href="{add}"' in part


def test_a_lead_sees_the_label_without_the_admins_link(client, lead, project):
    newcomer_writes(client, project)
    client.force_login(lead)

    page = client.get(reverse("dashboard:project", args=[project.pk])).content.decode()

    assert f"New person at {project.client.name}: {NEWCOMER}" in page
    assert reverse("admin:projects_contact_add") not in page


def test_the_api_says_which_mail_came_from_a_new_person(client, lead, project):
    newcomer_writes(client, project)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=lead).key}")

    [row] = api.get("/api/messages/?direction=in").json()["results"]

    assert (row["from_email"], row["from_new_person"]) == (NEWCOMER, True)


def test_answering_a_new_person_from_the_page_meets_their_deadline(client, lead, project):
    message = newcomer_writes(client, project)
    client.force_login(lead)

    client.post(reverse("dashboard:reply", args=[project.pk, message.pk]), {"body": "Welcome, Sam."})

    message.refresh_from_db()
    assert message.responded_at is not None
    assert not Deadline.objects.filter(message=message, is_active=True).exists()
    assert Message.objects.filter(direction="out", to_email=NEWCOMER).exists()


def test_mail_from_a_stranger_to_a_general_address_still_waits_unmatched(client, project):
    payload = postmark_payload("hello@agency.example", sender=NEWCOMER)
    post_postmark(client, payload)
    message = Message.objects.get(direction="in")
    assert (message.project, message.respond_by, message.from_new_person) == (None, None, False)


def test_once_the_new_person_is_a_contact_the_page_stops_asking_to_add_them(client, lead, project):
    newcomer_writes(client, project)
    ContactFactory(client=project.client, email=NEWCOMER.upper())
    client.force_login(lead)

    page = client.get(reverse("dashboard:project", args=[project.pk])).content.decode()

    assert "New person at" not in page
    assert Message.objects.get(from_email=NEWCOMER).from_new_person  # what happened stays recorded
