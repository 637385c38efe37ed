"""Slack's Events API: requests signed the way Slack signs them (v0, HMAC-SHA256 of
`v0:{timestamp}:{body}` with the signing secret), the Slack user looked up with users.info on a
local fake of Slack's Web API. A client's message in the project's shared channel is client mail:
stored once, on the response clock, answered by a team member's message in its thread."""

import datetime as dt
import hashlib
import hmac
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from comms.models import Channel, Deadline, MalformedWebhook, Message
from comms.outbox import deliver
from comms.tick import run_tick
from escalations.models import Escalation
from tests.comms.fake_slack import FakeSlack, ServerError
from tests.factories import ContactFactory, UserFactory, make_project

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
CHANNEL = "C0CLIENT1"
OUR_WORKSPACE, CLIENT_WORKSPACE = "TAGENCY01", "TCOBALT01"
URL = "/hooks/slack/events/"
# Friday 6 March 2026, after the team's close (17:00 London): the clock starts at Monday's opening.
FRIDAY_EVENING = dt.datetime(2026, 3, 6, 17, 30, tzinfo=LONDON)
MONDAY_MORNING = dt.datetime(2026, 3, 9, 9, 15, tzinfo=LONDON)


def sign(body, timestamp, secret=SECRET):
    base = f"v0:{timestamp}:{body.decode()}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def post(client, payload, *, signed_at=None, signature=None, retry=None):
    """Post an event as Slack does: signed now (or at `signed_at`), perhaps as a retry."""
    body = json.dumps(payload).encode()
    timestamp = str(int((signed_at or dt.datetime.now(dt.UTC)).timestamp()))
    headers = {
        "HTTP_X_SLACK_REQUEST_TIMESTAMP": timestamp,
        "HTTP_X_SLACK_SIGNATURE": signature or sign(body, timestamp),
    }
    if retry:
        headers.update(HTTP_X_SLACK_RETRY_NUM=str(retry), HTTP_X_SLACK_RETRY_REASON="http_timeout")
    return client.post(URL, body, content_type="application/json", **headers)


def message_event(user, text, *, ts=None, thread_ts=None, channel=CHANNEL, **fields):
    """An `event_callback` with a `message` event, as the Events API posts it."""
    ts = ts or f"{dt.datetime.now(dt.UTC).timestamp():.6f}"
    event = {
        "type": "message",
        "channel": channel,
        "user": user,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "channel_type": "channel",
        **({"thread_ts": thread_ts} if thread_ts else {}),
        **fields,
    }
    return {
        "token": "unused-verification-token",
        "team_id": OUR_WORKSPACE,
        "api_app_id": "A0APP0001",
        "event": event,
        "type": "event_callback",
        "event_id": f"Ev{ts.replace('.', '')}",
        "event_time": int(float(ts)),
    }


def member(slack, user_id, email, *, workspace=OUR_WORKSPACE):
    """A Slack user of our workspace or the client's (a shared channel has both)."""
    slack.add_user(user_id, email=email)
    slack.users[user_id]["team_id"] = workspace


def not_asked_who(slack):
    """users.info is not called: the fault lined up for its next call is still there."""
    return slack.faults["users.info"] == [ServerError()]


@pytest.fixture
def slack(settings):
    with FakeSlack() as fake:
        settings.SLACK_SIGNING_SECRET = SECRET
        settings.SLACK_BOT_TOKEN = fake.token
        settings.SLACK_API_URL = fake.url
        fake.add_channel(CHANNEL)
        member(fake, "UDANA0001", "dana@cobalt.example", workspace=CLIENT_WORKSPACE)
        member(fake, "ULENA0001", "lena@agency.example")
        cache.clear()  # people looked up by an earlier test
        yield fake
    cache.clear()


@pytest.fixture
def lead():
    return UserFactory(username="lena", email="lena@agency.example")


