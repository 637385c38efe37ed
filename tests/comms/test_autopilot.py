"""The autopilot from the lead's side: log an event, and the right draft, deadline and mail follow."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from comms.autopilot import send_update
from comms.lifecycle import change_phase, log_decision, log_kickoff
from comms.models import Deadline, Message, Update
from comms.tick import run_tick
from projects.models import Contact, Decision, Phase
from tests.factories import ContactFactory, make_project

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
SYDNEY = ZoneInfo("Australia/Sydney")


def london(*args):
    return dt.datetime(*args, tzinfo=LONDON)


@pytest.fixture
def project():
    project = make_project(phase=Phase.BUILD)
    project.contacts.set(
        [
            ContactFactory(client=project.client, name="Mia Thompson", kind=Contact.Kind.EXECUTIVE),
            ContactFactory(client=project.client, name="Jack Nguyen", kind=Contact.Kind.TECHNICAL),
        ]
    )
    return project


def client_mail(project):
    return Message.objects.filter(project=project, contact__isnull=False).order_by("to_email")


def test_a_decision_made_on_a_friday_call_is_drafted_at_once_and_owed_by_monday(project):
    made = london(2026, 3, 6, 15, 0)
    decision = log_decision(
        project, summary="Launch in two stages", made_in="call", made_at=made, by=project.owner
    )
    draft = Update.objects.get(decision=decision)
    assert draft.state == Update.State.DRAFT
    assert draft.send_by == london(2026, 3, 9, 15, 0)
    assert "Launch in two stages" in draft.technical_body
    assert "Sat 7 Mar 02:00 Sydney" in draft.technical_body  # the call, in the client's own time
    owed = Deadline.objects.get(update=draft, kind=Deadline.Kind.SEND_BY)
    assert owed.explanation.startswith("due Tue 10 Mar 02:00 Sydney: one business day after the call")
    assert "skipping the weekend" in owed.explanation
    notice = Message.objects.get(user=project.owner)
    assert notice.subject.startswith("Draft to review")


def test_a_decision_made_by_email_needs_no_written_confirmation(project):
    log_decision(
        project, summary="Use Stripe", made_in="email", made_at=london(2026, 3, 6, 15), by=project.owner
    )
    assert not Update.objects.filter(project=project).exists()


def test_sending_a_confirmation_mails_each_contact_in_their_own_shape_inside_sydney_hours(project):
    made = london(2026, 3, 10, 10, 0)  # 21:00 in Sydney
    decision = log_decision(
        project, summary="Launch in two stages", made_in="call", made_at=made, by=project.owner
    )
    messages = send_update(Update.objects.get(decision=decision), by=project.owner, now=made)
    assert len(messages) == 2
    by_name = {message.contact.name: message for message in messages}
    assert by_name["Mia Thompson"].body_text.count("Status:") == 1  # the executive's status at a glance
    assert "Status:" not in by_name["Jack Nguyen"].body_text
    released = by_name["Jack Nguyen"].send_after.astimezone(SYDNEY)
    assert released == dt.datetime(2026, 3, 11, 9, 0, tzinfo=SYDNEY)
    assert by_name["Jack Nguyen"].reply_to == f"reply+{project.reply_token}@portal.localhost"
    decision.refresh_from_db()
    assert decision.confirmed_at == made
    assert not Deadline.objects.filter(update__decision=decision, is_active=True).exists()


def test_kickoff_starts_the_cadence_and_the_tick_drafts_the_weekly_build_update_once_ahead_of_time(project):
    kickoff = london(2026, 3, 2, 10, 0)
    log_kickoff(project, at=kickoff, by=project.owner)
    cadence = Deadline.objects.get(project=project, kind=Deadline.Kind.CADENCE_UPDATE, is_active=True)
    # Monday 10:00 in London is 21:00 in Sydney: a week on, the update is owed at Tuesday's opening.
    assert cadence.owed_at.astimezone(SYDNEY) == dt.datetime(2026, 3, 10, 9, 0, tzinfo=SYDNEY)
    # It is drafted a day ahead, so the owner's four-hour review (London hours) ends before then.
    assert cadence.due_at == cadence.owed_at - dt.timedelta(days=1)
    run_tick(cadence.due_at - dt.timedelta(minutes=1))
    assert not Update.objects.filter(project=project, kind="build_status").exists()
    run_tick(cadence.due_at)
    run_tick(cadence.due_at)  # a second tick at the same instant finds nothing due
    assert Update.objects.filter(project=project, kind="build_status").count() == 1
    cadence.refresh_from_db()
    assert cadence.owed_at.astimezone(SYDNEY) == dt.datetime(2026, 3, 17, 9, 0, tzinfo=SYDNEY)
    assert cadence.occurrence == 1


def test_a_draft_left_unsent_turns_overdue_and_the_owner_is_told_once(project):
    decision = log_decision(
        project,
        summary="Drop the PDF export",
        made_in="meeting",
        made_at=london(2026, 3, 3, 11, 0),
        by=project.owner,
    )
    draft = Update.objects.get(decision=decision)
    run_tick(draft.send_by)
    run_tick(draft.send_by + dt.timedelta(hours=2))
    draft.refresh_from_db()
    assert draft.state == Update.State.OVERDUE
    alerts = Message.objects.filter(user=project.owner, subject__startswith="Overdue:")
    assert alerts.count() == 1


def test_a_project_that_sends_by_itself_releases_the_draft_after_four_business_hours(project):
    project.auto_send_drafts = True
    project.save()
    decision = log_decision(
        project, summary="Two stages", made_in="call", made_at=london(2026, 3, 3, 15, 0), by=project.owner
    )
    draft = Update.objects.get(decision=decision)
    run_tick(london(2026, 3, 4, 10, 59))
    assert client_mail(project).count() == 0
    run_tick(london(2026, 3, 4, 11, 0))  # 15:00 + 2 h on Tuesday, + 2 h on Wednesday
    draft.refresh_from_db()
    assert draft.state == Update.State.SENT and draft.sent_by is None
    assert client_mail(project).count() == 2


def test_a_project_without_contacts_shows_a_problem_and_other_projects_carry_on(project):
    lonely = make_project(name="No contacts yet", auto_send_drafts=True)
    project.auto_send_drafts = True
    project.save()
    made = london(2026, 3, 3, 9, 0)
    for each in (lonely, project):
        log_decision(each, summary="Agreed", made_in="call", made_at=made, by=each.owner)
    summary = run_tick(london(2026, 3, 3, 13, 0))
    assert summary["problems"] == 1
    stuck = Deadline.objects.get(project=lonely, kind=Deadline.Kind.DRAFT_RELEASE)
    assert "no client contact" in stuck.problem
    assert Message.objects.filter(user=lonely.owner, subject__startswith="Needs your attention").count() == 1
    assert client_mail(project).count() == 2


def test_a_client_gone_quiet_is_nudged_once_then_flagged_overdue(project):
    log_kickoff(project, at=london(2026, 3, 2, 10, 0), by=project.owner)
    quiet = Deadline.objects.get(project=project, kind=Deadline.Kind.QUIET_CLIENT, is_active=True)
    run_tick(quiet.due_at)
    run_tick(quiet.due_at + dt.timedelta(minutes=5))
    project.refresh_from_db()
    assert project.client_silence == "late"
    assert Update.objects.filter(project=project, kind="quiet_client_nudge").count() == 1
    assert Message.objects.filter(user=project.owner, subject__endswith="has gone quiet").count() == 1
    quiet.refresh_from_db()
    run_tick(quiet.due_at)
    project.refresh_from_db()
    assert project.client_silence == "overdue"
    assert Message.objects.filter(user=project.owner, subject__endswith="is still silent").count() == 1


def test_a_phase_change_drafts_a_one_line_notice(project):
    change_phase(project, to=Phase.QA, by=project.owner, at=london(2026, 3, 10, 10, 0))
    notice = Update.objects.get(project=project, kind="phase_notice")
    assert "QA/UAT" in notice.technical_body
    assert len(notice.technical_body.strip().splitlines()) <= 4


def test_the_tick_command_runs_a_pass_at_an_instant_and_says_what_it_did(project, capsys):
    from django.core.management import call_command

    log_kickoff(project, at=london(2026, 3, 2, 10, 0), by=project.owner)
    call_command("tick", "--at", "2026-03-10T00:00:00+00:00")
    out = capsys.readouterr().out
    assert out.startswith("tick at 2026-03-10T00:00:00+00:00:")
    assert "drafted" in out


def test_the_tick_command_refuses_a_time_without_an_offset():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="UTC offset"):
        call_command("tick", "--at", "2026-03-09T12:00:00")


def test_a_sent_message_goes_out_through_anymail_with_its_tags(project, django_capture_on_commit_callbacks):
    made = london(2026, 3, 10, 0, 30)  # 11:30 in Sydney: inside their hours
    decision = log_decision(project, summary="Two stages", made_in="call", made_at=made, by=project.owner)
    with time_machine.travel(made, tick=False), django_capture_on_commit_callbacks(execute=True):
        send_update(Update.objects.get(decision=decision), by=project.owner, now=made)
    sent = [email for email in mail.outbox if email.to[0].endswith("@client.example")]
    assert len(sent) == 2
    assert sent[0].tags == ["decision_confirmation"]
    assert Message.objects.filter(contact__isnull=False, state=Message.State.SENT).count() == 2
    assert Decision.objects.get().confirmed_at == made
