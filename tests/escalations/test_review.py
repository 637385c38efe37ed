"""The periodic escalation review: counts, recurring categories per client, medians, response SLA."""

import datetime as dt
import itertools
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from comms.models import Message
from escalations.models import Category, Escalation, Severity
from escalations.review import review
from tests.factories import ClientFactory, ContactFactory, make_project

pytestmark = pytest.mark.django_db

MARCH = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
APRIL = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
serial = itertools.count()


def march(day, hour=9, minute=0):
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=dt.UTC)


def project_for(client_name, name="Booking app"):
    return make_project(client=ClientFactory(name=client_name), name=name)


def project_for_same_client(project, name):
    return make_project(client=project.client, name=name)


def raise_escalation(project, category, *, at, severity=Severity.MODERATE, acknowledged=None, resolved=None):
    return Escalation.objects.create(
        project=project,
        category=category,
        severity=severity,
        title=f"{Category(category).label} on {project.name}",
        description="Raised for the review.",
        first_responder=project.owner,
        raised_at=at,
        acknowledge_by=at + dt.timedelta(hours=4),
        resolve_by=at + dt.timedelta(days=3),
        acknowledged_at=acknowledged,
        resolved_at=resolved,
        targets={},
        path={},
    )


def client_mail(project, *, received, respond_by, responded=None, direction=Message.Direction.IN):
    contact = ContactFactory(client=project.client)
    return Message.objects.create(
        project=project,
        direction=direction,
        kind="client_mail",
        contact=contact,
        from_email=contact.email,
        to_email="team@agency.example",
        subject="A question",
        body_text="Could you tell us when the release goes out?",
        dedupe_key=f"review-test-{next(serial)}",
        state=Message.State.RECEIVED,
        created_at=received,
        respond_by=respond_by,
        responded_at=responded,
    )


def test_counts_escalations_raised_in_the_period_per_category_client_and_severity():
    ferries, bakery = project_for("Harbour Ferries"), project_for("Corner Bakery")
    raise_escalation(ferries, Category.SCOPE_CHANGE, at=MARCH, severity=Severity.MINOR)
    raise_escalation(ferries, Category.TECHNICAL_FAILURE, at=march(10), severity=Severity.CRITICAL)
    raise_escalation(bakery, Category.SCOPE_CHANGE, at=march(31, 23, 59))
    raise_escalation(bakery, Category.DISPUTE, at=MARCH - dt.timedelta(minutes=1))
    raise_escalation(bakery, Category.DISPUTE, at=APRIL)

    result = review(MARCH, APRIL)

    assert result.total == 3
    assert result.by_category == {"Scope change": 2, "Technical failure or downtime": 1}
    assert result.by_client == {"Harbour Ferries": 2, "Corner Bakery": 1}
    assert result.by_severity == {"Critical": 1, "Moderate": 1, "Minor": 1}


def test_a_category_raised_twice_for_one_client_recurs_and_once_does_not():
    ferries, bakery = project_for("Harbour Ferries"), project_for("Corner Bakery")
    second_ferries_project = project_for_same_client(ferries, "Timetable site")
    raise_escalation(ferries, Category.SCOPE_CHANGE, at=march(2))
    raise_escalation(second_ferries_project, Category.SCOPE_CHANGE, at=march(20))
    raise_escalation(ferries, Category.BUDGET_OVERRUN, at=march(3))
    raise_escalation(bakery, Category.SCOPE_CHANGE, at=march(4))

    result = review(MARCH, APRIL)

    assert result.recurring == {"Harbour Ferries": [("Scope change", 2)]}


def test_recurring_categories_of_a_client_list_the_most_frequent_first():
    ferries = project_for("Harbour Ferries")
    for day in (2, 3):
        raise_escalation(ferries, Category.SCOPE_CHANGE, at=march(day))
    for day in (5, 6, 7):
        raise_escalation(ferries, Category.DISPUTE, at=march(day))

    assert review(MARCH, APRIL).recurring == {
        "Harbour Ferries": [("Dispute or complaint", 3), ("Scope change", 2)]
    }


def test_medians_count_only_the_escalations_acknowledged_or_resolved():
    ferries = project_for("Harbour Ferries")
    start = march(9)
    for acknowledged_after, resolved_after in [(30, 240), (60, 360), (120, None)]:
        raise_escalation(
            ferries,
            Category.TECHNICAL_FAILURE,
            at=start,
            acknowledged=start + dt.timedelta(minutes=acknowledged_after),
            resolved=start + dt.timedelta(minutes=resolved_after) if resolved_after else None,
        )
    raise_escalation(ferries, Category.TECHNICAL_FAILURE, at=start)

    result = review(MARCH, APRIL)

    assert result.median_to_acknowledge == dt.timedelta(hours=1)
    assert result.median_to_resolve == dt.timedelta(hours=5)


