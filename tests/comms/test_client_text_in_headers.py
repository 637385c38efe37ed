"""A client's words that go into the headers of our mail (their subject in a reply's "Re: …", a
reminder or an escalation's title; their Message-ID in In-Reply-To) are folded to one line rather
than refused: the client cannot be asked to write again, and a line break there would end the
header and start another."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from comms import outbox
from comms.models import Message
from comms.responses import reply_to_client, start_response_clock
from comms.tick import run_tick
from escalations.models import Escalation
from projects.models import Contact
from tests.factories import ContactFactory, make_client_mail, make_project

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
RECEIVED = dt.datetime(2026, 3, 10, 10, 0, tzinfo=LONDON)  # due 13:00 on the team's calendar
FOLDED = "Server down Bcc: everyone@example.com"


@pytest.fixture
def client_mail():
    """Mail whose subject arrived over two lines (an encoded word can carry a line break)."""
    project = make_project()
    contact = ContactFactory(client=project.client, email="jack@hf.example", kind=Contact.Kind.EXECUTIVE)
    project.contacts.add(contact)
    message = make_client_mail(
        project,
        "Server down\r\nBcc: everyone@example.com",
        "Nothing loads.",
        at=RECEIVED,
        contact=contact,
        provider_message_id="<abc@cobalt.example>\r\n\tX-Mailer: injected",
    )
    start_response_clock(message)
    return message


def test_a_reply_to_a_subject_over_two_lines_goes_out_on_one_line(client_mail):
    reply = reply_to_client(client_mail, by=client_mail.project.owner, body="Looking now.", now=RECEIVED)

    assert reply.subject == f"Re: {FOLDED}"
    assert outbox.deliver(reply.pk, now=RECEIVED) == "sent"
    [sent] = mail.outbox
    headers = sent.message()
    assert headers["Subject"] == f"Re: {FOLDED}"
    assert headers["In-Reply-To"] == "<abc@cobalt.example> X-Mailer: injected"
    assert headers["Bcc"] is None and headers["X-Mailer"] is None


def test_the_reminder_and_the_escalation_name_the_clients_subject_on_one_line(client_mail):
    owner = client_mail.project.owner

    run_tick(dt.datetime(2026, 3, 10, 12, 24, tzinfo=LONDON))
    run_tick(dt.datetime(2026, 3, 10, 13, 0, tzinfo=LONDON))

    alerts = Message.objects.filter(user=owner).values_list("subject", flat=True)
    assert f"Reply due soon: {FOLDED}" in alerts
    assert Escalation.objects.get().title == f"Unanswered client mail: {FOLDED}"
    assert f"Escalation for you: Unanswered client mail: {FOLDED}" in alerts
    assert not [subject for subject in alerts if "\n" in subject or "\r" in subject]


def test_a_reply_to_the_longest_subject_stored_still_fits_its_row(client_mail):
    Message.objects.filter(pk=client_mail.pk).update(subject="Invoice " + "x" * 292)  # 300, the most kept
    client_mail.refresh_from_db()

    reply = reply_to_client(client_mail, by=client_mail.project.owner, body="Paid today.", now=RECEIVED)

    reply.refresh_from_db()
    assert reply.subject == f"Re: Invoice {'x' * 288}"
