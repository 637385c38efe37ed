"""A client mail that failed turns its project red on the portfolio and the project page, saying
to whom and why, until a later mail to that contact on the project goes through."""

import datetime as dt

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comms import outbox
from comms.models import Message
from projects.health import HealthFacts, assess
from projects.models import Contact
from tests.factories import ContactFactory, make_project

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
REFUSES_THE_ADDRESS = "tests.comms.failing_mail_backends.RefusesTheAddress"
FAILED = "mail to Mia Thompson failed: The message cannot be sent as it is: Invalid email address 'mia@@harbourfinch'"


@pytest.fixture
def project(lead):
    project = make_project(owner=lead, name="Fleet dashboard")
    project.contacts.add(
        ContactFactory(
            client=project.client,
            name="Mia Thompson",
            email="mia@harbourfinch.example",
            kind=Contact.Kind.TECHNICAL,
        )
    )
    return project


def mail_to(project, contact, *, at, subject="Build status, week 3"):
    return Message.objects.create(
        project=project,
        kind="build_status",
        contact=contact,
        from_email="updates@agency.example",
        to_email=contact.email,
        subject=subject,
        body_text="What shipped: the booking form.",
        dedupe_key=f"test:{project.pk}:{contact.pk}:{subject}",
        created_at=at,
        send_after=at,
    )


def failed_mail_to(project, contact, *, at):
    message = mail_to(project, contact, at=at)
    with override_settings(EMAIL_BACKEND=REFUSES_THE_ADDRESS):
        assert outbox.deliver(message.pk, now=at) == "failed"
    return message


def portfolio_row(client, project):
    rows = client.get(reverse("dashboard:portfolio")).context["rows"]
    return next(row for row in rows if row.pk == project.pk)


def project_health(client, project):
    return client.get(reverse("dashboard:project", args=[project.pk])).context["health"]


def test_a_failed_client_mail_turns_the_project_red_saying_to_whom_and_why(client, project):
    failed_mail_to(project, project.contacts.get(), at=NOW)

    row = portfolio_row(client, project)
    assert row.health.rag == "red" and FAILED in row.health.reasons
    page = client.get(reverse("dashboard:portfolio")).content.decode()
    assert "mail to Mia Thompson failed" in page
    health = project_health(client, project)
    assert health.rag == "red" and FAILED in health.reasons


def test_a_later_mail_to_the_same_contact_that_goes_through_clears_the_failure(client, project):
    mia = project.contacts.get()
    failed_mail_to(project, mia, at=NOW)
    later = mail_to(project, mia, at=NOW + dt.timedelta(hours=1), subject="Build status, week 3 (again)")
    assert outbox.deliver(later.pk, now=NOW + dt.timedelta(hours=1)) == "sent"

    assert not any("failed" in reason for reason in portfolio_row(client, project).health.reasons)
    assert not any("failed" in reason for reason in project_health(client, project).reasons)


def test_a_success_before_the_failure_or_to_another_contact_does_not_clear_it(client, project):
    mia = project.contacts.get()
    jack = ContactFactory(client=project.client, name="Jack Nguyen", email="jack@hf.example")
    project.contacts.add(jack)
    earlier = mail_to(project, mia, at=NOW - dt.timedelta(hours=1), subject="Kickoff summary")
    assert outbox.deliver(earlier.pk, now=NOW - dt.timedelta(hours=1)) == "sent"
    failed_mail_to(project, mia, at=NOW)
    to_jack = mail_to(project, jack, at=NOW + dt.timedelta(hours=1))
    assert outbox.deliver(to_jack.pk, now=NOW + dt.timedelta(hours=1)) == "sent"

    assert FAILED in portfolio_row(client, project).health.reasons


def test_failed_mail_to_the_team_does_not_turn_the_project_red(client, project, lead):
    alert = outbox.owner_alert(project, subject="Overdue: update", body="Send it.", key="alert:1", now=NOW)
    outbox.queue_messages([alert])
    with override_settings(EMAIL_BACKEND=REFUSES_THE_ADDRESS):
        assert outbox.deliver(alert.pk, now=NOW) == "failed"

    assert not any("failed" in reason for reason in portfolio_row(client, project).health.reasons)


def test_failed_client_mail_costs_the_portfolio_no_extra_query(client, lead):
    projects = [make_project(owner=lead, name=f"P{i}") for i in range(5)]

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("dashboard:portfolio")).status_code == 200
        return len(captured)

    before = queries()
    for i, each in enumerate(projects):
        contact = ContactFactory(client=each.client, name=f"Contact {i}")
        each.contacts.add(contact)
        failed_mail_to(each, contact, at=NOW)
    assert queries() == before


def test_a_long_error_is_told_on_one_short_line():
    health = assess(
        HealthFacts(now=NOW, failed_mail_to="Mia Thompson", failed_mail_error="Provider said:\n" + "x" * 500)
    )
    assert health.rag == "red"
    [reason] = health.reasons
    assert reason.startswith("mail to Mia Thompson failed: Provider said: xxx") and reason.endswith("…")
    assert "\n" not in reason and len(reason) < 250
