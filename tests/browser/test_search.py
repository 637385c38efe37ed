"""A lead searches the record from the dashboard and lands on the project. Screenshot in docs/."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.fixture
def demo_data(org_defaults):
    call_command("seed_demo", stdout=io.StringIO())


def test_a_lead_searches_the_record_and_opens_the_project(live_server, page, demo_data):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("lena")
    page.get_by_label("Password").fill("lead-demo-2026")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Search", exact=True).click()

    page.get_by_label("Search for").fill("timetable")
    page.get_by_label("Decisions").check()
    page.get_by_role("button", name="Search", exact=True).click()

    hits = page.locator("ol.hits > li")
    expect(hits.first.locator("mark")).to_have_text("timetable")
    expect(page.get_by_role("heading", level=2)).to_contain_text("best match")
    page.set_viewport_size({"width": 1100, "height": 800})
    page.screenshot(path=str(DOCS / "search.png"), full_page=True)

    project_name = hits.first.locator("a").inner_text()
    hits.first.locator("a").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(project_name)


def test_a_week_without_a_project_is_refused_beside_the_field(
    live_server, page, django_user_model, org_defaults
):
    django_user_model.objects.create_user("lena", "lena@agency.example", "lead-demo-2026")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("lena")
    page.get_by_label("Password").fill("lead-demo-2026")
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/search/?q=timetable&week=3")

    expect(page.get_by_role("alert")).to_have_text("Choose a project: its weeks count from its start date.")
