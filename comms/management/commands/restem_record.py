"""`manage.py restem_record [--client ID]`: stem the record again, each row in its language as it
is now. A language change does this by itself in the background (`comms.stemming`); this is for
a change that bypassed the models (SQL, a restored dump) or a queue that lost the task.
PostgreSQL only; prints the rows of each kind."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from comms.stemming import stem_again
from projects.models import Client


class Command(BaseCommand):
    help = "Stem the record's search vectors again in each row's language (after a language changed)."

    def add_arguments(self, parser):
        parser.add_argument("--client", type=int, help="Only this client's projects (the client's id).")

    def handle(self, *args, client=None, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "The record is stemmed on PostgreSQL only; on SQLite search matches substrings."
            )
        if client is not None and not Client.objects.filter(pk=client).exists():
            raise CommandError(f"There is no client with the id {client}.")
        for kind, count in stem_again(client).items():
            self.stdout.write(f"{kind}: {count} stemmed again")
