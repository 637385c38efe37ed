"""On a phone, a client follows a score link from their day-30 check-in email, sends the score and
adds a comment; the low score reaches the account owner as a complaint with the comment."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from comms.autopilot import draft_now, send_update
from comms.models import Message, SatisfactionAnswer
from comms.obligations import Due
from escalations.models import Escalation
from projects.models import Contact
from tests.factories import ContactFactory, make_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_from_the_day_30_email_to_a_recorded_score_and_comment_on_a_phone(
    live_server, page, org_defaults, settings
):
    settings.SITE_URL = live_server.url
    project = make_project(name="Fleet dashboard")
    project.contacts.add(
        ContactFactory(client=project.client, name="Mia Thompson", kind=Contact.Kind.EXECUTIVE)
    )
    now = timezone.now()
    update = draft_now(
        project, "post_launch_checkin", now=now, send_by=Due(now + dt.timedelta(hours=4), "today"), day=30
    )
    send_update(update, by=project.owner, now=now)
    email = Message.objects.get(contact__name="Mia Thompson").body_text
    link = re.search(r"^2: (\S+)$", email, flags=re.MULTILINE).group(1)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(link)
    expect(page.get_by_role("heading", name="Fleet dashboard")).to_be_visible()
    expect(page.get_by_role("radio", name="2 — Dissatisfied")).to_be_checked()
    assert not SatisfactionAnswer.objects.exists()  # opening the link recorded nothing
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    expect(page.get_by_text("2 out of 5")).to_be_visible()
    page.get_by_label("Anything you would like to tell us? (optional)").fill("Bug reports waited a week.")
    page.get_by_role("button", name="Send my comment").click()
    expect(page.get_by_text("Thank you for your comment")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    answer = SatisfactionAnswer.objects.get()
    assert (answer.score, answer.comment) == (2, "Bug reports waited a week.")
    escalation = Escalation.objects.get()
    assert escalation.first_responder == project.client.account_owner
    assert escalation.events.filter(note__contains="Bug reports waited a week.").exists()
