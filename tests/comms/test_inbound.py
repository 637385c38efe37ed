"""Client email arriving through Anymail's inbound webhooks, in the formats Postmark and Mailgun post."""

import base64
import datetime as dt
import hashlib
import hmac
import json
import time

import pytest
from django.urls import reverse

from comms.models import MalformedWebhook, Message
from projects.models import Contact
from tests.factories import ContactFactory, make_project

pytestmark = pytest.mark.django_db

SECRET = "anymail:inbound-secret"
MAILGUN_KEY = "mailgun-signing-key"
AUTH = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(SECRET.encode()).decode()}


@pytest.fixture(autouse=True)
def webhook_secrets(settings):
    settings.ANYMAIL = {
        "WEBHOOK_SECRET": SECRET,
        "MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_KEY,
        "POSTMARK_SERVER_TOKEN": "server-token",
    }


@pytest.fixture
def project():
    project = make_project()
    project.contacts.add(
        ContactFactory(
            client=project.client,
            name="Dana Brooks",
            email="dana@cobalt.example",
            kind=Contact.Kind.EXECUTIVE,
        )
    )
    return project


def postmark_payload(to, sender="dana@cobalt.example", message_id="<m1@cobalt.example>", subject="Demo date"):
    return {
        "FromName": "Dana Brooks",
        "From": sender,
        "FromFull": {"Email": sender, "Name": "Dana Brooks"},
        "To": to,
        "ToFull": [{"Email": to, "Name": ""}],
        "Cc": "",
        "CcFull": [],
        "Bcc": "",
        "BccFull": [],
        "OriginalRecipient": to,
        "Subject": subject,
        "MessageID": "73e6d360-66eb-11e1-8e72-a8904824019b",
        "ReplyTo": "",
        "MailboxHash": "",
        "Date": "Tue, 10 Mar 2026 10:00:00 +0000",
        "TextBody": "Can we move the demo to Friday?",
        "HtmlBody": "<p>Can we move the demo to Friday?</p>",
        "StrippedTextReply": "",
        "Tag": "",
        "Headers": [{"Name": "Message-ID", "Value": message_id}, {"Name": "X-Spam-Status", "Value": "No"}],
        "Attachments": [
            {
                "Name": "brief.pdf",
                "Content": base64.b64encode(b"%PDF-1.4 brief").decode(),
                "ContentType": "application/pdf",
                "ContentLength": 14,
            }
        ],
    }


def post_postmark(client, payload, secret=SECRET):
    headers = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(secret.encode()).decode()} if secret else {}
    return client.post(
        reverse("anymail:postmark_inbound_webhook"),
        data=json.dumps(payload),
        content_type="application/json",
        **headers,
    )


def test_mail_to_the_projects_reply_address_lands_on_the_project_with_its_attachment(client, project):
    response = post_postmark(client, postmark_payload(f"reply+{project.reply_token}@portal.localhost"))
    assert response.status_code == 200
    message = Message.objects.get(direction="in")
    assert (message.project, message.contact.name, message.subject) == (project, "Dana Brooks", "Demo date")
    assert [(file.name, file.size, file.file.read()) for file in message.attachments.all()] == [
        ("brief.pdf", 14, b"%PDF-1.4 brief")
    ]
    assert message.provider_message_id == "<m1@cobalt.example>"
    assert message.respond_by is not None
    project.refresh_from_db()
    assert project.last_client_message_at == message.created_at


def test_a_retried_webhook_is_stored_once(client, project):
    payload = postmark_payload(f"reply+{project.reply_token}@portal.localhost")
    post_postmark(client, payload)
    post_postmark(client, payload)
    assert Message.objects.filter(direction="in").count() == 1


def test_mail_to_the_general_address_is_matched_by_the_senders_contact(client, project):
    post_postmark(client, postmark_payload("hello@agency.example"))
    assert Message.objects.get(direction="in").project == project


def test_mail_from_a_stranger_waits_in_the_unmatched_inbox(client, project):
    post_postmark(client, postmark_payload("hello@agency.example", sender="someone@elsewhere.example"))
    message = Message.objects.get(direction="in")
    assert message.project is None and message.contact is None
    assert message.body_text == "Can we move the demo to Friday?"


def test_inbound_without_the_secret_is_refused_and_nothing_is_stored(client, project):
    payload = postmark_payload(f"reply+{project.reply_token}@portal.localhost")
    assert post_postmark(client, payload, secret=None).status_code in (400, 401, 403)
    assert post_postmark(client, payload, secret="anymail:wrong").status_code in (400, 401, 403)
    assert not Message.objects.filter(direction="in").exists()


