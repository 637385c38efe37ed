"""Response deadlines for client email on the team's calendar (London, 09:00–17:00, English holidays)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from comms import obligations
from comms.clock import BusinessClock
from comms.models import Deadline, Message
from comms.responses import answered_by_phone, is_urgent, reply_to_client
from comms.tick import run_tick
from escalations.models import Escalation
from projects.models import Contact
from tests.factories import ContactFactory, make_project

LONDON = ZoneInfo("Europe/London")
TEAM = BusinessClock("Europe/London", frozenset(range(5)), dt.time(9), dt.time(17), "GB", "ENG")


def london(*args):
    return dt.datetime(*args, tzinfo=LONDON)


def due(received, urgent=False):
    return obligations.response_due(received, TEAM, urgent=urgent)


def test_mail_at_1630_is_due_at_the_close_that_day_with_a_reminder_at_80_percent():
    deadline, reminder = due(london(2026, 3, 6, 16, 30))  # a Friday
    assert deadline.at == london(2026, 3, 6, 17, 0)
    assert reminder == london(2026, 3, 6, 16, 54)


def test_mail_at_2000_is_due_three_business_hours_after_the_next_opening():
    assert due(london(2026, 3, 10, 20, 0))[0].at == london(2026, 3, 11, 12, 0)


def test_mail_on_the_eve_of_easter_waits_for_tuesday():
    deadline, _ = due(london(2026, 4, 2, 20, 0))  # Thursday evening; Good Friday and Easter Monday follow
    assert deadline.at == london(2026, 4, 7, 12, 0)
    assert "Good Friday" in deadline.explanation and "Easter Monday" in deadline.explanation


def test_mail_on_friday_night_before_the_clocks_change_is_due_monday_noon_summer_time():
    deadline, _ = due(london(2026, 3, 27, 20, 0))  # GMT; British Summer Time starts Sunday 29 March
    assert deadline.at == london(2026, 3, 30, 12, 0)
    assert deadline.at.astimezone(dt.UTC).hour == 11


def test_urgent_mail_at_night_is_due_one_business_hour_after_opening():
    assert due(london(2026, 3, 10, 23, 0), urgent=True)[0].at == london(2026, 3, 11, 10, 0)


@pytest.mark.parametrize(
    ("subject", "headers", "urgent"),
    [
        ("URGENT: payments failing", [], True),
        ("Site is down", [], True),
        ("Quick question about fonts", [], False),
        ("Downloads page copy", [], False),  # "down" only as a whole word
        ("Dringend: Zahlungen schlagen fehl", [], True),
        ("Störung im Kundenportal", [], True),
        ("Frage zu den Schriften", [], False),
        ("Site en panne depuis ce matin", [], True),
        ("Question sur les polices", [], False),
        ("Urgente: la web está caída", [], True),
        ("Pregunta sobre las fuentes", [], False),
        ("Invoice", [("X-Priority", "1 (Highest)")], True),
        ("Invoice", [("Importance", "High")], True),
    ],
)
def test_urgent_is_the_subject_word_or_a_high_priority_header(subject, headers, urgent):
    assert is_urgent(subject, headers) is urgent


@pytest.fixture
def waiting_mail(db):
    from comms.inbound import store_client_mail

    project = make_project()
    contact = ContactFactory(client=project.client, email="dana@cobalt.example", kind=Contact.Kind.EXECUTIVE)
    project.contacts.add(contact)
    return store_client_mail(
        esp_name="Postmark",
        provider_id="<abc@cobalt.example>",
        sender=contact.email,
        recipients=[f"reply+{project.reply_token}@portal.localhost"],
        subject="Can we move the demo?",
        text="Thursday does not work for us.",
        attachments=[],
        headers=[],
        received_at=london(2026, 3, 10, 10, 0),
    )


def test_the_owner_is_reminded_at_80_percent_and_an_escalation_is_raised_at_the_breach(waiting_mail):
    assert waiting_mail.respond_by == london(2026, 3, 10, 13, 0)
    run_tick(london(2026, 3, 10, 12, 24))
    owner = waiting_mail.project.owner
    reminder = Message.objects.get(user=owner, subject="Reply due soon: Can we move the demo?")
    assert (
        "dana@cobalt.example wrote Tue 10 Mar 10:00 London and is waiting. Reply by Tue 10 Mar 13:00 London"
        in reminder.body_text
    )
    assert not Escalation.objects.exists()
    run_tick(london(2026, 3, 10, 13, 0))
    escalation = Escalation.objects.get()
    assert escalation.description.startswith(
        "dana@cobalt.example wrote Tue 10 Mar 10:00 London; the reply was due"
    )
    assert (escalation.category, escalation.tier, escalation.source_message) == (
        "unanswered_mail",
        1,
        waiting_mail,
    )
    assert escalation.first_responder == owner
    run_tick(london(2026, 3, 10, 13, 5))
    assert Escalation.objects.count() == 1


def test_a_reply_from_the_portal_meets_the_deadline_and_nothing_fires(waiting_mail):
    at = london(2026, 3, 10, 11, 0)
    reply = reply_to_client(
        waiting_mail, by=waiting_mail.project.owner, body="Friday works — confirmed.", now=at
    )
    assert reply.subject == "Re: Can we move the demo?" and reply.to_email == "dana@cobalt.example"
    assert reply.in_reply_to == "<abc@cobalt.example>"  # mail clients keep it in the client's thread
    from comms.outbox import as_email

    assert as_email(reply).extra_headers["In-Reply-To"] == "<abc@cobalt.example>"
    waiting_mail.refresh_from_db()
    assert waiting_mail.responded_at == at
    assert not Deadline.objects.filter(message=waiting_mail, is_active=True).exists()
    run_tick(london(2026, 3, 10, 18, 0))
    assert not Escalation.objects.exists()


def test_answered_by_phone_counts_with_its_note(waiting_mail):
    answered_by_phone(
        waiting_mail,
        by=waiting_mail.project.owner,
        note="Agreed Friday 10:00",
        now=london(2026, 3, 10, 12, 0),
    )
    waiting_mail.refresh_from_db()
    assert waiting_mail.responded_at == london(2026, 3, 10, 12, 0)
    assert "Agreed Friday 10:00" in waiting_mail.response_note
