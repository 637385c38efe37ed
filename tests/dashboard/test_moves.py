"""Whose move: what the team owes its clients, soonest first, and what it waits for from them,
with the paused clocks; only the projects the person may see, in a fixed number of queries."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from comms.lifecycle import log_decision
from comms.models import Update
from dashboard.moves import end_of_day, how_long, projects_in_view, whose_move
from escalations import services as escalations
from escalations.models import Escalation
from projects.models import Commitment, Phase, Project
from projects.services import wait_on_client_for
from tests.factories import (
    CalendarFactory,
    ClientFactory,
    ContactFactory,
    make_client_mail,
    make_project,
)

pytestmark = pytest.mark.django_db

# A Monday: London left summer time on Sunday 25 October 2026, so the days before are UTC+1.
NOW = dt.datetime(2026, 10, 26, 10, 0, tzinfo=dt.UTC)
HOUR, DAY = dt.timedelta(hours=1), dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def london():
    return CalendarFactory(
        name="London office", time_zone="Europe/London", holiday_country="GB", holiday_subdivision="ENG"
    )


@pytest.fixture
def project(lead, london):
    return make_project(
        owner=lead, name="Fleet dashboard", client=ClientFactory(name="Hartley Freight", calendar=london)
    )


def mail(project, subject, *, due):
    jack = ContactFactory(client=project.client, name="Jack Nguyen")
    return make_client_mail(project, subject, at=due - 3 * HOUR, respond_by=due, contact=jack)


def draft(project, subject, *, due, state=Update.State.DRAFT):
    return Update.objects.create(
        project=project,
        kind="build_status",
        subject=subject,
        technical_body="Detail.",
        executive_body="Status.",
        status_line="On track.",
        rag="green",
        state=state,
        send_by=due,
        created_at=NOW - DAY,
    )


def raise_escalation(project, title, *, at):
    return escalations.raise_escalation(
        project,
        category="technical_failure",
        severity="minor",
        title=title,
        description="The staging server does not answer.",
        now=at,
        internal=True,
    )


def owed_lines(moves):
    return [(item.what, item.due, item.overdue, item.link) for item in moves.owed]


def test_what_we_owe_comes_soonest_first_each_with_its_place_on_the_project_page(lead, project):
    page = reverse("dashboard:project", args=[project.pk])
    late_mail = mail(project, "Invoice question", due=NOW - HOUR)
    demo_mail = mail(project, "Can we move the demo?", due=NOW + 3 * HOUR)
    late_draft = draft(project, "Build status, week 43", due=NOW - 2 * HOUR, state=Update.State.OVERDUE)
    decision = log_decision(
        project, summary="Launch in two stages", made_in="call", made_at=NOW - DAY, by=lead, now=NOW - DAY
    )
    confirmation = Update.objects.get(decision=decision)
    Update.objects.filter(pk=confirmation.pk).update(send_by=NOW + HOUR)
    escalation = raise_escalation(project, "Staging is down", at=NOW - HOUR)
    Escalation.objects.filter(pk=escalation.pk).update(acknowledge_by=NOW + 2 * HOUR)
    Commitment.objects.create(project=project, description="Send the test plan", due_on=dt.date(2026, 10, 27))

    moves = whose_move(Project.objects.visible_to(lead), now=NOW)

    assert owed_lines(moves) == [
        (
            "Review and send the update: Build status, week 43",
            NOW - 2 * HOUR,
            True,
            f"{page}#draft-{late_draft.pk}",
        ),
        ("Reply to Jack Nguyen: Invoice question", NOW - HOUR, True, f"{page}#mail-{late_mail.pk}"),
        ("Confirm in writing: Launch in two stages", NOW + HOUR, False, f"{page}#draft-{confirmation.pk}"),
        (
            "Acknowledge the minor escalation: Staging is down",
            NOW + 2 * HOUR,
            False,
            f"{page}#escalations",
        ),
        ("Reply to Jack Nguyen: Can we move the demo?", NOW + 3 * HOUR, False, f"{page}#mail-{demo_mail.pk}"),
        (
            "Keep the promise: Send the test plan",
            dt.datetime(2026, 10, 27, 23, 59, 59, 999999, tzinfo=dt.UTC),
            False,
            f"{page}#commitments",
        ),
    ]
    escalation.refresh_from_db()
    assert [item.who for item in moves.owed] == [project.owner.get_full_name()] * 3 + [
        escalation.first_responder.get_full_name()
    ] + [project.owner.get_full_name()] * 2
    assert moves.awaited == []


def test_a_promise_is_due_at_the_end_of_its_date_in_the_clients_zone_across_the_clock_change(lead, project):
    sydney = ClientFactory(name="Harbour Bank")  # the factory's calendar is Sydney's
    other = make_project(owner=lead, name="Statement archive", client=sydney)
    Commitment.objects.create(project=project, description="Before the change", due_on=dt.date(2026, 10, 24))
    Commitment.objects.create(project=project, description="After the change", due_on=dt.date(2026, 10, 26))
    Commitment.objects.create(project=other, description="In Sydney", due_on=dt.date(2026, 10, 26))

    moves = whose_move(Project.objects.visible_to(lead), now=NOW)

    assert [(item.what, item.due, item.overdue) for item in moves.owed] == [
        # London on summer time (UTC+1) until Sunday 25 October
        (
            "Keep the promise: Before the change",
            dt.datetime(2026, 10, 24, 22, 59, 59, 999999, tzinfo=dt.UTC),
            True,
        ),
        # Sydney on summer time (UTC+11): its Monday ends while London's is still young
        ("Keep the promise: In Sydney", dt.datetime(2026, 10, 26, 12, 59, 59, 999999, tzinfo=dt.UTC), False),
        (
            "Keep the promise: After the change",
            dt.datetime(2026, 10, 26, 23, 59, 59, 999999, tzinfo=dt.UTC),
            False,
        ),
    ]
    later = whose_move(Project.objects.visible_to(lead), now=NOW + 3 * HOUR)
    assert [item.overdue for item in later.owed] == [True, True, False]


def test_end_of_day_is_the_last_instant_of_the_local_date():
    assert end_of_day(dt.date(2026, 3, 28), "Europe/London") == dt.datetime(
        2026, 3, 28, 23, 59, 59, 999999, tzinfo=dt.UTC
    )
    assert end_of_day(dt.date(2026, 3, 29), "Europe/London") == dt.datetime(
        2026, 3, 29, 22, 59, 59, 999999, tzinfo=dt.UTC
    )


def test_nothing_is_owed_for_kept_promises_sent_updates_answered_mail_or_a_closed_projects_promises(
    lead, project
):
    Commitment.objects.create(
        project=project, description="Done", due_on=dt.date(2026, 10, 20), status="done", done_on=NOW.date()
    )
    draft(project, "Sent", due=NOW, state=Update.State.SENT)
    answered = mail(project, "Answered", due=NOW)
    answered.responded_at = NOW - HOUR
    answered.save()
    closed = make_project(owner=lead, name="Old site", client=project.client, phase=Phase.CLOSED)
    Commitment.objects.create(project=closed, description="Stopped clock", due_on=dt.date(2026, 10, 20))

    moves = whose_move(Project.objects.visible_to(lead), now=NOW)

    assert moves.owed == []
    assert moves.awaited == []


def test_what_we_wait_for_comes_oldest_first_with_how_long_each_clock_is_paused(lead, project):
    held_up = Commitment.objects.create(
        project=project, description="Run the UAT", due_on=dt.date(2026, 11, 2)
    )
    wait_on_client_for(held_up, what="Sign-off of the test script", now=NOW - 3 * DAY)
    log_decision(
        project,
        summary="Which payment provider to use",
        made_in="email",
        made_at=NOW - 5 * DAY,
        by=lead,
        awaiting_client=True,
    )
    paused = raise_escalation(project, "Staging is down", at=NOW - 10 * DAY)
    escalations.acknowledge(paused, by=lead, now=NOW - 10 * DAY + HOUR)
    escalations.wait_on_client(paused, by=lead, what="VPN access", now=NOW - 9 * DAY)
    escalations.resume(paused, by=lead, now=NOW - 8 * DAY)
    escalations.wait_on_client(paused, by=lead, what="VPN access again", now=NOW - 2 * DAY - 4 * HOUR)
    page = reverse("dashboard:project", args=[project.pk])

    moves = whose_move(Project.objects.visible_to(lead), now=NOW)

    assert [(item.what, item.since, item.paused_words, item.link) for item in moves.awaited] == [
        (
            "Their decision: Which payment provider to use",
            NOW - 5 * DAY,
            "5 days",
            f"{page}?kind=decision#record-title",
        ),
        (
            "Sign-off of the test script, for the promise: Run the UAT",
            NOW - 3 * DAY,
            "3 days",
            f"{page}#commitments",
        ),
        # one day's pause before it resumed, and two days and four hours since it stopped again
        (
            "VPN access again, for the escalation: Staging is down",
            NOW - 2 * DAY - 4 * HOUR,
            "3 days 4 hours",
            f"{page}#escalations",
        ),
    ]
    # Both clocks are stopped, so neither the promise nor the escalation's resolution is owed.
    assert moves.owed == []


def test_an_unacknowledged_escalation_waiting_on_the_client_still_owes_its_acknowledgement(lead, project):
    escalation = raise_escalation(project, "Data export fails", at=NOW - HOUR)
    escalations.wait_on_client(escalation, by=lead, what="The failing file", now=NOW - HOUR)
    escalation.refresh_from_db()

    moves = whose_move(Project.objects.visible_to(lead), now=NOW)

    assert [(item.what, item.due) for item in moves.owed] == [
        ("Acknowledge the minor escalation: Data export fails", escalation.acknowledge_by)
    ]
    assert [(item.what, item.paused_words) for item in moves.awaited] == [
        ("The failing file, for the escalation: Data export fails", "1 hour")
    ]


def test_how_long_names_the_two_largest_units():
    assert how_long(dt.timedelta(days=3, hours=4, minutes=5)) == "3 days 4 hours"
    assert how_long(dt.timedelta(days=1, minutes=5)) == "1 day"
    assert how_long(dt.timedelta(hours=1, minutes=1)) == "1 hour 1 minute"
    assert how_long(dt.timedelta(seconds=30)) == "under a minute"


def test_a_lead_never_sees_another_teams_project_and_may_keep_to_their_own(client, lead, project):
    theirs = make_project(name="Someone else's app")
    mail(theirs, "Not for Lena", due=NOW + HOUR)
    helping = make_project(name="Warehouse scanner app", team=[lead])
    mail(helping, "For the team Lena is on", due=NOW + 2 * HOUR)
    mail(project, "For the project Lena owns", due=NOW + 3 * HOUR)

    everything = whose_move(projects_in_view(lead), now=NOW)
    own = whose_move(projects_in_view(lead, mine=True), now=NOW)

    assert [item.project.name for item in everything.owed] == ["Warehouse scanner app", "Fleet dashboard"]
    assert [item.project.name for item in own.owed] == ["Fleet dashboard"]
    page = client.get(reverse("dashboard:moves"))
    assert "Not for Lena" not in page.content.decode()
    assert "For the team Lena is on" in page.content.decode()
    mine = client.get(reverse("dashboard:moves"), {"projects": "mine"})
    assert "For the team Lena is on" not in mine.content.decode()
    assert "For the project Lena owns" in mine.content.decode()


def busy_projects(lead, london, count):
    """Projects with one of everything the page lists: mail, a draft, promises kept waiting and not,
    an open and a paused escalation, a decision the client owes."""
    for number in range(count):
        project = make_project(
            owner=lead,
            name=f"Project {number}",
            client=ClientFactory(name=f"Client {number}", calendar=london),
        )
        mail(project, "A question", due=NOW + HOUR)
        draft(project, "Build status", due=NOW + 2 * HOUR)
        Commitment.objects.create(project=project, description="Ship it", due_on=dt.date(2026, 10, 30))
        Commitment.objects.create(
            project=project,
            description="Test it",
            due_on=dt.date(2026, 10, 30),
            waiting_for="Test data",
            waiting_since=NOW - DAY,
        )
        raise_escalation(project, "Open one", at=NOW - HOUR)
        paused = raise_escalation(project, "Paused one", at=NOW - HOUR)
        escalations.wait_on_client(paused, by=lead, what="Logs", now=NOW - HOUR)
        log_decision(
            project, summary="Colours", made_in="email", made_at=NOW - DAY, by=lead, awaiting_client=True
        )


@pytest.mark.parametrize("count", [2, 6])
def test_the_rules_cost_five_queries_however_many_projects(django_assert_num_queries, lead, london, count):
    busy_projects(lead, london, count)
    with django_assert_num_queries(5):
        moves = whose_move(projects_in_view(lead), now=NOW)
    assert (len(moves.owed), len(moves.awaited)) == (5 * count, 3 * count)


@pytest.mark.parametrize("count", [2, 6])
def test_the_page_costs_the_same_queries_however_many_projects(
    client, django_assert_num_queries, lead, london, count
):
    busy_projects(lead, london, count)
    # the session, the user, the team's calendar for the page's zone, and the five reads
    with django_assert_num_queries(8):
        response = client.get(reverse("dashboard:moves"))
    assert response.status_code == 200
    assert response.content.decode().count("Reply to Jack Nguyen: A question") == count


def test_the_page_shows_times_in_the_teams_zone_on_either_side_of_the_clock_change(client, project):
    before = mail(project, "Before the change", due=dt.datetime(2026, 10, 23, 9, 0, tzinfo=dt.UTC))
    after = mail(project, "After the change", due=dt.datetime(2026, 10, 26, 15, 0, tzinfo=dt.UTC))

    response = client.get(reverse("dashboard:moves"))

    text = response.content.decode()
    page = reverse("dashboard:project", args=[project.pk])
    assert "Fri 23 Oct 10:00 London" in text  # summer time: UTC+1
    assert "Mon 26 Oct 15:00 London" in text  # winter time: UTC
    assert f'href="{page}#mail-{before.pk}"' in text
    assert f'href="{page}#mail-{after.pk}"' in text
    assert text.index("Before the change") < text.index("After the change")
    assert text.count(">overdue<") == 1


def test_the_page_is_for_signed_in_people_and_only_for_reading(client, lead):
    assert client.post(reverse("dashboard:moves")).status_code == 405
    client.logout()
    response = client.get(reverse("dashboard:moves"))
    assert response.status_code == 302
    assert "login" in response.url
