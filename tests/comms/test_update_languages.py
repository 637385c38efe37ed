"""One draft, one text per language its recipients read: each contact gets the mail in their own
language, an edit to one language holds the others back for review, and the tick costs the same."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from comms.autopilot import TextNotReviewed, edit_draft, send_update
from comms.lifecycle import log_decision
from comms.models import Update, UpdateText
from projects.models import Contact, Phase
from tests.comms.test_tick_queries import cadence_updates_due, drafts_released, queries_of_a_tick
from tests.factories import ContactFactory, make_project, with_readers_of_three_languages

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
MADE = dt.datetime(2026, 3, 6, 15, 0, tzinfo=LONDON)  # a Friday call: Sat 7 Mar 02:00 in Sydney


@pytest.fixture
def project():
    return with_readers_of_three_languages(make_project(name="Booking app", phase=Phase.BUILD))


def confirmation(project):
    decision = log_decision(
        project, summary="Launch in two stages", made_in="call", made_at=MADE, by=project.owner
    )
    return Update.objects.get(decision=decision)


def mail_to(messages, name):
    return next(message for message in messages if message.contact.name == name)


def save(update, language, **changes):
    """Save the draft's text in `language` as the editor shows it, with `changes`."""
    text = update.texts.get(language=language) if language else update
    fields = {
        name: getattr(text, name) for name in ("subject", "status_line", "executive_body", "technical_body")
    }
    update.refresh_from_db()
    return edit_draft(
        update, revision=update.revision, rag=update.rag, language=language, **{**fields, **changes}
    )


def test_a_german_and_a_french_contact_each_get_their_own_subject_and_body(project):
    messages = send_update(confirmation(project), by=project.owner, now=MADE)

    german, french, english = (
        mail_to(messages, name) for name in ("Jonas Weber", "Chloé Martin", "Jack Nguyen")
    )
    assert german.subject == "Booking app: Bestätigung unserer Vereinbarung vom Sa. 7. März"
    assert german.body_text.startswith("Hallo Jonas Weber,\n\nZur schriftlichen Bestätigung")
    assert "in einem Telefonat am Sa. 7. März 02:00 Sydney vereinbart haben:" in german.body_text
    assert "Ihre Antwort auf diese E-Mail erreicht" in german.body_text
    assert 'lang="de"' in german.body_html
    assert french.subject == "Booking app\u00a0: confirmation de ce que nous avons convenu le sam. 7 mars"
    assert french.body_text.startswith("Bonjour Chloé Martin,\n\nPour confirmer par écrit")
    assert "le sam. 7 mars 02:00 Sydney\u00a0:" in french.body_text
    assert english.subject == "Booking app: confirming what we agreed on Sat 7 Mar"
    assert english.body_text.startswith(
        "Hello Jack Nguyen,\n\nTo confirm in writing what we agreed on a call"
    )


def test_a_draft_keeps_one_text_for_each_other_language_its_recipients_read(project):
    update = confirmation(project)

    assert update.subject.startswith("Booking app: confirming")  # the client's main language: English
    assert [text.language for text in update.texts.all()] == ["de", "fr"]
    assert not any(text.needs_review for text in update.texts.all())


def test_an_edit_to_the_german_holds_the_french_back_until_it_is_reviewed(project):
    update = confirmation(project)
    save(update, "de", technical_body="Wir starten in zwei Stufen.")

    assert update.texts.get(language="fr").needs_review
    assert not update.texts.get(language="de").needs_review
    with pytest.raises(TextNotReviewed, match="The English and French texts need review"):
        send_update(update, by=project.owner, now=MADE)
    assert Update.objects.get(pk=update.pk).state == Update.State.DRAFT

    save(update, "fr")  # read and saved as it stands: reviewed
    save(update, "")
    messages = send_update(update, by=project.owner, now=MADE)

    assert "Wir starten in zwei Stufen." in mail_to(messages, "Jonas Weber").body_text
    assert "Pour confirmer par écrit" in mail_to(messages, "Chloé Martin").body_text


def test_an_edit_to_a_translation_holds_the_main_text_back_until_it_is_reviewed(project):
    update = confirmation(project)
    main_text = update.technical_body
    save(update, "de", technical_body="Wir starten in zwei Stufen.")
    save(update, "fr")

    update.refresh_from_db()
    assert update.main_text_needs_review
    with pytest.raises(TextNotReviewed, match="The English text needs review"):
        send_update(update, by=project.owner, now=MADE)
    assert Update.objects.get(pk=update.pk).state == Update.State.DRAFT

    save(update, "")  # read and saved as it stands: reviewed, and still the composed text
    update.refresh_from_db()
    assert not update.main_text_needs_review and update.technical_body == main_text
    messages = send_update(update, by=project.owner, now=MADE)
    assert mail_to(messages, "Jack Nguyen").body_text.count("Launch in two stages") == 1


def test_an_edit_to_the_main_text_marks_every_translation_for_review(project):
    update = confirmation(project)
    save(update, "", technical_body="We launch in two stages.")

    assert all(text.needs_review for text in UpdateText.objects.filter(update=update))
    with pytest.raises(TextNotReviewed, match="German"):
        send_update(update, by=project.owner, now=MADE)


def test_a_language_a_new_contact_reads_must_be_written_before_an_edited_draft_goes_out(project):
    update = confirmation(project)
    save(update, "", technical_body="We launch in two stages.")
    save(update, "de")
    save(update, "fr")
    project.contacts.add(ContactFactory(client=project.client, language="es"))

    with pytest.raises(TextNotReviewed, match="this draft has no Spanish text"):
        send_update(update, by=project.owner, now=MADE)


def test_a_language_we_do_not_write_in_is_refused_and_changes_nothing(project):
    update = confirmation(project)

    with pytest.raises(ValueError, match="We do not write in 'xx'"):
        edit_draft(
            update,
            revision=update.revision,
            rag=update.rag,
            language="xx",
            subject="Hallo",
            status_line="Gut.",
            executive_body="Gut.",
            technical_body="Gut.",
        )
    assert update.texts.count() == 2
    assert Update.objects.get(pk=update.pk).revision == update.revision


def with_german_readers():
    Contact.objects.update(language="de")


@pytest.mark.usefixtures("woken")
@pytest.mark.parametrize("count", [2, 6])
def test_drafting_in_two_languages_costs_one_more_query_for_any_number_of_projects(count):
    cadence_updates_due(count)
    with_german_readers()

    queries, summary = queries_of_a_tick()

    assert summary["drafted"] == count
    assert UpdateText.objects.filter(language="de").count() == count
    assert queries == 27  # the translations written in one insert


@pytest.mark.usefixtures("woken")
@pytest.mark.parametrize("count", [2, 6])
def test_sending_in_two_languages_by_themselves_costs_one_more_query_for_any_number(count):
    drafts_released(count)
    with_german_readers()

    queries, summary = queries_of_a_tick()

    assert summary["sent by themselves"] == count
    assert all(text.subject.startswith("Project") for text in UpdateText.objects.all())
    assert queries == 33  # the translations composed again, written in one upsert
