"""Benchmark the client portal's project page: a typical project and a busy one on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/portal.py [--reuse] [--profile [tottime]]

It works in its own database (the URL's database name + "_bench_portal"), so it never touches the
data behind DATABASE_URL nor another benchmark's. `--reuse` measures the projects the previous run
built; `--profile` prints the busy project's first page's top functions by cumulative time (or by
their own time with `tottime`).

Measured in-process with Django's test client, signed in through the contact's personal link as
the portal's tests do (so the figures are server time: queries, Python and template rendering,
without network). Prints median and p95 milliseconds, the page's size and its query count next to
issue 18's target, for the first page and for an "older" page of each long list.
"""

import cProfile
import datetime as dt
import logging
import pstats
import statistics
import sys

from benchdb import empty_record, percentile_95, time_requests, use_bench_database

RUNS = 50
SIZES = {"typical": (100, 50, 50), "busy": (1_000, 500, 500)}  # updates, decisions, promises
P95_TARGET_MS = 80

use_bench_database("_bench_portal")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from comms.lifecycle import create_project  # noqa: E402
from comms.models import Update, UpdateVisual  # noqa: E402
from projects.models import BusinessCalendar, Commitment, Contact, Decision, Project  # noqa: E402
from projects.models import Client as Account  # noqa: E402
from projects.portal_access import link_token  # noqa: E402

BODY = (
    "What shipped this week: the booking form, the payment page and the first admin screens.\n"
    "What is next: the confirmation emails and the timetable import.\n"
    "What we need from you: the final wording of the cancellation policy.\n"
    "Risks: none new; the payment provider's sandbox was slow on Tuesday."
)


def populate():
    """The kickoff queues mail; without a broker the outbox says so and a tick would send it."""
    logging.getLogger("comms.outbox").setLevel(logging.ERROR)
    empty_record()
    now = timezone.now()
    owner, _ = get_user_model().objects.get_or_create(
        username="portal-bench-owner",
        defaults={"email": "owner@agency.example", "first_name": "Sam", "last_name": "Lead"},
    )
    calendar, _ = BusinessCalendar.objects.get_or_create(
        name="Portal bench client",
        defaults={"time_zone": "Australia/Sydney", "opens_at": dt.time(9), "closes_at": dt.time(17)},
    )
    account = Account.objects.create(
        name="Ferry Co",
        calendar=calendar,
        shared_window_starts=dt.time(9),
        shared_window_ends=dt.time(11),
        account_owner=owner,
    )
    contact = Contact.objects.create(
        client=account, name="Mia Thompson", email="mia@ferry.example", kind=Contact.Kind.TECHNICAL
    )
    for label, (updates, decisions, promises) in SIZES.items():
        project = create_project(
            client=account,
            name=f"{label} project",
            scope="A booking app for ferry passengers.",
            owner=owner,
            lead=owner,
            starts_on=dt.date(2025, 1, 6),
            target_delivery_on=dt.date(2027, 6, 1),
            target_launch_on=dt.date(2027, 6, 8),
            contacts=[contact],
            by=owner,
            kickoff_at=now - dt.timedelta(days=400),
        )
        fill(project, owner, now, updates=updates, decisions=decisions, promises=promises)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return contact


def fill(project, owner, now, *, updates, decisions, promises):
    """A record as a long project builds it: weekly-ish updates (one in ten with a visual), decisions
    mostly agreed by email or confirmed after a call (one in 25 still waiting on the client), and
    promises mostly kept (one in ten open, one in five of those waiting on the client)."""
    sent = Update.objects.bulk_create(
        Update(
            project=project,
            kind="build_status",
            subject=f"Week {updates - i}",
            technical_body=BODY,
            executive_body="Status: GREEN — on track.",
            status_line="On track.",
            rag="green",
            state=Update.State.SENT,
            send_by=now - dt.timedelta(hours=8 * i),
            created_at=now - dt.timedelta(hours=8 * i + 1),
            sent_at=now - dt.timedelta(hours=8 * i),
        )
        for i in range(updates)
    )
    UpdateVisual.objects.bulk_create(
        UpdateVisual(
            update=update, link="https://ferry.example/preview", caption="The booking form", added_at=now
        )
        for update in sent[::10]
    )
    Decision.objects.bulk_create(
        Decision(
            project=project,
            summary=f"Decision {i}: the timetable import runs nightly",
            made_in="call" if i % 2 else "email",
            made_at=now - dt.timedelta(hours=12 * i),
            logged_by=owner,
            awaiting_client=i % 25 == 0,
            confirmed_at=now - dt.timedelta(hours=12 * i - 1) if i % 2 else None,
        )
        for i in range(decisions)
    )
    Commitment.objects.bulk_create(
        Commitment(
            project=project,
            description=f"Promise {i}: deliver the next screens",
            due_on=(now - dt.timedelta(days=i - 10)).date(),
            status=Commitment.Status.OPEN if i % 10 == 0 else Commitment.Status.DONE,
            done_on=None if i % 10 == 0 else (now - dt.timedelta(days=i)).date(),
            progress=40 if i % 10 == 0 else 100,
            waiting_for="the final wording" if i % 50 == 0 else "",
            waiting_since=now - dt.timedelta(days=1) if i % 50 == 0 else None,
        )
        for i in range(promises)
    )


def signed_in(contact):
    client = Client()
    assert client.get(reverse("portal:open_link", args=[link_token(contact)])).status_code == 302
    return client


def profile(client, url):
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(10):
        client.get(url)
    profiler.disable()
    pstats.Stats(profiler).sort_stats(
        sys.argv[-1] if sys.argv[-1] in ("tottime", "cumulative") else "cumulative"
    ).print_stats(40)


def main():
    settings.ALLOWED_HOSTS = ["testserver"]
    if "--reuse" in sys.argv:
        call_command("migrate", verbosity=0)
        contact = Contact.objects.get(email="mia@ferry.example")
    else:
        contact = populate()
    client = signed_in(contact)
    pages, busy_url = [], None
    for label, (updates, decisions, promises) in SIZES.items():
        url = reverse("portal:project", args=[Project.objects.get(name=f"{label} project").pk])
        sizes = f"{updates:,}/{decisions:,}/{promises:,}"
        pages.append((f"{label} ({sizes}), first page", url))
        busy_url = url  # the last and largest
        pages.append((f"{label}, older updates page 2", f"{url}?older=updates&page=2"))
        pages.append((f"{label}, older decisions page 2", f"{url}?older=decisions&page=2"))
        pages.append((f"{label}, older promises page 2", f"{url}?older=promises&page=2"))
    print(f"Portal project page (updates/decisions/promises), PostgreSQL; {RUNS} requests each, in-process")
    print(
        f"{'page':<42} {'median ms':>10} {'p95 ms':>8} {'KB':>6} {'queries':>8}  target p95 ≤ {P95_TARGET_MS} ms"
    )
    failed = False
    for label, url in pages:
        seconds, queries, size = time_requests(client, url, RUNS)
        p95 = percentile_95(seconds)
        met = p95 <= P95_TARGET_MS
        failed |= not met
        print(
            f"{label:<42} {statistics.median(seconds) * 1000:>10.1f} {p95:>8.1f} {size / 1000:>6.1f} "
            f"{max(queries):>8}  {'PASS' if met else 'FAIL'}"
        )
    if "--profile" in sys.argv:
        profile(client, busy_url)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
