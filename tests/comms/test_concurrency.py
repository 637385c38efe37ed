"""Two ticks at once (or beat running twice) on PostgreSQL: every due deadline is acted on once."""

import datetime as dt

import pytest
from django.db import connection

from comms.models import Deadline, Update
from comms.tick import run_tick
from projects.models import Phase
from tests.concurrently import at_once
from tests.factories import make_project

pytestmark = pytest.mark.django_db(transaction=True)

NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def due_cadence_updates(org_defaults):
    projects = [make_project(name=f"Project {i}", phase=Phase.BUILD) for i in range(40)]
    Deadline.objects.bulk_create(
        Deadline(
            project=project,
            kind=Deadline.Kind.CADENCE_UPDATE,
            due_at=NOW - dt.timedelta(minutes=5),
            explanation="due",
        )
        for project in projects
    )
    return projects


def test_two_ticks_at_once_draft_each_due_update_exactly_once(due_cadence_updates):
    if connection.vendor != "postgresql":
        pytest.skip("row locks with SKIP LOCKED need PostgreSQL (CI runs this on PostgreSQL)")
    results = at_once(lambda: run_tick(NOW))
    assert sum(summary["drafted"] for summary in results) == 40
    assert Update.objects.count() == 40
    assert set(
        Deadline.objects.filter(kind=Deadline.Kind.CADENCE_UPDATE).values_list("occurrence", flat=True)
    ) == {1}


def test_two_ticks_at_once_move_each_unacknowledged_escalation_up_once(org_defaults):
    if connection.vendor != "postgresql":
        pytest.skip("row locks with SKIP LOCKED need PostgreSQL (CI runs this on PostgreSQL)")
    from escalations.models import Escalation
    from escalations.services import raise_escalation

    raised_at = NOW - dt.timedelta(hours=2)
    for i in range(10):
        raise_escalation(
            make_project(name=f"Escalated {i}"),
            category="technical_failure",
            severity="critical",
            title=f"Outage {i}",
            description="Down.",
            now=raised_at,
            internal=True,
        )
    at_once(lambda: run_tick(NOW))
    assert set(Escalation.objects.values_list("tier", flat=True)) == {2}
