"""Schemathesis fuzzes every operation of the API's own schema, loaded from the app in-process and
authenticated with a lead's token, with valid and invalid requests: no 5xx, and every answer
(status, content type, body) is one the schema declares. A bounded number of examples keeps it to
seconds; ids point now and then at real objects, so writes get past 404 to their services."""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from comms.lifecycle import log_decision
from escalations.services import raise_escalation
from projects.models import Commitment

EXAMPLES = 15
# Not negative_data_rejection: DRF coerces on purpose (a number where a string is declared,
# "1.0" for an integer), so a request the schema calls invalid may rightly be accepted.
CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


# Ids of real objects for the generation hooks below, filled by the fixture before any case is drawn.
REAL = {}


@pytest.fixture
def record(project, lead):
    """A real object behind each resource's id, on the token user's project."""
    decision = log_decision(
        project, summary="Launch in two stages", made_in="call", made_at=timezone.now(), by=lead
    )
    escalation = raise_escalation(
        project,
        category="dispute",
        severity="minor",
        title="Invoice query",
        description="March.",
        now=timezone.now(),
    )
    REAL.update(
        projects=project.pk,
        contacts=project.contacts.get().pk,
        phases=project.phase_changes.get().pk,
        commitments=Commitment.objects.create(project=project, description="Export", due_on="2026-04-01").pk,
        decisions=decision.pk,
        updates=decision.confirmations.get().pk,
        messages=project.messages.filter(user__isnull=True).first().pk,
        escalations=escalation.pk,
        people=lead.pk,
    )
    yield REAL
    REAL.clear()


@pytest.fixture
def connection_kept():
    """Keep the test's database connection (and its transaction) across requests, as Django's test
    client does: the WSGI handler called directly would close it when each request starts and ends."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def token(lead):
    return {"Authorization": f"Token {Token.objects.create(user=lead).key}"}


def served_schema():
    """The schema /api/schema/ serves, made by the same generator in-process (the served one needs
    a token, hence the database, before any test runs); test_schema.py checks the two are equal."""
    return SchemaGenerator().get_schema(request=None, public=True)


# The coverage phase is off: it sends every boundary case the schema defines, unbounded by
# max_examples; the fuzzing phase's positive and negative examples are bounded.
schema = schemathesis.openapi.from_dict(
    served_schema(), config=schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": False}}})
)


@schema.hook("flatmap_path_parameters")
def sometimes_a_real_object(context, path_parameters):
    # Only a well-typed id is swapped, so a deliberately invalid one stays invalid.
    resource = context.operation.path.split("/")[2]
    if not path_parameters or not is_id(path_parameters.get("id")) or resource not in REAL:
        return st.just(path_parameters)
    return st.sampled_from([path_parameters, {**path_parameters, "id": str(REAL[resource])}])


@schema.hook("flatmap_body")
def sometimes_the_real_project(context, body):
    if not isinstance(body, dict) or not is_id(body.get("project")) or not REAL:
        return st.just(body)
    return st.sampled_from([body, {**body, "project": REAL["projects"]}])


def is_id(value):
    """A well-formed id: an integer in a body, a string of digits in a path."""
    if isinstance(value, str):
        return value.isdigit()
    return isinstance(value, int) and not isinstance(value, bool)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_every_operation_answers_within_its_schema(case, record, token, connection_kept):
    case.call_and_validate(app=WSGIHandler(), headers=token, checks=CHECKS)
