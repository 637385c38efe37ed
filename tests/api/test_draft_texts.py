"""Through the API, a draft lists its text in each other language its readers read; an edit names
the language it is for, and the draft is sent once every translation is reviewed."""

import pytest
from django.utils import timezone

from comms.lifecycle import log_decision
from comms.models import Message, Update
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(project, lead):
    project.contacts.add(
        ContactFactory(client=project.client, name="Jonas Weber", email="jonas@hf.example", language="de"),
        ContactFactory(client=project.client, name="Chloé Martin", email="chloe@hf.example", language="fr"),
    )
    log_decision(project, summary="Launch in two stages", made_in="call", made_at=timezone.now(), by=lead)
    return Update.objects.get()


def edit(api, draft, **fields):
    draft.refresh_from_db()
    return api.patch(f"/api/updates/{draft.pk}/", {"revision": draft.revision, **fields}, format="json")


def test_a_draft_lists_its_translations(api, draft):
    texts = api.get(f"/api/updates/{draft.pk}/").json()["texts"]

    assert [text["language"] for text in texts] == ["de", "fr"]
    assert set(texts[0]) == {
        "language",
        "subject",
        "status_line",
        "executive_body",
        "technical_body",
        "needs_review",
        "edited_at",
    }
    assert texts[0]["subject"] == draft.texts.get(language="de").subject
    assert not any(text["needs_review"] for text in texts)


def test_translations_held_for_review_refuse_the_send_until_each_is_saved(api, draft):
    assert edit(api, draft, technical_body="We launch in two stages.").status_code == 200
    assert all(text["needs_review"] for text in api.get(f"/api/updates/{draft.pk}/").json()["texts"])

    refused = api.post(f"/api/updates/{draft.pk}/send/")
    assert refused.status_code == 409
    assert "The German and French texts need review" in refused.json()["detail"]

    german = edit(api, draft, language="de", technical_body="Wir starten in zwei Stufen.")
    assert german.status_code == 200
    texts = {text["language"]: text for text in german.json()["texts"]}
    assert texts["de"]["technical_body"] == "Wir starten in zwei Stufen."
    assert not texts["de"]["needs_review"] and texts["fr"]["needs_review"]
    assert german.json()["main_text_needs_review"]
    assert edit(api, draft, language="fr").status_code == 200  # saved as it stands: reviewed
    refused = api.post(f"/api/updates/{draft.pk}/send/")
    assert refused.status_code == 409 and "The English text needs review" in refused.json()["detail"]
    reviewed = edit(api, draft)
    assert reviewed.status_code == 200 and not reviewed.json()["main_text_needs_review"]

    assert api.post(f"/api/updates/{draft.pk}/send/").status_code == 200
    sent = {m.contact.email: m for m in Message.objects.filter(update=draft, contact__isnull=False)}
    assert "We launch in two stages." in sent["jack@hf.example"].body_text
    assert "Wir starten in zwei Stufen." in sent["jonas@hf.example"].body_text
    assert sent["jonas@hf.example"].subject == draft.texts.get(language="de").subject
    assert sent["chloe@hf.example"].subject == draft.texts.get(language="fr").subject


def test_an_edit_in_a_language_we_do_not_write_is_400_naming_it_and_changes_nothing(api, draft):
    response = edit(api, draft, language="xx", subject="Nope")

    assert response.status_code == 400
    assert "language" in response.json()
    draft.refresh_from_db()
    assert draft.revision == 0 and draft.subject != "Nope"
    assert "Nope" not in {text.subject for text in draft.texts.all()}


def test_a_new_language_needs_every_field(api, draft):
    response = edit(api, draft, language="es", subject="Lanzamiento en dos fases")

    assert response.status_code == 400
    assert set(response.json()) == {"status_line", "executive_body", "technical_body"}
    assert not draft.texts.filter(language="es").exists()


def test_a_new_language_written_whole_is_added(api, draft):
    spanish = {
        "subject": "Lanzamiento en dos fases",
        "status_line": "En marcha",
        "executive_body": "Lanzamos en dos fases.",
        "technical_body": "Dos fases.",
    }
    response = edit(api, draft, language="es", **spanish)

    assert response.status_code == 200
    texts = {text["language"]: text for text in response.json()["texts"]}
    assert {name: texts["es"][name] for name in spanish} == spanish
