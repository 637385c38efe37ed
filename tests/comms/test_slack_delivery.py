"""A project whose plan sends quick notes by chat gets its QA note in its Slack channel, through
the official slack_sdk WebClient pointed at a local fake of Slack's Web API, with the email
outbox's promises: one post per row, retried no sooner than Slack's Retry-After, looked up before
a post in doubt is repeated, failed and told on a refusal, never posted twice by two workers."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.urls import reverse

from comms import outbox
from comms.autopilot import client_messages, draft_now, send_update
from comms.calendars import Clocks
from comms.channel_plan import Route, route
from comms.models import Channel, ChannelRule, Message, MessageType
from comms.obligations import Due
from comms.record import projects_for_drafting, record_entries
from comms.slack import SlackCarrier
from projects.models import Contact
from tests.comms.fake_slack import (
    ANSWER_TOO_LATE,
    RESET_AFTER_READING,
    FakeSlack,
    RateLimited,
    Refusal,
    ServerError,
)
from tests.concurrently import at_once
from tests.factories import ContactFactory, make_project

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 0, 0, tzinfo=dt.UTC)  # Monday 11:00 in Sydney, the client's hours
NIGHT = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)  # 23:00 in Sydney
TOKEN = "xoxb-test-token"
CHANNEL = "C0HARBOUR"


@pytest.fixture
def project():
    project = make_project(slack_channel=CHANNEL)
    project.contacts.set(
        [ContactFactory(client=project.client, name="Mia Thompson", kind=Contact.Kind.TECHNICAL)]
    )
    return project


def send_qa_note(project, *, at=NOW):
    """The owner sends the project's QA note; returns its outbox rows."""
    update = draft_now(project, "qa_note", now=at, send_by=Due(at + dt.timedelta(hours=4), "today"))
    return send_update(update, by=project.owner, now=at)


def deliver(message, *, at):
    """A worker sends the row at `at`; Slack's clock reads the same."""
    with time_machine.travel(at, tick=False):
        return outbox.deliver(message.pk, now=at)


def test_the_qa_note_is_one_post_in_the_projects_slack_channel_with_its_ts_kept(slack, project):
    [row] = send_qa_note(project)
    assert (row.channel, row.destination, row.to_email, row.contact) == (Channel.CHAT, CHANNEL, "", None)
    assert row.dedupe_key == f"update:{row.update_id}:chat:{CHANNEL}"
    assert row.send_after == NOW  # inside the client's hours: at once

    assert deliver(row, at=NOW) == "sent"

    [post] = slack.posts(CHANNEL)
    row.refresh_from_db()
    assert row.state == Message.State.SENT and row.provider_message_id == post["ts"]
    assert post["text"].startswith(f"{row.update.subject}\n{row.update.status_line}\n\n")
    assert post["metadata"]["event_type"] == "portal_message"
    assert post["metadata"]["event_payload"]["dedupe_key"] == row.dedupe_key
    assert not mail.outbox  # nobody was emailed the note as well
    [entry] = [e for e in record_entries(project) if e["kind"] == "message:qa_note"]
    assert entry["state"] == Message.State.SENT
    assert entry["label"] == "QA note posted in Slack" and entry["detail"].startswith(f"to {CHANNEL}\n")


def test_a_routine_chat_note_written_at_night_waits_for_the_clients_hours(slack, project):
    [row] = send_qa_note(project, at=NIGHT)

    assert row.send_after == dt.datetime(2026, 3, 2, 22, 0, tzinfo=dt.UTC)  # Tuesday 09:00 in Sydney


def test_slack_markup_in_the_text_is_sent_as_written_and_a_reply_goes_in_its_thread(slack, project):
    thread = slack.say(CHANNEL, "Can you check the <booking> form?", user="U0MIA")
    row = chat_row(project, body="Checked: <!channel> & <booking> work.\n", in_reply_to=thread)

    assert deliver(row, at=NOW) == "sent"

    reply = slack.posts(CHANNEL)[-1]
    assert reply["text"] == "Checked: &lt;!channel&gt; &amp; &lt;booking&gt; work.\n"
    assert reply["thread_ts"] == thread


