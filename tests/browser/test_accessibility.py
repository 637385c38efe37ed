"""axe-core (vendored in static/js/vendor/) run in Chromium on the lead's pages and on every page a
client sees: no serious or critical violation of the WCAG 2.0/2.1 A and AA rules or of the
best-practice rules, and no landmark problem at any impact."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from comms.inbound import store_client_mail
from comms.lifecycle import log_decision
from escalations.models import Category, Severity
from escalations.services import raise_escalation
from projects.management.commands.seed_demo import PORTAL_CONTACT
from projects.models import Commitment, Contact, Project
from projects.portal_access import portal_url
from tests.factories import ContactFactory, UserFactory, make_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
AXE_URL = "/static/js/vendor/axe.min.js"
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    "resultTypes": ["violations"],
}
FAILING_IMPACTS = {"serious", "critical"}


def is_landmark_rule(rule_id):
    # axe rates most landmark rules "moderate"; a page without sound landmarks still fails here.
    return rule_id.startswith("landmark-") or rule_id == "region"


def axe_violations(page):
    """Run axe on the page as it stands and return the violations this suite refuses, as lines.
    The script tag loads axe from our own origin, so the page's strict policy lets it run as is."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=AXE_URL)
    results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(" ".join(node["target"]) for node in violation["nodes"])
        for violation in results["violations"]
        if violation["impact"] in FAILING_IMPACTS or is_landmark_rule(violation["id"])
    ]


class Audit:
    """Collects the violations of each page checked, so one run names every page that fails."""

    def __init__(self, page):
        self.page = page
        self.found = {}

    def check(self, name):
        expect(self.page.locator("main")).to_be_visible()
        # axe skips what is hidden: open every disclosure so the forms folded inside are checked too.
        self.page.evaluate(
            "document.querySelectorAll('details').forEach(details => { details.open = true; })"
        )
        # The project page's folded forms load when opened (htmx); wait until every one has.
        expect(self.page.locator('details .lazy a[href^="?open="]')).to_have_count(0)
        violations = axe_violations(self.page)
        if violations:
            self.found[name] = violations

    def check_focus_order(self, name):
        """From the top of the page (loaded afresh), the first Tab stop is the skip link, shown on
        screen, and after following it the next Tab stop is inside the main content."""
        page = self.page
        page.goto(page.url)
        page.keyboard.press("Tab")
        skip_link = page.get_by_role("link", name="Skip to content")
        problems = []
        if not skip_link.evaluate("link => link === document.activeElement"):
            problems.append("the first Tab stop is not the skip link")
        elif not skip_link.evaluate("link => link.getBoundingClientRect().top >= 0"):
            problems.append("the focused skip link stays off screen")
        else:
            page.keyboard.press("Enter")
            page.keyboard.press("Tab")
            if not page.evaluate("document.querySelector('main').contains(document.activeElement)"):
                problems.append("after the skip link, Tab does not land in the main content")
        if problems:
            self.found.setdefault(f"{name}, focus order", []).extend(problems)

    def assert_clean(self):
        report = "\n".join(
            f"{name} ({len(lines)}):\n" + "\n".join(f"  - {line}" for line in lines)
            for name, lines in self.found.items()
        )
        assert not self.found, f"accessibility problems:\n{report}"


def submit_unchecked(button):
    """Submit the button's form past the browser's own checks, so the server's refusal is the page."""
    button.evaluate("button => { button.form.noValidate = true; }")
    button.click()


