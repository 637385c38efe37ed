"""End to end: a real Celery worker and beat on the Redis broker and PostgreSQL send a due message."""

import datetime as dt
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from comms.models import Deadline, Message, Update
from projects.models import Contact
from tests.factories import ContactFactory, make_project

ROOT = Path(__file__).resolve().parent.parent
# One test with a real worker at a time, whatever the number of test processes: each starts and
# stops worker processes and waits on them.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("real-celery-worker")]


def broker_url():
    return os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL")


@pytest.fixture
def worker_and_beat(org_defaults):
    if connection.vendor != "postgresql" or not (broker_url() or "").startswith("redis"):
        if os.environ.get("CI"):
            pytest.fail("CI must run the worker end to end on PostgreSQL and Redis.")
        pytest.skip("needs DATABASE_URL on PostgreSQL and REDIS_URL (CI sets both)")
    migration = __import__("importlib").import_module("comms.migrations.0004_tick_schedule")
    from django.apps import apps

    migration.schedule_tick(apps, None)
    from django_celery_beat.models import PeriodicTask

    # Due at once, rather than a minute after beat starts.
    PeriodicTask.objects.filter(name="Autopilot tick").update(
        last_run_at=timezone.now() - dt.timedelta(minutes=5)
    )
    settings = connection.settings_dict
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}",
        "CELERY_BROKER_URL": broker_url(),
        # Its own queue, so no other run on the same Redis takes this beat's tick.
        "CELERY_QUEUE": f"worker-e2e-{uuid.uuid4().hex[:12]}",
        "EMAIL_BACKEND": "comms.devmail.EmailBackend",
    }
    schedule = ROOT / "var" / "test-beat-schedule"
    schedule.parent.mkdir(exist_ok=True)
    celery = [sys.executable, "-m", "celery", "-A", "config"]
    processes = [
        subprocess.Popen(
            [*celery, "worker", "--pool=solo", "--loglevel=INFO"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        ),
        subprocess.Popen(
            [*celery, "beat", "--loglevel=INFO", "-s", str(schedule)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        ),
    ]
    yield
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=30)


def test_beat_ticks_the_worker_releases_a_reviewed_draft_and_the_mail_is_sent(worker_and_beat):
    project = make_project(auto_send_drafts=True)
    project.contacts.set([ContactFactory(client=project.client, kind=Contact.Kind.TECHNICAL)])
    now = timezone.now()
    update = Update.objects.create(
        project=project,
        kind="build_status",
        subject="Build status",
        technical_body="What shipped: login.",
        executive_body="Status: GREEN",
        status_line="On track",
        rag="green",
        send_by=now,
        created_at=now,
    )
    Deadline.objects.create(
        project=project,
        update=update,
        kind=Deadline.Kind.DRAFT_RELEASE,
        due_at=now - dt.timedelta(minutes=1),
        explanation="review window over",
    )
    # The project's client is in Sydney; urgent mail ignores quiet hours, so the test does not
    # depend on the time of day it runs at.
    Update.objects.filter(pk=update.pk).update(urgent=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        message = Message.objects.filter(project=project, contact__isnull=False).first()
        if message and message.state == Message.State.SENT:
            break
        time.sleep(1)
    assert message is not None, "beat and worker never ran the tick"
    assert message.state == Message.State.SENT, f"message stuck in {message.state}: {message.error}"
    assert message.provider_message_id.startswith("dev-")
    assert Update.objects.get(pk=update.pk).state == Update.State.SENT
