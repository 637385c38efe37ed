"""The API's docs page in a real browser: a signed-in lead sees Swagger UI list the endpoints, its
files served from our own origin, with no Content-Security-Policy violation (the `page` fixture
fails the test on any)."""

import pytest
from playwright.sync_api import expect

from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def lead(org_defaults):
    user = UserFactory(username="lena")
    user.set_password("lead-demo-2026")
    user.save()
    return user


def test_a_signed_in_lead_reads_the_api_docs(live_server, page, lead, settings):
    # Tests run with DEBUG off: let whitenoise serve Swagger UI's vendored files as runserver does.
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    requests = []
    page.on("request", lambda request: requests.append(request.url))

    page.goto(f"{live_server.url}/api/docs/")
    page.get_by_label("Username").fill("lena")
    page.get_by_label("Password").fill("lead-demo-2026")
    page.get_by_role("button", name="Sign in").click()

    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Client communication portal API")
    for path in ["/api/projects/", "/api/escalations/{id}/move-up/", "/api/updates/{id}/send/"]:
        expect(page.locator(f".opblock-summary-path[data-path='{path}']").first).to_be_visible()
    assert all(url.startswith(live_server.url) for url in requests), requests
