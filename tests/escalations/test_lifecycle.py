"""Escalations: routing, copied targets, timers on the tick, moving up, waiting on the client, closing rules."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from comms.models import Deadline, Message
from comms.tick import run_tick
from escalations import services
from escalations.models import Escalation, EscalationEvent, SeverityTarget, Tier
from projects.models import Contact
from tests.factories import CalendarFactory, ClientFactory, ContactFactory, UserFactory, make_project

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def london(*args):
    return dt.datetime(*args, tzinfo=LONDON)


@pytest.fixture
def project():
    project = make_project()
    project.contacts.add(
        ContactFactory(client=project.client, email="dana@cobalt.example", kind=Contact.Kind.TECHNICAL)
    )
    Tier.objects.get(project=None, level=2).members.add(
        UserFactory(username="sam", email="sam@agency.example")
    )
    Tier.objects.get(project=None, level=3).members.add(
        UserFactory(username="eve", email="eve@agency.example")
    )
    return project


def raise_(project, severity="critical", category="technical_failure", at=None, **extra):
    return services.raise_escalation(
        project,
        category=category,
        severity=severity,
        title="Checkout is down",
        description="500s since 21:40.",
        documentation="Status page: https://status.example/1\nRestarted the app servers: no change.",
        by=project.owner,
        now=at or london(2026, 3, 10, 22, 0),
        **extra,
    )


def told(escalation, level):
    return EscalationEvent.objects.filter(
        escalation=escalation, kind="notified", note=f"L{level}"
    ).values_list("told", flat=True)


def test_routing_picks_the_first_responder_by_category(project):
    assert raise_(project, category="scope_change").first_responder == project.lead
    assert raise_(project, category="budget_overrun").first_responder == project.client.account_owner
    assert raise_(project, category="unanswered_mail").first_responder == project.owner


def test_a_critical_escalation_at_night_must_be_acknowledged_within_the_hour_and_l1_is_told_at_once(project):
    escalation = raise_(project)
    assert escalation.acknowledge_by == london(2026, 3, 10, 23, 0)
    assert escalation.resolve_by == london(2026, 3, 11, 22, 0)
    notices = Message.objects.filter(kind="escalation", subject="Escalation for you: Checkout is down")
    assert {notice.to_email for notice in notices} == {project.lead.email, project.owner.email}
    assert all(
        notice.send_after == london(2026, 3, 10, 22, 0) for notice in notices
    )  # no waiting for morning
    assert project.lead.email in told(escalation, 1)[0]
    client_mail = Message.objects.get(contact__email="dana@cobalt.example")
    assert client_mail.subject == "We are on it: Checkout is down" and client_mail.urgent


def test_a_moderate_escalation_runs_on_team_business_hours_and_waits_for_the_morning_to_notify(project):
    escalation = raise_(project, severity="moderate", at=london(2026, 3, 6, 15, 0))  # Friday afternoon
    assert escalation.acknowledge_by == london(2026, 3, 9, 11, 0)  # 2 h Friday + 2 h Monday
    assert escalation.resolve_by == london(2026, 3, 11, 15, 0)
    notices = Message.objects.filter(kind="escalation")
    assert all(notice.send_after == london(2026, 3, 6, 15, 0) for notice in notices)  # inside hours: at once
    evening = raise_(project, severity="moderate", at=london(2026, 3, 6, 20, 0))
    assert {
        n.send_after
        for n in Message.objects.filter(kind="escalation", escalations__isnull=True, project=project)
        if f":{evening.pk}:" in n.dedupe_key
    } == {london(2026, 3, 9, 9, 0)}


def test_nobody_acknowledges_so_it_climbs_to_l2_then_l3_telling_each_tier(project):
    escalation = raise_(project)
    run_tick(london(2026, 3, 10, 23, 0))
    escalation.refresh_from_db()
    assert escalation.tier == 2 and escalation.acknowledge_by == london(2026, 3, 11, 0, 0)
    assert "sam@agency.example" in told(escalation, 2)[0]
    run_tick(london(2026, 3, 11, 0, 0))
    escalation.refresh_from_db()
    assert escalation.tier == 3
    assert "eve@agency.example" in told(escalation, 3)[0]
    moves = EscalationEvent.objects.filter(escalation=escalation, kind="moved_up").values_list(
        "note", flat=True
    )
    assert [note[:8] for note in moves] == ["To L2: N", "To L3: N"]


def test_acknowledged_in_time_it_stays_at_l1(project):
    escalation = raise_(project)
    services.acknowledge(escalation, by=project.lead, now=london(2026, 3, 10, 22, 20))
    run_tick(london(2026, 3, 10, 23, 30))
    escalation.refresh_from_db()
    assert (escalation.tier, escalation.state) == (1, "acknowledged")


def test_missing_the_resolve_target_tells_the_tier_above(project):
    escalation = raise_(project)
    services.acknowledge(escalation, by=project.lead, now=london(2026, 3, 10, 22, 20))
    run_tick(london(2026, 3, 11, 22, 0))
    assert EscalationEvent.objects.filter(escalation=escalation, kind="resolve_overdue").exists()
    assert Message.objects.filter(
        to_email="sam@agency.example", subject="Not resolved in time: Checkout is down"
    ).exists()


def test_waiting_on_the_client_pauses_the_resolve_clock_and_the_pause_is_kept(project):
    escalation = raise_(project, severity="minor", category="scope_change", at=london(2026, 3, 10, 10, 0))
    resolve_by = escalation.resolve_by
    services.wait_on_client(
        escalation, by=project.lead, what="Their sign-off on the new scope", now=london(2026, 3, 11, 10, 0)
    )
    assert not Deadline.objects.filter(
        escalation=escalation, kind="escalation_resolve", is_active=True
    ).exists()
    escalation = services.resume(escalation, by=project.lead, now=london(2026, 3, 13, 10, 0))
    assert escalation.paused_for == dt.timedelta(days=2)
    assert escalation.resolve_by == resolve_by + dt.timedelta(days=2)
    assert (
        Deadline.objects.get(escalation=escalation, kind="escalation_resolve", is_active=True).due_at
        == escalation.resolve_by
    )


def test_resuming_moves_a_business_time_target_by_the_business_hours_spent_waiting():
    london_calendar = CalendarFactory(
        time_zone="Europe/London", holiday_country="GB", holiday_subdivision="ENG"
    )
    project = make_project(client=ClientFactory(calendar=london_calendar))
    escalation = raise_(project, severity="moderate", category="scope_change", at=london(2026, 3, 9, 10, 0))
    assert escalation.resolve_by == london(2026, 3, 12, 10, 0)  # 3 business days after Monday 10:00

    services.wait_on_client(escalation, by=project.lead, what="Their sign-off", now=london(2026, 3, 9, 16, 0))
    escalation = services.resume(escalation, by=project.lead, now=london(2026, 3, 10, 10, 0))

    # Monday 16:00 to Tuesday 10:00 is 2 business hours, not 18 wall-clock hours (Friday 04:00).
    assert escalation.resolve_by == london(2026, 3, 12, 12, 0)
    timer = Deadline.objects.get(escalation=escalation, kind="escalation_resolve", is_active=True)
    assert timer.due_at == london(2026, 3, 12, 12, 0)
    assert timer.explanation.startswith("due Thu 12 Mar 12:00 London:")
    assert "2 business hours spent waiting on the client" in timer.explanation


def test_resuming_moves_a_critical_target_by_the_whole_night_spent_waiting(project):
    escalation = raise_(project)  # critical, Tue 22:00: resolve within 24 hours, day and night
    services.wait_on_client(escalation, by=project.lead, what="Their logs", now=london(2026, 3, 10, 23, 0))
    escalation = services.resume(escalation, by=project.lead, now=london(2026, 3, 11, 7, 30))
    assert escalation.resolve_by == london(2026, 3, 12, 6, 30)
    timer = Deadline.objects.get(escalation=escalation, kind="escalation_resolve", is_active=True)
    assert timer.due_at == london(2026, 3, 12, 6, 30)
    assert "8 hours 30 minutes, day and night, spent waiting on the client" in timer.explanation


def test_asking_the_client_again_while_waiting_keeps_the_pause_from_the_first_ask(project):
    escalation = raise_(project, severity="minor", category="scope_change", at=london(2026, 3, 10, 10, 0))
    resolve_by = escalation.resolve_by
    services.wait_on_client(escalation, by=project.lead, what="Sign-off", now=london(2026, 3, 11, 10, 0))
    escalation = services.wait_on_client(
        escalation, by=project.lead, what="Sign-off and the logo files", now=london(2026, 3, 12, 10, 0)
    )
    assert escalation.waiting_for == "Sign-off and the logo files"
    escalation = services.resume(escalation, by=project.lead, now=london(2026, 3, 13, 10, 0))
    assert escalation.paused_for == dt.timedelta(days=2)
    assert escalation.resolve_by == resolve_by + dt.timedelta(days=2)


def test_editing_the_policy_later_does_not_move_an_open_escalation(project):
    escalation = raise_(project)
    SeverityTarget.objects.filter(severity="critical").update(acknowledge_within=8)
    services.move_up(
        escalation, by=project.owner, reason="Needs a decision on refunds", now=london(2026, 3, 10, 22, 10)
    )
    escalation.refresh_from_db()
    assert escalation.acknowledge_by == london(2026, 3, 10, 23, 10)  # still 1 hour, as when raised


def test_closing_needs_a_resolution_and_a_critical_one_a_post_mortem(project):
    escalation = raise_(project)
    with pytest.raises(services.ResolutionRequired):
        services.close(escalation, by=project.owner, now=london(2026, 3, 11, 9, 0))
    with pytest.raises(services.PostMortemRequired):
        services.close(escalation, by=project.owner, now=london(2026, 3, 11, 9, 0), resolution="Rolled back")
    escalation.refresh_from_db()
    assert escalation.state == "open" and escalation.resolution == ""
    services.close(
        escalation,
        by=project.owner,
        now=london(2026, 3, 11, 9, 0),
        resolution="Rolled back the release",
        what="A migration locked the orders table",
        why="It ran at peak",
        prevention="Migrations run off-peak",
    )
    escalation.refresh_from_db()
    assert escalation.state == "closed"
    assert Message.objects.filter(subject="Resolved: Checkout is down", contact__isnull=False).exists()
    with pytest.raises(services.EscalationAlreadyClosed):
        services.acknowledge(escalation, by=project.owner, now=london(2026, 3, 11, 10, 0))


def test_the_timeline_records_every_step(project):
    escalation = raise_(project, severity="minor", category="dispute", at=london(2026, 3, 10, 10, 0))
    now = london(2026, 3, 10, 11, 0)
    services.acknowledge(escalation, by=project.owner, now=now)
    services.comment(escalation, by=project.owner, note="Called Dana", now=now)
    services.resolve(escalation, by=project.owner, resolution="Credit note agreed", now=now)
    services.close(escalation, by=project.owner, now=now)
    kinds = list(escalation.events.values_list("kind", flat=True))
    assert kinds == ["raised", "notified", "acknowledged", "comment", "resolved", "closed"]


def test_an_internal_escalation_is_not_told_to_the_client(project):
    raise_(project, internal=True)
    assert not Message.objects.filter(contact__isnull=False).exists()


def test_the_database_refuses_a_closed_escalation_without_resolution(project):
    from django.db import IntegrityError, transaction

    escalation = raise_(project, severity="minor")
    with pytest.raises(IntegrityError), transaction.atomic():
        Escalation.objects.filter(pk=escalation.pk).update(state="closed")
