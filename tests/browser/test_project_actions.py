"""The project page in Chromium: a refused form comes back where it was, opened, with the error
beside the field and the cursor in it, the address still the project page's; and the actions a lead
used to need the admin for — a promise's progress and recovery plan, waiting on the client and
resuming, pausing an escalation, auto-send and the delivery terms — done from the page."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from escalations import services as escalation_services
from projects.services import add_commitment
from tests.factories import UserFactory, make_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def project(org_defaults):
    lead = UserFactory(username="lena", first_name="Lena", last_name="Fischer", email="lena@agency.example")
    lead.set_password("lead-demo-2026")
    lead.save()
    project = make_project(owner=lead, name="Fleet dashboard")
    add_commitment(project, description="Send the test plan", due_on=dt.date(2026, 12, 4))
    escalation_services.raise_escalation(
        project,
        category="technical_failure",
        severity="moderate",
        title="Staging is down",
        description="The staging server answers 502.",
        now=timezone.now(),
        by=lead,
    )
    return project


def open_project(page, live_server, project, *, width=1280):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/projects/{project.pk}/")
    page.get_by_label("Username").fill("lena")
    page.get_by_label("Password").fill("lead-demo-2026")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Fleet dashboard")).to_be_visible()
    return f"{live_server.url}/projects/{project.pk}/"


def without_browser_checks(section):
    """The browser already stops an empty required field or a number out of range; switching its
    checks off sends the form as it is, to show what the server answers."""
    section.locator("form").evaluate_all("forms => forms.forEach(form => { form.noValidate = true; })")


def test_a_refused_escalation_shows_its_error_in_the_open_section_with_the_focus_on_it(
    live_server, page, project
):
    address = open_project(page, live_server, project)
    escalations = page.locator("section#escalations")
    escalations.get_by_text("Raise an escalation").click()
    escalations.get_by_label("Description").fill("Their invoice does not match the quote.")
    without_browser_checks(escalations)
    escalations.get_by_role("button", name="Raise").click()

    title = page.locator("section#escalations").get_by_label("Title")
    expect(page.locator("section#escalations").get_by_text("This field is required.")).to_be_visible()
    expect(title).to_be_focused()
    expect(page.locator("section#escalations").get_by_label("Description")).to_have_value(
        "Their invoice does not match the quote."
    )
    assert page.url == address

    title.fill("Invoice queried")
    page.locator("section#escalations").get_by_role("button", name="Raise").click()
    expect(page.get_by_role("status")).to_contain_text("Escalation raised")
    assert page.url == address
    assert project.escalations.filter(title="Invoice queried").exists()


def test_progress_waiting_and_resume_of_a_promise_from_the_page(live_server, page, project):
    open_project(page, live_server, project)
    promise = page.locator("section#commitments li", has_text="Send the test plan")
    promise.get_by_text("Progress and recovery plan").click()
    promise.get_by_label("Done, in per cent").fill("140")
    without_browser_checks(promise)
    promise.get_by_role("button", name="Save progress").click()

    promise = page.locator("section#commitments li", has_text="Send the test plan")
    expect(promise.get_by_text("Ensure this value is less than or equal to 100.")).to_be_visible()
    expect(promise.get_by_label("Done, in per cent")).to_be_focused()
    promise.get_by_label("Done, in per cent").fill("40")
    promise.get_by_label("Recovery plan").fill("A second tester joins on Monday.")
    promise.get_by_role("button", name="Save progress").click()
    expect(page.get_by_role("status")).to_contain_text("40% done")

    promise = page.locator("section#commitments li", has_text="Send the test plan")
    expect(promise).to_contain_text("Recovery plan: A second tester joins on Monday.")
    promise.get_by_text("Waiting on the client?").click()
    promise.get_by_label("Waiting on the client for").fill("Their test accounts")
    promise.get_by_role("button", name="Pause: their move").click()
    expect(page.get_by_role("status")).to_contain_text("waits on the client for Their test accounts")

    page.locator("section#commitments").get_by_role("button", name="Resume: the client has answered").click()
    expect(page.get_by_role("status")).to_contain_text("is our move again")
    commitment = project.commitments.get()
    assert (commitment.progress, commitment.waiting_for) == (40, "")


def test_an_escalation_waits_on_the_client_and_resumes(live_server, page, project):
    open_project(page, live_server, project)
    escalation = page.locator("section#escalations li", has_text="Staging is down")
    escalation.get_by_text("Move up, comment, wait on the client").click()
    escalation.get_by_label("Step").select_option("wait")
    escalation.get_by_role("button", name="Apply").click()
    expect(
        page.locator("section#escalations").get_by_text("Say what is awaited from the client.")
    ).to_be_visible()

    escalation = page.locator("section#escalations li", has_text="Staging is down")
    escalation.get_by_label("Note, reason, what is awaited, or resolution").fill("Their server logs")
    escalation.get_by_role("button", name="Apply").click()
    expect(page.locator("section#escalations")).to_contain_text("the resolve clock is paused")

    escalation = page.locator("section#escalations li", has_text="Staging is down")
    escalation.get_by_text("Move up, comment, wait on the client").click()
    escalation.get_by_label("Step").select_option("resume")
    escalation.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("status")).to_contain_text("resume")
    assert project.escalations.get().paused_at is None


def test_auto_send_and_delivery_terms_on_a_phone(live_server, page, project):
    open_project(page, live_server, project, width=390)
    plan = page.locator("section#plan")
    plan.get_by_text("Change auto-send, known limitations or support terms").click()
    plan.get_by_label("Auto send drafts").check()
    plan.get_by_label("Known limitations").fill("No offline mode yet.")
    plan.get_by_role("button", name="Save drafts and delivery terms").click()
    expect(page.get_by_role("status")).to_contain_text("Drafts and delivery terms saved")
    expect(page.locator("section#plan")).to_contain_text("Drafts go out by themselves")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    project.refresh_from_db()
    assert project.auto_send_drafts and project.known_limitations == "No offline mode yet."
