"""A lead's morning in the browser: sign in, find the red project, send its draft, log a decision,
answer the client, raise and acknowledge an escalation. Screenshots go to docs/."""

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from comms.inbound import store_client_mail
from comms.lifecycle import log_decision
from comms.models import Message, Update
from escalations.models import Escalation
from projects.models import Commitment, Contact
from tests.factories import ContactFactory, UserFactory, make_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.fixture
def morning(org_defaults):
    lead = UserFactory(username="lena", first_name="Lena", last_name="Fischer", email="lena@agency.example")
    lead.set_password("lead-demo-2026")
    lead.save()
    red = make_project(owner=lead, name="Fleet dashboard")
    red.contacts.add(
        ContactFactory(
            client=red.client, name="Jack Nguyen", email="jack@hf.example", kind=Contact.Kind.TECHNICAL
        )
    )
    Commitment.objects.create(project=red, description="Send the test plan", due_on="2026-01-05")
    Commitment.objects.create(project=red, description="Share staging access", due_on="2026-01-06")
    log_decision(red, summary="Launch in two stages", made_in="call", made_at=timezone.now(), by=lead)
    store_client_mail(
        esp_name="Postmark",
        provider_id="<q1@hf.example>",
        sender="jack@hf.example",
        recipients=[f"reply+{red.reply_token}@portal.localhost"],
        subject="Can we move the demo?",
        text="Thursday does not work for us.",
        attachments=[],
        headers=[],
        received_at=timezone.now(),
    )
    for name in ("Booking app", "Warehouse scanner app", "Statement archive"):
        make_project(owner=lead, name=name)
    return red


def test_a_leads_morning(live_server, page, morning):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill("lena")
    page.get_by_label("Password").fill("lead-demo-2026")
    page.get_by_role("button", name="Sign in").click()

    first_row = page.locator("table.portfolio tbody tr").first
    expect(first_row).to_contain_text("Fleet dashboard")
    expect(first_row).to_contain_text("RED")
    DOCS.mkdir(exist_ok=True)
    page.screenshot(path=str(DOCS / "portfolio.png"), full_page=True)

    first_row.get_by_role("link", name="Fleet dashboard").click()
    expect(page.get_by_role("heading", name="Drafts waiting for review")).to_be_visible()
    page.screenshot(path=str(DOCS / "project.png"), full_page=True)

    mail = page.locator("section", has=page.get_by_role("heading", name="Client email waiting for a reply"))
    mail.get_by_label("Your reply").fill("Friday works — see you then.")
    mail.get_by_role("button", name="Send reply").click()
    expect(page.get_by_role("status")).to_contain_text("Reply sent to jack@hf.example")
    assert Message.objects.get(direction="in").responded_at is not None

    draft = page.locator("article.draft").first
    draft.get_by_role("link", name="Executive").click()  # htmx swaps the preview in, no page load
    expect(draft.locator("pre.email-preview")).to_contain_text("Status:")
    assert page.url.endswith(f"/projects/{morning.pk}/")
    draft.get_by_label("Technical body").fill("We agreed on the call to launch in two stages.")
    draft.get_by_role("button", name="Send now").click()
    expect(page.get_by_role("status")).to_contain_text("is on its way to the client")
    assert Update.objects.get(kind="decision_confirmation").state == "sent"

    decision = page.locator("section", has=page.get_by_role("heading", name="Log a decision"))
    decision.get_by_label("Summary").fill("Drop the PDF export")
    decision.get_by_label("Where it was made").select_option("meeting")
    decision.get_by_label("Made at").fill("2026-03-10T11:00")
    decision.get_by_role("button", name="Log decision").click()
    expect(page.get_by_role("status")).to_contain_text("its written confirmation is drafted below")

    escalations = page.locator("section", has=page.get_by_role("heading", name="Escalations"))
    escalations.get_by_text("Raise an escalation").click()
    escalations.get_by_label("Category").select_option("scope_change")
    escalations.get_by_label("Severity").select_option("moderate")
    escalations.get_by_label("Title").fill("Three more reports requested")
    escalations.get_by_label("Description").fill("Outside the signed scope.")
    escalations.get_by_role("button", name="Raise").click()
    expect(page.get_by_role("status")).to_contain_text("Escalation raised")
    page.locator("section", has=page.get_by_role("heading", name="Escalations")).get_by_role(
        "button", name="Acknowledge"
    ).click()
    expect(page.get_by_role("status")).to_contain_text("Escalation acknowledged")
    assert Escalation.objects.get().state == "acknowledged"


def test_the_pages_work_on_a_phone(live_server, page, morning, client):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("lena")
    page.get_by_label("Password").fill("lead-demo-2026")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("table.portfolio")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the portfolio scrolls sideways on a phone ({width}px)"
