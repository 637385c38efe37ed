"""A draft is written in the language its reader reads: subjects, sections, counts and dates."""

from dataclasses import replace

from comms.drafts import compose, compose_for_readers
from comms.lint import lint
from tests.comms.test_drafts import ask, promise, record


def test_a_build_status_in_german_has_german_sections_and_dates():
    draft = compose("build_status", record(), language="de")

    assert draft.subject == "Fleet dashboard: Stand der Umsetzung, Mo. 13. Nov."
    for section in ("Was geliefert wurde", "Was als Nächstes kommt", "Was Ihre Entscheidung braucht"):
        assert section in draft.technical
    assert "Test plan — 60 % erledigt, fällig am Di. 14. Nov." in draft.technical
    assert draft.executive.startswith("Status: GRÜN — Umsetzung: im Plan")
    assert "Mit freundlichen Grüßen\nMaya Chen, Project owner" in draft.technical


def test_a_french_reader_gets_french_plurals_and_dates():
    draft = compose("discovery_summary", record(decisions=(ask(), ask("Colours"))), language="fr")

    assert draft.subject == "Fleet dashboard\u00a0: bilan de la découverte, lun. 13 nov."
    assert "aucune décision depuis le lun. 6 nov.\u00a0; 2 questions ouvertes pour vous." in draft.executive


def test_english_stays_as_it_was():
    assert replace(compose("build_status", record(), language="en"), language="") == compose(
        "build_status", record()
    )


def test_a_draft_for_readers_of_two_languages_has_one_translation_each():
    draft = compose_for_readers("qa_note", replace(record(), languages=("de", "fr", "es")))

    assert draft.language == "de"
    assert draft.subject.startswith("Fleet dashboard: Testbericht")
    assert sorted(draft.translations) == ["es", "fr"]
    assert draft.translations["fr"].subject == "Fleet dashboard\u00a0: note de recette, lun. 13 nov."
    assert draft.translations["es"].subject == "Fleet dashboard: nota de pruebas, lun 13 nov"


def test_the_lint_looks_for_the_sections_in_the_body_s_own_language():
    german = compose("build_status", record(commitments=(promise(),)), language="de").technical

    assert not any("Missing section" in finding for finding in lint("build_status", german, language="de"))
    assert "Missing sections: What shipped, What is next, What needs your decision." in lint(
        "build_status", german
    )