@pytest.fixture
def project(lead):
    project = make_project(owner=lead, lead=lead, name="Fleet dashboard", slack_channel=CHANNEL)
    project.contacts.add(ContactFactory(client=project.client, email="dana@cobalt.example", name="Dana"))
    return project


def test_the_url_verification_challenge_is_answered(client, slack):
    payload = {
        "token": "unused",
        "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
        "type": "url_verification",
    }

    answer = post(client, payload)

    assert answer.status_code == 200
    assert answer.json() == {"challenge": payload["challenge"]}


@pytest.mark.parametrize(
    "forged",
    [
        {"HTTP_X_SLACK_REQUEST_TIMESTAMP": None, "HTTP_X_SLACK_SIGNATURE": None},
        {"HTTP_X_SLACK_SIGNATURE": "v0=" + "0" * 64},
        {"secret": "another-apps-secret"},
        {"signed_minutes_ago": 6},
        {"HTTP_X_SLACK_REQUEST_TIMESTAMP": "yesterday"},
    ],
    ids=["unsigned", "wrong signature", "another secret", "stale timestamp", "timestamp not a number"],
)
def test_a_request_not_signed_by_slack_just_now_is_refused_and_nothing_is_stored(
    client, slack, project, forged
):
    slack.fail_next("users.info", ServerError())
    body = json.dumps(message_event("UDANA0001", "Can we move the demo?")).encode()
    timestamp = str(int(dt.datetime.now(dt.UTC).timestamp()) - 60 * forged.get("signed_minutes_ago", 0))
    headers = {
        "HTTP_X_SLACK_REQUEST_TIMESTAMP": timestamp,
        "HTTP_X_SLACK_SIGNATURE": sign(body, timestamp, forged.get("secret", SECRET)),
    }
    headers.update({name: value for name, value in forged.items() if name.startswith("HTTP_")})

    answer = client.post(
        URL,
        body,
        content_type="application/json",
        **{name: v for name, v in headers.items() if v is not None},
    )

    assert answer.status_code == 401
    assert "signed" in answer.json()["error"]
    assert not Message.objects.filter(direction="in").exists()
    assert not MalformedWebhook.objects.exists()
    assert not_asked_who(slack)


def test_without_a_signing_secret_slack_is_not_connected(client, settings):
    settings.SLACK_SIGNING_SECRET = ""
    assert post(client, {"type": "url_verification", "challenge": "x"}).status_code == 404


def test_only_post_is_answered(client, slack):
    assert client.get(URL).status_code == 405


def test_a_clients_message_is_stored_once_although_slack_delivers_it_twice(client, slack, project):
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        event = message_event("UDANA0001", "Can we move the demo?\nThursday does not work for us.")
        assert post(client, event).status_code == 200
        cache.clear()  # the retry is known by its ts, not by who wrote it
        slack.fail_next("users.info", ServerError())
        assert post(client, event, retry=1).status_code == 200
        assert post(client, event, retry=2).status_code == 200

    message = Message.objects.get(direction="in")
    assert (message.channel, message.destination, message.project, message.contact.name) == (
        Channel.CHAT,
        CHANNEL,
        project,
        "Dana",
    )
    assert (message.from_email, message.subject, message.body_text) == (
        "dana@cobalt.example",
        "Can we move the demo?",
        "Can we move the demo?\nThursday does not work for us.",
    )
    assert (message.provider_message_id, message.dedupe_key) == (
        event["event"]["ts"],
        f"slack:{CHANNEL}:{event['event']['ts']}",
    )
    assert message.created_at == FRIDAY_EVENING
    assert message.from_new_person is False
    assert not_asked_who(slack)


def test_a_person_is_looked_up_once_and_then_known_for_a_while(client, slack, project):
    post(client, message_event("UDANA0001", "Can we move the demo?"))
    slack.fail_next("users.info", ServerError())

    assert post(client, message_event("UDANA0001", "And the launch date?")).status_code == 200

    assert Message.objects.filter(direction="in", contact__name="Dana").count() == 2
    assert not_asked_who(slack)


