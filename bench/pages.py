"""Benchmark the dashboard pages: 1,000 projects and 100,000 record entries on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/pages.py

Measured in-process with Django's test client (so the figures are server time: queries, Python
and template rendering, without network). Prints median and p95 milliseconds and the query
count of: a lead's portfolio (20 projects), an admin's portfolio (all 1,000), and the project page
of the busiest project (10,000 of the entries).
"""

import datetime as dt
import statistics
import time

from benchdb import empty_record, use_bench_database

PROJECTS = 1_000
ENTRIES = 100_000
BUSY_SHARE = 10_000
RUNS = 30

use_bench_database()

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from comms.models import Message  # noqa: E402
from projects.models import BusinessCalendar, Contact, Project  # noqa: E402
from projects.models import Client as Account  # noqa: E402

NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=dt.UTC)


def populate():
    empty_record()
    User = get_user_model()
    lead, _ = User.objects.get_or_create(username="bench-lead", defaults={"email": "lead@agency.example"})
    other, _ = User.objects.get_or_create(username="bench-other", defaults={"email": "other@agency.example"})
    admin, _ = User.objects.get_or_create(
        username="bench-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    calendar, _ = BusinessCalendar.objects.get_or_create(
        name="Bench client",
        defaults={"time_zone": "Europe/Berlin", "opens_at": dt.time(8), "closes_at": dt.time(18)},
    )
    accounts = Account.objects.bulk_create(
        Account(
            name=f"Client {i}",
            calendar=calendar,
            shared_window_starts=dt.time(9),
            shared_window_ends=dt.time(11),
            account_owner=other,
        )
        for i in range(100)
    )
    contacts = Contact.objects.bulk_create(
        Contact(
            client=account,
            name=f"Contact {account.pk}",
            email=f"c{account.pk}@client.example",
            kind="technical",
        )
        for account in accounts
    )
    projects = Project.objects.bulk_create(
        Project(
            client=accounts[i % 100],
            name=f"Project {i}",
            scope="Scope.",
            phase="build",
            owner=lead if i < 20 else other,
            lead=lead if i < 20 else other,
            starts_on=dt.date(2026, 1, 5),
            target_delivery_on=dt.date(2026, 6, 1),
            target_launch_on=dt.date(2026, 6, 8),
            reply_token=f"{i:016x}",
        )
        for i in range(PROJECTS)
    )
    busy = projects[0]

    def project_of(i):
        return busy if i < BUSY_SHARE else projects[i % PROJECTS]

    Message.objects.bulk_create(
        (
            Message(
                project=project_of(i),
                direction="in" if i % 2 else "out",
                kind="client_mail",
                contact=contacts[project_of(i).client_id - 1],
                from_email="c@client.example",
                to_email="team@agency.example",
                subject=f"About item {i}",
                body_text=f"Words about item {i}.",
                state="received" if i % 2 else "delivered",
                dedupe_key=f"bench:{i}",
                created_at=NOW - dt.timedelta(minutes=i),
                respond_by=NOW + dt.timedelta(hours=2) if i % 97 == 1 else None,
            )
            for i in range(ENTRIES)
        ),
        batch_size=10000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return lead, admin, busy


def measure(client, url):
    client.get(url)  # warm caches (templates, the team calendar)
    seconds, queries = [], []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            seconds.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
        queries.append(len(captured))
    return seconds, queries


def main():
    settings.ALLOWED_HOSTS = ["testserver"]
    lead, admin, busy = populate()
    print(f"{PROJECTS:,} projects, {ENTRIES:,} record entries, PostgreSQL; {RUNS} requests each, in-process")
    print(f"{'page':<42} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for label, user, url in [
        ("portfolio, a lead with 20 projects", lead, reverse("dashboard:portfolio")),
        ("portfolio, an admin seeing all 1,000", admin, reverse("dashboard:portfolio")),
        (f"project page, {BUSY_SHARE:,} entries", lead, reverse("dashboard:project", args=[busy.pk])),
        (
            "search page, one project's record",
            lead,
            reverse("dashboard:search") + f"?q=item+4242&project={busy.pk}",
        ),
        ("search page, a lead's 20 projects", lead, reverse("dashboard:search") + "?q=words+item"),
    ]:
        client = Client()
        client.force_login(user)
        seconds, queries = measure(client, url)
        ordered = sorted(seconds)
        p95 = ordered[int(0.95 * (len(ordered) - 1))]
        print(f"{label:<42} {statistics.median(seconds) * 1000:>10.1f} {p95 * 1000:>8.1f} {max(queries):>8}")


if __name__ == "__main__":
    main()
