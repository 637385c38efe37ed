"""Playwright on Debian's Chromium. Outside CI a machine without Chromium skips these; CI may not."""

import os
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("CI must run the browser tests: /usr/bin/chromium is missing.")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium chromium-driver).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        yield browser
        browser.close()


@contextmanager
def watched_page(browser, **context_options):
    """A fresh page in a browser context of `context_options` (a locale, a phone's viewport); any
    Content-Security-Policy violation it reports fails the test."""
    context = browser.new_context(**context_options)
    page = context.new_page()
    violations = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and violations.append(message.text),
    )
    yield page
    context.close()
    assert not violations, violations


@pytest.fixture
def page(browser):
    with watched_page(browser) as page:
        yield page