def test_a_clients_message_starts_the_response_clock_on_the_team_calendar_and_waits_on_the_project_page(
    client, slack, project, lead
):
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        post(client, message_event("UDANA0001", "Can we move the demo?"))

    message = Message.objects.get(direction="in")
    # After Friday's close: 3 business hours from Monday's opening.
    assert message.respond_by == dt.datetime(2026, 3, 9, 12, 0, tzinfo=LONDON)
    assert set(Deadline.objects.filter(message=message, is_active=True).values_list("kind", flat=True)) == {
        Deadline.Kind.RESPONSE_REMINDER,
        Deadline.Kind.RESPONSE_DUE,
    }
    project.refresh_from_db()
    assert project.last_client_message_at == FRIDAY_EVENING

    client.force_login(lead)
    with time_machine.travel(MONDAY_MORNING, tick=False):
        page = client.get(reverse("dashboard:project", args=[project.pk])).content.decode()
    waiting = page.split('id="mail-title"')[1].split("</section>")[0]
    assert f'id="mail-{message.pk}"' in waiting
    assert "Can we move the demo?" in waiting and "dana@cobalt.example" in waiting
    assert "in Slack (a reply goes to its thread)" in waiting


def test_urgent_words_in_a_chat_message_give_the_urgent_target(client, slack, project):
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        post(client, message_event("UDANA0001", "Morning! Quick one:\nthe checkout is down for everyone"))

    message = Message.objects.get(direction="in")
    assert message.urgent is True
    assert message.subject == "Morning! Quick one:"
    assert message.respond_by == dt.datetime(2026, 3, 9, 10, 0, tzinfo=LONDON)


def test_a_team_reply_in_the_thread_meets_the_clients_message(client, slack, project):
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        question = message_event("UDANA0001", "Can we move the demo?")
        post(client, question)
    with time_machine.travel(MONDAY_MORNING, tick=False):
        reply = message_event("ULENA0001", "Yes, Friday works.", thread_ts=question["event"]["ts"])
        assert post(client, reply).status_code == 200

    message = Message.objects.get(direction="in")
    assert message.responded_at == MONDAY_MORNING
    assert message.response_note.startswith("Answered in Slack by")
    assert not Deadline.objects.filter(message=message, is_active=True).exists()
    assert Message.objects.filter(direction="in").count() == 1  # the team's reply is not client mail


def test_a_team_reply_in_another_thread_leaves_the_clients_message_waiting(client, slack, project):
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        post(client, message_event("UDANA0001", "Can we move the demo?"))
    with time_machine.travel(MONDAY_MORNING, tick=False):
        post(client, message_event("ULENA0001", "Deployed.", thread_ts="1772000000.000100"))

    assert Message.objects.get(direction="in").responded_at is None


def test_a_clients_reply_in_a_thread_is_stored_with_its_thread(client, slack, project):
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        post(client, message_event("UDANA0001", "Looks good, one question", thread_ts="1772800000.000100"))

    assert Message.objects.get(direction="in").in_reply_to == "1772800000.000100"


@pytest.mark.parametrize(
    "fields",
    [
        {"bot_id": "B0BOT0001"},
        {"subtype": "bot_message", "bot_id": "B0BOT0001"},
        {"subtype": "message_changed"},
    ],
    ids=["a bot's message", "bot_message", "an edit"],
)
def test_bot_messages_and_edits_are_ignored(client, slack, project, fields):
    assert post(client, message_event("UDANA0001", "QA note: 3 fixed", **fields)).status_code == 200
    assert not Message.objects.filter(direction="in").exists()


def test_a_channel_of_no_project_is_ignored(client, slack, project):
    slack.fail_next("users.info", ServerError())
    assert post(client, message_event("UDANA0001", "Hello?", channel="C0OTHER01")).status_code == 200
    assert not Message.objects.filter(direction="in").exists()
    assert not_asked_who(slack)


