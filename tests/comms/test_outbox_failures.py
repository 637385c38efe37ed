"""Whatever a mail backend raises ends the attempt visibly: the row never stays "sending", the error
is kept on it, a message that cannot be sent as it is fails at once and its owner is told, and an
error nobody foresaw is logged with its traceback and retried like a provider outage."""

import datetime as dt
import logging

import pytest
from django.test import override_settings

from comms import outbox
from comms.models import Message
from tests.factories import ContactFactory, make_project

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
BACKENDS = "tests.comms.failing_mail_backends"


def queued(subject="Build status, week 3"):
    project = make_project()
    contact = ContactFactory(client=project.client, email="mia@harbourfinch.example")
    return Message.objects.create(
        project=project,
        kind="build_status",
        contact=contact,
        from_email="updates@agency.example",
        to_email=contact.email,
        subject=subject,
        body_text="What shipped: the booking form.",
        dedupe_key="test:1",
        created_at=NOW,
        send_after=NOW,
    )


def owner_alerts(message):
    return list(Message.objects.filter(user=message.project.owner).values_list("subject", "body_text"))


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def test_a_header_django_refuses_fails_at_once_and_the_owner_is_told_on_one_line():
    message = queued(subject="Build status\nBcc: everyone@example.com")  # a row written before validation

    assert outbox.deliver(message.pk, now=NOW) == "failed"

    message.refresh_from_db()
    assert (message.state, message.attempts, message.send_after) == (Message.State.FAILED, 1, None)
    assert "can't contain newlines" in message.error
    [(subject, body)] = owner_alerts(message)
    assert subject == "Not delivered: Build status Bcc: everyone@example.com"
    assert "mia@harbourfinch.example" in body and "can't contain newlines" in body


@pytest.mark.parametrize(
    ("backend", "error"),
    [
        ("RefusesTheMessage", "does not support multiple Reply-To addresses"),
        ("RefusesTheAddress", "Invalid email address 'mia@@harbourfinch'"),
    ],
)
def test_a_message_the_backend_cannot_send_as_it_is_fails_at_once_without_retry(backend, error):
    message = queued()

    with override_settings(EMAIL_BACKEND=f"{BACKENDS}.{backend}"):
        assert outbox.deliver(message.pk, now=NOW) == "failed"

    message.refresh_from_db()
    assert (message.state, message.attempts, message.send_after) == (Message.State.FAILED, 1, None)
    assert error in message.error
    assert owner_alerts(message)[0][0] == "Not delivered: Build status, week 3"
    assert outbox.deliver(message.pk, now=NOW + dt.timedelta(days=1)) == "skipped"


@override_settings(EMAIL_BACKEND=f"{BACKENDS}.Breaks")
def test_an_unforeseen_error_is_logged_with_its_traceback_retried_and_in_the_end_failed(caplog):
    message = queued()

    with caplog.at_level(logging.ERROR, logger="comms.outbox"):
        assert outbox.deliver(message.pk, now=NOW) == "retry"

    message.refresh_from_db()
    assert message.state == Message.State.QUEUED and message.send_after > NOW
    assert "RuntimeError: connection pool is closed" in message.error
    [logged] = [record for record in caplog.records if record.exc_info]
    assert logged.exc_info[0] is RuntimeError
    assert not owner_alerts(message)

    Message.objects.filter(pk=message.pk).update(attempts=outbox.MAX_ATTEMPTS - 1, send_after=NOW)
    assert outbox.deliver(message.pk, now=NOW) == "failed"
    message.refresh_from_db()
    assert message.state == Message.State.FAILED
    assert "Gave up after 8 attempts" in message.error and "connection pool is closed" in message.error
    assert owner_alerts(message)[0][0] == "Not delivered: Build status, week 3"


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def test_a_message_sent_by_a_backend_that_is_not_anymails_is_marked_sent_and_not_sent_again():
    message = queued()

    assert outbox.deliver(message.pk, now=NOW) == "sent"

    message.refresh_from_db()
    assert (message.state, message.provider_message_id, message.sent_at) == (Message.State.SENT, "", NOW)
    assert outbox.deliver(message.pk, now=NOW + outbox.LEASE) == "skipped"