def mailgun_form(mime, timestamp=None, token="a" * 50):
    timestamp = timestamp or str(int(time.time()))  # Mailgun's signatures expire after minutes
    signature = hmac.new(MAILGUN_KEY.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return {
        "body-mime": mime,
        "timestamp": timestamp,
        "token": token,
        "signature": signature,
        "recipient": "reply@portal.localhost",
        "sender": "dana@cobalt.example",
    }


def mime(to, subject="URGENT: checkout failing"):
    return (
        "From: Dana Brooks <dana@cobalt.example>\r\n"
        f"To: {to}\r\nSubject: {subject}\r\nMessage-ID: <mg1@cobalt.example>\r\n"
        "Date: Tue, 10 Mar 2026 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "Customers cannot pay.\r\n"
    )


def test_mailgun_raw_mime_is_matched_by_token_and_an_urgent_subject_gets_the_one_hour_clock(client, project):
    response = client.post(
        reverse("anymail:mailgun_inbound_webhook"),
        data=mailgun_form(mime(f"reply+{project.reply_token}@portal.localhost")),
        **AUTH,
    )
    assert response.status_code == 200
    message = Message.objects.get(direction="in")
    assert message.project == project and message.urgent
    assert message.body_text.strip() == "Customers cannot pay."


def test_mailgun_with_a_bad_signature_is_refused(client, project):
    form = mailgun_form(mime(f"reply+{project.reply_token}@portal.localhost"))
    form["signature"] = "0" * 64
    assert client.post(reverse("anymail:mailgun_inbound_webhook"), data=form, **AUTH).status_code in (
        400,
        401,
        403,
    )
    assert not Message.objects.filter(direction="in").exists()


def test_an_admin_assigns_unmatched_mail_to_its_project_and_the_response_clock_starts(admin_client, project):
    from django.urls import reverse as url

    post_postmark(admin_client, postmark_payload("hello@agency.example", sender="DANA@cobalt.example"))
    Message.objects.filter(direction="in").update(project=None, contact=None)  # as if it had matched nothing
    message = Message.objects.get(direction="in")
    page = url("admin:comms_message_change", args=[message.pk])
    assert (
        admin_client.get(url("admin:comms_message_changelist") + "?inbox=unmatched")
        .context["cl"]
        .result_count
        == 1
    )
    response = admin_client.post(page, {"project": project.pk})
    assert response.status_code == 302
    message.refresh_from_db()
    assert (message.project, message.contact.name) == (project, "Dana Brooks")
    assert message.respond_by is not None


@pytest.mark.parametrize("body", ["{not json", '{"Subject": 1}', "[]"])
def test_a_malformed_payload_gets_a_400_with_a_message_and_is_kept_for_inspection(client, body):
    from comms.models import MalformedWebhook

    response = client.post(
        reverse("anymail:postmark_inbound_webhook"), data=body, content_type="application/json", **AUTH
    )
    assert response.status_code == 400
    assert "kept for inspection" in response.json()["error"]
    assert MalformedWebhook.objects.get().body == body
    assert not Message.objects.exists()


def test_a_malformed_payload_without_the_secret_is_refused_and_not_kept(client):
    from comms.models import MalformedWebhook

    response = client.post(
        reverse("anymail:postmark_inbound_webhook"), data="{not json", content_type="application/json"
    )
    assert response.status_code in (400, 401, 403)
    assert not MalformedWebhook.objects.exists()


def test_without_a_webhook_secret_outside_development_client_mail_is_refused_and_nothing_kept(
    client, project, settings
):
    settings.DEBUG, settings.ANYMAIL = False, {}
    payload = postmark_payload(f"reply+{project.reply_token}@portal.localhost")
    response = post_postmark(client, payload, secret=None)
    assert response.status_code == 403
    assert response.json() == {"detail": "Webhooks are closed until the server has a webhook secret."}
    tracking = client.post(
        reverse("anymail:postmark_tracking_webhook"), data="{}", content_type="application/json"
    )
    assert tracking.status_code == 403
    assert not Message.objects.exists() and not MalformedWebhook.objects.exists()


def test_in_development_without_a_secret_webhooks_stay_open(client, project, settings):
    settings.DEBUG, settings.ANYMAIL = True, {}
    response = post_postmark(
        client, postmark_payload(f"reply+{project.reply_token}@portal.localhost"), secret=None
    )
    assert response.status_code == 200
    assert Message.objects.filter(direction="in", project=project).exists()


def test_a_retried_mail_without_a_provider_id_is_stored_once_however_late_the_retry(project):
    from comms.inbound import store_client_mail

    mail = {
        "esp_name": "Postmark",
        "provider_id": "",
        "sender": "dana@cobalt.example",
        "recipients": [f"reply+{project.reply_token}@portal.localhost"],
        "subject": "Demo date",
        "text": "Can we move it?",
        "attachments": [],
        "headers": [("Date", "Tue, 10 Mar 2026 10:00:00 +0000")],
    }
    first = store_client_mail(**mail, received_at=dt.datetime(2026, 3, 10, 10, 0, 5, tzinfo=dt.UTC))
    retry = store_client_mail(**mail, received_at=dt.datetime(2026, 3, 10, 10, 5, 0, tzinfo=dt.UTC))
    assert first is not None and retry is None
    assert Message.objects.filter(direction="in").count() == 1
    other = store_client_mail(
        **{**mail, "text": "A second question."}, received_at=dt.datetime(2026, 3, 10, 10, 6, tzinfo=dt.UTC)
    )
    assert other is not None
