"""`manage.py tick [--at ISO8601]`: one pass of the autopilot as of an instant, for operators
catching up after downtime and for tests. Prints one line."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from comms.tick import describe, run_tick


class Command(BaseCommand):
    help = "Run one pass of the autopilot (drafts, reminders, escalations due) and print what it did."

    def add_arguments(self, parser):
        parser.add_argument("--at", help="Act as of this instant (ISO 8601 with a UTC offset); default: now.")

    def handle(self, *args, at=None, **options):
        now = parse_instant(at) if at else timezone.now()
        summary = run_tick(now)
        self.stdout.write(f"tick at {now.isoformat()}: {describe(summary)}")


def parse_instant(text):
    try:
        instant = dt.datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"--at must be an ISO 8601 instant such as 2026-03-02T09:00:00+00:00, not “{text}”."
        ) from None
    if instant.tzinfo is None:
        raise CommandError("--at needs a UTC offset (e.g. +00:00 or Z): a time without one names no instant.")
    return instant
