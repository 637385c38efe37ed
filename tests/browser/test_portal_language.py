"""On a phone, a German client contact walks the portal in German: the project page with German
dates, an older page, the satisfaction question; and an expired link in their browser's German."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from comms.autopilot import draft_now, send_update
from comms.models import SatisfactionAnswer, Update
from comms.obligations import Due
from projects.models import Contact
from projects.portal_access import link_token
from tests.browser.conftest import watched_page
from tests.factories import ContactFactory, make_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def german_phone(browser):
    """A phone whose browser asks for German."""
    with watched_page(browser, locale="de-DE", viewport=PHONE) as page:
        yield page


def sent_updates(project, count, now):
    for week in range(1, count + 1):
        at = now - dt.timedelta(days=7 * (count - week) + 1)
        Update.objects.create(
            project=project,
            kind="build_status",
            subject=f"Woche {week}",
            technical_body="Details.",
            executive_body="Im Plan.",
            status_line="Im Plan.",
            rag="green",
            state="sent",
            send_by=at,
            created_at=at,
            sent_at=at,
        )


def fits_the_phone(page):
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_german_contact_walks_the_portal_in_german_on_a_phone(live_server, german_phone, org_defaults):
    page, now = german_phone, timezone.now()
    project = make_project(name="Flottenportal")
    lena = ContactFactory(
        client=project.client, name="Lena Vogel", kind=Contact.Kind.EXECUTIVE, language="de"
    )
    project.contacts.add(lena)
    sent_updates(project, 25, now)
    checkin = draft_now(
        project, "post_launch_checkin", now=now, send_by=Due(now + dt.timedelta(hours=4), "today"), day=30
    )
    send_update(checkin, by=project.owner, now=now)  # asks Lena how satisfied she is

    page.goto(live_server.url + reverse("portal:open_link", args=[link_token(lena)]))
    expect(page.get_by_role("heading", name="Ihre Projekte")).to_be_visible()
    page.get_by_role("link", name="Flottenportal").click()
    expect(page.get_by_role("heading", name="Wer ist am Zug")).to_be_visible()
    expect(page.get_by_role("heading", name="Was wir zugesagt haben")).to_be_visible()
    expect(page.get_by_role("button", name="Abmelden")).to_be_visible()
    weekday = ("Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa.", "So.")[timezone.localtime(now).weekday()]
    expect(page.get_by_text(weekday).first).to_be_visible()  # a date written the German way
    assert page.locator("html").get_attribute("lang") == "de"
    assert fits_the_phone(page)

    page.get_by_role("link", name="Ältere Updates").click()
    expect(page.get_by_role("heading", name="Flottenportal: ältere Updates")).to_be_visible()
    expect(page.get_by_text("Woche 1", exact=True)).to_be_visible()
    assert fits_the_phone(page)
    page.get_by_role("link", name="Neuere Updates").click()

    expect(page.get_by_role("heading", name="Wie zufrieden sind Sie mit uns?")).to_be_visible()
    page.get_by_text("4 — Zufrieden", exact=True).click()
    page.get_by_role("button", name="Antwort senden").click()
    expect(page.get_by_role("heading", name="Vielen Dank")).to_be_visible()
    page.get_by_label("Möchten Sie uns noch etwas sagen? (freiwillig)").fill("Alles bestens.")
    page.get_by_role("button", name="Kommentar senden").click()
    expect(page.get_by_text("Danke für Ihren Kommentar")).to_be_visible()
    assert fits_the_phone(page)
    answer = SatisfactionAnswer.objects.get()
    assert (answer.score, answer.comment) == (4, "Alles bestens.")

    page.goto(live_server.url + reverse("portal:open_link", args=["abgelaufen"]))
    expect(
        page.get_by_role("heading", name="Dieser Link ist abgelaufen — fordern Sie einen neuen an")
    ).to_be_visible()
