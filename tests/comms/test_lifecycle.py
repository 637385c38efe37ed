"""One project simulated hour by hour from kickoff to day 30 after launch, for a client in Sydney
(southern hemisphere: daylight saving ends on 5 April 2026) with Easter and Anzac Day in the way.
The team works from London. Assertions are about the mail the client actually received."""

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
import time_machine

from comms.lifecycle import change_phase, log_kickoff, record_client_message, record_launch
from comms.models import Message
from comms.tick import run_tick
from projects.models import Contact, Phase
from tests.factories import CalendarFactory, ClientFactory, ContactFactory, make_project

pytestmark = pytest.mark.django_db

SYDNEY = ZoneInfo("Australia/Sydney")
NSW_HOLIDAYS_2026 = {dt.date(2026, 4, 3), dt.date(2026, 4, 6), dt.date(2026, 4, 27)}


def sydney(*args):
    return dt.datetime(*args, tzinfo=SYDNEY)


@pytest.fixture
def sydney_project():
    calendar = CalendarFactory(time_zone="Australia/Sydney", opens_at=dt.time(9), closes_at=dt.time(17))
    client = ClientFactory(name="Harbour & Finch", calendar=calendar)
    project = make_project(client=client, name="Fleet dashboard", auto_send_drafts=True)
    project.contacts.set(
        [
            ContactFactory(
                client=client, name="Mia Thompson", email="mia@hf.example", kind=Contact.Kind.EXECUTIVE
            ),
            ContactFactory(
                client=client, name="Jack Nguyen", email="jack@hf.example", kind=Contact.Kind.TECHNICAL
            ),
        ]
    )
    return project


def simulate(project, start, end, events):
    """Tick every hour (as beat would, coarser), firing the lead's actions at their instants."""
    instant = start
    while instant <= end:
        with time_machine.travel(instant, tick=False):
            for action in events.pop(instant, []):
                action()
            run_tick()
        instant += dt.timedelta(hours=1)


def test_a_project_from_kickoff_to_day_30_after_launch(sydney_project):
    project, owner = sydney_project, sydney_project.owner
    start = sydney(2026, 3, 2, 10)  # Monday
    launch = sydney(2026, 4, 20, 11)  # Monday
    events = {
        start: [lambda: log_kickoff(project, at=start, by=owner)],
        sydney(2026, 3, 11, 14): [lambda: record_client_message(project, at=sydney(2026, 3, 11, 14))],
        sydney(2026, 3, 16, 10): [lambda: change_phase(project, to=Phase.BUILD, by=owner)],
        sydney(2026, 3, 30, 10): [lambda: change_phase(project, to=Phase.QA, by=owner)],
        sydney(2026, 4, 13, 10): [lambda: change_phase(project, to=Phase.DELIVERY, by=owner)],
        launch: [
            lambda: record_launch(project, at=launch, by=owner),
            lambda: change_phase(project, to=Phase.SUPPORT, by=owner),
        ],
    }
    simulate(project, start, sydney(2026, 5, 22, 18), events)

    sent = list(
        Message.objects.filter(project=project, contact__isnull=False).select_related("contact", "update")
    )
    assert sent and all(message.state == Message.State.SENT for message in sent)

    # Routine mail reached the client inside Sydney business hours, never on a weekend or holiday.
    for message in sent:
        local = message.sent_at.astimezone(SYDNEY)
        assert dt.time(9) <= local.time() < dt.time(17), (message.subject, local)
        assert local.weekday() < 5 and local.date() not in NSW_HOLIDAYS_2026, (message.subject, local)

    # Each update reached each recipient once.
    per_recipient = Counter((message.update_id, message.contact_id) for message in sent)
    assert set(per_recipient.values()) == {1}

    kinds = Counter(message.update.kind for message in sent if message.contact.name == "Jack Nguyen")
    assert kinds["kickoff_summary"] == 1
    assert kinds["phase_notice"] == 4  # build, QA, delivery, support
    assert kinds["delivery_summary"] == 1
    assert kinds["discovery_summary"] >= 3
    assert kinds["build_status"] >= 1
    assert kinds["qa_note"] >= 5  # a note every business day of QA, Easter excepted

    checkins = sorted(
        message.sent_at.astimezone(SYDNEY)
        for message in sent
        if message.update.kind == "post_launch_checkin"
        and message.contact.name == "Jack Nguyen"
        and message.update.source
        and message.update.source.kind == "checkin"
    )
    # Day 7 is Monday 27 April, when NSW observes Anzac Day (it fell on the Saturday): Tuesday.
    # Day 30 is Wednesday 20 May.
    assert [moment.date() for moment in checkins] == [dt.date(2026, 4, 28), dt.date(2026, 5, 20)]

    # The kickoff summary went out within one business day of the call.
    kickoff = next(m for m in sent if m.update.kind == "kickoff_summary")
    assert kickoff.sent_at <= sydney(2026, 3, 3, 10)

    # Executives got the short status at a glance, technical contacts the detail.
    mia = [m for m in sent if m.contact.name == "Mia Thompson" and m.update.kind == "build_status"][0]
    jack = [m for m in sent if m.contact.name == "Jack Nguyen" and m.update_id == mia.update_id][0]
    assert "Status:" in mia.body_text and len(mia.body_text) < len(jack.body_text)
