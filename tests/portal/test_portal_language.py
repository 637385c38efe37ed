"""Each client contact reads the portal, the link mail and the calendar feed in their own language
(their own, else their client's, else the organisation's), with dates in their locale."""

import datetime as dt
import re

import icalendar
import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from comms import satisfaction as asking
from comms.lifecycle import record_launch
from comms.models import Message, SatisfactionAsk, Update
from projects.models import Commitment, Contact, OrganisationSettings
from projects.portal_access import link_token
from tests.factories import ContactFactory, make_project

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)  # a Monday, 20:00 in Sydney


@pytest.fixture
def project():
    """A French client's project; Lena reads German, Chloé her client's French."""
    with time_machine.travel(NOW, tick=False):
        project = make_project(name="Fleet dashboard")
        project.client.language = "fr"
        project.client.save()
        lena = ContactFactory(client=project.client, name="Lena Vogel", language="de")
        chloe = ContactFactory(client=project.client, name="Chloé Martin", kind=Contact.Kind.EXECUTIVE)
        project.contacts.add(lena, chloe)
        Commitment.objects.create(project=project, description="Admin guide", due_on=dt.date(2026, 3, 9))
        Update.objects.create(
            project=project,
            kind="build_status",
            subject="Week 3",
            technical_body="Detail.",
            executive_body="On track.",
            status_line="On track.",
            rag="green",
            state="sent",
            send_by=NOW,
            created_at=NOW,
            sent_at=NOW,
        )
    return project


def contact(project, name):
    return project.contacts.get(name=name)


def portal_page(client, person, url):
    with time_machine.travel(NOW, tick=False):
        client.get(reverse("portal:open_link", args=[link_token(person)]))
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_german_contact_reads_the_project_page_in_german_with_german_dates(client, project):
    page = portal_page(client, contact(project, "Lena Vogel"), reverse("portal:project", args=[project.pk]))

    assert '<html lang="de">' in page
    assert "Wer ist am Zug" in page and "Was wir zugesagt haben" in page and "Abmelden" in page
    assert "fällig Mo. 9. März" in page  # the promise's date, in German order
    assert "Mo. 2. März 20:00 Sydney" in page  # when the update went out, in the client's zone
    assert "Whose move" not in page and "Sign out" not in page


def test_a_french_contact_reads_the_project_page_in_her_clients_french(client, project):
    page = portal_page(client, contact(project, "Chloé Martin"), reverse("portal:project", args=[project.pk]))

    assert '<html lang="fr">' in page
    assert "À qui la main" in page and "Ce que nous avons promis" in page and "Se déconnecter" in page
    assert "lun. 9 mars" in page and "lun. 2 mars 20:00 Sydney" in page
    assert "Whose move" not in page


def test_an_older_page_speaks_the_contacts_language(client, project):
    url = reverse("portal:project", args=[project.pk]) + "?older=promises&page=1"
    page = portal_page(client, contact(project, "Lena Vogel"), url)

    assert "Zurück zum Projektstatus" in page and "Mo. 9. März" in page


def test_a_contact_and_client_without_a_language_read_the_organisations(client, project):
    OrganisationSettings.objects.update_or_create(pk=1, defaults={"language": "es"})
    project.client.language = ""
    project.client.save()

    page = portal_page(client, contact(project, "Chloé Martin"), reverse("portal:project", args=[project.pk]))

    assert '<html lang="es">' in page and "Cerrar sesión" in page


def test_english_is_british_english(client, project):
    project.client.language = "en"
    project.client.save()

    page = portal_page(client, contact(project, "Chloé Martin"), reverse("portal:project", args=[project.pk]))

    assert '<html lang="en-gb">' in page and "Whose move" in page and "Mon 9 Mar" in page


def test_the_team_pages_stay_english_after_a_german_portal_page(client, project):
    portal_page(client, contact(project, "Lena Vogel"), reverse("portal:project", args=[project.pk]))

    sign_in = client.get(reverse("login")).content.decode()

    assert "Username" in sign_in and "Benutzername" not in sign_in
    assert translation.get_language() == "en-gb"