def test_a_429_is_retried_no_sooner_than_slacks_retry_after(slack, project):
    [row] = send_qa_note(project)
    slack.fail_next("chat.postMessage", RateLimited(retry_after=600))

    assert deliver(row, at=NOW) == "retry"

    row.refresh_from_db()
    assert row.send_after >= NOW + dt.timedelta(seconds=600)
    assert not row.check_provider_first  # a 429 posts nothing: no need to look it up
    assert "busy (429" in row.error
    assert deliver(row, at=NOW + dt.timedelta(seconds=599)) == "skipped"
    assert deliver(row, at=row.send_after) == "sent"
    assert list(slack.deliveries().values()) == [1]


@pytest.mark.parametrize("posted", [True, False], ids=["slack-had-posted-it", "slack-had-not"])
def test_a_500_is_retried_and_looked_up_first_so_the_note_is_posted_once(slack, project, posted):
    [row] = send_qa_note(project)
    slack.fail_next("chat.postMessage", ServerError(500, posted=posted))

    assert deliver(row, at=NOW) == "retry"

    row.refresh_from_db()
    assert row.state == Message.State.QUEUED and row.check_provider_first
    assert deliver(row, at=row.send_after) == "sent"
    row.refresh_from_db()
    [post] = slack.posts(CHANNEL)
    assert row.provider_message_id == post["ts"]
    assert (len(slack.requests), len(slack.searches)) == ((1, 1) if posted else (2, 1))
    assert slack.searches[0]["include_all_metadata"] in ("1", True)


@pytest.mark.parametrize("fault", [ANSWER_TOO_LATE, RESET_AFTER_READING])
def test_a_post_whose_answer_was_lost_is_found_in_the_channel_and_not_posted_again(slack, project, fault):
    [row] = send_qa_note(project)
    slack.fail_next("chat.postMessage", fault)

    assert deliver(row, at=NOW) == "retry"

    row.refresh_from_db()
    assert row.check_provider_first and "no answer" in row.error
    assert deliver(row, at=row.send_after) == "sent"
    assert list(slack.deliveries().values()) == [1] and len(slack.requests) == 1


def test_a_reply_in_doubt_is_looked_up_in_its_thread(slack, project):
    thread = slack.say(CHANNEL, "Is staging up?", user="U0MIA")
    row = chat_row(project, body="Yes, since 10:00.\n", in_reply_to=thread)
    slack.fail_next("chat.postMessage", ServerError(503, posted=True))

    assert deliver(row, at=NOW) == "retry"
    row.refresh_from_db()
    assert deliver(row, at=row.send_after) == "sent"

    assert len(slack.requests) == 1
    row.refresh_from_db()
    assert row.provider_message_id == slack.posts(CHANNEL)[-1]["ts"]


def test_a_refused_connection_never_reached_slack_and_is_retried_without_a_lookup(settings, project):
    settings.SLACK_BOT_TOKEN, settings.SLACK_API_URL = TOKEN, "http://127.0.0.1:1/api/"
    [row] = send_qa_note(project)

    assert deliver(row, at=NOW) == "retry"

    row.refresh_from_db()
    assert row.state == Message.State.QUEUED and not row.check_provider_first


@pytest.mark.parametrize(
    ("error", "words"),
    [
        ("channel_not_found", "the project's Slack channel does not exist"),
        ("not_in_channel", "the bot is not a member"),
        ("is_archived", "archived"),
        ("msg_too_long", "too long"),
    ],
)
def test_a_refusal_fails_the_note_and_the_owner_and_the_admin_see_why(
    slack, project, admin_client, error, words
):
    [row] = send_qa_note(project)
    slack.fail_next("chat.postMessage", Refusal(error))

    assert deliver(row, at=NOW) == "failed"

    row.refresh_from_db()
    assert row.state == Message.State.FAILED
    assert row.error.startswith("Slack refused the message: ")
    assert words in row.error and f"({error})" in row.error
    alert = Message.objects.get(user=project.owner, kind="owner_alert", dedupe_key=f"failed:{row.pk}")
    assert f"The chat message to {CHANNEL} could not be sent." in alert.body_text
    assert row.error in alert.body_text and "Check the connection" in alert.body_text
    page = admin_client.get(reverse("admin:comms_message_change", args=[row.pk])).content.decode()
    assert error in page
    assert deliver(row, at=NOW + dt.timedelta(hours=1)) == "skipped"
    assert not slack.posts(CHANNEL)


def test_a_wrong_bot_token_is_refused_by_slack_and_shown_in_words(slack, settings, project):
    settings.SLACK_BOT_TOKEN = "xoxb-revoked"
    [row] = send_qa_note(project)

    assert deliver(row, at=NOW) == "failed"

    row.refresh_from_db()
    assert "the Slack bot token is not valid (invalid_auth)" in row.error


