"""`manage.py export_record PROJECT [--format json|csv]`: a project's whole record, oldest first.
The client's record is theirs to take away."""

import csv
import json

from django.core.management.base import BaseCommand, CommandError

from comms.models import Message, Update
from projects.models import Project

FIELDS = ["at", "kind", "direction", "title", "detail", "state"]


def record_entries(project):
    """Every message in and out, update, decision, commitment and phase change, oldest first."""
    entries = []
    for message in project.messages.filter(user__isnull=True).select_related("contact"):
        entries.append(
            {
                "at": message.sent_at or message.created_at,
                "kind": f"message:{message.kind}",
                "direction": message.direction,
                "title": message.subject,
                "detail": f"{'to' if message.direction == Message.Direction.OUT else 'from'} {message.to_email}\n{message.body_text}",
                "state": message.state,
            }
        )
    for update in project.updates.exclude(state=Update.State.DISCARDED):
        entries.append(
            {
                "at": update.sent_at or update.created_at,
                "kind": f"update:{update.kind}",
                "direction": "out",
                "title": update.subject,
                "detail": update.technical_body,
                "state": update.state,
            }
        )
    for decision in project.decisions.prefetch_related("agreed_by"):
        agreed = ", ".join(contact.name for contact in decision.agreed_by.all())
        entries.append(
            {
                "at": decision.made_at,
                "kind": "decision",
                "direction": "",
                "title": decision.summary,
                "detail": f"made in a {decision.get_made_in_display().lower()}"
                + (f", agreed by {agreed}" if agreed else ""),
                "state": "confirmed"
                if decision.confirmed_at
                else ("awaiting client" if decision.awaiting_client else "logged"),
            }
        )
    for commitment in project.commitments.all():
        entries.append(
            {
                "at": commitment.created_at,
                "kind": "commitment",
                "direction": "",
                "title": commitment.description,
                "detail": f"due {commitment.due_on.isoformat()}, {commitment.progress}% done, "
                f"{'in' if commitment.in_scope else 'out of'} scope",
                "state": commitment.status,
            }
        )
    for change in project.phase_changes.all():
        entries.append(
            {
                "at": change.changed_at,
                "kind": "phase_change",
                "direction": "",
                "title": f"{change.get_from_phase_display() or 'start'} → {change.get_to_phase_display()}",
                "detail": change.note,
                "state": "",
            }
        )
    entries.sort(key=lambda entry: entry["at"])
    for entry in entries:
        entry["at"] = entry["at"].isoformat()
    return entries


class Command(BaseCommand):
    help = (
        "Print a project's record (messages, updates, decisions, commitments, phase changes), oldest first."
    )

    def add_arguments(self, parser):
        parser.add_argument("project", help="The project's id or its exact name.")
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args, project, format, **options):
        entries = record_entries(find_project(project))
        if format == "json":
            self.stdout.write(json.dumps(entries, indent=2, ensure_ascii=False))
        else:
            writer = csv.DictWriter(self.stdout, fieldnames=FIELDS)
            writer.writeheader()
            writer.writerows(entries)


def find_project(reference):
    matches = (
        Project.objects.filter(pk=int(reference))
        if reference.isdigit()
        else Project.objects.filter(name=reference)
    )
    count = matches.count()
    if count == 0:
        raise CommandError(f"No project “{reference}”. Give its id or exact name.")
    if count > 1:
        ids = ", ".join(str(pk) for pk in matches.values_list("pk", flat=True))
        raise CommandError(f"Several projects are called “{reference}” (ids {ids}); give the id.")
    return matches.get()
