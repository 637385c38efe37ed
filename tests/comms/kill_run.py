"""The kill run: a real Celery worker sends queued mail through Anymail's real Postmark or Mailgun
backend to a local fake provider whose answers are slowed a little, and is SIGKILLed while a send
is in flight, again and again, each time restarted; some answers come after the client's timeout
and some connections are reset after the provider read the message. Then everything is let
finish, and the fake says how many copies of each row it took.

It stands in for the tick: it wakes senders for due rows (as the tick's sweep does) and brings
retries forward as if their backoff had passed, so a run takes seconds rather than the hour a
backoff can; the lease and the providers' search delay are shortened through their settings
(OUTBOX_LEASE_SECONDS, PROVIDER_SEARCH_DELAY_SECONDS), which the outbox still honours in full.

Used by the end-to-end test (tests/test_delivery_kill_e2e.py) and by bench/delivery.py.
"""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from comms.models import Message
from config.celery import app
from tests.comms.fake_mailgun import FakeMailgun
from tests.comms.fake_postmark import ANSWER_TOO_LATE, RESET_AFTER_READING, FakePostmark

ROOT = Path(__file__).resolve().parent.parent.parent
SEND_TASK = "comms.tasks.send_messages"
LEASE_SECONDS = 3
SEARCH_DELAY_SECONDS = 3
CLIENT_TIMEOUT_SECONDS = 1
LATE_EVERY, RESET_EVERY = 7, 11  # of the sends the fake receives: one in 7 answered late, one in 11 reset


@dataclass
class Figures:
    provider: str
    due: int
    sent: int
    failed: int
    duplicates: int
    lost: int
    kills: int
    late_answers: int
    resets: int
    lease_expiries: int
    blind_resends: int
    reconciles: int
    seconds: float
    finished: bool


