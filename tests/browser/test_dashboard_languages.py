"""Languages on the dashboard in Chromium. A lead reviews a draft's German and French texts on the
project page, each in its fold, until the draft may go out and each contact gets their own; a team
member who reads German signs in to German pages, switches to French on "Your settings", and the
next page is French, on a phone as on a desk."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from comms.lifecycle import log_decision
from comms.models import Message, Update
from projects.models import MemberSettings
from tests.factories import UserFactory, make_project, with_readers_of_three_languages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "team-demo-2026"
DESK = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
MAIN_TEXT_REVIEW = (
    "A translation was edited since this text was saved: read it, change what no longer matches, and save it."
)
GERMAN_BODY = "Wir starten in zwei Stufen: zuerst die Buchung, dann die Zahlung."


def member(username, first_name, last_name):
    user = UserFactory(username=username, first_name=first_name, last_name=last_name)
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(page, live_server, username):
    """Through the sign-in form, where a member's language is remembered; the browser asks for
    English, so the form is in English whatever the member reads."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def draft(org_defaults):
    """A decision's confirmation on a project whose contacts read English, German and French."""
    lead = member("lena", "Lena", "Fischer")
    project = with_readers_of_three_languages(make_project(owner=lead, name="Booking app"))
    log_decision(project, summary="Launch in two stages", made_in="call", made_at=timezone.now(), by=lead)
    return Update.objects.get()


def test_a_lead_reviews_the_translations_of_a_draft_then_each_contact_gets_their_language(
    live_server, page, draft
):
    page.set_viewport_size(DESK)
    sign_in(page, live_server, "lena")
    page.goto(f"{live_server.url}/projects/{draft.project_id}/")
    main = page.locator(f'form[action="/projects/{draft.project_id}/drafts/{draft.pk}/"]')
    article = page.locator(f"#draft-{draft.pk}")
    folds = article.locator("details.translation > summary")
    german, french = page.locator(f"#text-{draft.pk}-de"), page.locator(f"#text-{draft.pk}-fr")

    main.get_by_label("Technical body").fill("We launch in two stages: booking first, then payment.")
    main.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Draft saved.")
    expect(folds).to_have_text(["German needs review", "French needs review"])

    main.get_by_role("button", name="Send now").click()
    expect(main.get_by_role("alert")).to_contain_text(
        "Saved, not sent: The German and French texts need review"
    )

    german.locator("summary").click()
    german.get_by_label("Technical body").fill(GERMAN_BODY)
    german.get_by_role("button", name="Save the German text").click()
    expect(page.get_by_role("status")).to_contain_text("German text saved.")
    expect(folds).to_have_text(["German", "French needs review"])
    expect(article.get_by_text(MAIN_TEXT_REVIEW)).to_be_visible()

    french.locator("summary").click()
    french.get_by_role("button", name="Save the French text").click()
    expect(page.get_by_role("status")).to_contain_text("French text saved.")
    expect(folds).to_have_text(["German", "French"])
    main.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Draft saved.")
    expect(article.get_by_text(MAIN_TEXT_REVIEW)).to_have_count(0)

    main.get_by_role("button", name="Send now").click()
    expect(page.get_by_role("status")).to_contain_text("is on its way to the client")
    sent = {m.contact.name: m for m in Message.objects.filter(update=draft, contact__isnull=False)}
    assert "We launch in two stages: booking first, then payment." in sent["Jack Nguyen"].body_text
    assert GERMAN_BODY in sent["Jonas Weber"].body_text
    assert sent["Jonas Weber"].subject == draft.texts.get(language="de").subject
    assert "Pour confirmer par écrit" in sent["Chloé Martin"].body_text
    assert sent["Chloé Martin"].subject == draft.texts.get(language="fr").subject


@pytest.mark.parametrize("viewport", [DESK, PHONE], ids=["desk", "phone"])
def test_a_member_who_reads_german_switches_to_french_and_the_next_page_follows(
    live_server, page, org_defaults, viewport
):
    jonas = member("jonas", "Jonas", "Becker")
    MemberSettings.objects.create(user=jonas, language="de")
    project = make_project(owner=jonas, name="Booking app")
    log_decision(project, summary="Launch in two stages", made_in="call", made_at=timezone.now(), by=jonas)
    page.set_viewport_size(viewport)

    sign_in(page, live_server, "jonas")
    expect(page.get_by_role("search", name="Projekte filtern")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Zustand")).to_be_attached()
    expect(page.get_by_role("button", name="Filtern")).to_be_visible()
    expect(page.get_by_role("button", name="Abmelden")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "de"
    assert fits(page), "the German portfolio scrolls sideways"

    page.get_by_role("link", name="Booking app").click()
    expect(page.get_by_role("heading", name="Entwürfe zur Prüfung")).to_be_visible()
    expect(page.get_by_role("heading", name="Entscheidung erfassen")).to_be_visible()
    expect(page.get_by_role("button", name="Jetzt senden")).to_be_visible()
    assert fits(page), "the German project page scrolls sideways"

    page.get_by_role("link", name="Jonas Becker").click()
    expect(page.get_by_role("heading", name="Ihre Einstellungen")).to_be_visible()
    page.get_by_label("Sprache").select_option(label="Français")
    page.get_by_role("button", name="Speichern").click()

    expect(page.get_by_role("heading", name="Vos paramètres")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(
        "Enregistré\u00a0: vos pages sont désormais dans cette langue."
    )
    expect(page.get_by_label("Langue")).to_have_value("fr")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert fits(page), "the French settings page scrolls sideways"
    page.get_by_role("link", name="Portefeuille").first.click()
    expect(page.get_by_role("heading", name="Portefeuille")).to_be_visible()
    assert MemberSettings.objects.get(user=jonas).language == "fr"
