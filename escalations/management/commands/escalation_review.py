"""`manage.py escalation_review --since YYYY-MM-DD [--until YYYY-MM-DD]`: the periodic review of
escalations and client-mail response times, as a plain-text report."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from escalations.review import report_lines, review


class Command(BaseCommand):
    help = "Print the escalation review for a period: counts, recurring categories per client, medians, response SLA."

    def add_arguments(self, parser):
        parser.add_argument(
            "--since", required=True, help="First day of the period (YYYY-MM-DD, from 00:00 UTC)."
        )
        parser.add_argument(
            "--until", help="End of the period, not included (YYYY-MM-DD, 00:00 UTC); default: now."
        )

    def handle(self, *args, since, until=None, **options):
        start = parse_day(since, "--since")
        end = parse_day(until, "--until") if until else timezone.now()
        if start >= end:
            raise CommandError(
                f"--since ({start:%Y-%m-%d %H:%M} UTC) must be before --until ({end:%Y-%m-%d %H:%M} UTC)."
            )
        self.stdout.write("\n".join(report_lines(review(start, end))))


def parse_day(text, option):
    try:
        day = dt.datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        raise CommandError(
            f"{option} must be a date such as 2026-03-01 (YYYY-MM-DD), not “{text}”."
        ) from None
    return day.replace(tzinfo=dt.UTC)
