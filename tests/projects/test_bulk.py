import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from comms.models import Deadline
from escalations.models import Escalation
from projects.bulk import update_each
from tests.factories import UserFactory, make_project

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 29, 0, 30, tzinfo=dt.UTC)  # the night Berlin moves its clocks on


def deadline(project):
    return Deadline.objects.create(
        project=project, kind=Deadline.Kind.CADENCE_UPDATE, due_at=NOW, explanation="first", is_active=False
    )


def test_each_row_gets_its_own_values_in_one_statement(django_assert_num_queries):
    project = make_project()
    first, second, untouched = deadline(project), deadline(project), deadline(project)
    berlin = ZoneInfo("Europe/Berlin")
    first.due_at = dt.datetime(2026, 3, 29, 3, 30, tzinfo=berlin)  # 01:30 UTC, after the change
    first.owed_at, first.is_active, first.occurrence = NOW, True, 3
    first.problem = "Calendar “Berlin” has no business hours; ’quotes’ and %s stay as written"
    second.due_at, second.owed_at, second.explanation = NOW + dt.timedelta(days=400), None, "second"

    with django_assert_num_queries(1):
        update_each(
            [first, second], ["due_at", "owed_at", "is_active", "occurrence", "problem", "explanation"]
        )

    first.refresh_from_db()
    second.refresh_from_db()
    untouched.refresh_from_db()
    assert first.due_at == dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC)
    assert (first.owed_at, first.is_active, first.occurrence) == (NOW, True, 3)
    assert first.problem == "Calendar “Berlin” has no business hours; ’quotes’ and %s stay as written"
    assert first.explanation == "first"
    assert (second.due_at, second.owed_at, second.explanation) == (
        NOW + dt.timedelta(days=400),
        None,
        "second",
    )
    assert (untouched.due_at, untouched.explanation, untouched.is_active) == (NOW, "first", False)


def test_json_and_foreign_keys_round_trip():
    project = make_project()
    responder, other = UserFactory(), UserFactory()
    escalation = Escalation.objects.create(
        project=project,
        category="scope_change",
        severity="moderate",
        title="Scope",
        description="d",
        first_responder=responder,
        raised_at=NOW,
        acknowledge_by=NOW,
        resolve_by=NOW,
        targets={},
        path={},
    )
    escalation.targets = {"acknowledge": "2026-03-30T09:00:00+00:00", "levels": [1, 2]}
    escalation.first_responder = other

    update_each([escalation], ["targets", "first_responder"])

    escalation.refresh_from_db()
    assert escalation.targets == {"acknowledge": "2026-03-30T09:00:00+00:00", "levels": [1, 2]}
    assert escalation.first_responder == other


def test_many_rows_go_in_more_than_one_statement(monkeypatch, django_assert_num_queries):
    monkeypatch.setattr("projects.bulk.MAX_PARAMETERS", 6)  # three rows of (pk, occurrence) a statement
    project = make_project()
    rows = [deadline(project) for _ in range(7)]
    for number, row in enumerate(rows):
        row.occurrence = number

    with django_assert_num_queries(3):
        update_each(rows, ["occurrence"])

    written = Deadline.objects.filter(pk__in=[row.pk for row in rows]).order_by("pk")
    assert list(written.values_list("occurrence", flat=True)) == list(range(7))


def test_nothing_to_write_costs_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        update_each([], ["due_at"])
