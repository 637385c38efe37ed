import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_data(org_defaults):
    call_command("seed_demo", stdout=io.StringIO())


def test_admin_signs_in_and_finds_the_demo_projects(live_server, page, demo_data):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_title("Sign in · Client communication portal")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("admin-demo-2026")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("table.portfolio tbody tr")).to_have_count(9)  # every active project, for an admin
    page.get_by_role("link", name="Admin", exact=True).click()
    page.get_by_role("link", name="Projects", exact=True).click()
    expect(page.locator("#result_list tbody tr")).to_have_count(10)
    page.get_by_role("link", name="Fleet dashboard").click()
    expect(page.get_by_text("Channel rules (one channel per message type")).to_be_visible()
    expect(page.locator("#id_owner option[selected]")).to_have_text("omar")


def test_a_wrong_password_gets_a_clear_message_and_no_session(live_server, page, django_user_model):
    django_user_model.objects.create_superuser("admin", "admin@agency.example", "admin-demo-2026")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Please enter a correct username and password")
    page.goto(f"{live_server.url}/admin/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/admin/")
