"""Provider webhooks at the edges: mail up to the provider's own size limit, every route of a
configured provider kept when malformed, unconfigured providers not routed, Mailgun signatures that
expire, and subjects that arrive over several lines."""

import base64
import hashlib
import hmac
import json
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from comms.models import MalformedWebhook, Message
from tests.comms.test_inbound import AUTH, MAILGUN_KEY, SECRET, mime, post_postmark, postmark_payload
from tests.factories import ContactFactory, make_project

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
MAILGUN_INBOUND = "/anymail/mailgun/inbound/"
MAILGUN_INBOUND_MIME = "/anymail/mailgun/inbound_mime/"
MAILGUN_TRACKING = "/anymail/mailgun/tracking/"
POSTMARK_INBOUND = "/anymail/postmark/inbound/"
POSTMARK_TRACKING = "/anymail/postmark/tracking/"


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
    project.contacts.add(ContactFactory(client=project.client, email="dana@cobalt.example"))
    return project


def reply_address(project):
    return f"reply+{project.reply_token}@portal.localhost"


def signature(timestamp=None, token="b" * 50):
    """Mailgun's signing: HMAC-SHA256 of timestamp + token with the webhook signing key."""
    timestamp = str(int(time.time())) if timestamp is None else str(timestamp)
    digest = hmac.new(MAILGUN_KEY.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return {"timestamp": timestamp, "token": token, "signature": digest}


def mailgun_mime_form(raw_mime, **signed):
    return {
        "body-mime": raw_mime,
        "recipient": "reply@portal.localhost",
        "sender": "dana@cobalt.example",
        **signature(**signed),
    }


def mime_with_attachment(to, content, filename="site-photos.zip"):
    """A client's mail with one attachment, as their mail program writes it (base64, 76-column lines)."""
    encoded = base64.encodebytes(content).decode().replace("\n", "\r\n")
    return (
        "From: Dana Brooks <dana@cobalt.example>\r\n"
        f"To: {to}\r\nSubject: Site photos\r\nMessage-ID: <photos@cobalt.example>\r\n"
        "Date: Tue, 10 Mar 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="client-boundary"\r\n\r\n'
        "--client-boundary\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe photos you asked for.\r\n"
        f'--client-boundary\r\nContent-Type: application/zip\r\nContent-Disposition: attachment; filename="{filename}"\r\n'
        f"Content-Transfer-Encoding: base64\r\n\r\n{encoded}--client-boundary--\r\n"
    )


def photos(size):
    return bytes(range(256)) * (size // 256)


# --- Large mail, up to the provider's own limit, on the inbound routes only -----------------------


def test_a_3_mb_mail_through_mailguns_raw_mime_route_is_stored_with_its_attachment(client, project):
    content = photos(3 * MB)
    response = client.post(
        MAILGUN_INBOUND_MIME,
        data=mailgun_mime_form(mime_with_attachment(reply_address(project), content)),
        **AUTH,
    )

    assert response.status_code == 200
    message = Message.objects.get(direction="in")
    assert (message.project, message.subject) == (project, "Site photos")
    [attachment] = message.attachments.all()
    assert (attachment.name, attachment.size) == ("site-photos.zip", len(content))
    assert attachment.file.read() == content


def test_a_3_mb_mail_parsed_by_mailgun_is_stored_with_its_attachment(client, project):
    text = "Notes from the workshop. " * (130 * 1024)  # over 3 MB of text in one form field
    content = photos(3 * MB)
    response = client.post(
        MAILGUN_INBOUND,
        data={
            "message-headers": json.dumps(
                [
                    ["From", "Dana Brooks <dana@cobalt.example>"],
                    ["To", reply_address(project)],
                    ["Subject", "Workshop notes"],
                    ["Message-Id", "<notes@cobalt.example>"],
                ]
            ),
            "body-plain": text,
            "attachment-count": "1",
            "attachment-1": SimpleUploadedFile("notes.pdf", content, content_type="application/pdf"),
            "recipient": reply_address(project),
            "sender": "dana@cobalt.example",
            **signature(),
        },
        **AUTH,
    )

    assert response.status_code == 200
    message = Message.objects.get(direction="in")
    assert message.body_text == text
    [attachment] = message.attachments.all()
    assert (attachment.name, attachment.content_type, attachment.size) == (
        "notes.pdf",
        "application/pdf",
        len(content),
    )


def test_a_3_mb_mail_through_postmark_is_stored_with_its_attachment(client, project):
    content = photos(3 * MB)
    payload = postmark_payload(reply_address(project))
    payload["Attachments"] = [
        {
            "Name": "scan.pdf",
            "Content": base64.b64encode(content).decode(),
            "ContentType": "application/pdf",
            "ContentLength": len(content),
        }
    ]

    assert post_postmark(client, payload).status_code == 200
    [attachment] = Message.objects.get(direction="in").attachments.all()
    assert attachment.file.read() == content


def test_mail_past_the_providers_limit_is_refused_with_413_and_nothing_is_kept(client, project):
    form = mailgun_mime_form(mime_with_attachment(reply_address(project), photos(31 * MB)))

    response = client.post(MAILGUN_INBOUND_MIME, data=form, **AUTH)

    assert response.status_code == 413
    assert "too large" in response.json()["error"]
    assert not Message.objects.exists() and not MalformedWebhook.objects.exists()


def test_a_large_mail_without_the_secret_is_refused_and_nothing_is_kept(client, project):
    payload = postmark_payload(reply_address(project))
    payload["TextBody"] = "x" * 10 * MB

    assert post_postmark(client, payload, secret=None).status_code == 400
    assert not Message.objects.exists() and not MalformedWebhook.objects.exists()


def test_tracking_and_every_other_url_keep_the_site_wide_limit(client):
    big = "x" * 3 * MB
    tracking = client.post(POSTMARK_TRACKING, data=big, content_type="application/json", **AUTH)
    assert tracking.status_code == 413
    assert not MalformedWebhook.objects.exists()
    assert client.post(reverse("login"), {"username": big, "password": "x"}).status_code == 400


# --- Only the providers the server is configured for --------------------------------------------


def test_only_configured_providers_are_routed(client, settings, project):
    settings.DEBUG, settings.ANYMAIL = (
        False,
        {"WEBHOOK_SECRET": SECRET, "MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_KEY},
    )
    payload = postmark_payload(reply_address(project))
    assert post_postmark(client, payload).status_code == 404
    assert client.post("/anymail/sendgrid/inbound/", **AUTH).status_code == 404

    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}
    assert (
        client.post(MAILGUN_INBOUND_MIME, data=mailgun_mime_form(mime("x@y.example")), **AUTH).status_code
        == 404
    )
    assert client.post(MAILGUN_TRACKING, data="{}", content_type="application/json").status_code == 404

    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET, "POSTMARK_SERVER_TOKEN": "server-token"}
    assert post_postmark(client, payload).status_code == 200


def test_postmark_can_be_routed_for_inbound_mail_alone(client, settings, project):
    settings.DEBUG, settings.ANYMAIL = False, {"WEBHOOK_SECRET": SECRET}
    assert post_postmark(client, postmark_payload(reply_address(project))).status_code == 404
    settings.POSTMARK_INBOUND = True
    assert post_postmark(client, postmark_payload(reply_address(project))).status_code == 200


def test_in_development_postmark_is_routed_without_a_token_but_mailgun_needs_its_key(client, settings):
    settings.DEBUG, settings.ANYMAIL = True, {"WEBHOOK_SECRET": SECRET}
    assert (
        client.post(POSTMARK_TRACKING, data="{}", content_type="application/json", **AUTH).status_code != 404
    )
    assert client.post(MAILGUN_TRACKING, data="{}", content_type="application/json").status_code == 404


# --- Authenticated but malformed: 400, kept, on every route -------------------------------------


def mailgun_tracking_without_event_data():
    return json.dumps({"signature": signature()})


@pytest.mark.parametrize(
    ("route", "content_type", "body"),
    [
        (MAILGUN_INBOUND_MIME, "form", lambda: signature()),
        (MAILGUN_TRACKING, "application/json", mailgun_tracking_without_event_data),
        (POSTMARK_TRACKING, "application/json", lambda: "Delivery report, not JSON"),
        (POSTMARK_INBOUND, "application/json", lambda: "{}"),
    ],
    ids=[
        "mailgun raw MIME without the mail",
        "mailgun tracking without event-data",
        "postmark tracking not JSON",
        "postmark inbound {}",
    ],
)
def test_an_authenticated_malformed_payload_gets_400_and_is_kept(client, route, content_type, body):
    data = body()
    if content_type == "form":
        response = client.post(route, data=data, **AUTH)
    else:
        response = client.post(route, data=data, content_type=content_type, **AUTH)

    assert response.status_code == 400
    assert "kept for inspection" in response.json()["error"]
    assert MalformedWebhook.objects.count() == 1
    assert not Message.objects.exists()


# --- Mailgun signatures expire ------------------------------------------------------------------


@pytest.mark.parametrize("age", [-600, 600])
def test_mailgun_inbound_signed_more_than_five_minutes_from_now_is_refused(client, project, age):
    form = mailgun_mime_form(mime(reply_address(project)), timestamp=int(time.time()) - age)

    assert client.post(MAILGUN_INBOUND_MIME, data=form, **AUTH).status_code in (400, 403)
    assert not Message.objects.exists() and not MalformedWebhook.objects.exists()


def test_mailgun_tracking_replayed_after_five_minutes_is_refused(client):
    event = {
        "signature": signature(timestamp=int(time.time()) - 600),
        "event-data": {
            "event": "delivered",
            "timestamp": time.time() - 600,
            "recipient": "dana@cobalt.example",
        },
    }
    response = client.post(MAILGUN_TRACKING, data=json.dumps(event), content_type="application/json", **AUTH)
    assert response.status_code in (400, 403)
    assert not MalformedWebhook.objects.exists()


def test_mailgun_signed_a_minute_ago_is_accepted(client, project):
    form = mailgun_mime_form(mime(reply_address(project)), timestamp=int(time.time()) - 60)
    assert client.post(MAILGUN_INBOUND_MIME, data=form, **AUTH).status_code == 200
    assert Message.objects.filter(project=project).exists()


# --- Subjects over several lines ----------------------------------------------------------------

SUBJECT = "Launch\r\n  date?\tPlease\x00 confirm\x0b"


def encoded_word(text):
    return "=?utf-8?b?" + base64.b64encode(text.encode()).decode() + "?="


def test_a_postmark_subject_with_line_breaks_and_nul_is_stored_on_one_line(client, project):
    payload = postmark_payload(reply_address(project), subject=SUBJECT)

    assert post_postmark(client, payload).status_code == 200
    message = Message.objects.get(direction="in")
    assert message.subject == "Launch date? Please confirm"
    assert json.loads(f'"{message.original_subject}"') == SUBJECT
    assert message.respond_by is not None
    assert not MalformedWebhook.objects.exists()


def test_a_mailgun_encoded_subject_with_line_breaks_and_nul_is_stored_on_one_line(client, project):
    form = mailgun_mime_form(mime(reply_address(project), subject=encoded_word(SUBJECT)))

    assert client.post(MAILGUN_INBOUND_MIME, data=form, **AUTH).status_code == 200
    message = Message.objects.get(direction="in")
    assert message.subject == "Launch date? Please confirm"
    assert json.loads(f'"{message.original_subject}"') == SUBJECT


def test_a_subject_on_one_line_keeps_no_second_copy(client, project):
    post_postmark(client, postmark_payload(reply_address(project), subject="Demo date"))
    message = Message.objects.get(direction="in")
    assert (message.subject, message.original_subject) == ("Demo date", "")
