"""A recipient the provider refuses for good is flagged like a bounce, so later updates skip the
address; a failed mail to the team is told to the admins; and after an outage the admins can send
again everything that failed since a time, with nothing doubled that the provider in fact has."""

import datetime as dt

import pytest

from comms import outbox
from comms.models import Message
from projects.models import Contact
from tests.comms.fake_mailgun import FakeMailgun
from tests.comms.fake_postmark import FakePostmark
from tests.factories import ContactFactory, UserFactory, make_project

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
INACTIVE = {
    "ErrorCode": 406,
    "Message": "You tried to send to recipient(s) that have been marked as inactive.\n"
    "Found inactive addresses: mia@harbourfinch.example.\n"
    "Inactive recipients are ones that have generated a hard bounce, a spam complaint, or a manual suppression. ",
}
INVALID_TO = {"ErrorCode": 300, "Message": "Invalid 'To' address: 'mia@harbourfinch.example'."}


@pytest.fixture
def postmark(settings):
    with FakePostmark(token="server-token") as fake:
        settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
        settings.ANYMAIL = {"POSTMARK_SERVER_TOKEN": "server-token", "POSTMARK_API_URL": fake.url}
        yield fake


@pytest.fixture
def mailgun(settings):
    with FakeMailgun(api_key="mailgun-key") as fake:
        settings.EMAIL_BACKEND = "anymail.backends.mailgun.EmailBackend"
        settings.ANYMAIL = {"MAILGUN_API_KEY": "mailgun-key", "MAILGUN_API_URL": fake.url}
        yield fake


@pytest.fixture
def project():
    return make_project()


def client_mail(project, key="test:1", *, at=NOW, email="mia@harbourfinch.example"):
    contact = ContactFactory(client=project.client, email=email)
    project.contacts.add(contact)
    return Message.objects.create(
        project=project,
        kind="build_status",
        contact=contact,
        from_email="updates@agency.example",
        to_email=contact.email,
        subject="Build status, week 3",
        body_text="What shipped: the booking form.",
        dedupe_key=key,
        created_at=at,
        send_after=at,
    )


@pytest.mark.parametrize("reply", [INACTIVE, INVALID_TO], ids=["inactive", "invalid-to"])
def test_a_recipient_postmark_refuses_for_good_is_flagged_and_later_updates_skip_it(postmark, project, reply):
    message = client_mail(project)
    postmark.replies.append((422, reply))

    assert outbox.deliver(message.pk, now=NOW) == "failed"

    contact = Contact.objects.get(pk=message.contact_id)
    assert contact.email_bounced_at == NOW
    assert contact not in project.mail_recipients()
    alert = Message.objects.get(user=project.owner)
    assert "mia@harbourfinch.example" in alert.body_text and "flagged" in alert.body_text


def test_an_address_mailgun_rejects_is_flagged(mailgun, project):
    message = client_mail(project)
    mailgun.replies.append(
        (400, {"message": "'to' parameter is not a valid address. please check documentation"})
    )

    assert outbox.deliver(message.pk, now=NOW) == "failed"

    assert Contact.objects.get(pk=message.contact_id).email_bounced_at == NOW


def test_a_4xx_about_the_message_itself_does_not_flag_the_contact(postmark, project):
    message = client_mail(project)
    postmark.replies.append((422, {"ErrorCode": 300, "Message": "Invalid 'From' address: 'nobody'."}))

    assert outbox.deliver(message.pk, now=NOW) == "failed"

    assert Contact.objects.get(pk=message.contact_id).email_bounced_at is None
    assert Message.objects.get(user=project.owner).subject == "Not delivered: Build status, week 3"


def test_a_failed_mail_to_the_team_is_told_to_the_admins_once(postmark, project):
    admin = UserFactory(username="ada", email="ada@agency.example", is_superuser=True)
    UserFactory(username="root", email="", is_superuser=True)  # no address: nobody to tell
    notice = outbox.queue_messages(
        [outbox.owner_alert(project, subject="Overdue: build status", body="…", key="overdue:1", now=NOW)]
    )[0]
    postmark.replies.append((422, {"ErrorCode": 300, "Message": "Invalid 'From' address: 'nobody'."}))

    assert outbox.deliver(notice.pk, now=NOW) == "failed"

    [told] = Message.objects.filter(user=admin)
    assert told.subject == f"Not delivered to {project.owner.get_full_name()}: Overdue: build status"
    assert project.owner.email in told.body_text and "Invalid 'From' address" in told.body_text
    # The admins' own notice failing in turn tells nobody again: no chain of notices.
    postmark.replies.append((422, {"ErrorCode": 300, "Message": "Invalid 'From' address: 'nobody'."}))
    assert outbox.deliver(told.pk, now=NOW) == "failed"
    assert Message.objects.filter(user=admin).count() == 1


def test_retrying_everything_failed_since_an_outage_sends_only_what_the_provider_does_not_have(
    postmark, project
):
    since = NOW - dt.timedelta(hours=6)
    delivered_after_all = client_mail(project, "test:1", at=NOW - dt.timedelta(hours=5))
    never_sent = client_mail(
        project, "test:2", at=NOW - dt.timedelta(hours=5), email="jack@harbourfinch.example"
    )
    before_the_outage = client_mail(
        project, "test:3", at=NOW - dt.timedelta(days=2), email="noor@harbourfinch.example"
    )
    # The provider took the first one, but the answer never came back and the row gave up.
    outbox.as_email(delivered_after_all).send()
    failed = {
        "state": Message.State.FAILED,
        "send_after": None,
        "attempts": 8,
        "error": "Gave up after 8 attempts.",
    }
    to_the_team = outbox.queue_messages(
        [outbox.owner_alert(project, subject="Overdue: build status", body="…", key="overdue:1", now=NOW)]
    )[0]
    Message.objects.filter(pk__in=[delivered_after_all.pk, never_sent.pk, to_the_team.pk]).update(
        last_attempt_at=NOW - dt.timedelta(hours=1), **failed
    )
    Message.objects.filter(pk=before_the_outage.pk).update(
        last_attempt_at=NOW - dt.timedelta(days=2), **failed
    )
    postmark.requests.clear()

    assert outbox.resend_failed_since(since, now=NOW) == 3

    for message in (delivered_after_all, never_sent, to_the_team):
        assert outbox.deliver(message.pk, now=NOW) == "sent"
    assert [request["Metadata"]["message_id"] for request in postmark.requests] == [
        str(never_sent.pk),
        str(to_the_team.pk),
    ]
    assert dict(postmark.deliveries()) == {
        str(delivered_after_all.pk): 1,
        str(never_sent.pk): 1,
        str(to_the_team.pk): 1,
    }
    assert Message.objects.get(pk=before_the_outage.pk).state == Message.State.FAILED
    assert outbox.deliver(before_the_outage.pk, now=NOW) == "skipped"
