"""`manage.py restem_record [--client ID]`: stem the record again, each row in its language as it
is now. A row keeps the stems it was written with until it changes, so after a contact's, a
client's or the organisation's language changes, run this (for that client) and their words are
found by their own language's forms. PostgreSQL only; prints the rows of each kind."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import F

from comms.search import SOURCES
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
        for source in SOURCES.values():
            rows = source.model.objects.all()
            if client is not None:
                rows = rows.filter(project__client_id=client)
            column = source.title[0]
            # Writing a title column as it is fires the row's trigger, which stems it anew.
            count = rows.update(**{column: F(column)})
            self.stdout.write(f"{source.kind}: {count} stemmed again")
