"""The tick through the other channels, as beat runs it: the weekly build update it drafts is
written from the project's board, and a project that sends by itself and talks by Slack gets its
update posted there with no email contact at all."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from comms import outbox
from comms.models import Channel, ChannelRule, Deadline, Message, MessageType, Update
from comms.tick import run_tick
from projects.models import Phase
from tests.comms.conftest import SLACK_CHANNEL
from tests.factories import ContactFactory, make_project

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
MONDAY = dt.datetime(2026, 3, 9, 9, 0, tzinfo=LONDON)


def weekly_update_due(project, at=MONDAY):
    Deadline.objects.create(project=project, kind=Deadline.Kind.CADENCE_UPDATE, due_at=at, explanation="due")


def test_the_ticks_weekly_build_update_is_written_from_the_board(trello, board):
    project = make_project(phase=Phase.BUILD, board=board)
    project.contacts.set([ContactFactory(client=project.client)])
    shipped = trello.card(board, "Doing", "Booking calendar")
    trello.move(shipped, "Done", at=MONDAY - dt.timedelta(days=3))
    trello.card(board, "Next", "Payment by card")
    weekly_update_due(project)

    assert run_tick(MONDAY)["drafted"] == 1

    body = Update.objects.get(project=project, kind="build_status").technical_body
    assert "What shipped\n- Booking calendar" in body
    assert "What is next\n- Payment by card" in body


def test_an_unreadable_board_still_gets_the_weekly_update_drafted_from_the_record(trello, board):
    project = make_project(phase=Phase.BUILD, board=board)
    project.contacts.set([ContactFactory(client=project.client)])
    trello.boards.clear()  # the board was deleted on Trello's side
    weekly_update_due(project)

    summary = run_tick(MONDAY)

    assert summary["drafted"] == 1 and not summary["problems"]
    assert Update.objects.filter(project=project, kind="build_status").exists()


def test_a_project_that_sends_by_itself_by_slack_posts_its_update_with_no_email_contact(slack):
    project = make_project(phase=Phase.BUILD, slack_channel=SLACK_CHANNEL, auto_send_drafts=True)
    ChannelRule.objects.filter(project=project, message_type=MessageType.STATUS_UPDATE).update(
        channel=Channel.CHAT
    )
    # Monday morning in Sydney, the client's hours: the post is not held for them.
    sydney_morning = dt.datetime(2026, 3, 8, 23, 0, tzinfo=dt.UTC)
    weekly_update_due(project, at=sydney_morning)
    run_tick(sydney_morning)
    release = Deadline.objects.get(kind=Deadline.Kind.DRAFT_RELEASE, update__project=project)

    summary = run_tick(release.due_at)

    assert summary["sent by themselves"] == 1 and not summary["problems"]
    [post] = Message.objects.filter(project=project, channel=Channel.CHAT)
    assert (post.destination, post.kind) == (SLACK_CHANNEL, "build_status")
    assert outbox.deliver(post.pk, now=post.send_after) == "sent"
    assert list(slack.deliveries().values()) == [1]
