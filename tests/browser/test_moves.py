"""Whose move in the browser: from the nav to what the team owes, each time with its zone, each line
a link to the place on the project page where it is done; on a phone nothing scrolls sideways."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from projects.models import Commitment
from projects.when import when
from tests.factories import ContactFactory, UserFactory, make_client_mail, make_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
LONG_WORD = "https://staging.hf.example/" + "x" * 60  # wider than a phone, short enough for a subject


@pytest.fixture
def owed_reply(org_defaults):
    lead = UserFactory(username="lena", first_name="Lena", last_name="Fischer")
    lead.set_password("lead-demo-2026")
    lead.save()
    project = make_project(owner=lead, name="Fleet dashboard")
    jack = ContactFactory(client=project.client, name="Jack Nguyen")
    now = timezone.now()
    message = make_client_mail(
        project, "Can we move the demo?", at=now, respond_by=now + dt.timedelta(hours=2), contact=jack
    )
    make_client_mail(project, f"Staging fails at {LONG_WORD}", at=now, respond_by=now + dt.timedelta(hours=3))
    Commitment.objects.create(
        project=project,
        description="Run the UAT",
        due_on=now.date() + dt.timedelta(days=7),
        waiting_for=f"Access to {LONG_WORD}",
        waiting_since=now - dt.timedelta(days=2),
    )
    return message


def sign_in(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("lena")
    page.get_by_label("Password").fill("lead-demo-2026")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Portfolio")).to_be_visible()


def test_a_lead_follows_an_owed_reply_from_whose_move_to_the_mail(live_server, page, owed_reply):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Whose move").click()

    expect(page.get_by_role("heading", name="Whose move", level=1)).to_be_visible()
    owed = page.get_by_role("region", name="We owe")
    row = owed.get_by_role("row", name="Reply to Jack Nguyen: Can we move the demo?")
    expect(row).to_contain_text(when(owed_reply.respond_by, "Europe/London"))  # the team's zone, named
    expect(page.get_by_role("region", name="We wait for")).to_contain_text("2 days")

    row.get_by_role("link", name="Reply to Jack Nguyen: Can we move the demo?").click()
    expect(page).to_have_url(f"{live_server.url}/projects/{owed_reply.project_id}/#mail-{owed_reply.pk}")
    expect(page.locator(f"#mail-{owed_reply.pk}")).to_be_in_viewport()
    expect(page.locator(f"#mail-{owed_reply.pk}")).to_contain_text("Can we move the demo?")


def test_whose_move_fits_a_phone(live_server, page, owed_reply):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/moves/")
    expect(page.get_by_role("region", name="We owe")).to_contain_text("Can we move the demo?")
    page.get_by_label("Projects", exact=True).select_option(label="Only those I own or lead")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(f"{live_server.url}/moves/?projects=mine")
    expect(page.get_by_role("region", name="We wait for")).to_contain_text("Run the UAT")
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
