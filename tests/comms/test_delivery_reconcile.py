"""A send whose outcome is unknown (the client timed out, the connection was reset after the
request went out, the sender died and its lease ran out) is not repeated blindly: the provider is
asked first, through Anymail's real Postmark and Mailgun backends pointed at local fakes."""

import datetime as dt

import pytest
import time_machine

from comms import outbox, providers
from comms.models import Message
from tests.comms.fake_mailgun import FakeMailgun
from tests.comms.fake_postmark import ANSWER_TOO_LATE, RESET_AFTER_READING, FakePostmark
from tests.factories import ContactFactory, make_project

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
CLIENT_TIMEOUT = 0.5  # seconds: Anymail's requests timeout, so a late answer is a read timeout


@pytest.fixture
def postmark(settings):
    with FakePostmark(token="server-token") as fake:
        settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
        settings.ANYMAIL = {
            "POSTMARK_SERVER_TOKEN": "server-token",
            "POSTMARK_API_URL": fake.url,
            "REQUESTS_TIMEOUT": CLIENT_TIMEOUT,
        }
        fake.search_delay = providers.Postmark.search_delay
        yield fake


@pytest.fixture
def mailgun(settings):
    with FakeMailgun(api_key="mailgun-key") as fake:
        settings.EMAIL_BACKEND = "anymail.backends.mailgun.EmailBackend"
        settings.ANYMAIL = {
            "MAILGUN_API_KEY": "mailgun-key",
            "MAILGUN_API_URL": fake.url,
            "REQUESTS_TIMEOUT": CLIENT_TIMEOUT,
        }
        fake.search_delay = providers.Mailgun.search_delay
        yield fake


@pytest.fixture(params=["postmark", "mailgun"])
def provider(request):
    return request.getfixturevalue(request.param)


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
        subject="Build status, week 3",
        body_text="What shipped: the booking form.",
        dedupe_key="test:1",
        created_at=NOW,
        send_after=NOW,
    )


def sender_dies_after_sending(message, *, now):
    """A worker claims the row and the provider accepts the mail, then the worker is killed
    before it records the answer."""
    claimed = outbox.claim(message.pk, now=now)
    outbox.as_email(claimed).send()


@pytest.mark.parametrize("fault", [ANSWER_TOO_LATE, RESET_AFTER_READING])
def test_a_send_the_provider_took_before_the_answer_was_lost_is_delivered_once(provider, message, fault):
    provider.replies.append(fault)

    assert outbox.deliver(message.pk, now=NOW) == "retry"

    message.refresh_from_db()
    assert (message.state, message.check_provider_first) == (Message.State.QUEUED, True)
    assert outbox.deliver(message.pk, now=message.send_after) == "sent"
    message.refresh_from_db()
    [(our_id, copies)] = provider.deliveries().items()
    assert (our_id, copies, len(provider.requests)) == (str(message.pk), 1, 1)
    assert message.state == Message.State.SENT and not message.check_provider_first
    assert message.provider_message_id == outbox_id_at(provider)
    assert outbox.deliver(message.pk, now=message.send_after or NOW + dt.timedelta(days=1)) == "skipped"


def outbox_id_at(provider):
    """The id the provider gave the one message it has, as Anymail reports it."""
    [accepted] = provider.accepted
    if isinstance(provider, FakePostmark):
        return accepted["MessageID"]
    return f"<{accepted['message']['headers']['message-id']}>"


def test_a_lease_expiry_whose_send_reached_the_provider_sends_nothing_again(provider, message):
    sender_dies_after_sending(message, now=NOW)

    with time_machine.travel(NOW + outbox.LEASE, tick=False):
        assert outbox.deliver(message.pk) == "sent"

    message.refresh_from_db()
    assert len(provider.requests) == 1 and len(provider.searches) == 1
    assert (message.state, message.lease_expiries, message.attempts) == (Message.State.SENT, 1, 1)
    assert message.provider_message_id == outbox_id_at(provider)
    assert message.blind_resends == 0