def sign_in(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("lena")
    page.get_by_label("Password").fill("lead-demo-2026")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Portfolio")).to_be_visible()


@pytest.fixture
def demo_data(org_defaults):
    call_command("seed_demo", stdout=io.StringIO())


@pytest.fixture
def demo_portfolio(demo_data):
    """The demo world with two projects turned red, so the portfolio shows every health colour."""
    for project in Project.objects.filter(name__in=["Statement archive", "Booking app"]):
        raise_escalation(
            project,
            category=Category.TECHNICAL_FAILURE,
            severity=Severity.CRITICAL,
            title="Staging is down",
            description="The client cannot test.",
            now=timezone.now(),
        )


@pytest.fixture
def busy_project(org_defaults):
    """A project with a draft, client mail waiting for a reply, an escalation and commitments."""
    lead = UserFactory(username="lena", first_name="Lena", last_name="Fischer", email="lena@agency.example")
    lead.set_password("lead-demo-2026")
    lead.save()
    project = make_project(owner=lead, name="Fleet dashboard")
    project.contacts.add(
        ContactFactory(
            client=project.client, name="Jack Nguyen", email="jack@hf.example", kind=Contact.Kind.TECHNICAL
        )
    )
    Commitment.objects.create(project=project, description="Send the test plan", due_on="2026-01-05")
    log_decision(project, summary="Launch in two stages", made_in="call", made_at=timezone.now(), by=lead)
    store_client_mail(
        esp_name="Postmark",
        provider_id="<q1@hf.example>",
        sender="jack@hf.example",
        recipients=[f"reply+{project.reply_token}@portal.localhost"],
        subject="Can we move the demo?",
        text="Thursday does not work for us.",
        attachments=[],
        headers=[],
        received_at=timezone.now(),
    )
    raise_escalation(
        project,
        category=Category.SCOPE_CHANGE,
        severity=Severity.MODERATE,
        title="Three more reports requested",
        description="Outside the signed scope.",
        by=lead,
        now=timezone.now(),
    )
    return project


def test_the_leads_pages_pass_axe(live_server, page, demo_portfolio):
    audit = Audit(page)
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/accounts/login/")
    audit.check("sign-in page")
    sign_in(page, live_server)
    for colour in ("red", "amber", "green"):
        expect(page.locator(f"table.portfolio .badge.rag-{colour}").nth(1)).to_be_visible()
    audit.check("portfolio, desktop")
    audit.check_focus_order("portfolio")
    page.set_viewport_size(PHONE)
    audit.check("portfolio, phone")

    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/search/?q=timetable")
    expect(page.locator("ol.hits > li").first).to_be_visible()
    audit.check("search with results")
    audit.check_focus_order("search")
    page.goto(f"{live_server.url}/search/?q=timetable&week=3")
    expect(page.get_by_role("alert")).to_be_visible()
    audit.check("search with a form error")

    page.goto(f"{live_server.url}/projects/new/")
    audit.check("new project")
    audit.check_focus_order("new project")
    submit_unchecked(page.get_by_role("button", name="Create project"))
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    audit.check("new project with form errors")

    page.goto(f"{live_server.url}/moves/")
    expect(page.get_by_role("heading", name="Whose move")).to_be_visible()
    audit.check("whose move")
    audit.check_focus_order("whose move")
    page.set_viewport_size({"width": 390, "height": 844})
    audit.check("whose move, phone")
    audit.assert_clean()


def test_the_project_page_passes_axe(live_server, page, busy_project):
    audit = Audit(page)
    page.set_viewport_size(DESKTOP)
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/projects/{busy_project.pk}/")
    expect(page.get_by_role("heading", name="Drafts waiting for review")).to_be_visible()
    audit.check("project page")

    escalations = page.locator("section", has=page.get_by_role("heading", name="Escalations"))
    raise_button = escalations.get_by_role(
        "button", name="Raise", exact=True
    )  # its section opened by the check
    submit_unchecked(raise_button)  # every field left empty
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    audit.check("project page with a failed form open")
    page.set_viewport_size(PHONE)
    audit.check("project page with a failed form open, phone")

    page.set_viewport_size(DESKTOP)
    page.get_by_role("button", name="Mark done").first.click()
    expect(page.locator(".messages")).to_be_visible()
    audit.check("project page with a confirmation message")
    audit.assert_clean()


def test_every_portal_page_passes_axe(live_server, page, demo_data, settings):
    settings.SITE_URL = live_server.url
    contact = Contact.objects.get(email=PORTAL_CONTACT)
    audit = Audit(page)
    page.set_viewport_size(DESKTOP)

    page.goto(f"{live_server.url}/portal/new-link/")
    audit.check("send me a link")
    audit.check_focus_order("send me a link")
    page.get_by_label("Your email address").fill("not an address")
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_text("Enter a valid email address.")).to_be_visible()
    audit.check("send me a link, refused address")
    page.get_by_label("Your email address").fill(contact.email)
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_role("status")).to_be_visible()
    audit.check("send me a link, sent")

    page.goto(f"{live_server.url}/portal/link/not-a-real-link/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("expired")
    audit.check("link expired")

    page.goto(portal_url(contact))
    expect(page.get_by_role("heading", name="Your projects")).to_be_visible()
    audit.check("portal home")
    audit.check_focus_order("portal home")
    page.locator("main").get_by_role("link").first.click()
    expect(page.get_by_role("link", name="Add these dates to your calendar")).to_be_visible()
    expect(page.locator("main li").first).to_be_visible()
    audit.check("project status, desktop")
    audit.check_focus_order("project status")
    page.set_viewport_size(PHONE)
    audit.check("project status, phone")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="You are signed out")).to_be_visible()
    audit.check("signed out")
    audit.assert_clean()
