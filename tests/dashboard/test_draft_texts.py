"""A draft for German and French readers shows each translation under its editor: an edit to the
main text marks them for review, saving each as it stands reviews it, then the draft goes out and
each contact reads their own language."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from comms.lifecycle import log_decision
from comms.models import Message, Update
from tests.factories import make_project, with_readers_of_three_languages

pytestmark = pytest.mark.django_db

TEXT_FIELDS = ("subject", "status_line", "executive_body", "technical_body")


@pytest.fixture
def project(lead):
    return with_readers_of_three_languages(make_project(owner=lead, name="Booking app"))


@pytest.fixture
def draft(project, lead):
    log_decision(project, summary="Launch in two stages", made_in="call", made_at=timezone.now(), by=lead)
    return Update.objects.get()


def main_form(draft, **changes):
    draft.refresh_from_db()
    return {
        "revision": draft.revision,
        "rag": draft.rag,
        **{f: getattr(draft, f) for f in TEXT_FIELDS},
        **changes,
    }


def text_form(draft, language, **changes):
    """The translation's form as the page fills it in, with `changes`."""
    draft.refresh_from_db()
    text = draft.texts.get(language=language)
    fields = {"revision": draft.revision, "rag": draft.rag, **{f: getattr(text, f) for f in TEXT_FIELDS}}
    return {f"text-{draft.pk}-{language}-{name}": value for name, value in {**fields, **changes}.items()}


def save_text(client, project, draft, language, form):
    return client.post(reverse("dashboard:save_draft_text", args=[project.pk, draft.pk, language]), form)


def folds(page):
    """Each translation fold's summary, as the lead reads it."""
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", summary)).strip()
        for summary in re.findall(
            r'<details class="translation"[^>]*>\s*<summary>(.*?)</summary>', page, re.S
        )
    ]


def test_translations_marked_for_review_are_reviewed_on_the_page_then_each_contact_gets_theirs(
    client, project, draft
):
    url = reverse("dashboard:save_draft", args=[project.pk, draft.pk])
    assert client.post(url, main_form(draft, technical_body="We launch in two stages.")).status_code == 302

    page = client.get(reverse("dashboard:project", args=[project.pk])).content.decode()
    assert folds(page) == ["German needs review", "French needs review"]
    assert f'id="id_text-{draft.pk}-de-subject"' in page and f'id="id_text-{draft.pk}-fr-subject"' in page

    refused = client.post(url, {**main_form(draft), "send": "1"})
    assert refused.status_code == 409
    assert "Saved, not sent: The German and French texts need review" in refused.content.decode()

    german = text_form(draft, "de", technical_body="Wir starten in zwei Stufen.")
    assert save_text(client, project, draft, "de", german).status_code == 302
    page = client.get(reverse("dashboard:project", args=[project.pk])).content.decode()
    assert folds(page) == ["German", "French needs review"]  # the German edit holds the French back
    assert "A translation was edited since this text was saved" in page  # and the main text
    assert save_text(client, project, draft, "fr", text_form(draft, "fr")).status_code == 302
    assert folds(client.get(reverse("dashboard:project", args=[project.pk])).content.decode()) == [
        "German",
        "French",
    ]

    assert client.post(url, {**main_form(draft), "send": "1"}).status_code == 302
    sent = {
        message.contact.name: message
        for message in Message.objects.filter(update=draft, contact__isnull=False)
    }
    texts = {text.language: text for text in draft.texts.all()}
    assert sent["Jack Nguyen"].subject == Update.objects.get().subject
    assert "We launch in two stages." in sent["Jack Nguyen"].body_text
    assert sent["Jonas Weber"].subject == texts["de"].subject
    assert "Wir starten in zwei Stufen." in sent["Jonas Weber"].body_text
    assert sent["Chloé Martin"].subject == texts["fr"].subject
    assert "Pour confirmer par écrit" in sent["Chloé Martin"].body_text


def test_a_language_the_draft_has_no_text_for_or_we_do_not_write_is_404(client, project, draft):
    assert save_text(client, project, draft, "es", text_form(draft, "de")).status_code == 404
    assert save_text(client, project, draft, "xx", text_form(draft, "de")).status_code == 404


def test_a_translation_saved_over_a_newer_revision_is_409_and_changes_nothing(client, project, draft):
    stale = text_form(draft, "de", subject="Zu spät")
    client.post(reverse("dashboard:save_draft", args=[project.pk, draft.pk]), main_form(draft, subject="New"))

    response = save_text(client, project, draft, "de", stale)

    assert response.status_code == 409
    assert "Someone else changed or sent this draft" in response.content.decode()
    german = draft.texts.get(language="de")
    assert german.subject != "Zu spät" and german.needs_review


def test_a_refused_translation_comes_back_in_its_open_fold(client, project, draft):
    response = save_text(client, project, draft, "de", text_form(draft, "de", subject=""))

    assert response.status_code == 400
    page = response.content.decode()
    assert re.search(r'<details class="translation" id="text-\d+-de" open>', page)
    assert draft.texts.get(language="de").subject
