"""Benchmark the tick: N active projects on PostgreSQL with the same 100 cadence updates due, then
the same again with 100,000 open client messages and 10,000 open escalations waiting (not due).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/tick.py [N ...]

It works in its own database (the URL's database name + "_bench", created if missing), so it
never touches the data behind DATABASE_URL. For each N it prints the queries and the median
seconds of one tick over several runs; the due work is put back between runs.
"""

import datetime as dt
import statistics
import sys
import time

from benchdb import empty_record, use_bench_database

DUE = 100
RUNS = 5
SIZES = [int(arg) for arg in sys.argv[1:]] or [1_000, 10_000, 100_000]

use_bench_database()

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from comms.models import Deadline, Message, Update  # noqa: E402
from comms.tick import run_tick  # noqa: E402
from config.celery import app  # noqa: E402
from escalations.models import Escalation  # noqa: E402
from projects.models import BusinessCalendar, Client, Contact, Project  # noqa: E402

NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=dt.UTC)
FAR = NOW + dt.timedelta(days=365)


def reset():
    empty_record()


def populate(size):
    reset()
    User = get_user_model()
    owner, _ = User.objects.get_or_create(username="bench-owner", defaults={"email": "owner@agency.example"})
    calendar, _ = BusinessCalendar.objects.get_or_create(
        name="Bench client",
        defaults={
            "time_zone": "Europe/Berlin",
            "opens_at": dt.time(8),
            "closes_at": dt.time(18),
            "holiday_country": "DE",
            "holiday_subdivision": "BE",
        },
    )
    clients = Client.objects.bulk_create(
        Client(
            name=f"Client {i}",
            calendar=calendar,
            shared_window_starts=dt.time(9),
            shared_window_ends=dt.time(11),
            account_owner=owner,
        )
        for i in range(100)
    )
    contacts = Contact.objects.bulk_create(
        Contact(
            client=client, name=f"Contact {client.pk}", email=f"c{client.pk}@client.example", kind="technical"
        )
        for client in clients
    )
    projects = Project.objects.bulk_create(
        (
            Project(
                client=clients[i % 100],
                name=f"Project {i}",
                scope="Scope.",
                phase="build",
                owner=owner,
                lead=owner,
                starts_on=dt.date(2026, 1, 5),
                target_delivery_on=dt.date(2026, 6, 1),
                target_launch_on=dt.date(2026, 6, 8),
                reply_token=f"{i:016x}",
            )
            for i in range(size)
        ),
        batch_size=5000,
    )
    Project.contacts.through.objects.bulk_create(
        Project.contacts.through(project_id=project.pk, contact_id=contacts[index % 100].pk)
        for index, project in enumerate(projects[:DUE])
    )
    Deadline.objects.bulk_create(
        (
            Deadline(project=project, kind=kind, due_at=FAR, explanation="bench")
            for project in projects
            for kind in (Deadline.Kind.CADENCE_UPDATE, Deadline.Kind.QUIET_CLIENT)
        ),
        batch_size=10000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return [project.pk for project in projects[:DUE]]


OPEN_MESSAGES = 100_000
OPEN_ESCALATIONS = 10_000
WAITING_KINDS = [
    Deadline.Kind.CADENCE_UPDATE,
    Deadline.Kind.QUIET_CLIENT,
    Deadline.Kind.RESPONSE_DUE,
    Deadline.Kind.ESCALATION_ACK,
    Deadline.Kind.ESCALATION_RESOLVE,
]


def add_open_work(size):
    """Open client mail awaiting replies and open escalations, each with its (future) deadlines."""
    owner = get_user_model().objects.get(username="bench-owner")
    project_ids = list(Project.objects.order_by("pk").values_list("pk", flat=True)[:size])
    messages = Message.objects.bulk_create(
        (
            Message(
                project_id=project_ids[i % size],
                direction="in",
                kind="client_mail",
                from_email="c@client.example",
                to_email="reply@agency.example",
                subject=f"Question {i}",
                body_text="?",
                state="received",
                dedupe_key=f"bench-in:{i}",
                created_at=NOW,
                respond_by=FAR,
            )
            for i in range(OPEN_MESSAGES)
        ),
        batch_size=10000,
    )
    Deadline.objects.bulk_create(
        (
            Deadline(
                project_id=m.project_id,
                message=m,
                kind=Deadline.Kind.RESPONSE_DUE,
                due_at=FAR,
                explanation="bench",
            )
            for m in messages
        ),
        batch_size=10000,
    )
    escalations = Escalation.objects.bulk_create(
        (
            Escalation(
                project_id=project_ids[i % size],
                category="scope_change",
                severity="moderate",
                title=f"E{i}",
                description="bench",
                first_responder=owner,
                raised_at=NOW,
                acknowledge_by=FAR,
                resolve_by=FAR,
                targets={},
                path={},
            )
            for i in range(OPEN_ESCALATIONS)
        ),
        batch_size=5000,
    )
    Deadline.objects.bulk_create(
        (
            Deadline(project_id=e.project_id, escalation=e, kind=kind, due_at=FAR, explanation="bench")
            for e in escalations
            for kind in (Deadline.Kind.ESCALATION_ACK, Deadline.Kind.ESCALATION_RESOLVE)
        ),
        batch_size=10000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def make_due(project_ids):
    Update.objects.all().delete()
    Message.objects.filter(direction="out").delete()
    Deadline.objects.exclude(kind__in=WAITING_KINDS).delete()
    Deadline.objects.filter(project_id__in=project_ids, kind=Deadline.Kind.CADENCE_UPDATE).update(
        due_at=NOW - dt.timedelta(minutes=1), occurrence=0
    )


def measure(project_ids):
    queries, seconds = [], []
    for _ in range(RUNS):
        make_due(project_ids)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            summary = run_tick(NOW)
            seconds.append(time.perf_counter() - started)
        assert summary["drafted"] == DUE, summary
        queries.append(len(captured))
    return queries, seconds


def main():
    app.conf.task_always_eager = False
    app.conf.broker_url = "memory://"  # the sweep wakes senders; the benchmark times the tick alone
    print(f"tick with {DUE} cadence updates due, PostgreSQL, median of {RUNS} runs")
    print(f"{'projects':>10} {'open work':>28} {'queries':>8} {'seconds':>8} {'per item':>9}")
    for size in SIZES:
        project_ids = populate(size)
        report(size, "none", *measure(project_ids))
        add_open_work(size)
        report(size, f"{OPEN_MESSAGES:,} mails, {OPEN_ESCALATIONS:,} esc.", *measure(project_ids))
    reset()


def report(size, open_work, queries, seconds):
    median = statistics.median(seconds)
    print(f"{size:>10} {open_work:>28} {max(queries):>8} {median:>8.3f} {median / DUE * 1000:>7.2f}ms")


if __name__ == "__main__":
    main()
