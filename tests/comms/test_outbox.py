"""Outbound mail through Anymail's real Postmark backend, pointed at a local server."""

import datetime as dt

import pytest
from django.utils import timezone

from comms import outbox, providers
from comms.models import Message
from tests.comms.fake_postmark import FakePostmark
from tests.factories import ContactFactory, make_project

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def postmark(settings):
    with FakePostmark() as fake:
        settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
        settings.ANYMAIL = {"POSTMARK_SERVER_TOKEN": "server-token", "POSTMARK_API_URL": fake.url}
        yield fake


@pytest.fixture
def message():
    project = make_project()
    contact = ContactFactory(client=project.client, email="mia@harbourfinch.example")
    return Message.objects.create(
        project=project,
        kind="build_status",
        contact=contact,
        from_email="updates@agency.example",
        to_email=contact.email,
        reply_to=f"reply+{project.reply_token}@agency.example",
        subject="Build status, week 3",
        body_text="What shipped: the booking form.",
        body_html="<p>What shipped</p>",
        dedupe_key="test:1",
        created_at=NOW,
        send_after=NOW,
    )


def test_a_sent_message_stores_the_providers_id_with_tags_and_metadata(postmark, message):
    assert outbox.deliver(message.pk, now=NOW) == "sent"
    message.refresh_from_db()
    sent = postmark.requests[0]
    assert message.state == Message.State.SENT
    assert message.provider_message_id and message.sent_at == NOW
    assert (sent["To"], sent["ReplyTo"], sent["Tag"]) == (message.to_email, message.reply_to, "build_status")
    assert sent["Metadata"] == {"message_id": str(message.pk), "project_id": str(message.project_id)}
    assert sent["token"] == "server-token"


def test_a_provider_5xx_is_retried_later_and_then_delivered_once(postmark, message):
    postmark.replies.append((503, {"ErrorCode": 100, "Message": "Maintenance"}))
    assert outbox.deliver(message.pk, now=NOW) == "retry"
    message.refresh_from_db()
    assert message.state == Message.State.QUEUED
    assert NOW + dt.timedelta(seconds=30) <= message.send_after <= NOW + dt.timedelta(seconds=90)
    assert outbox.deliver(message.pk, now=NOW) == "skipped"  # not before its backoff
    assert outbox.deliver(message.pk, now=message.send_after) == "sent"
    assert len(postmark.requests) == 2
    message.refresh_from_db()
    assert (message.state, message.attempts, message.lease_expiries) == (Message.State.SENT, 2, 0)


def test_a_provider_4xx_fails_visibly_and_alerts_the_owner(postmark, message):
    postmark.replies.append((422, {"ErrorCode": 300, "Message": "Invalid 'From' address: 'nobody'."}))
    assert outbox.deliver(message.pk, now=NOW) == "failed"
    message.refresh_from_db()
    assert message.state == Message.State.FAILED
    assert "Invalid 'From' address" in message.error
    alert = Message.objects.get(user=message.project.owner)
    assert alert.subject == "Not delivered: Build status, week 3"
    assert message.to_email in alert.body_text


def test_an_unreachable_provider_is_retried_not_failed(settings, message):
    settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
    settings.ANYMAIL = {"POSTMARK_SERVER_TOKEN": "t", "POSTMARK_API_URL": "http://127.0.0.1:1/"}
    assert outbox.deliver(message.pk, now=NOW) == "retry"
    assert Message.objects.get(pk=message.pk).state == Message.State.QUEUED


def test_a_sender_that_died_mid_send_is_replaced_after_its_lease_and_the_risk_is_counted(postmark, message):
    claimed = outbox.claim(message.pk, now=NOW)  # a worker claims it, then is killed
    assert claimed is not None
    assert outbox.deliver(message.pk, now=NOW + dt.timedelta(minutes=1)) == "skipped"  # lease still held
    assert outbox.deliver(message.pk, now=NOW + outbox.LEASE) == "waiting"  # Postmark is asked first
    assert outbox.deliver(message.pk, now=NOW + providers.Postmark.search_delay) == "sent"
    message.refresh_from_db()
    assert (message.state, message.lease_expiries, len(postmark.requests)) == (Message.State.SENT, 1, 1)


def test_giving_up_after_the_last_attempt_marks_the_message_failed(postmark, message):
    Message.objects.filter(pk=message.pk).update(attempts=outbox.MAX_ATTEMPTS - 1)
    postmark.replies.append((500, {"ErrorCode": 100, "Message": "Oops"}))
    assert outbox.deliver(message.pk, now=NOW) == "failed"
    assert "Gave up after 8 attempts" in Message.objects.get(pk=message.pk).error


def test_retry_delays_grow_and_stay_bounded():
    delays = [outbox.retry_delay(attempt) for attempt in range(1, 12)]
    assert delays[0] <= dt.timedelta(seconds=90)
    assert all(delay <= outbox.LONGEST_RETRY * 1.5 for delay in delays)
    assert delays[6] > delays[0]


def test_a_settled_message_is_never_sent_again(postmark, message):
    outbox.deliver(message.pk, now=NOW)
    assert outbox.deliver(message.pk, now=timezone.now()) == "skipped"
    assert len(postmark.requests) == 1
