"""The project page reads in words: the record's entries say what happened, not their codes, and
every time on the page says which zone it is in."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import strip_tags

from comms import drafts
from comms.lifecycle import change_phase, log_decision
from comms.models import Message, Update, UpdateKind
from projects.models import Phase
from projects.services import add_commitment
from tests.factories import make_client_mail, make_project

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)
MESSAGE_KINDS = ["reply", "client_mail", "escalation_raised", "escalation_resolved", *drafts.KINDS]


@pytest.fixture
def project(lead):
    with time_machine.travel(NOW, tick=False):
        return make_project(owner=lead, name="Fleet dashboard")


def timeline(client, project):
    with time_machine.travel(NOW, tick=False):
        html = client.get(reverse("dashboard:project", args=[project.pk])).content.decode()
    # What a person reads: the text, not the markup.
    return " ".join(strip_tags(html.split('<ol class="timeline">', 1)[1].split("</ol>", 1)[0]).split())


def an_update(project, kind, state=Update.State.DRAFT):
    return Update.objects.create(
        project=project,
        kind=kind,
        subject=f"About {kind.replace('_', ' ')}",
        technical_body="Body",
        executive_body="Body",
        status_line="On track",
        rag="green",
        state=state,
        send_by=NOW,
        created_at=NOW,
    )


def a_message(project, kind, index):
    return Message.objects.create(
        project=project,
        kind=kind,
        from_email="team@agency.example",
        to_email="jack@hf.example",
        subject=f"Mail {index}",
        body_text="Body",
        state=Message.State.DELIVERED,
        dedupe_key=f"mail-{index}",
        created_at=NOW,
        sent_at=NOW,
    )


def test_every_kind_of_record_entry_is_labelled_in_words(client, lead, project):
    with time_machine.travel(NOW, tick=False):
        log_decision(project, summary="Use Stripe", made_in="call", made_at=NOW, by=lead)
        change_phase(project, to=Phase.BUILD, by=lead)
        add_commitment(project, description="Ship the exports", due_on=dt.date(2026, 12, 4))
        make_client_mail(project, "A question", at=NOW)
    for kind in drafts.KINDS:
        an_update(project, kind, state=Update.State.SENT)
    for index, kind in enumerate(MESSAGE_KINDS):
        a_message(project, kind, index)

    shown = timeline(client, project)

    assert not re.findall(r"\b[a-z]+(?:_[a-z]+)+\b|\b[a-z]+:[a-z]", shown), shown
    assert "Decision confirmation drafted" in shown
    assert "Phase changed: Discovery to Build" in shown
    assert "Project started: Discovery phase" in shown
    assert "Post-launch check-in sent" in shown
    assert "Email from the client" in shown
    assert "Decision logged" in shown
    assert "Promise made" in shown


def test_every_draft_kind_and_cadence_kind_has_a_label_of_its_own():
    from comms.record import entry_kind_label

    for kind in [*drafts.KINDS, *UpdateKind.values, *MESSAGE_KINDS]:
        label = entry_kind_label(kind)
        assert "_" not in label and label[0].isupper(), kind


def test_times_on_the_project_page_carry_the_team_zone(client, lead, project):
    with time_machine.travel(NOW, tick=False):
        log_decision(project, summary="Use Stripe", made_in="call", made_at=NOW, by=lead)

    shown = timeline(client, project)

    assert "Tue 24 Nov 09:00 London" in shown
