"""Benchmark the tick: N active projects on PostgreSQL with D cadence updates due to be drafted,
then D such drafts going out by themselves (their review window ended: composed again and mailed),
optionally again with 100,000 open client messages and 10,000 open escalations waiting (not due).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/tick.py \
        [--projects N ...] [--due D ...] [--open-work] [--profile]

It works in its own database (the URL's database name + "_bench", created if missing), so it
never touches the data behind DATABASE_URL. For each N and D it prints the queries and the median
seconds of one tick over several runs (the due work is put back between runs), next to the
targets: 100 due in 0.25 s, 1,000 due in 1.5 s, a per-item cost that stays flat as D grows, and
the same queries per batch of 200. The CPU column is this process's own time (the Python side;
the database works in its own processes), steadier than the wall time on a shared machine.
`--profile` prints the functions taking the most cumulative time in one more drafting tick of
the largest D.
"""

import argparse
import cProfile
import datetime as dt
import os
import pstats
import statistics
import time

from benchdb import empty_record, use_bench_database

RUNS = 5
TARGET_SECONDS = {100: 0.25, 1_000: 1.5}  # on a quiet 2-core machine
FLAT_WITHIN = 1.5  # per-item cost at the largest D against the smallest: no more than this factor
PEER_MS_PER_ITEM = 6.5  # a widely used helpdesk's escalation command: about 6 queries and 6–7 ms per item

use_bench_database()

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from comms.models import Deadline, Message, Update  # noqa: E402
from comms.tick import run_tick  # noqa: E402
from config.celery import app, settle_worker_process  # noqa: E402
from escalations.models import Escalation  # noqa: E402
from projects.models import BusinessCalendar, Client, Contact, Project  # noqa: E402

NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=dt.UTC)
FAR = NOW + dt.timedelta(days=365)


def reset():
    empty_record()


def populate(size, due):
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
        for index, project in enumerate(projects[:due])
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
    return [project.pk for project in projects[:due]]


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
    # Only these are due: a larger run before left its projects' next updates due within days.
    Deadline.objects.filter(kind=Deadline.Kind.CADENCE_UPDATE).update(due_at=FAR, owed_at=None, occurrence=0)
    Deadline.objects.filter(project_id__in=project_ids, kind=Deadline.Kind.CADENCE_UPDATE).update(
        due_at=NOW - dt.timedelta(minutes=1)
    )


def measure(project_ids, runs=RUNS, *, release=False):
    """Queries, wall seconds and this process's CPU seconds of each run: on a shared machine the
    wall time follows the neighbours, the CPU time much less so. With `release`, what is timed is
    the tick that sends the drafts by themselves once their review window has ended."""
    Project.objects.filter(pk__in=project_ids).update(auto_send_drafts=release)
    queries, seconds, cpu = [], [], []
    for _ in range(runs):
        make_due(project_ids)
        at = NOW
        if release:
            run_tick(NOW)
            # The drafts' review notices went out meanwhile, as workers would have sent them.
            Message.objects.filter(direction="out").update(state=Message.State.SENT, send_after=None)
            at = max(
                Deadline.objects.filter(kind=Deadline.Kind.DRAFT_RELEASE).values_list("due_at", flat=True)
            )
        connection.queries_log.clear()  # a run before may have filled the log, which keeps 9,000
        with CaptureQueriesContext(connection) as captured:
            started, cpu_started = time.perf_counter(), time.process_time()
            summary = run_tick(at)
            seconds.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
        assert summary["sent by themselves" if release else "drafted"] == len(project_ids), summary
        queries.append(len(captured))
    return queries, seconds, cpu


def profile(project_ids, top=30):
    make_due(project_ids)
    profiler = cProfile.Profile()
    profiler.runcall(run_tick, NOW)
    print(f"\nprofile of one tick with {len(project_ids):,} due, top {top} by cumulative time:")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(top)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--due", type=int, nargs="+", default=[100, 1_000])
    parser.add_argument(
        "--open-work", action="store_true", help="also measure with open mail and escalations"
    )
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    settle_worker_process()  # as each worker process does when it starts
    app.conf.task_always_eager = False
    # The sweep wakes senders; the benchmark times the tick alone. These two outrank CELERY_BROKER_URL.
    app.conf.broker_read_url = app.conf.broker_write_url = "memory://"
    print(f"tick, PostgreSQL, median of {RUNS} runs, peer ≈ {PEER_MS_PER_ITEM} ms and 6 queries per item")
    print("load average before:", " ".join(f"{load:.2f}" for load in os.getloadavg()))
    print(
        f"{'projects':>10} {'due':>6} {'open work':>26} {'queries':>8} {'seconds':>8} {'target':>7} "
        f"{'per item':>9} {'CPU/item':>9}  verdict"
    )
    failed = False
    for size in args.projects:
        dues = [due for due in args.due if due <= size]
        project_ids = populate(size, max(dues))
        per_item = {}
        for due in dues:
            failed |= report(size, due, "none", *measure(project_ids[:due]), per_item)
        for due in dues:
            failed |= report(size, due, "none, drafts sent", *measure(project_ids[:due], release=True))
        flat = max(per_item.values()) / min(per_item.values())
        verdict = "PASS" if flat <= FLAT_WITHIN else "FAIL"
        failed |= verdict == "FAIL"
        print(
            f"{'':>10} CPU per item, largest D against smallest: ×{flat:.2f} (target ≤ ×{FLAT_WITHIN}) {verdict}"
        )
        if args.open_work:
            add_open_work(size)
            for due in dues:
                failed |= report(
                    size,
                    due,
                    f"{OPEN_MESSAGES:,} mails, {OPEN_ESCALATIONS:,} esc.",
                    *measure(project_ids[:due]),
                )
        if args.profile and size == args.projects[-1]:
            profile(project_ids[: max(dues)])
    print("load average after:", " ".join(f"{load:.2f}" for load in os.getloadavg()))
    reset()
    return 1 if failed else 0


def report(size, due, open_work, queries, seconds, cpu, per_item=None):
    """One line; True when it misses its target."""
    median, median_cpu = statistics.median(seconds), statistics.median(cpu)
    target = TARGET_SECONDS.get(due)
    batches = -(-due // 200)
    if per_item is not None:
        per_item[due] = median_cpu / due
    verdict = "" if target is None else ("PASS" if median <= target else "FAIL")
    print(
        f"{size:>10} {due:>6} {open_work:>26} {max(queries):>8} {median:>8.3f} "
        f"{target if target else '':>7} {median / due * 1000:>7.2f}ms {median_cpu / due * 1000:>7.2f}ms  "
        f"{verdict}  ({max(queries) / batches:.1f} queries per batch)"
    )
    return verdict == "FAIL"


if __name__ == "__main__":
    raise SystemExit(main())
