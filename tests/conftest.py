"""Suite-wide rules: CI must run on PostgreSQL, and CI may not skip the browser tests."""

import importlib
import os

import pytest
from django.db import connection

IN_CI = bool(os.environ.get("CI"))


@pytest.fixture(scope="session", autouse=True)
def ci_runs_on_postgresql(django_db_setup, django_db_blocker):
    if IN_CI and connection.vendor != "postgresql":
        pytest.exit(
            f"CI must run the suite on PostgreSQL, but DATABASE_URL gives {connection.vendor}.", returncode=3
        )


DEFAULT_MIGRATIONS = [
    "projects.migrations.0002_team_calendar",
    "comms.migrations.0002_default_plan",
    "escalations.migrations.0002_default_path",
    "escalations.migrations.0006_categoryroute_tells_client",
    "projects.migrations.0010_organisation_settings",
]


@pytest.fixture
def org_defaults(transactional_db):
    """Put back the org defaults the data migrations made, which a transactional test's flush removes."""
    from django.apps import apps

    for module in DEFAULT_MIGRATIONS:
        migration = importlib.import_module(module)
        migration.create_defaults(apps, schema_editor=None)


@pytest.fixture(autouse=True)
def anymail_test_backend(settings):
    """Mail goes through Anymail's test backend (provider ids, tags, metadata) unless a test
    points Anymail at a real provider's API."""
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"


@pytest.fixture(autouse=True)
def stored_files_in_a_temporary_folder(settings, tmp_path):
    """Files a test stores (attachments of client mail) go to its own folder, not var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session", autouse=True)
def celery_runs_tasks_inline():
    """Tasks run in the test's process; the end-to-end test starts a real worker instead."""
    from config.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False
