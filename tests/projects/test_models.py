import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from comms.calendars import clock_of
from comms.lifecycle import PhaseUnchanged, change_phase
from comms.models import ChannelRule, MessageType
from projects.models import BusinessCalendar, Commitment, Phase, PhaseChange, Project
from tests.factories import CalendarFactory, UserFactory, make_project, project_fields

pytestmark = pytest.mark.django_db


def test_a_project_cannot_be_saved_without_an_owner():
    fields = project_fields()
    del fields["owner"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.create(**fields)
    assert not Project.objects.exists()


def test_the_project_service_refuses_a_missing_owner_with_a_field_error():
    with pytest.raises(ValidationError) as error:
        make_project(owner=None)
    assert "owner" in error.value.message_dict
    assert not Project.objects.exists()


def test_a_project_cannot_have_two_channels_for_one_message_type():
    project = make_project()
    with pytest.raises(IntegrityError), transaction.atomic():
        ChannelRule.objects.create(project=project, message_type=MessageType.STATUS_UPDATE, channel="chat")
    assert project.channel_rules.get(message_type=MessageType.STATUS_UPDATE).channel == "email"


def test_a_new_project_gets_a_channel_for_every_message_type_from_the_defaults():
    project = make_project()
    rules = dict(project.channel_rules.values_list("message_type", "channel"))
    assert rules == dict(ChannelRule.objects.filter(project=None).values_list("message_type", "channel"))
    assert set(rules) == set(MessageType.values)


def test_phase_history_records_the_start_and_every_change_with_who_and_why():
    lead = UserFactory(username="lena")
    project = make_project(by=lead)
    change_phase(project, to=Phase.BUILD, by=lead, note="Scope signed off")
    change_phase(project, to=Phase.QA, by=lead)
    history = list(
        PhaseChange.objects.filter(project=project).values_list("from_phase", "to_phase", "changed_by")
    )
    assert history == [("", "discovery", lead.pk), ("discovery", "build", lead.pk), ("build", "qa", lead.pk)]
    assert PhaseChange.objects.get(to_phase=Phase.BUILD).note == "Scope signed off"
    project.refresh_from_db()
    assert project.phase == Phase.QA


def test_moving_a_project_into_its_own_phase_is_refused_and_records_nothing():
    project = make_project()
    with pytest.raises(PhaseUnchanged):
        change_phase(project, to=Phase.DISCOVERY, by=project.owner)
    assert project.phase_changes.count() == 1


def test_a_calendar_must_close_after_it_opens():
    calendar = CalendarFactory.build(opens_at=datetime.time(17), closes_at=datetime.time(9))
    with pytest.raises(ValidationError, match="closing time must be later"):
        calendar.full_clean()


def test_a_calendar_with_an_unknown_zone_or_holiday_region_is_refused():
    calendar = CalendarFactory.build(time_zone="Mars/Olympus", holiday_subdivision="XX")
    with pytest.raises(ValidationError) as error:
        calendar.full_clean()
    assert set(error.value.message_dict) == {"time_zone", "holiday_subdivision"}


def test_only_one_calendar_can_be_the_teams_default():
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarFactory(is_team_default=True)
    assert BusinessCalendar.team_default().name == "Team calendar"


def test_a_calendar_becomes_a_business_clock_that_knows_its_holidays():
    clock = clock_of(
        CalendarFactory(time_zone="Europe/London", holiday_country="GB", holiday_subdivision="ENG")
    )
    assert clock.holiday_name(datetime.date(2026, 4, 6)) == "Easter Monday"
    assert not clock.is_business_day(datetime.date(2026, 4, 4))


def test_a_done_commitment_needs_its_done_date():
    project = make_project()
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.create(
            project=project, description="Ship it", due_on=datetime.date(2026, 5, 1), status="done"
        )


def test_commitment_is_overdue_only_while_open_and_past_its_date():
    project = make_project()
    late = Commitment(project=project, description="Test plan", due_on=datetime.date(2026, 5, 1))
    assert late.is_overdue(datetime.date(2026, 5, 2))
    assert not late.is_overdue(datetime.date(2026, 5, 1))
    late.status = Commitment.Status.DROPPED
    assert not late.is_overdue(datetime.date(2026, 5, 2))


def test_a_commitment_waiting_on_the_client_says_what_and_since_when():
    from projects.services import wait_on_client_for

    project = make_project()
    promise = Commitment.objects.create(
        project=project, description="Go live", due_on=datetime.date(2026, 5, 1)
    )
    at = datetime.datetime(2026, 4, 20, 9, tzinfo=datetime.UTC)
    wait_on_client_for(promise, what="DNS access from their IT team", now=at)
    promise.refresh_from_db()
    assert (promise.waiting_for, promise.waiting_since) == ("DNS access from their IT team", at)
    wait_on_client_for(promise, what="", now=at)
    promise.refresh_from_db()
    assert (promise.waiting_for, promise.waiting_since) == ("", None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.filter(pk=promise.pk).update(waiting_for="Something")
