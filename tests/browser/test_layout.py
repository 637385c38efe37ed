"""The dashboard's layout on a phone and on a wide screen: nothing scrolls sideways, the draft editor
and the client preview sit side by side when there is room, and the portfolio filters line up."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from comms.lifecycle import log_decision
from comms.models import Update
from tests.factories import UserFactory, make_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1400, "height": 900}
UNBROKEN = "x" * 300


@pytest.fixture
def draft(org_defaults):
    """A project with a draft waiting for review, whose technical body holds one 300-character word."""
    lead = UserFactory(username="lena", first_name="Lena", last_name="Fischer")
    lead.set_password("lead-demo-2026")
    lead.save()
    project = make_project(owner=lead, name="Fleet dashboard")
    log_decision(project, summary="Launch in two stages", made_in="call", made_at=timezone.now(), by=lead)
    update = Update.objects.get(project=project)
    update.technical_body = f"The log line reads {UNBROKEN} and wraps."
    update.save()
    return update


def sign_in(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("lena")
    page.get_by_label("Password").fill("lead-demo-2026")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Portfolio")).to_be_visible()


def scrolls_sideways(page):
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def open_technical_preview(page):
    article = page.locator("article.draft").first
    article.get_by_role("link", name="Technical").click()
    preview = article.locator("pre.email-preview")
    expect(preview).to_contain_text(UNBROKEN[:20])
    return article, preview


def test_no_dashboard_page_scrolls_sideways_on_a_phone(live_server, page, draft):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server)
    project_url = f"{live_server.url}/projects/{draft.project_id}/"
    pages = {
        "portfolio": f"{live_server.url}/",
        "project page": project_url,
        "draft review": f"{project_url}drafts/{draft.pk}/preview/technical/",
        "search": f"{live_server.url}/search/?q=stages",
    }
    for name, url in pages.items():
        page.goto(url)
        assert not scrolls_sideways(page), f"the {name} scrolls sideways at 390px"

    page.goto(project_url)
    open_technical_preview(page)
    assert not scrolls_sideways(page), "the project page scrolls sideways once the preview is open"


@pytest.mark.parametrize("viewport", [PHONE, WIDE], ids=["phone", "wide"])
def test_a_long_unbroken_word_stays_inside_the_preview(live_server, page, draft, viewport):
    page.set_viewport_size(viewport)
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/projects/{draft.project_id}/")
    _, preview = open_technical_preview(page)
    overflow = preview.evaluate("pre => pre.scrollWidth - pre.clientWidth")
    assert overflow <= 0, f"the preview overflows its box by {overflow}px"


def test_editor_and_preview_sit_side_by_side_on_a_wide_screen(live_server, page, draft):
    page.set_viewport_size(WIDE)
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/projects/{draft.project_id}/")
    article, preview = open_technical_preview(page)
    editor = article.locator(".draft-editor").bounding_box()
    shown = article.locator(".preview").bounding_box()
    assert shown["x"] >= editor["x"] + editor["width"], "the preview is not to the right of the editor"
    assert abs(shown["y"] - editor["y"]) <= 24, "the preview and the editor do not start at the same height"
    assert editor["width"] >= 400 and shown["width"] >= 400, "one of the two columns is cramped"


def test_editor_and_preview_stack_on_a_phone(live_server, page, draft):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/projects/{draft.project_id}/")
    article, _ = open_technical_preview(page)
    editor = article.locator(".draft-editor").bounding_box()
    shown = article.locator(".preview").bounding_box()
    assert abs(shown["x"] - editor["x"]) <= 1, "the preview and the editor do not share a left edge"
    assert shown["y"] + shown["height"] <= editor["y"] or editor["y"] + editor["height"] <= shown["y"], (
        "the preview and the editor overlap instead of stacking"
    )


def test_portfolio_filters_each_take_a_full_row_on_a_phone(live_server, page, draft):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server)
    filters = page.get_by_role("search", name="Filter projects")
    form = filters.bounding_box()
    controls = filters.locator("input, select, button")
    assert controls.count() >= 6
    for index in range(controls.count()):
        box = controls.nth(index).bounding_box()
        assert abs(box["x"] - form["x"]) <= 1, f"filter control {index} is not aligned to the left edge"
        assert abs(box["width"] - form["width"]) <= 1, f"filter control {index} does not take the full row"