class Worker:
    """One Celery worker process at a time, started again after each kill."""

    def __init__(self, env, log_path):
        self.env, self.log_path, self.process, self.starts = env, Path(log_path), None, 0

    def start(self):
        self.starts += 1
        with self.log_path.open("a") as log:
            log.write(f"\n--- worker start {self.starts} ---\n")
            self.process = subprocess.Popen(
                [
                    sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO",
                    "--without-mingle", "--without-gossip", "--without-heartbeat",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )  # fmt: skip

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def log_tail(self, lines=60):
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def fake_provider(name, reply_delay):
    if name == "postmark":
        return FakePostmark(token="kill-run-token", reply_delay=reply_delay)
    return FakeMailgun(api_key="kill-run-key", reply_delay=reply_delay)


def worker_env(name, fake, *, database_url, broker_url, queue):
    env = {
        **os.environ,
        "DEBUG": "1",
        "CELERY_QUEUE": queue,
        "LOG_LEVEL": "INFO",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "OUTBOX_LEASE_SECONDS": str(LEASE_SECONDS),
        "PROVIDER_SEARCH_DELAY_SECONDS": str(SEARCH_DELAY_SECONDS),
        "ANYMAIL_REQUESTS_TIMEOUT": str(CLIENT_TIMEOUT_SECONDS),
    }
    if name == "postmark":
        env |= {
            "EMAIL_BACKEND": "anymail.backends.postmark.EmailBackend",
            "ANYMAIL_POSTMARK_SERVER_TOKEN": fake.token,
            "ANYMAIL_POSTMARK_API_URL": fake.url,
        }
    else:
        env |= {
            "EMAIL_BACKEND": "anymail.backends.mailgun.EmailBackend",
            "ANYMAIL_MAILGUN_API_KEY": fake.api_key,
            "ANYMAIL_MAILGUN_API_URL": fake.url,
        }
    return env


def queue_rows(name, count):
    """Rows written straight to the outbox (not through `queue_messages`, whose wake-up would run
    in this process): the worker is the only sender."""
    now, run = timezone.now(), uuid.uuid4().hex[:8]
    rows = Message.objects.bulk_create(
        Message(
            kind="build_status",
            from_email="updates@agency.example",
            to_email=f"client{i}@harbourfinch.example",
            subject=f"Build status {i}",
            body_text="What shipped this week.",
            dedupe_key=f"kill-run:{name}:{run}:{i}",
            created_at=now,
            send_after=now,
        )
        for i in range(count)
    )
    return [row.pk for row in rows]


def tasks_waiting(queue):
    with app.connection_for_read() as connection:
        return connection.default_channel.queue_declare(queue=queue).message_count


class Sweep:
    """The tick's part: wake a sender for each due row, at most once a lease."""

    def __init__(self, queue):
        self.woken, self.queue = {}, queue

    def __call__(self, ids):
        now, clock = timezone.now(), time.monotonic()
        # Backoffs are minutes long; bring them forward. Short waits (the search delay) are left be.
        Message.objects.filter(
            pk__in=ids, state=Message.State.QUEUED, send_after__gt=now + dt.timedelta(seconds=10)
        ).update(send_after=now)
        for pk in Message.objects.filter(pk__in=ids).ready_to_send(now).values_list("pk", flat=True):
            if clock - self.woken.get(pk, -LEASE_SECONDS) >= LEASE_SECONDS:
                app.send_task(SEND_TASK, args=[[pk]], queue=self.queue)
                self.woken[pk] = clock


def kill_run(name, *, messages, kills, database_url, broker_url, log_path, timeout=300.0, reply_delay=0.2):
    started = time.monotonic()
    with fake_provider(name, reply_delay) as fake:
        fake.replies.extend(
            ANSWER_TOO_LATE if n % LATE_EVERY == LATE_EVERY - 1
            else RESET_AFTER_READING if n % RESET_EVERY == RESET_EVERY - 1
            else (200, None)
            for n in range(messages)
        )  # fmt: skip
        planned_faults = list(fake.replies)
        ids = queue_rows(name, messages)
        # A queue of this run's own: another run on the same Redis (a second checkout's tests, a
        # benchmark) neither takes its tasks nor gives it theirs.
        queue = f"kill-run-{uuid.uuid4().hex[:12]}"
        sweep, killed, seen = Sweep(queue), 0, 0
        eager, app.conf.task_always_eager = app.conf.task_always_eager, False  # the worker sends, not us
        env = worker_env(name, fake, database_url=database_url, broker_url=broker_url, queue=queue)
        worker = Worker(env, log_path)
        worker.start()
        try:
            while time.monotonic() - started < timeout:
                sweep(ids)
                # A send by this worker is in flight: the provider has the mail, the row does not know.
                if killed < kills and fake.wait_for(
                    lambda f, seen=seen: f.sending and len(f.requests) > seen, timeout=0.3
                ):
                    worker.kill()
                    killed, seen = killed + 1, len(fake.requests)
                    worker.start()
                    continue
                settled = not Message.objects.filter(pk__in=ids, state__in=Message.PENDING_STATES).exists()
                # Done once every row is settled and the worker has taken every wake-up we queued,
                # so no task of this run is left on the broker for the next worker.
                if settled and killed >= kills and not tasks_waiting(queue):
                    break
        finally:
            worker.stop()
            with app.connection_for_write() as connection:
                connection.default_channel.queue_delete(queue)
            app.conf.task_always_eager = eager
        consumed = planned_faults[: len(planned_faults) - len(fake.replies)]
        deliveries = fake.deliveries()
        figures = figures_of(
            name, ids, deliveries, fake, killed=killed, started=started, timeout=timeout, consumed=consumed
        )
    return figures, worker


def figures_of(name, ids, deliveries, fake, *, killed, started, timeout, consumed):
    rows = Message.objects.filter(pk__in=ids)
    ours = {str(pk) for pk in ids}
    seconds = time.monotonic() - started
    return Figures(
        provider=name,
        due=len(ids),
        sent=rows.filter(state=Message.State.SENT).count(),
        failed=rows.filter(state=Message.State.FAILED).count(),
        duplicates=sum(count - 1 for pk, count in deliveries.items() if pk in ours),
        lost=len(ours - set(deliveries)),
        kills=killed,
        late_answers=consumed.count(ANSWER_TOO_LATE),
        resets=consumed.count(RESET_AFTER_READING),
        lease_expiries=sum(rows.values_list("lease_expiries", flat=True)),
        blind_resends=sum(rows.values_list("blind_resends", flat=True)),
        reconciles=len(fake.searches),
        seconds=seconds,
        finished=seconds < timeout,
    )
