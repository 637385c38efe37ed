"""Delivery tracking through Anymail's webhook, the owner's morning digest, and the record export."""

import base64
import datetime as dt
import io
import json
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from comms.autopilot import send_update
from comms.lifecycle import log_decision
from comms.models import Deadline, Message, Update
from comms.tick import run_tick
from projects.models import BusinessCalendar, Commitment, Contact, Phase, Project
from tests.factories import ContactFactory, UserFactory, make_project

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 3, 0, 30, tzinfo=dt.UTC)  # 11:30 in Sydney, 00:30 in London
SECRET = "anymail:s3cret-webhook"


@pytest.fixture
def sent_message(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET, "POSTMARK_SERVER_TOKEN": "server-token"}
    project = make_project()
    project.contacts.set(
        [ContactFactory(client=project.client, email="jack@hf.example", kind=Contact.Kind.TECHNICAL)]
    )
    decision = log_decision(project, summary="Two stages", made_in="call", made_at=NOW, by=project.owner)
    send_update(Update.objects.get(decision=decision), by=project.owner, now=NOW)
    message = Message.objects.get(contact__isnull=False)
    Message.objects.filter(pk=message.pk).update(state=Message.State.SENT, provider_message_id="pm-123")
    return message


def post_postmark(client, payload, secret=SECRET):
    headers = {}
    if secret:
        headers["HTTP_AUTHORIZATION"] = "Basic " + base64.b64encode(secret.encode()).decode()
    return client.post(
        reverse("anymail:postmark_tracking_webhook"),
        data=json.dumps(payload),
        content_type="application/json",
        **headers,
    )


def test_a_delivery_report_marks_the_message_delivered(client, sent_message):
    response = post_postmark(
        client,
        {
            "RecordType": "Delivery",
            "MessageID": "pm-123",
            "Recipient": "jack@hf.example",
            "DeliveredAt": "2026-03-03T00:31:00Z",
            "Details": "Test delivery",
            "Tag": "decision_confirmation",
            "ServerID": 1,
            "Metadata": {},
        },
    )
    assert response.status_code == 200
    sent_message.refresh_from_db()
    assert sent_message.state == Message.State.DELIVERED
    assert sent_message.delivered_at == dt.datetime(2026, 3, 3, 0, 31, tzinfo=dt.UTC)


def test_a_bounce_flags_the_contact_and_tells_the_owner(client, sent_message):
    response = post_postmark(
        client,
        {
            "RecordType": "Bounce",
            "ID": 42,
            "Type": "HardBounce",
            "TypeCode": 1,
            "MessageID": "pm-123",
            "Email": "jack@hf.example",
            "BouncedAt": "2026-03-03T00:32:00Z",
            "Description": "The server was unable to deliver your message",
            "Details": "smtp;550 5.1.1 unknown user",
            "Tag": "",
            "ServerID": 1,
            "Metadata": {},
            "Inactive": True,
            "CanActivate": True,
        },
    )
    assert response.status_code == 200
    sent_message.refresh_from_db()
    assert sent_message.state == Message.State.BOUNCED
    assert Contact.objects.get(email="jack@hf.example").email_bounced_at is not None
    alert = Message.objects.get(subject__startswith="Bounced:")
    assert alert.user == sent_message.project.owner


def test_a_webhook_without_the_secret_is_refused_and_changes_nothing(client, sent_message):
    payload = {
        "RecordType": "Delivery",
        "MessageID": "pm-123",
        "Recipient": "jack@hf.example",
        "DeliveredAt": "2026-03-03T00:31:00Z",
    }
    assert post_postmark(client, payload, secret=None).status_code in (400, 401, 403)
    assert post_postmark(client, payload, secret="anymail:wrong").status_code in (400, 401, 403)
    sent_message.refresh_from_db()
    assert sent_message.state == Message.State.SENT


def test_the_morning_digest_lists_only_what_needs_the_owner_and_is_skipped_when_all_is_well():
    project = make_project()
    digest = Deadline.objects.get(owner=project.owner, kind=Deadline.Kind.MORNING_DIGEST)
    run_tick(digest.due_at)
    assert not Message.objects.filter(kind="morning_digest").exists()  # nothing late: no mail
    Commitment.objects.create(project=project, description="Send the test plan", due_on=dt.date(2026, 3, 1))
    digest.refresh_from_db()
    run_tick(max(digest.due_at, dt.datetime(2026, 3, 4, 9, tzinfo=dt.UTC)))
    mail = Message.objects.get(kind="morning_digest")
    assert mail.to_email == project.owner.email
    assert mail.subject == "Today: 1 thing needs you"
    assert "“Send the test plan” was promised for" in mail.body_text


def run_digest_at(owner, instant, time_machine):
    """Run the owner's digest at `instant` as the tick would, and return its body ('' if none went out)."""
    Message.objects.filter(kind="morning_digest").delete()
    Deadline.objects.filter(owner=owner, kind=Deadline.Kind.MORNING_DIGEST, is_active=True).update(
        due_at=instant
    )
    time_machine.move_to(instant, tick=False)
    run_tick()
    digest = Message.objects.filter(kind="morning_digest").first()
    return digest.body_text if digest else ""


