"""The tick's sweep wakes a sender for each outbox row once after the row comes due, however many
ticks run, and again only when a wake-up was evidently lost (a lease later, still not taken)."""

import datetime as dt

import pytest
from django.db import connection

from comms.models import Message
from comms.outbox import LEASE, WAKE_CHUNK, owner_alert, queue_messages, wake_senders
from comms.tick import sweep
from tests.concurrently import at_once
from tests.factories import make_project

NOW = dt.datetime(2026, 3, 29, 0, 59, tzinfo=dt.UTC)  # a minute before Europe's clocks go forward


def outbox_row(project, n, *, send_after, **fields):
    return Message.objects.create(
        project=project,
        kind="owner_alert",
        user=project.owner,
        to_email=project.owner.email,
        subject=f"Alert {n}",
        body_text="-",
        dedupe_key=f"sweep-test:{n}",
        send_after=send_after,
        **{"created_at": send_after, **fields},
    )


@pytest.mark.django_db
def test_a_due_row_is_woken_once_and_again_only_a_lease_later(woken):
    project = make_project()
    due = [outbox_row(project, n, send_after=NOW - dt.timedelta(minutes=n)) for n in range(3)]
    outbox_row(project, "later", send_after=NOW + dt.timedelta(minutes=5))
    outbox_row(project, "sent", send_after=None, created_at=NOW, state=Message.State.SENT)

    assert sweep(NOW) == 3
    assert woken() == [row.pk for row in reversed(due)]  # longest due first

    assert sweep(NOW + dt.timedelta(minutes=1)) == 0
    assert woken() == []

    # Nobody took them in a whole lease: the wake-ups were lost, so they are woken again.
    assert sweep(NOW + LEASE) == 3
    assert sorted(woken()) == sorted(row.pk for row in due)


@pytest.mark.django_db
def test_a_row_coming_due_again_is_woken_again(woken):
    project = make_project()
    row = outbox_row(project, 1, send_after=NOW)
    sweep(NOW)
    woken()
    # A sender took it and failed; its retry is due 30 seconds on, well inside the lease.
    Message.objects.filter(pk=row.pk).update(send_after=NOW + dt.timedelta(seconds=30), attempts=1)

    assert sweep(NOW + dt.timedelta(seconds=20)) == 0
    assert sweep(NOW + dt.timedelta(seconds=40)) == 1
    assert woken() == [row.pk]


@pytest.mark.django_db
def test_mail_woken_when_queued_is_left_to_that_wake_up(woken, django_capture_on_commit_callbacks):
    project = make_project()
    with django_capture_on_commit_callbacks(execute=True):
        (alert,) = queue_messages(
            [owner_alert(project, subject="Needs you", body="-", key="sweep-test:queued", now=NOW)]
        )

    assert woken() == [alert.pk]
    assert sweep(NOW + dt.timedelta(minutes=1)) == 0
    assert woken() == []


def test_wake_ups_go_in_chunks_each_row_once(woken):
    ids = list(range(1, 2 * WAKE_CHUNK + 6))

    wake_senders(ids)

    assert woken() == ids


@pytest.mark.django_db(transaction=True)
def test_two_ticks_sweeping_at_once_wake_each_row_once(woken, org_defaults):
    if connection.vendor != "postgresql":
        pytest.skip("row locks with SKIP LOCKED need PostgreSQL (CI runs this on PostgreSQL)")
    project = make_project()
    rows = [outbox_row(project, n, send_after=NOW - dt.timedelta(seconds=n)) for n in range(300)]
    counts = at_once(lambda: sweep(NOW))

    ids = woken()
    assert sum(counts) == 300
    assert sorted(ids) == sorted(row.pk for row in rows)  # every row, none twice
