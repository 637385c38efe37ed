"""The project board (Trello, through a local fake that speaks its REST API): a promise's progress
and completion go to its card as comments through the outbox, with the outbox's guarantees (kept
id, Retry-After honoured, looked up before a doubtful resend, a refusal failed and told); and the
build update is proposed from the board's lists and labels, or from the record alone when the
board cannot be read."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from comms import outbox
from comms.autopilot import draft_now
from comms.boards import BoardCarrier
from comms.models import Channel, ChannelRule, Message, MessageType
from comms.obligations import Due
from comms.task_updates import complete_commitment, report_progress
from projects.models import Phase
from projects.services import add_commitment
from tests.comms.fake_trello import NOT_FOUND, Reply
from tests.factories import ContactFactory, make_project

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2026, 3, 9, 10, 0, tzinfo=dt.UTC)


def london(*args):
    return dt.datetime(*args, tzinfo=LONDON)


@pytest.fixture
def trello_clock():
    return lambda: NOW


@pytest.fixture
def project(board):
    project = make_project(phase=Phase.BUILD, board=board)
    project.contacts.set([ContactFactory(client=project.client, email="ada@client.example")])
    return project


@pytest.fixture
def promise(trello, board, project):
    card = trello.card(board, "Doing", "Export bookings to CSV")
    return add_commitment(project, description="Export to CSV", due_on=dt.date(2026, 3, 20), board_card=card)


def board_rows():
    return list(Message.objects.filter(channel=Channel.PROJECT_BOARD))


def deliver_all(now):
    return [outbox.deliver(row.pk, now=now) for row in board_rows()]


# --- Task updates ----------------------------------------------------------------------------


def test_progress_goes_to_the_card_as_a_comment_and_its_id_is_kept(trello, promise):
    report_progress(promise, progress=60, recovery_plan="Second developer from Monday.", now=NOW)

    (row,) = board_rows()
    assert (row.destination, row.to_email, row.kind) == (promise.board_card, "", MessageType.TASK_UPDATE)
    assert outbox.deliver(row.pk, now=NOW) == "sent"
    (comment,) = trello.comments(promise.board_card)
    assert comment.startswith("Progress: 60%. Recovery plan: Second developer from Monday.")
    row.refresh_from_db()
    assert row.state == Message.State.SENT
    assert row.provider_message_id == trello.accepted[0]["id"]


def test_done_goes_to_the_card_once(trello, promise):
    complete_commitment(promise, on=dt.date(2026, 12, 1), now=NOW)
    deliver_all(NOW)

    assert [text.splitlines()[0] for text in trello.comments(promise.board_card)] == ["Done on Tue 1 Dec."]


def test_a_report_that_changes_nothing_posts_nothing(trello, promise):
    report_progress(promise, progress=60, recovery_plan="", now=NOW)
    report_progress(promise, progress=60, recovery_plan="  ", now=NOW + dt.timedelta(minutes=1))

    assert len(board_rows()) == 1


@pytest.mark.parametrize("case", ["no card", "no board", "rule says email", "no credentials"])
def test_without_a_board_connection_nothing_extra_is_sent(settings, trello, project, promise, case):
    if case == "no card":
        promise.board_card = ""
    elif case == "no board":
        project.board = ""
        project.save()
    elif case == "rule says email":
        ChannelRule.objects.filter(project=project, message_type=MessageType.TASK_UPDATE).update(
            channel=Channel.EMAIL
        )
    else:
        settings.TRELLO_API_TOKEN = ""
    promise.project = project

    report_progress(promise, progress=40, recovery_plan="", now=NOW)

    assert board_rows() == []
    assert promise.progress == 40  # the promise itself is updated all the same


def test_a_busy_board_is_retried_no_sooner_than_its_retry_after(trello, promise):
    trello.replies.append(Reply(429, "API_TOKEN_LIMIT_EXCEEDED", {"Retry-After": "600"}))
    report_progress(promise, progress=60, recovery_plan="", now=NOW)
    (row,) = board_rows()

    assert outbox.deliver(row.pk, now=NOW) == "retry"
    row.refresh_from_db()
    assert row.state == Message.State.QUEUED and row.send_after >= NOW + dt.timedelta(seconds=600)
    assert "429" in row.error and not row.check_provider_first
    assert outbox.deliver(row.pk, now=row.send_after) == "sent"
    assert len(trello.comments()) == 1


def test_a_server_error_is_looked_up_before_posting_again_and_not_posted_twice(trello, promise):
    trello.replies.append(Reply(500, {"message": "Internal server error"}, accept=True))
    report_progress(promise, progress=60, recovery_plan="", now=NOW)
    (row,) = board_rows()

    assert outbox.deliver(row.pk, now=NOW) == "retry"
    row.refresh_from_db()
    assert row.check_provider_first
    assert outbox.deliver(row.pk, now=row.send_after + dt.timedelta(minutes=5)) == "sent"

    row.refresh_from_db()
    assert len(trello.requests) == 1 and len(trello.comments()) == 1
    assert row.provider_message_id == trello.accepted[0]["id"]


def test_a_server_error_before_the_comment_was_made_posts_it_after_looking(trello, promise):
    trello.replies.append(Reply(502, "Bad Gateway"))
    report_progress(promise, progress=60, recovery_plan="", now=NOW)
    (row,) = board_rows()

    outbox.deliver(row.pk, now=NOW)
    row.refresh_from_db()
    assert outbox.deliver(row.pk, now=row.send_after + dt.timedelta(minutes=5)) == "sent"
    assert len(trello.requests) == 2 and len(trello.comments()) == 1


def test_a_comment_posted_by_a_sender_that_died_is_not_posted_again_by_the_next(trello, promise):
    report_progress(promise, progress=60, recovery_plan="", now=NOW)
    (row,) = board_rows()
    claimed = outbox.claim(row.pk, now=NOW)
    BoardCarrier().send(claimed)  # posted; then the worker is killed before it records the answer

    assert outbox.deliver(row.pk, now=NOW) == "skipped"  # leased: no second sender takes it
    assert outbox.deliver(row.pk, now=NOW + outbox.LEASE + dt.timedelta(minutes=2)) == "sent"
    row.refresh_from_db()
    assert len(trello.requests) == 1 and row.provider_message_id == trello.accepted[0]["id"]


def test_a_card_that_is_gone_fails_and_the_owner_is_told(trello, project, promise):
    del trello.cards[promise.board_card]
    report_progress(promise, progress=60, recovery_plan="", now=NOW)
    (row,) = board_rows()

    assert outbox.deliver(row.pk, now=NOW) == "failed"
    row.refresh_from_db()
    assert row.state == Message.State.FAILED and NOT_FOUND in row.error and "Trello" in row.error
    alert = Message.objects.get(kind="owner_alert", to_email=project.owner.email)
    assert promise.board_card in alert.body_text and NOT_FOUND in alert.body_text


def test_a_wrong_key_fails_with_trellos_words(settings, trello, promise):
    report_progress(promise, progress=60, recovery_plan="", now=NOW)
    settings.TRELLO_API_KEY = "not-the-key"

    (row,) = board_rows()
    assert outbox.deliver(row.pk, now=NOW) == "failed"
    row.refresh_from_db()
    assert "401 invalid key" in row.error


# --- The build update ------------------------------------------------------------------------


def build_draft(project, now):
    return draft_now(project, "build_status", now=now, send_by=Due(now + dt.timedelta(days=1), "tomorrow"))


def section(body, heading):
    block = body.split(f"{heading}\n", 1)[1]
    return [line.removeprefix("- ") for line in block.split("\n\n", 1)[0].splitlines()]


def test_the_build_update_is_proposed_from_the_board(trello, board, project):
    last_update = build_draft(project, london(2026, 3, 2, 9))
    last_update.state, last_update.sent_at = "sent", london(2026, 3, 2, 9)
    last_update.save()
    before = trello.card(board, "Doing", "Sign-in with email links")
    trello.move(before, "Done", at=london(2026, 3, 1, 16))  # shipped before the last update
    shipped = trello.card(board, "Doing", "Booking calendar")
    trello.move(shipped, "Done", at=london(2026, 3, 5, 11))
    back = trello.card(board, "Doing", "Seat map")
    trello.move(back, "Done", at=london(2026, 3, 5, 12))
    trello.move(back, "Doing", at=london(2026, 3, 5, 15))  # and back: it did not ship
    trello.card(board, "Next", "Payment by card")
    trello.card(board, "Next", "Refunds", labels=("Bug",))
    trello.card(board, "To do", "Pick the colour scheme", labels=("Client decision",))

    draft = build_draft(project, london(2026, 3, 9, 9))

    body = draft.technical_body
    assert section(body, "What shipped") == ["Booking calendar"]
    assert section(body, "What is next") == ["Payment by card", "Refunds"]
    assert section(body, "What needs your decision") == ["Pick the colour scheme"]
    assert "Shipped since Mon 2 Mar: 1 item." in draft.executive_body


def test_the_record_adds_what_the_board_does_not_name(trello, board, project):
    linked = trello.card(board, "Next", "CSV export (card)")
    add_commitment(project, description="Export to CSV", due_on=dt.date(2026, 3, 20), board_card=linked)
    add_commitment(project, description="Audit log", due_on=dt.date(2026, 3, 4))  # overdue, on no card

    body = build_draft(project, london(2026, 3, 9, 9)).technical_body

    upcoming = section(body, "What is next")
    assert upcoming[0].startswith("Audit log — 0% done, OVERDUE since Wed 4 Mar")
    assert upcoming[1:] == ["CSV export (card)"]


def test_an_unreadable_board_leaves_the_draft_to_the_record(trello, board, project, caplog):
    trello.card(board, "Next", "Payment by card")
    add_commitment(project, description="Export to CSV", due_on=dt.date(2026, 3, 20))
    trello.read_replies.append(Reply(500, {"message": "Internal server error"}))

    body = build_draft(project, london(2026, 3, 9, 9)).technical_body

    assert section(body, "What is next") == ["Export to CSV — 0% done, due Fri 20 Mar"]
    assert "Payment by card" not in body
    assert "drafted from the record alone" in caplog.text


def test_a_board_without_the_named_list_leaves_the_draft_to_the_record(trello, board, project, caplog):
    project.board_next_list = "Up next"
    project.save()
    trello.card(board, "Next", "Payment by card")

    body = build_draft(project, london(2026, 3, 9, 9)).technical_body

    assert "Payment by card" not in body
    assert "no open list named “Up next”" in caplog.text


def test_the_board_is_read_once_per_draft(trello, board, project):
    trello.card(board, "Next", "Payment by card")
    build_draft(project, london(2026, 3, 9, 9))

    # lists, the done list's cards, the next list's cards, the labelled cards (no update yet: no moves)
    assert len(trello.reads) == 4