def test_medians_are_empty_when_nothing_was_acknowledged_or_resolved():
    raise_escalation(project_for("Harbour Ferries"), Category.DISPUTE, at=march(9))

    result = review(MARCH, APRIL)

    assert result.median_to_acknowledge is None
    assert result.median_to_resolve is None


def test_response_sla_counts_mail_answered_in_time_late_unanswered_and_still_open():
    ferries = project_for("Harbour Ferries")
    received, deadline = march(10, 9), march(10, 12)
    client_mail(ferries, received=received, respond_by=deadline, responded=march(10, 10))
    client_mail(ferries, received=received, respond_by=deadline, responded=deadline)
    client_mail(ferries, received=received, respond_by=deadline, responded=march(10, 15))
    client_mail(ferries, received=received, respond_by=deadline)
    client_mail(ferries, received=march(31, 16), respond_by=APRIL + dt.timedelta(hours=10))

    sla = review(MARCH, APRIL).response_sla

    assert (sla.met, sla.breached, sla.open) == (2, 2, 1)
    assert sla.compliance_percent == 50.0
    assert sla.median_first_response == dt.timedelta(hours=3)


def test_response_sla_ignores_our_own_mail_mail_without_a_deadline_and_mail_from_another_period():
    ferries = project_for("Harbour Ferries")
    client_mail(ferries, received=march(10), respond_by=None)
    client_mail(ferries, received=march(10), respond_by=march(11), direction=Message.Direction.OUT)
    client_mail(ferries, received=MARCH - dt.timedelta(hours=1), respond_by=MARCH + dt.timedelta(hours=2))

    sla = review(MARCH, APRIL).response_sla

    assert (sla.met, sla.breached, sla.open) == (0, 0, 0)
    assert sla.compliance_percent is None
    assert sla.median_first_response is None


def test_review_costs_the_same_queries_for_many_escalations(django_assert_num_queries):
    ferries = project_for("Harbour Ferries")
    for day in range(1, 21):
        raise_escalation(ferries, Category.SCOPE_CHANGE, at=march(day), acknowledged=march(day, 10))
        client_mail(ferries, received=march(day), respond_by=march(day, 12), responded=march(day, 11))

    with django_assert_num_queries(5):
        review(MARCH, APRIL)


def test_command_prints_counts_the_recurring_line_medians_and_the_response_sla():
    ferries = project_for("Harbour Ferries")
    for day in (2, 3):
        raise_escalation(
            ferries,
            Category.SCOPE_CHANGE,
            at=march(day),
            acknowledged=march(day, 10, 5),
            resolved=march(day, 11, 15),
        )
    client_mail(ferries, received=march(4, 9), respond_by=march(4, 12), responded=march(4, 10, 5))
    client_mail(ferries, received=march(5, 9), respond_by=march(5, 12))
    out = StringIO()

    call_command("escalation_review", "--since", "2026-03-01", "--until", "2026-04-01", stdout=out)

    report = out.getvalue()
    assert "Escalation review: 2026-03-01 00:00 UTC to 2026-04-01 00:00 UTC" in report
    assert "Harbour Ferries: Scope change ×2" in report
    assert "Median time to acknowledge: 1 h 05 min" in report
    assert "Median time to resolve: 2 h 15 min" in report
    assert "Response SLA: 1 met, 1 breached (50%), 0 open; median first response 1 h 05 min" in report


def test_command_says_in_one_line_when_nothing_was_raised():
    out = StringIO()

    call_command("escalation_review", "--since", "2026-03-01", "--until", "2026-04-01", stdout=out)

    assert "No escalations were raised in this period." in out.getvalue()
    assert "Recurring" not in out.getvalue()


def test_command_refuses_a_date_that_is_not_year_month_day():
    with pytest.raises(CommandError, match="--since must be a date such as 2026-03-01"):
        call_command("escalation_review", "--since", "01/03/2026")


def test_command_refuses_a_period_that_ends_before_it_starts():
    with pytest.raises(CommandError, match="must be before --until"):
        call_command("escalation_review", "--since", "2026-04-01", "--until", "2026-03-01")


def test_the_review_is_in_admin_for_a_chosen_period_and_a_bad_date_is_explained(admin_client):
    page = admin_client.get("/admin/escalations/escalation/review/?since=2026-03-01&until=2026-04-01")
    assert page.status_code == 200
    assert "Response SLA:" in page.content.decode()
    bad = admin_client.get("/admin/escalations/escalation/review/?since=01/03/2026")
    assert bad.status_code == 400
    assert "The start date must be a date such as 2026-03-01" in bad.content.decode()
    assert "Review report" in admin_client.get("/admin/escalations/escalation/").content.decode()
