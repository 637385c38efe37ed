"""Writes on a project's promises: one function per action, each in one transaction. A step of a
project's life that the autopilot acts on (created, kicked off, phase changed, launched) is in
comms/lifecycle.py."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Commitment


@transaction.atomic
def wait_on_client_for(commitment, *, what, now):
    """Mark a promise as held up by the client (a sign-off, an answer, access), or clear it with
    an empty `what`; updates and the portal then say honestly whose move it is. Asked again while
    waiting, only what is awaited changes: the wait started at the first ask."""
    commitment.waiting_for = what.strip()
    commitment.waiting_since = (commitment.waiting_since or now) if commitment.waiting_for else None
    commitment.full_clean()
    commitment.save(update_fields=["waiting_for", "waiting_since"])
    return commitment


@transaction.atomic
def report_progress(commitment, *, progress, recovery_plan):
    """How far an open promise has got and how a late one will be put right; the next update and
    the portal say both. A done or dropped promise keeps what it ended with."""
    if commitment.status == Commitment.Status.DONE:
        raise ValidationError(_("This promise is done, no longer open."))
    if commitment.status == Commitment.Status.DROPPED:
        raise ValidationError(_("This promise is dropped, no longer open."))
    commitment.progress, commitment.recovery_plan = progress, recovery_plan.strip()
    commitment.full_clean()
    commitment.save(update_fields=["progress", "recovery_plan"])
    return commitment


@transaction.atomic
def add_commitment(project, *, description, due_on, in_scope=True, board_card=""):
    commitment = Commitment(
        project=project, description=description, due_on=due_on, in_scope=in_scope, board_card=board_card
    )
    commitment.full_clean()
    commitment.save()
    return commitment


@transaction.atomic
def complete_commitment(commitment, *, on):
    commitment.status, commitment.done_on, commitment.progress = Commitment.Status.DONE, on, 100
    commitment.waiting_for, commitment.waiting_since = "", None
    commitment.save(update_fields=["status", "done_on", "progress", "waiting_for", "waiting_since"])
    return commitment