def test_the_link_mail_is_in_each_contacts_language(client, project, django_capture_on_commit_callbacks):
    cache.clear()  # fresh rate limits
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portal:request_link"), {"email": contact(project, "Lena Vogel").email})
        client.post(reverse("portal:request_link"), {"email": contact(project, "Chloé Martin").email})

    german, french = Message.objects.filter(kind="portal_link").order_by("pk")
    assert german.subject == "Ihr Link zu Ihrem Projektstatus"
    assert "Guten Tag Lena Vogel" in german.body_text and "15 Minuten" in german.body_text
    assert french.subject == "Votre lien vers l’état de votre projet"
    assert "Bonjour Chloé Martin" in french.body_text and "15 minutes" in french.body_text


def test_the_calendar_feed_titles_are_in_the_contacts_language(client, project):
    record_launch(project, at=dt.datetime(2026, 4, 20, 10, 0, tzinfo=dt.UTC), by=project.owner)

    def summaries(person):
        page = portal_page(client, person, reverse("portal:project", args=[project.pk]))
        feed_url = re.search(r'href="([^"]+\.ics)"', page).group(1)
        client.cookies.clear()  # a calendar app carries no cookie
        feed = icalendar.Calendar.from_ical(client.get(feed_url).content)
        return sorted(str(event["summary"]) for event in feed.walk("VEVENT"))

    assert summaries(contact(project, "Lena Vogel")) == [
        "Fleet dashboard: Check-in, Tag 30 nach dem Start",
        "Fleet dashboard: Check-in, Tag 7 nach dem Start",
        "Fleet dashboard: zugesagt — Admin guide",
    ]
    assert summaries(contact(project, "Chloé Martin")) == [
        "Fleet dashboard: Point d’étape, jour 30 après la mise en ligne",
        "Fleet dashboard: Point d’étape, jour 7 après la mise en ligne",
        "Fleet dashboard: promis — Admin guide",
    ]


def test_the_satisfaction_question_is_asked_in_the_contacts_language(client, project):
    lena = contact(project, "Lena Vogel")
    ask = SatisfactionAsk.objects.create(
        project=project,
        contact=lena,
        update=project.updates.get(),
        occasion="day_30",
        asked_at=timezone.now(),
    )
    response = client.get(reverse("portal:satisfaction", args=[asking.link_token(ask, 4)]))

    page = response.content.decode()
    assert response.status_code == 200 and '<html lang="de">' in page
    assert "Wie zufrieden sind Sie mit unserer Zusammenarbeit?" in page and "4 — Zufrieden" in page

    thanks = client.post(reverse("portal:satisfaction", args=[asking.link_token(ask, 4)]), {"score": "4"})
    assert "Vielen Dank" in client.get(thanks.url).content.decode()


def test_pages_without_a_contact_follow_the_browsers_language(client):
    cache.clear()
    page = client.get(reverse("portal:request_link"), headers={"accept-language": "es-ES,es;q=0.9"})
    expired = client.get(reverse("portal:open_link", args=["not-a-token"]), headers={"accept-language": "fr"})

    assert "Reciba un enlace" in page.content.decode()
    assert expired.status_code == 403 and "Ce lien a expiré" in expired.content.decode()


def test_the_portal_has_a_word_for_every_choice_the_record_can_hold():
    """A phase, venue, channel or message type added to the models needs its client-facing word."""
    from comms.models import Channel, MessageType
    from portal.templatetags import portal_words
    from projects.models import Decision, Phase

    assert all(portal_words.phase(value) for value in Phase.values)
    assert set(portal_words.VENUES) == set(Decision.Venue.values)
    assert set(portal_words.CHANNELS) == set(Channel.values)
    assert all(portal_words.message_type(value) for value in MessageType.values)
    assert set(portal_words.RAG) == {value for value, _ in Update._meta.get_field("rag").choices}


def test_the_portal_asks_in_english_what_the_email_asks():
    from portal.satisfaction_views import QUESTION, SCORE_WORDS

    with translation.override("en-gb"):
        assert str(QUESTION) == asking.QUESTION
        assert {score: str(words) for score, words in SCORE_WORDS.items()} == asking.SCORES
