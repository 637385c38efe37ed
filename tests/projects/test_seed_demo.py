"""The demo world `seed_demo` builds: coherent, exercised through the services, and the same after a
second run. It is seeded once for the module, on a Wednesday afternoon, and rolled back after."""

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.db.models import Min
from django.urls import reverse

from comms.models import Deadline, Message, Update
from dashboard.portfolio import weekly_team_figures
from escalations.models import Escalation
from projects.models import Client, Commitment, Contact, Phase, Project

pytestmark = pytest.mark.django_db

JANUARY, JULY = dt.datetime(2026, 1, 15), dt.datetime(2026, 7, 15)
# Midweek, so the current week of the charts has had its business days.
WEDNESDAY = dt.datetime(2026, 3, 11, 14, 30, tzinfo=dt.UTC)


def seed():
    output = io.StringIO()
    call_command("seed_demo", stdout=output)
    return output.getvalue()


def row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


@pytest.fixture(scope="module")
def printed(django_db_setup, django_db_blocker):
    """What the first run printed; its world stays for every test of the module."""
    with time_machine.travel(WEDNESDAY, tick=False), django_db_blocker.unblock(), transaction.atomic():
        yield seed()
        transaction.set_rollback(True)


def test_seed_demo_run_twice_leaves_the_same_counts(printed):
    first = row_counts()
    with time_machine.travel(WEDNESDAY + dt.timedelta(days=1, hours=3), tick=False):
        seed()
    assert row_counts() == first
    assert first["projects.Project"] == 10


def test_seed_demo_prints_the_logins_and_a_client_portal_link_that_work(printed, client):
    assert "admin / admin-demo-2026" in printed
    assert "lena / lead-demo-2026" in printed
    for username, password in [("admin", "admin-demo-2026"), ("lena", "lead-demo-2026")]:
        signed_in = client.post(reverse("login"), {"username": username, "password": password})
        assert signed_in.status_code == 302, username
    link = re.search(r"client portal, as Mia Thompson of Harbour & Finch: (http://\S+)", printed).group(1)
    assert link.startswith("http://127.0.0.1:8000/portal/link/")
    page = client.get(link.removeprefix("http://127.0.0.1:8000"), follow=True)
    assert page.status_code == 200
    assert "Fleet dashboard" in page.content.decode()


def test_demo_clients_span_time_zones_including_the_southern_hemisphere(printed):
    zones = {client.calendar.time_zone for client in Client.objects.select_related("calendar")}
    assert len(zones) >= 3
    southern = [zone for zone in zones if ZoneInfo(zone).utcoffset(JULY) < ZoneInfo(zone).utcoffset(JANUARY)]
    assert southern, "one client should keep summer time in January (southern hemisphere)"


def test_demo_projects_cover_every_phase_with_owner_contacts_and_history(printed):
    assert set(Project.objects.values_list("phase", flat=True)) == set(Phase.values)
    for project in Project.objects.all():
        kinds = set(project.contacts.values_list("kind", flat=True))
        assert kinds == {Contact.Kind.TECHNICAL, Contact.Kind.EXECUTIVE}
        assert project.phase_changes.last().to_phase == project.phase
        assert project.channel_rules.count() == 6


def test_every_project_started_then_kicked_off_then_wrote_to_its_client(printed):
    for project in Project.objects.select_related("client__calendar"):
        history = list(project.phase_changes.all())
        started = history[0]
        assert started.from_phase == "", project
        assert started.changed_at.astimezone(ZoneInfo(project.client.calendar.time_zone)).date() == (
            project.starts_on
        )
        assert all(change.changed_at >= started.changed_at for change in history), project
        assert project.kickoff_at is not None and project.kickoff_at >= started.changed_at, project
        first_sent = project.updates.aggregate(first=Min("sent_at"))["first"]
        if first_sent:
            assert project.kickoff_at < first_sent, project
        assert all(
            said.sent_at >= said.created_at for said in project.updates.filter(sent_at__isnull=False)
        ), project


def test_nothing_launched_after_it_closed_or_before_it_started(printed):
    launched = Project.objects.filter(launched_at__isnull=False)
    assert set(launched.values_list("phase", flat=True)) == {Phase.SUPPORT, Phase.CLOSED}
    for project in launched:
        assert project.launched_at > project.phase_changes.first().changed_at, project
        closed = project.phase_changes.filter(to_phase=Phase.CLOSED).first()
        if closed:
            assert project.launched_at < closed.changed_at, project


def test_client_mail_is_both_answered_and_waiting_within_its_time(printed):
    inbound = Message.objects.filter(direction=Message.Direction.IN)
    answered = inbound.filter(responded_at__isnull=False)
    waiting = inbound.filter(responded_at__isnull=True)
    assert answered.count() > 50
    assert waiting.exists()
    assert all(message.respond_by > WEDNESDAY for message in waiting)


def test_escalations_are_in_every_state(printed):
    escalations = Escalation.objects.all()
    states = set(escalations.values_list("state", flat=True))
    assert states == set(Escalation.State.values)
    assert escalations.filter(state=Escalation.State.ACKNOWLEDGED, paused_at__isnull=False).exists(), (
        "one escalation waits on the client"
    )
    assert escalations.filter(state=Escalation.State.ACKNOWLEDGED, paused_at__isnull=True).exists()
    assert escalations.filter(category="unanswered_mail", state=Escalation.State.CLOSED).exists(), (
        "the tick raised one for an email answered late"
    )


def test_promises_are_done_open_overdue_with_a_recovery_plan_and_waiting_on_the_client(printed):
    today = WEDNESDAY.date()
    promises = Commitment.objects.all()
    assert promises.filter(status=Commitment.Status.DONE).exists()
    assert promises.filter(status=Commitment.Status.OPEN, due_on__gt=today, waiting_for="").exists()
    overdue = [promise for promise in promises if promise.is_overdue(today)]
    assert overdue and all(promise.recovery_plan for promise in overdue)
    assert promises.exclude(waiting_for="").filter(status=Commitment.Status.OPEN).exists()
    for project in Project.objects.exclude(phase=Phase.CLOSED):
        assert project.commitments.exists(), project


def test_both_team_charts_have_twelve_weeks_of_bars(printed):
    replies, updates = weekly_team_figures(Project.objects.all(), now=WEDNESDAY)
    for chart in (replies, updates):
        assert len(chart) == 12
        assert all(share is not None for _, share in chart), chart
    assert any(share < 100 for _, share in updates), "some weeks an update went out late"


def test_the_new_project_is_created_and_kicked_off_as_a_lead_would(printed):
    project = Project.objects.get(name="Booking app")
    assert project.phase == Phase.DISCOVERY and project.starts_on == dt.date(2026, 3, 12)  # Sydney
    assert project.kickoff_at == WEDNESDAY
    assert project.updates.get().kind == "kickoff_summary"
    assert project.deadlines.filter(kind=Deadline.Kind.CADENCE_UPDATE, is_active=True).exists()


def test_history_leaves_the_tick_nothing_overdue_and_no_old_mail_unsent(printed):
    assert not Deadline.objects.filter(is_active=True, due_at__lt=WEDNESDAY).exists()
    assert not Update.objects.filter(state=Update.State.OVERDUE).exists()
    assert not Message.objects.filter(state=Message.State.QUEUED, send_after__lt=WEDNESDAY).exists()
    assert Message.objects.filter(direction=Message.Direction.OUT, state=Message.State.SENT).count() > 300