def test_a_lease_expiry_whose_send_never_reached_the_provider_is_sent_once_after_its_search_delay(
    provider, message
):
    outbox.claim(message.pk, now=NOW)  # the worker is killed before its request leaves
    ready = NOW + provider.search_delay

    with time_machine.travel(NOW + outbox.LEASE, tick=False):
        assert outbox.deliver(message.pk) == "waiting"
    message.refresh_from_db()
    assert (len(provider.requests), len(provider.searches)) == (0, 1)
    assert (message.state, message.send_after, message.attempts) == (Message.State.QUEUED, ready, 1)

    with time_machine.travel(ready - dt.timedelta(seconds=1), tick=False):
        assert outbox.deliver(message.pk) == "skipped"
    with time_machine.travel(ready, tick=False):
        assert outbox.deliver(message.pk) == "sent"

    message.refresh_from_db()
    assert list(provider.deliveries().values()) == [1]
    assert (message.state, message.attempts, message.lease_expiries) == (Message.State.SENT, 2, 1)
    assert message.provider_message_id == outbox_id_at(provider)


def test_a_provider_whose_search_is_down_is_asked_again_later_and_nothing_is_sent_meanwhile(
    postmark, message
):
    postmark.replies.append(ANSWER_TOO_LATE)
    outbox.deliver(message.pk, now=NOW)
    postmark.search_replies.append((500, {"ErrorCode": 100, "Message": "Maintenance"}))
    message.refresh_from_db()

    assert outbox.deliver(message.pk, now=message.send_after) == "retry"

    message.refresh_from_db()
    assert len(postmark.requests) == 1
    assert message.state == Message.State.QUEUED and message.check_provider_first
    assert "Could not ask Postmark" in message.error
    assert outbox.deliver(message.pk, now=message.send_after) == "sent"
    assert list(postmark.deliveries().values()) == [1]


def test_a_refused_connection_never_reached_the_provider_and_is_retried_without_asking(settings, message):
    settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
    settings.ANYMAIL = {"POSTMARK_SERVER_TOKEN": "t", "POSTMARK_API_URL": "http://127.0.0.1:1/"}

    assert outbox.deliver(message.pk, now=NOW) == "retry"

    message.refresh_from_db()
    assert message.state == Message.State.QUEUED and not message.check_provider_first


@pytest.mark.usefixtures("locmem")
def test_a_backend_that_cannot_be_asked_resends_after_a_lease_expiry_and_counts_it(message):
    from django.core import mail

    outbox.claim(message.pk, now=NOW)

    assert outbox.deliver(message.pk, now=NOW + outbox.LEASE) == "sent"

    message.refresh_from_db()
    assert len(mail.outbox) == 1
    assert (message.lease_expiries, message.blind_resends) == (1, 1)


@pytest.fixture
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.mark.usefixtures("locmem")
def test_a_row_whose_senders_keep_dying_fails_at_the_limit_and_the_owner_is_told(message):
    from django.core import mail

    at = NOW
    for _ in range(outbox.MAX_ATTEMPTS):
        assert outbox.claim(message.pk, now=at) is not None  # each sender is killed mid-send
        at += outbox.LEASE

    assert outbox.deliver(message.pk, now=at) == "failed"

    message.refresh_from_db()
    assert (message.state, message.attempts, message.send_after) == (Message.State.FAILED, 8, None)
    assert "Gave up after 8 attempts" in message.error
    assert "outcome" in message.error
    assert not mail.outbox
    alert = Message.objects.get(user=message.project.owner)
    assert alert.subject == "Not delivered: Build status, week 3"
    assert outbox.deliver(message.pk, now=at + outbox.LEASE) == "skipped"


def test_a_send_at_the_limit_whose_outcome_is_unknown_is_looked_up_before_it_is_called_failed(
    postmark, message
):
    Message.objects.filter(pk=message.pk).update(attempts=outbox.MAX_ATTEMPTS - 1)
    postmark.replies.append(ANSWER_TOO_LATE)

    outbox.deliver(message.pk, now=NOW)
    message.refresh_from_db()
    assert outbox.deliver(message.pk, now=message.send_after) == "sent"

    message.refresh_from_db()
    assert (message.state, message.attempts) == (Message.State.SENT, outbox.MAX_ATTEMPTS)
    assert not Message.objects.filter(user=message.project.owner).exists()


def test_a_gateway_timeout_is_looked_up_and_sent_again_only_once_the_search_can_be_trusted(postmark, message):
    postmark.replies.append((504, "<html><body><h1>504 Gateway Time-out</h1></body></html>"))

    assert outbox.deliver(message.pk, now=NOW) == "retry"
    message.refresh_from_db()
    assert outbox.deliver(message.pk, now=message.send_after) == "waiting"  # not found, but too early

    assert outbox.deliver(message.pk, now=NOW + postmark.search_delay) == "sent"
    assert (len(postmark.requests), len(postmark.searches), list(postmark.deliveries().values())) == (
        2,
        2,
        [1],
    )
