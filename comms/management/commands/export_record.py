"""`manage.py export_record PROJECT [--format json|csv]`: a project's whole record, oldest first.
The client's record is theirs to take away."""

import csv
import json

from django.core.management.base import BaseCommand, CommandError

from comms.record import record_entries
from projects.models import Project

FIELDS = ["at", "kind", "direction", "title", "detail", "state"]


class Command(BaseCommand):
    help = (
        "Print a project's record (messages, updates, decisions, commitments, phase changes), oldest first."
    )

    def add_arguments(self, parser):
        parser.add_argument("project", help="The project's id or its exact name.")
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args, project, format, **options):
        entries = [
            {**entry, "at": entry["at"].isoformat()} for entry in record_entries(find_project(project))
        ]
        if format == "json":
            self.stdout.write(json.dumps(entries, indent=2, ensure_ascii=False))
        else:
            # A flat table: a message's attachments and new-person flag are in the JSON only.
            writer = csv.DictWriter(self.stdout, fieldnames=FIELDS, extrasaction="ignore")
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
