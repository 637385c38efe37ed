"""One project's bad data (a calendar no clock can be built from, stored draft data that no longer
reads) stops only that project's deadlines: each records the problem, its owner and the admins are
told once, it is tried again later, and the tick goes on with every other project."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from comms.lifecycle import log_decision, log_kickoff
from comms.models import Deadline, Message, Update
from comms.tick import run_tick
from escalations import services as escalations
from escalations.models import Escalation
from projects.models import BusinessCalendar, Contact, Phase
from tests.factories import ContactFactory, UserFactory, make_project

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
DECIDED = dt.datetime(2026, 3, 3, 9, 0, tzinfo=LONDON)
RELEASED = dt.datetime(2026, 3, 3, 13, 0, tzinfo=LONDON)  # four business hours later


@pytest.fixture
def admin():
    return UserFactory(username="root", email="root@agency.example", is_superuser=True, is_staff=True)


def project_named(name, **fields):
    project = make_project(name=name, phase=Phase.BUILD, **fields)
    project.contacts.add(ContactFactory(client=project.client, kind=Contact.Kind.TECHNICAL))
    return project


def unknown_holiday_country(project):
    """What a direct write, an import or a `holidays` upgrade that renames a region leaves behind:
    the form would have refused it."""
    BusinessCalendar.objects.filter(pk=project.client.calendar_id).update(holiday_country="XX")
    return project.client.calendar.name


def client_mail(project):
    return Message.objects.filter(project=project, contact__isnull=False)


def problem_alerts(user):
    return Message.objects.filter(user=user, subject__startswith="Needs your attention")


def admin_alerts(admin):
    return Message.objects.filter(user=admin)


def test_a_project_whose_calendar_is_unusable_does_not_stop_another_projects_draft_going_out(admin):
    fine = project_named("Ferry app", auto_send_drafts=True)
    broken = project_named("Harbour app", auto_send_drafts=True)
    for project in (fine, broken):
        log_decision(project, summary="Two stages", made_in="call", made_at=DECIDED, by=project.owner)
    calendar = unknown_holiday_country(broken)

    summary = run_tick(RELEASED)

    assert client_mail(fine).count() == 1
    assert client_mail(broken).count() == 0
    assert summary["problems"] == 1
    stuck = Deadline.objects.get(update__project=broken, kind=Deadline.Kind.DRAFT_RELEASE)
    assert stuck.is_active
    assert f"“{calendar}”" in stuck.problem and "'XX'" in stuck.problem
    (alert,) = problem_alerts(broken.owner)
    assert calendar in alert.body_text
    (told,) = admin_alerts(admin)
    assert "Harbour app" in told.body_text and calendar in told.body_text


def test_a_problem_is_told_once_and_tried_again_until_the_calendar_is_put_right(admin):
    broken = project_named("Harbour app", auto_send_drafts=True)
    log_decision(broken, summary="Two stages", made_in="call", made_at=DECIDED, by=broken.owner)
    unknown_holiday_country(broken)

    run_tick(RELEASED)
    run_tick(RELEASED + dt.timedelta(hours=1, minutes=1))
    run_tick(RELEASED + dt.timedelta(hours=2, minutes=2))

    assert problem_alerts(broken.owner).count() == 1
    assert admin_alerts(admin).count() == 1
    stuck = Deadline.objects.get(update__project=broken, kind=Deadline.Kind.DRAFT_RELEASE)
    assert stuck.is_active and stuck.problem
    BusinessCalendar.objects.filter(pk=broken.client.calendar_id).update(holiday_country="AU")

    run_tick(RELEASED + dt.timedelta(hours=3, minutes=3))

    assert client_mail(broken).count() == 1
    stuck.refresh_from_db()
    assert not stuck.is_active and not stuck.problem


def test_the_cadence_drafts_every_projects_update_but_the_one_whose_calendar_is_unusable(admin):
    fine, broken = project_named("Ferry app"), project_named("Harbour app")
    for project in (fine, broken):
        log_kickoff(project, at=dt.datetime(2026, 3, 2, 10, 0, tzinfo=LONDON), by=project.owner)
    unknown_holiday_country(broken)
    due = Deadline.objects.get(project=fine, kind=Deadline.Kind.CADENCE_UPDATE, is_active=True).due_at

    run_tick(due)

    assert Update.objects.filter(project=fine, kind="build_status").count() == 1
    assert not Update.objects.filter(project=broken, kind="build_status").exists()
    stuck = Deadline.objects.get(project=broken, kind=Deadline.Kind.CADENCE_UPDATE, is_active=True)
    assert "'XX'" in stuck.problem
    # The kickoff summary, owed a week ago and never sent, waits on the same calendar: the owner
    # hears of each deadline, the admins of both in one mail.
    assert problem_alerts(broken.owner).count() == 2
    (told,) = admin_alerts(admin)
    assert told.body_text.count("Harbour app") == 2


def test_escalation_timers_on_a_project_whose_calendar_is_unusable_wait_while_others_move_up(admin):
    fine, broken = project_named("Ferry app"), project_named("Harbour app")
    raised = {
        project: escalations.raise_escalation(
            project,
            category="technical_failure",
            severity="critical",
            title="Checkout is down",
            description="500s since 21:40.",
            now=dt.datetime(2026, 3, 10, 22, 0, tzinfo=LONDON),
            internal=True,
        )
        for project in (fine, broken)
    }
    unknown_holiday_country(broken)

    # A day on: nobody acknowledged (due 23:00) and nothing is resolved (due 22:00 the next day).
    run_tick(dt.datetime(2026, 3, 11, 22, 30, tzinfo=LONDON))

    assert Escalation.objects.get(pk=raised[fine].pk).tier == 2
    assert raised[fine].events.filter(kind="resolve_overdue").exists()
    assert Escalation.objects.get(pk=raised[broken].pk).tier == 1
    assert not raised[broken].events.filter(kind="resolve_overdue").exists()
    timers = Deadline.objects.filter(escalation=raised[broken])
    assert {timer.kind for timer in timers if timer.is_active and "'XX'" in timer.problem} == {
        Deadline.Kind.ESCALATION_ACK,
        Deadline.Kind.ESCALATION_RESOLVE,
    }


def test_a_draft_whose_stored_composition_no_longer_reads_is_a_problem_and_other_drafts_go_out(admin):
    fine = project_named("Ferry app", auto_send_drafts=True)
    broken = project_named("Harbour app", auto_send_drafts=True)
    for project in (fine, broken):
        log_decision(project, summary="Two stages", made_in="call", made_at=DECIDED, by=project.owner)
    Update.objects.filter(project=broken).update(composed_with={"held_at": "last Tuesday"})

    run_tick(RELEASED)

    assert client_mail(fine).count() == 1
    assert client_mail(broken).count() == 0
    stuck = Deadline.objects.get(update__project=broken, kind=Deadline.Kind.DRAFT_RELEASE)
    assert stuck.is_active and "last Tuesday" in stuck.problem
    assert problem_alerts(broken.owner).count() == 1
    assert admin_alerts(admin).count() == 1


@pytest.mark.parametrize(
    ("country", "region", "message"),
    [
        ("XX", "", "No public holidays are known for “XX”."),
        ("AU", "Atlantis", "“Atlantis” is not a region of AU; choose one of"),
    ],
)
def test_admin_refuses_a_calendar_no_clock_can_be_built_from(admin_client, country, region, message):
    response = admin_client.post(
        reverse("admin:projects_businesscalendar_add"),
        {
            "name": "Atlantis office",
            "time_zone": "Australia/Sydney",
            "workdays": ["0", "1", "2", "3", "4"],
            "opens_at": "09:00",
            "closes_at": "17:00",
            "holiday_country": country,
            "holiday_subdivision": region,
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not BusinessCalendar.objects.filter(name="Atlantis office").exists()
