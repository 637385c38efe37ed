"""Suite-wide rules: CI must run on PostgreSQL, and CI may not skip the browser tests."""

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
