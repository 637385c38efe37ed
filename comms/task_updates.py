"""Task updates on the project board: a promise linked to a card (`board_card`) whose progress is
reported, or which is done, gets a comment on its card, sent through the outbox like any message.

Only when the project's rule for task updates is the project board, the project names its board,
and the organisation's board credentials are set. Otherwise nothing extra is sent: a task update
is no reason to mail the client, and the next status update restates every promise anyway.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from comms.channel_plan import route
from comms.models import Channel, Message, MessageType
from comms.outbox import queue_messages
from projects import services
from projects.when import MONTHS, WEEKDAYS


@transaction.atomic
def report_progress(commitment, *, progress, recovery_plan, now=None):
    """`projects.services.report_progress`, and a comment on the promise's card when it changed
    what the card would say."""
    said = (commitment.progress, commitment.recovery_plan.strip())
    services.report_progress(commitment, progress=progress, recovery_plan=recovery_plan)
    if (commitment.progress, commitment.recovery_plan) != said:
        text = f"Progress: {commitment.progress}%."
        if commitment.recovery_plan:
            text += f" Recovery plan: {commitment.recovery_plan}"
        now = now or timezone.now()
        # One row per change: the time tells two reports of the same figures apart.
        change = hashlib.sha256(f"{text}\n{now.isoformat()}".encode()).hexdigest()[:16]
        post(commitment, text, key=f"task-update:{commitment.pk}:progress:{change}", now=now)
    return commitment


@transaction.atomic
def complete_commitment(commitment, *, on, now=None):
    """`projects.services.complete_commitment`, and "Done on …" on the promise's card."""
    services.complete_commitment(commitment, on=on)
    post(
        commitment,
        f"Done on {WEEKDAYS[on.weekday()]} {on.day} {MONTHS[on.month - 1]}.",
        key=f"task-update:{commitment.pk}:done",
        now=now or timezone.now(),
    )
    return commitment


def post(commitment, text, *, key, now):
    project = commitment.project
    # The route falls back to email when the board is not connected.
    if not commitment.board_card or route(project, MessageType.TASK_UPDATE).channel != Channel.PROJECT_BOARD:
        return None
    if Message.objects.filter(dedupe_key=key).exists():
        return None  # done twice (a promise completed again after an admin reopened it): said once
    return queue_messages(
        [
            Message(
                project=project,
                kind=MessageType.TASK_UPDATE,
                channel=Channel.PROJECT_BOARD,
                destination=commitment.board_card,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to_email="",
                subject=f"Task update: {commitment.description}"[:300],
                body_text=text,
                dedupe_key=key,
                created_at=now,
                send_after=now,
            )
        ]
    )[0]
