"""A client contact opens the link from their update email, reads the status, subscribes to the
calendar, and later meets an expired link. Screenshot in docs/."""

from pathlib import Path
from urllib.request import urlopen

import icalendar
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from comms.autopilot import send_update
from comms.lifecycle import log_decision
from comms.models import Message, Update
from projects.models import Contact
from tests.factories import ContactFactory, make_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_a_client_follows_the_link_in_an_update_email(live_server, page, org_defaults, settings):
    settings.SITE_URL = live_server.url
    project = make_project(name="Fleet dashboard")
    project.contacts.add(
        ContactFactory(client=project.client, name="Mia Thompson", kind=Contact.Kind.EXECUTIVE)
    )
    log_decision(
        project, summary="Launch in two stages", made_in="call", made_at=timezone.now(), by=project.owner
    )
    send_update(Update.objects.get(), by=project.owner, now=timezone.now())
    email = Message.objects.get(contact__name="Mia Thompson").body_text
    link = email.split("Your project status, any time: ")[1].split()[0]

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(link)
    page.get_by_role("link", name="Fleet dashboard").click()
    expect(page.get_by_role("heading", name="Whose move")).to_be_visible()
    expect(page.get_by_text("Launch in two stages").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    DOCS.mkdir(exist_ok=True)
    page.screenshot(path=str(DOCS / "portal.png"), full_page=True)

    feed_url = page.get_by_role("link", name="Add these dates to your calendar").get_attribute("href")
    with urlopen(f"{live_server.url}{feed_url}") as response:  # as a calendar app would, without cookies
        feed = icalendar.Calendar.from_ical(response.read())
    assert str(feed["x-wr-calname"]).startswith("Fleet dashboard")

    page.goto(link[:-3] + "xyz")
    expect(page.get_by_role("heading", name="This link has expired — request a new one")).to_be_visible()