def test_a_worker_that_posted_and_stopped_is_not_posted_after_by_the_next(slack, project):
    [row] = send_qa_note(project)
    with time_machine.travel(NOW, tick=False):
        SlackCarrier().send(outbox.claim(row.pk, now=NOW))  # posted; the worker dies before recording it

    assert deliver(row, at=NOW) == "skipped"  # leased: another worker leaves it alone
    assert deliver(row, at=NOW + outbox.LEASE) == "sent"

    row.refresh_from_db()
    assert (len(slack.requests), row.lease_expiries) == (1, 1)
    assert row.provider_message_id == slack.posts(CHANNEL)[0]["ts"]


@pytest.mark.django_db(transaction=True)
def test_two_workers_delivering_the_same_note_at_once_post_it_once(org_defaults, settings):
    if connection.vendor != "postgresql":
        pytest.skip("two connections updating one row at once need PostgreSQL (CI runs this on PostgreSQL)")
    with FakeSlack(token=TOKEN, reply_delay=0.2) as slack:
        settings.SLACK_BOT_TOKEN, settings.SLACK_API_URL = TOKEN, slack.url
        slack.add_channel(CHANNEL)
        project = make_project(slack_channel=CHANNEL)
        # Written at night, so it waits for the morning instead of being sent as it is committed.
        [row] = send_qa_note(project, at=NIGHT)
        results = at_once(lambda: outbox.deliver(row.pk, now=row.send_after))

        assert sorted(results) == ["sent", "skipped"]
        assert len(slack.requests) == 1 and list(slack.deliveries().values()) == [1]


def test_without_a_slack_channel_the_note_goes_by_email_and_the_plan_says_why(slack, project):
    project.slack_channel = ""
    project.save(update_fields=["slack_channel"])

    rows = send_qa_note(project)

    assert [(row.channel, row.to_email) for row in rows] == [(Channel.EMAIL, project.contacts.get().email)]
    plan = route(project, MessageType.QUICK_QUESTION)
    assert (plan.channel, plan.rule, plan.fell_back) == (
        Channel.EMAIL,
        Channel.CHAT,
        "no Slack channel connected: goes by email",
    )
    assert not slack.requests


def test_without_a_bot_token_the_note_goes_by_email_and_the_plan_says_why(settings, project):
    settings.SLACK_BOT_TOKEN = ""

    [row] = send_qa_note(project)

    assert row.channel == Channel.EMAIL
    assert route(project, MessageType.QUICK_QUESTION).fell_back == (
        "Slack is not connected for the organisation: goes by email"
    )


def test_updates_whose_type_the_plan_sends_by_email_stay_email(slack, project):
    assert route(project, MessageType.STATUS_UPDATE) == Route(Channel.EMAIL, Channel.EMAIL)
    ChannelRule.objects.filter(project=project, message_type=MessageType.QUICK_QUESTION).update(
        channel=Channel.EMAIL
    )

    [row] = send_qa_note(project)

    assert row.channel == Channel.EMAIL and not slack.requests


def test_a_status_update_the_lead_sends_by_chat_goes_to_slack(slack, project):
    ChannelRule.objects.filter(project=project, message_type=MessageType.STATUS_UPDATE).update(
        channel=Channel.CHAT
    )
    update = draft_now(project, "build_status", now=NOW, send_by=Due(NOW + dt.timedelta(days=1), "soon"))

    [row] = send_update(update, by=project.owner, now=NOW)

    assert (row.channel, row.kind) == (Channel.CHAT, "build_status")


def test_routing_an_update_to_chat_reads_nothing_more_from_the_database(
    slack, project, django_assert_num_queries
):
    update = draft_now(project, "qa_note", now=NOW, send_by=Due(NOW + dt.timedelta(hours=4), "today"))
    update.project = projects_for_drafting([project.pk]).get()
    clock = Clocks().client(update.project)

    with django_assert_num_queries(0):
        [row] = client_messages(update, update.project, now=NOW, clock=clock)

    assert row.channel == Channel.CHAT


def chat_row(project, *, body, in_reply_to=""):
    return Message.objects.create(
        project=project,
        kind="reply",
        channel=Channel.CHAT,
        destination=CHANNEL,
        subject="Reply in Slack",
        body_text=body,
        in_reply_to=in_reply_to,
        dedupe_key=f"reply:chat:{in_reply_to or 'none'}",
        created_at=NOW,
        send_after=NOW,
    )
