"""The benchmarks' own PostgreSQL database: DATABASE_URL's database name + "_bench" (or another
suffix), created if missing, so a benchmark never touches the data behind DATABASE_URL. Call
before django.setup()."""

import os
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def use_bench_database(suffix="_bench"):
    """A benchmark whose data outlives the run passes its own suffix, so others never empty it."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database: the benchmarks measure the production shape.")
    parts = urlparse(url)
    name = parts.path.lstrip("/") + suffix
    import psycopg2

    admin = psycopg2.connect(urlunparse(parts._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    os.environ["DATABASE_URL"] = urlunparse(parts._replace(path=f"/{name}"))


def empty_record():
    """Start from a migrated database with the org defaults and no clients, projects or record.
    TRUNCATE … CASCADE also empties the default plan rows (they may point at a project), so the
    data migrations' defaults are put back."""
    from importlib import import_module

    from django.apps import apps
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE escalations_escalationevent, escalations_escalation, comms_message, comms_update, "
            "comms_deadline, comms_channelrule, projects_project_contacts, projects_project_team, "
            "projects_phasechange, projects_commitment, projects_decision_agreed_by, projects_decision, "
            "projects_project, projects_contact, projects_client RESTART IDENTITY CASCADE"
        )
    for module in ("comms.migrations.0002_default_plan", "escalations.migrations.0002_default_path"):
        import_module(module).create_defaults(apps, schema_editor=None)


def time_requests(client, url, runs):
    """Request `url` `runs` times with Django's test client after one request to warm the caches
    (templates, calendars): the seconds and queries of each, and the page's size in bytes."""
    import time

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    seconds, queries, size = [], [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            seconds.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
        queries.append(len(captured))
        size = len(response.content)
    return seconds, queries, size


def percentile_95(seconds):
    """The 95th percentile of `seconds`, in milliseconds."""
    ordered = sorted(seconds)
    return ordered[int(0.95 * (len(ordered) - 1))] * 1000
