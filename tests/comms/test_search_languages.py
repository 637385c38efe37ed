"""Each entry of the record is stemmed in the language it is written in, and a search asks in
every language in use: a German client's "Migrationen" is found by "Migration", which English
stemming would miss, and English word forms match as before."""

import datetime as dt
import re
from io import StringIO

import pytest
from celery import current_app
from django.core.management import CommandError, call_command
from django.db import connection  # noqa: F401 (read by the skipif condition)

from comms.lifecycle import log_decision
from comms.search import configs_in_use, search_record
from projects.contacts import edit_contact
from projects.models import Contact, OrganisationSettings, Project
from tests.factories import ContactFactory, UserFactory, make_client_mail, make_project

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        "connection.vendor != 'postgresql'", reason="full-text search needs PostgreSQL (CI runs it there)"
    ),
]

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def lead():
    return UserFactory(username="lena")


def found(lead, text, **filters):
    hits = search_record(Project.objects.visible_to(lead), text, **filters)
    return [re.sub("</?mark>", "", hit.title) for hit in hits]


def mail_from(project, contact, subject, body=""):
    return make_client_mail(project, subject, body, at=NOW, contact=contact)


def test_a_german_contacts_mail_is_found_by_the_words_stem(lead):
    project = make_project(owner=lead)
    anna = ContactFactory(client=project.client, language="de")
    mail_from(project, anna, "Stand der Migrationen", "Die Datenbanken sind umgezogen.")

    assert found(lead, "Migration") == ["Stand der Migrationen"]
    assert found(lead, "Datenbank") == ["Stand der Migrationen"]


def test_a_record_of_a_client_that_reads_french_is_stemmed_in_french(lead):
    project = make_project(owner=lead)
    project.client.language = "fr"
    project.client.save()
    log_decision(project, summary="Les déploiements ont lieu le mardi", made_in="call", made_at=NOW, by=lead)

    assert found(lead, "déploiement", kinds=["decision"]) == ["Les déploiements ont lieu le mardi"]


def test_english_word_forms_still_match_beside_other_languages(lead):
    project = make_project(owner=lead)
    anna = ContactFactory(client=project.client, language="de")
    mia = ContactFactory(client=project.client, language="en")
    mail_from(project, anna, "Migrationen", "abgeschlossen")
    mail_from(project, mia, "Data move", "We are migrating the records tonight.")

    assert sorted(found(lead, "migration")) == ["Data move", "Migrationen"]


def test_without_languages_set_a_search_asks_in_the_organisations_alone():
    assert configs_in_use() == ("english",)

    OrganisationSettings.objects.update(language="es")

    assert configs_in_use() == ("spanish",)


def test_an_organisation_that_reads_spanish_stems_mail_from_unknown_senders_in_spanish(lead):
    OrganisationSettings.objects.update(language="es")
    project = make_project(owner=lead)
    make_client_mail(project, "Las migraciones", "", at=NOW)

    assert found(lead, "migración") == ["Las migraciones"]


@pytest.fixture
def tasks_run_at_once():
    """The background task runs in this process as the change commits, as a worker would run it."""
    current_app.conf.task_always_eager = True
    yield
    current_app.conf.task_always_eager = False


def test_a_contacts_older_mail_is_stemmed_again_when_their_language_changes(
    lead, tasks_run_at_once, django_capture_on_commit_callbacks
):
    project = make_project(owner=lead)
    anna = ContactFactory(client=project.client)
    mail_from(project, anna, "Stand der Migrationen")
    assert found(lead, "Migration") == []  # stemmed as the English it was taken for

    with django_capture_on_commit_callbacks(execute=True):
        edit_contact(anna, language="de")  # as the dashboard's and the API's contact forms do

    assert found(lead, "Migration") == ["Stand der Migrationen"]


def test_a_clients_language_set_in_the_admin_stems_their_record_again(
    lead, tasks_run_at_once, django_capture_on_commit_callbacks
):
    project = make_project(owner=lead)
    mail_from(project, ContactFactory(client=project.client), "Migrationen am Dienstag")
    other = make_project(owner=lead)
    mail_from(other, ContactFactory(client=other.client), "Migrationen am Donnerstag")
    assert found(lead, "Migration") == []

    with django_capture_on_commit_callbacks(execute=True):
        project.client.language = "de"
        project.client.save()

    assert found(lead, "Migration") == ["Migrationen am Dienstag"]  # only that client's


def test_a_bounce_saved_on_a_contact_stems_nothing_again(lead, django_capture_on_commit_callbacks):
    project = make_project(owner=lead)
    anna = ContactFactory(client=project.client)
    with django_capture_on_commit_callbacks() as callbacks:
        anna.email_bounced_at = NOW
        anna.save(update_fields=["email_bounced_at"])
        anna.role = "CTO"
        anna.save()
    assert callbacks == []


def test_mail_written_before_its_contacts_language_was_set_is_found_once_stemmed_again(lead):
    project = make_project(owner=lead)
    anna = ContactFactory(client=project.client)
    mail_from(project, anna, "Stand der Migrationen")
    Contact.objects.filter(pk=anna.pk).update(language="de")  # behind the models' back, as SQL would
    assert found(lead, "Migration") == []  # still stemmed as the English it was taken for

    out = StringIO()
    call_command("restem_record", client=project.client.pk, stdout=out)

    assert found(lead, "Migration") == ["Stand der Migrationen"]
    assert "message: 1 stemmed again" in out.getvalue()


def test_stemming_again_for_a_client_that_does_not_exist_is_refused():
    with pytest.raises(CommandError, match="no client with the id 999999"):
        call_command("restem_record", client=999999)
