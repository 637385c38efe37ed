"""Writes on clients and projects: one function per action, each in one transaction."""

from django.db import transaction
from django.utils import timezone

from comms.autopilot import ensure_morning_digest, on_phase_changed
from comms.plan import copy_default_channel_rules

from .models import Commitment, PhaseChange, Project


class PhaseUnchanged(ValueError):
    """Raised when asked to move a project into the phase it is already in."""


@transaction.atomic
def create_project(*, by=None, contacts=(), team=(), **fields):
    """Create a project with the org's channel rules and the first line of its phase history."""
    project = Project(**fields)
    project.full_clean()
    project.save()
    project.contacts.set(contacts)
    project.team.set(team)
    start_project_record(project, by=by)
    return project


def start_project_record(project, *, by=None):
    """What every new project gets, however it was created (service, admin, seed): the default
    channel rules, the first line of its phase history, and a morning digest for its owner."""
    copy_default_channel_rules(project)
    ensure_morning_digest(project.owner, now=timezone.now())
    if not project.phase_changes.exists():
        PhaseChange.objects.create(
            project=project, from_phase="", to_phase=project.phase, changed_at=timezone.now(), changed_by=by
        )


@transaction.atomic
def change_phase(project, *, to, by, note="", at=None):
    """Move a project to another phase and write it into the phase history."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.phase == to:
        raise PhaseUnchanged(f"The project is already in {project.get_phase_display()}.")
    change = PhaseChange.objects.create(
        project=project,
        from_phase=project.phase,
        to_phase=to,
        changed_at=at or timezone.now(),
        changed_by=by,
        note=note,
    )
    project.phase = to
    project.save(update_fields=["phase"])
    on_phase_changed(project, change, now=change.changed_at)
    return change


@transaction.atomic
def wait_on_client_for(commitment, *, what, now):
    """Mark a promise as held up by the client (a sign-off, an answer, access), or clear it with
    an empty `what`; updates and the portal then say honestly whose move it is."""
    commitment.waiting_for = what.strip()
    commitment.waiting_since = now if commitment.waiting_for else None
    commitment.full_clean()
    commitment.save(update_fields=["waiting_for", "waiting_since"])
    return commitment


@transaction.atomic
def add_commitment(project, *, description, due_on, in_scope=True):
    commitment = Commitment(project=project, description=description, due_on=due_on, in_scope=in_scope)
    commitment.full_clean()
    commitment.save()
    return commitment


@transaction.atomic
def complete_commitment(commitment, *, on):
    commitment.status, commitment.done_on, commitment.progress = Commitment.Status.DONE, on, 100
    commitment.waiting_for, commitment.waiting_since = "", None
    commitment.save(update_fields=["status", "done_on", "progress", "waiting_for", "waiting_since"])
    return commitment