def test_someone_not_yet_a_contact_from_the_clients_workspace_is_a_new_person(client, slack, project):
    member(slack, "USAM00001", "sam.lee@cobalt.example", workspace=CLIENT_WORKSPACE)

    post(client, message_event("USAM00001", "Hi, I'm taking over from Dana"))

    message = Message.objects.get(direction="in")
    assert (message.contact, message.from_new_person) == (None, True)
    assert message.respond_by is not None


def test_a_guest_in_our_workspace_not_yet_a_contact_is_a_new_person(client, slack, project):
    member(slack, "UGUEST001", "sam.lee@cobalt.example")
    slack.users["UGUEST001"]["is_restricted"] = True

    post(client, message_event("UGUEST001", "Hi, I'm taking over from Dana"))

    assert Message.objects.get(direction="in").from_new_person is True


def test_a_colleague_without_an_account_here_is_not_the_client(client, slack, project):
    member(slack, "UDESIGN01", "designer@agency.example")

    post(client, message_event("UDESIGN01", "New mockups are up"))

    assert not Message.objects.filter(direction="in").exists()


def test_when_slack_cannot_say_who_wrote_the_event_is_refused_so_slack_sends_it_again(client, slack, project):
    slack.fail_next("users.info", ServerError())
    event = message_event("UDANA0001", "Can we move the demo?")

    assert post(client, event).status_code == 503
    assert not Message.objects.filter(direction="in").exists()

    assert post(client, event, retry=1).status_code == 200
    assert Message.objects.filter(direction="in").count() == 1


def test_a_signed_event_that_cannot_be_read_is_kept_for_inspection(client, slack, project):
    payload = message_event("UDANA0001", "Hello")
    del payload["event"]["ts"]

    answer = post(client, payload)

    assert answer.status_code == 400
    assert MalformedWebhook.objects.get().provider == "slack"


def test_a_reply_from_the_project_page_goes_to_the_slack_thread_and_meets_the_message(
    client, slack, project, lead
):
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        question = message_event("UDANA0001", "Can we move the demo?")
        post(client, question)
    message = Message.objects.get(direction="in")
    client.force_login(lead)

    with time_machine.travel(MONDAY_MORNING, tick=False):
        client.post(reverse("dashboard:reply", args=[project.pk, message.pk]), {"body": "Friday works."})
        reply = Message.objects.get(kind="reply")
        assert deliver(reply.pk) == "sent"

    assert (reply.channel, reply.destination, reply.to_email) == (Channel.CHAT, CHANNEL, "")
    [posted] = slack.posts(CHANNEL)
    assert (posted["text"], posted["thread_ts"]) == ("Friday works.", question["event"]["ts"])
    message.refresh_from_db()
    assert message.responded_at == MONDAY_MORNING


def test_an_unanswered_chat_message_is_owed_reminded_and_escalated_like_mail(client, slack, project, lead):
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        post(client, message_event("UDANA0001", "Can we move the demo?"))
    message = Message.objects.get(direction="in")

    client.force_login(lead)
    with time_machine.travel(MONDAY_MORNING, tick=False):
        assert (
            "Reply to Dana: Can we move the demo?" in client.get(reverse("dashboard:moves")).content.decode()
        )

    run_tick(dt.datetime(2026, 3, 9, 11, 24, tzinfo=LONDON))  # 80% of Monday 09:00–12:00
    assert Message.objects.filter(user=lead, subject="Reply due soon: Can we move the demo?").exists()
    assert not Escalation.objects.exists()

    run_tick(dt.datetime(2026, 3, 9, 12, 0, tzinfo=LONDON))
    escalation = Escalation.objects.get()
    assert (escalation.category, escalation.source_message) == ("unanswered_mail", message)