def draft_owed(project, kind, subject, send_by):
    return Update.objects.create(
        project=project,
        kind=kind,
        subject=subject,
        technical_body="Detail.",
        executive_body="Summary.",
        status_line="On track.",
        rag="green",
        send_by=send_by,
        created_at=send_by - dt.timedelta(days=1),
    )


@pytest.mark.parametrize("run_at", [dt.time(17, 0), dt.time(19, 30)], ids=["at closing time", "after it"])
def test_a_digest_run_at_or_after_closing_time_means_today_by_due_today(run_at, time_machine):
    london = ZoneInfo("Europe/London")  # the team's calendar: 09:00–17:00 on weekdays
    time_machine.move_to(dt.datetime(2026, 3, 9, 8, 0, tzinfo=london), tick=False)
    project = make_project()
    draft_owed(
        project, "build_status", "Owed at today's close", dt.datetime(2026, 3, 10, 17, 0, tzinfo=london)
    )
    draft_owed(project, "qa_note", "Owed tomorrow morning", dt.datetime(2026, 3, 11, 10, 0, tzinfo=london))

    body = run_digest_at(
        project.owner, dt.datetime.combine(dt.date(2026, 3, 10), run_at, london), time_machine
    )

    assert "“Owed at today's close” waits for your review, owed today." in body
    assert "Owed tomorrow morning" not in body


def test_a_sydney_teams_tuesday_digest_lists_mondays_promise(time_machine):
    BusinessCalendar.objects.filter(is_team_default=True).update(
        time_zone="Australia/Sydney", holiday_country="AU", holiday_subdivision="NSW"
    )
    sydney = ZoneInfo("Australia/Sydney")
    time_machine.move_to(dt.datetime(2026, 3, 6, 12, 0, tzinfo=sydney), tick=False)
    project = make_project()
    Commitment.objects.create(project=project, description="Send the test plan", due_on=dt.date(2026, 3, 9))

    # Tuesday 09:00 in Sydney is still Monday 22:00 in UTC.
    body = run_digest_at(project.owner, dt.datetime(2026, 3, 10, 9, 0, tzinfo=sydney), time_machine)

    assert "“Send the test plan” was promised for Mon 09 Mar and is open." in body


def test_a_closed_projects_promises_are_not_in_the_digest(time_machine):
    london = ZoneInfo("Europe/London")
    time_machine.move_to(dt.datetime(2026, 3, 9, 8, 0, tzinfo=london), tick=False)
    owner = UserFactory()
    live, closed = make_project(owner=owner, name="Live"), make_project(owner=owner, name="Archived")
    Commitment.objects.create(project=live, description="Ship the exports", due_on=dt.date(2026, 3, 2))
    Commitment.objects.create(project=closed, description="Old promise", due_on=dt.date(2026, 3, 2))
    Project.objects.filter(pk=closed.pk).update(phase=Phase.CLOSED)

    body = run_digest_at(owner, dt.datetime(2026, 3, 10, 9, 0, tzinfo=london), time_machine)

    assert "“Ship the exports” was promised for" in body
    assert "Old promise" not in body


def test_export_record_prints_the_projects_record_oldest_first_as_json_and_csv(sent_message):
    project = sent_message.project
    out = io.StringIO()
    call_command("export_record", str(project.pk), stdout=out)
    entries = json.loads(out.getvalue())
    kinds = [entry["kind"] for entry in entries]
    assert {
        "phase_change",
        "decision",
        "update:decision_confirmation",
        "message:decision_confirmation",
    } <= set(kinds)
    assert [entry["at"] for entry in entries] == sorted(entry["at"] for entry in entries)
    assert not any(
        entry["kind"] == "message:owner_alert" for entry in entries
    )  # team mail is not the client's
    out = io.StringIO()
    call_command("export_record", project.name, "--format", "csv", stdout=out)
    assert out.getvalue().splitlines()[0] == "at,kind,direction,title,detail,state"


def test_export_record_names_a_missing_project_clearly():
    with pytest.raises(CommandError, match="No project “Nope”"):
        call_command("export_record", "Nope")


def test_a_spam_complaint_stops_routine_mail_to_the_contact_and_tells_the_owner(client, sent_message):
    response = post_postmark(
        client,
        {
            "RecordType": "SpamComplaint",
            "ID": 43,
            "Type": "SpamComplaint",
            "TypeCode": 512,
            "MessageID": "pm-123",
            "Email": "jack@hf.example",
            "BouncedAt": "2026-03-03T09:00:00Z",
            "Description": "The subscriber explicitly marked this message as spam.",
            "Tag": "",
            "ServerID": 1,
            "Metadata": {},
            "Inactive": True,
            "CanActivate": False,
        },
    )
    assert response.status_code == 200
    jack = sent_message.contact
    jack.refresh_from_db()
    assert not jack.receives_updates
    assert jack not in sent_message.project.mail_recipients()
    alert = Message.objects.get(subject=f"{jack.name} marked our mail as spam")
    assert alert.user == sent_message.project.owner
