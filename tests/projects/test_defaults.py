"""After `migrate`, the org defaults of PRODUCT.md exist, so a fresh install is usable."""

import datetime

import pytest

from comms.models import CadencePolicy, ChannelRule
from escalations.models import CategoryRoute, SeverityTarget, Tier
from projects.models import BusinessCalendar, Phase
from tests.factories import make_project

pytestmark = pytest.mark.django_db


def test_default_channel_rules_follow_the_product_brief():
    rules = dict(ChannelRule.objects.filter(project=None).values_list("message_type", "channel"))
    assert rules == {
        "quick_question": "chat",
        "decision": "email",
        "task_update": "project_board",
        "status_update": "email",
        "meeting_recap": "email",
        "urgent_escalation": "escalation_path",
    }


def test_default_cadence_per_phase_follows_the_product_brief():
    cadence = {
        policy.phase: (policy.interval_days, policy.business_days_only, policy.quiet_after_business_days)
        for policy in CadencePolicy.objects.filter(project=None)
    }
    assert cadence == {
        "discovery": (2, True, 3),  # every 2–3 days
        "build": (7, False, 5),  # weekly
        "qa": (1, True, 2),  # daily on business days
        "delivery": (1, True, 2),  # daily in the final week
        "support": (14, False, 10),  # every two weeks
    }


def test_default_escalation_path_has_three_tiers_with_first_responders_at_l1():
    tiers = list(Tier.objects.filter(project=None).order_by("level"))
    assert [tier.level for tier in tiers] == [1, 2, 3]
    assert tiers[0].include_owner and tiers[0].include_lead


def test_default_severity_targets_follow_the_product_brief():
    targets = {
        target.severity: (
            target.acknowledge_within,
            target.acknowledge_unit,
            target.resolve_within,
            target.resolve_unit,
        )
        for target in SeverityTarget.objects.all()
    }
    assert targets == {
        "critical": (1, "hours", 24, "hours"),
        "moderate": (4, "business_hours", 3, "business_days"),
        "minor": (1, "business_days", 5, "business_days"),
    }


def test_default_routes_send_scope_changes_to_the_lead_and_budget_to_the_account_owner():
    routes = dict(CategoryRoute.objects.values_list("category", "first_responder"))
    assert routes["scope_change"] == "lead"
    assert routes["budget_overrun"] == "account_owner"
    assert set(routes) == {
        "scope_change",
        "budget_overrun",
        "technical_failure",
        "dispute",
        "unanswered_mail",
    }


def test_the_team_calendar_exists_and_opens_nine_to_five_on_weekdays():
    calendar = BusinessCalendar.team_default()
    assert (calendar.opens_at, calendar.closes_at, calendar.workdays) == (
        datetime.time(9),
        datetime.time(17),
        "01234",
    )


def test_a_project_override_wins_over_the_default_cadence():
    project = make_project()
    assert CadencePolicy.for_project(project).interval_days == 2
    CadencePolicy.objects.create(
        project=project,
        phase=Phase.DISCOVERY,
        interval_days=3,
        update_kind="discovery_summary",
        quiet_after_business_days=4,
    )
    assert CadencePolicy.for_project(project).interval_days == 3
    assert CadencePolicy.for_project(project, Phase.CLOSED) is None
