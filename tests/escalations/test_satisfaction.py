"""The client's voice: the score links in the day-30 check-in (and phase notices when asked for),
what a click records and what it does not, and what a score sets in motion."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from comms import satisfaction as asking
from comms.autopilot import draft_now, send_update
from comms.lifecycle import change_phase
from comms.models import Message, SatisfactionAnswer, SatisfactionAsk
from comms.obligations import Due
from escalations import satisfaction
from escalations.models import Escalation, EscalationEvent
from projects.health import HealthFacts, assess
from projects.models import Commitment, Contact, OrganisationSettings, Phase
from tests.factories import ContactFactory, make_project

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"


@pytest.fixture
def project():
    project = make_project(name="Fleet dashboard")
    mia = ContactFactory(client=project.client, name="Mia Thompson", kind=Contact.Kind.EXECUTIVE)
    jack = ContactFactory(client=project.client, name="Jack Nguyen", kind=Contact.Kind.TECHNICAL)
    project.contacts.add(mia, jack)
    return project


def send_checkin(project, day=30, now=None):
    now = now or timezone.now()
    update = draft_now(project, "post_launch_checkin", now=now, send_by=due(now), day=day)
    return send_update(update, by=project.owner, now=now)


def due(now):
    return Due(now + dt.timedelta(hours=4), "in four hours")


def links_in(message):
    """{score: path} from the email's plain-text body."""
    return {
        int(score): url.removeprefix(SITE)
        for score, url in re.findall(r"^([1-5]): (\S+)$", message.body_text, flags=re.MULTILINE)
    }


def links_for(project, name, **sent):
    messages = send_checkin(project, **sent)
    return links_in(next(message for message in messages if message.contact.name == name))


# --- Asking ------------------------------------------------------------------------------------


def test_the_day_30_checkin_asks_every_recipient_with_five_links_of_their_own(project):
    messages = send_checkin(project)
    assert len(messages) == 2
    for message in messages:
        assert asking.QUESTION in message.body_text and asking.QUESTION in message.body_html
        links = links_in(message)
        assert sorted(links) == [1, 2, 3, 4, 5]
        assert all(path.startswith("/portal/satisfaction/") for path in links.values())
        assert message.body_html.count(f'href="{SITE}/portal/satisfaction/') == 5
    asks = SatisfactionAsk.objects.filter(project=project)
    assert {ask.contact.name for ask in asks} == {"Mia Thompson", "Jack Nguyen"}
    assert {ask.occasion for ask in asks} == {SatisfactionAsk.Occasion.DAY_30}


def test_other_checkins_and_updates_do_not_ask(project):
    messages = send_checkin(project, day=7)
    assert not links_in(messages[0]) and asking.QUESTION not in messages[0].body_text
    assert not SatisfactionAsk.objects.exists()


def test_a_phase_notice_asks_about_the_phase_that_ended_only_when_the_organisation_says_so(project):
    change_phase(project, to=Phase.BUILD, by=project.owner)
    notice = project.updates.get(kind="phase_notice")
    assert not links_in(send_update(notice, by=project.owner, now=timezone.now())[0])

    OrganisationSettings.objects.update_or_create(pk=1, defaults={"satisfaction_at_phase_end": True})
    change_phase(project, to=Phase.QA, by=project.owner)
    notice = project.updates.get(kind="phase_notice", state="draft")
    assert sorted(links_in(send_update(notice, by=project.owner, now=timezone.now())[0])) == [1, 2, 3, 4, 5]
    ask = SatisfactionAsk.objects.get(project=project, contact__name="Mia Thompson")
    assert (ask.occasion, ask.phase, ask.occasion_label) == ("phase_end", "build", "end of Build")


def test_a_contact_whose_portal_access_was_revoked_gets_the_email_without_the_links(project):
    Contact.objects.filter(name="Jack Nguyen").update(portal_access=False)
    messages = {message.contact.name: message for message in send_checkin(project)}
    assert not links_in(messages["Jack Nguyen"]) and links_in(messages["Mia Thompson"])


# --- The links ---------------------------------------------------------------------------------


def test_opening_a_link_shows_the_score_chosen_and_records_nothing(client, project):
    """Mail scanners open every link in an email: only the button on the page records."""
    links = links_for(project, "Mia Thompson")
    page = client.get(links[4])
    assert page.status_code == 200
    html = page.content.decode()
    assert asking.QUESTION in html and "nothing is recorded until you do" in html
    assert re.search(r'<input type="radio" name="score" value="4"[^>]*checked', html)
    client.get(links[1])
    client.head(links[2])
    assert not SatisfactionAnswer.objects.exists()


def test_the_button_records_the_score_and_thanks_with_a_comment_box(client, project):
    links = links_for(project, "Mia Thompson")
    response = client.post(links[4], {"score": "4"})
    assert response.status_code == 302 and response["Location"].endswith("/thanks/")
    answer = SatisfactionAnswer.objects.get()
    assert (answer.ask.contact.name, answer.score, answer.changed_at) == ("Mia Thompson", 4, None)
    thanks = client.get(response["Location"]).content.decode()
    assert "We recorded your answer: <strong>4 out of 5</strong>" in thanks and "<textarea" in thanks

    client.post(response["Location"], {"comment": "  The weekly report is hard to find.  "})
    answer.refresh_from_db()
    assert answer.comment == "The weekly report is hard to find." and answer.changed_at is not None


def test_one_answer_per_contact_per_ask_a_second_click_changes_it(client, project):
    messages = send_checkin(project)
    mia = links_in(next(m for m in messages if m.contact.name == "Mia Thompson"))
    jack = links_in(next(m for m in messages if m.contact.name == "Jack Nguyen"))
    client.post(mia[5], {"score": "5"})
    client.post(mia[4], {"score": "4"})
    client.post(jack[5], {"score": "5"})
    assert SatisfactionAnswer.objects.count() == 2
    assert SatisfactionAnswer.objects.get(ask__contact__name="Mia Thompson").score == 4
    assert "Sending again changes that answer" in client.get(mia[3]).content.decode()


def test_a_tampered_link_gets_a_clear_page_and_records_nothing(client, project):
    path = links_for(project, "Mia Thompson")[2]
    tampered = path[:-4] + "xx/"
    for response in (client.get(tampered), client.post(tampered, {"score": "2"})):
        assert response.status_code == 403
        assert "This link no longer works" in response.content.decode()
    assert not SatisfactionAnswer.objects.exists()


def test_a_link_expires_with_the_portal_link_beside_it(client, project):
    path = links_for(project, "Mia Thompson")[2]
    with time_machine.travel(timezone.now() + dt.timedelta(days=15), tick=False):
        assert client.post(path, {"score": "2"}).status_code == 403
    with time_machine.travel(timezone.now() + dt.timedelta(days=13), tick=False):
        assert client.post(path, {"score": "2"}).status_code == 302
    assert SatisfactionAnswer.objects.get().score == 2


def test_revoking_portal_access_kills_the_links_too(client, project):
    path = links_for(project, "Mia Thompson")[5]
    contact = Contact.objects.get(name="Mia Thompson")
    contact.portal_access = False
    contact.save()
    assert client.post(path, {"score": "5"}).status_code == 403


def test_a_link_of_a_draft_never_sent_records_nothing(client, project):
    """A preview of the draft makes its asks; they count, and answer, only once it is sent."""
    now = timezone.now()
    update = draft_now(project, "post_launch_checkin", now=now, send_by=due(now), day=30)
    ask_links = asking.email_links(update, project.contacts.get(name="Mia Thompson"), now=now)
    path = dict(ask_links)[3].removeprefix(SITE)
    assert client.post(path, {"score": "3"}).status_code == 403
    assert satisfaction.for_project(project).project.asked == 0


# --- Acting ------------------------------------------------------------------------------------


def test_a_low_score_raises_one_complaint_for_the_account_owner_with_the_comment(client, project):
    path = links_for(project, "Mia Thompson")[2]
    thanks = client.post(path, {"score": "2"})["Location"]
    escalation = Escalation.objects.get()
    assert (escalation.category, escalation.severity) == ("dispute", "moderate")
    assert escalation.first_responder == project.client.account_owner != project.owner
    assert escalation.internal and "Mia Thompson" in escalation.title and "2/5" in escalation.title
    assert Message.objects.filter(kind="escalation", user=project.client.account_owner).exists()

    client.post(thanks, {"comment": "Nobody answered our bug reports for a week."})
    notes = list(escalation.events.filter(kind=EscalationEvent.Kind.COMMENT).values_list("note", flat=True))
    assert notes == ["The client's comment:\nNobody answered our bug reports for a week."]
    assert "account owner will be in touch" in client.get(thanks).content.decode().lower() or (
        project.client.account_owner.get_full_name() in client.get(thanks).content.decode()
    )

    # Changed to 1, then to 5: still the one complaint, each change on its timeline, left open
    # for the account owner to resolve with the client.
    satisfaction.record_answer(escalation_ask(escalation), 1, now=timezone.now())
    satisfaction.record_answer(escalation_ask(escalation), 5, now=timezone.now())
    assert Escalation.objects.count() == 1
    escalation.refresh_from_db()
    assert escalation.state == "open"
    changes = escalation.events.filter(kind=EscalationEvent.Kind.COMMENT, note__contains="changed their")
    assert [event.note.split("from ")[1] for event in changes.order_by("pk")] == [
        "2/5 to 1/5.",
        "1/5 to 5/5.",
    ]


def test_a_german_clients_low_score_is_recorded_in_the_teams_english(client, project):
    mia = project.contacts.get(name="Mia Thompson")
    mia.language = "de"
    mia.save()
    path = links_for(project, "Mia Thompson")[2]

    assert "Bewertung ändern" in client.get(client.post(path, {"score": "2"})["Location"]).content.decode()

    escalation = Escalation.objects.get()
    assert escalation.title == "Mia Thompson scored us 2/5 (day-30 check-in)"
    assert escalation.description.startswith("Mia Thompson (")
    assert "answered 2/5 to" in escalation.description


def escalation_ask(escalation):
    return SatisfactionAnswer.objects.get(escalation=escalation).ask


def test_a_score_raised_to_low_later_still_raises_its_complaint_once(project):
    ask = SatisfactionAsk.objects.get(pk=sent_ask(project).pk)
    satisfaction.record_answer(ask, 5, now=timezone.now())
    assert not Escalation.objects.exists()
    satisfaction.record_answer(ask, 1, now=timezone.now())
    satisfaction.record_answer(ask, 2, now=timezone.now())
    assert Escalation.objects.count() == 1


def sent_ask(project, name="Mia Thompson"):
    send_checkin(project)
    return SatisfactionAsk.objects.get(project=project, contact__name=name)


def test_a_3_tells_the_projects_owner_once_and_the_comment_follows(project):
    ask = sent_ask(project)
    answer = satisfaction.record_answer(ask, 3, now=timezone.now())
    satisfaction.record_answer(ask, 4, now=timezone.now())
    satisfaction.record_answer(ask, 3, now=timezone.now())
    alerts = Message.objects.filter(kind="owner_alert", user=project.owner, subject__contains="Mia Thompson")
    assert alerts.count() == 1 and "Mia Thompson scored us 3/5" in alerts.get().subject
    assert not Escalation.objects.exists()
    satisfaction.add_comment(answer, "Fine, but slow to answer.", now=timezone.now())
    assert Message.objects.filter(user=project.owner, body_text="Fine, but slow to answer.").count() == 1


def test_4_and_5_tell_nobody(project):
    satisfaction.record_answer(sent_ask(project), 5, now=timezone.now())
    assert not Message.objects.filter(subject__contains="Mia Thompson").exists()
    assert not Message.objects.filter(kind="escalation").exists()


def test_a_comment_becomes_a_promise_in_one_step_linked_to_it(project):
    answer = satisfaction.record_answer(sent_ask(project), 4, now=timezone.now())
    answer = satisfaction.add_comment(answer, "Put the report link on the home page.", now=timezone.now())
    assert satisfaction.for_project(project).project.open_feedback == [answer]

    due = timezone.localdate() + dt.timedelta(days=7)
    satisfaction.commit_to_feedback(answer, description="Report link on the home page", due_on=due)
    commitment = Commitment.objects.get(project=project)
    assert (commitment.description, commitment.due_on, commitment.feedback) == (
        "Report link on the home page",
        due,
        answer,
    )
    assert satisfaction.for_project(project).project.open_feedback == []
    with pytest.raises(satisfaction.AlreadyCommitted):
        satisfaction.commit_to_feedback(answer, description="Again", due_on=due)
    assert Commitment.objects.count() == 1


# --- The portal --------------------------------------------------------------------------------


def portal_session(client, contact):
    from projects.portal_access import link_token

    client.get(reverse("portal:open_link", args=[link_token(contact)]))


def test_the_portal_asks_a_contact_with_an_open_ask_and_records_the_answer(client, project):
    from django.template.loader import render_to_string

    send_checkin(project)
    mia, jack = (project.contacts.get(name=name) for name in ("Mia Thompson", "Jack Nguyen"))
    question = render_to_string("portal/_satisfaction_question.html", {"project": project, "contact": mia})
    assert asking.QUESTION in question and 'name="score" value="1"' in question

    portal_session(client, mia)
    response = client.post(reverse("portal:satisfaction_on_portal", args=[project.pk]), {"score": "5"})
    assert response.status_code == 302 and response["Location"].endswith("/thanks/")
    assert "5 out of 5" in client.get(response["Location"]).content.decode()
    assert SatisfactionAnswer.objects.get().ask.contact == mia
    # Answered: no more question for her; still one for Jack.
    assert not render_to_string(
        "portal/_satisfaction_question.html", {"project": project, "contact": mia}
    ).strip()
    assert "score" in render_to_string(
        "portal/_satisfaction_question.html", {"project": project, "contact": jack}
    )
    assert (
        client.post(reverse("portal:satisfaction_on_portal", args=[project.pk]), {"score": "1"}).status_code
        == 404
    )


def test_the_portal_question_needs_a_portal_session(client, project):
    send_checkin(project)
    response = client.post(reverse("portal:satisfaction_on_portal", args=[project.pk]), {"score": "1"})
    assert response.status_code == 403 and not SatisfactionAnswer.objects.exists()


# --- Seeing ------------------------------------------------------------------------------------


def test_the_projects_figures_and_its_clients(project):
    other = make_project(name="Booking app", client=project.client)
    other.contacts.add(*project.contacts.all())
    satisfaction.record_answer(sent_ask(project, "Mia Thompson"), 2, now=timezone.now())
    satisfaction.record_answer(sent_ask(other, "Jack Nguyen"), 5, now=timezone.now())

    figures = satisfaction.for_project(project)
    assert (figures.project.asked, figures.project.answered, figures.project.response_percent) == (2, 1, 50)
    assert figures.project.last.score == 2 and figures.project.mean == 2
    assert (figures.client.asked, figures.client.answered, figures.client.mean) == (4, 2, 3.5)


def test_a_low_last_score_is_a_health_reason():
    now = timezone.now()
    health = assess(HealthFacts(now=now, last_satisfaction=2, last_satisfaction_on="day-30 check-in"))
    assert (health.rag, health.reasons) == ("red", ("client scored us 2/5 (day-30 check-in)",))
    health = assess(HealthFacts(now=now, last_satisfaction=3, last_satisfaction_on="end of Build"))
    assert (health.rag, health.reasons) == ("amber", ("client scored us 3/5 (end of Build)",))
    assert assess(HealthFacts(now=now, last_satisfaction=4)).rag == "green"


def test_the_portfolio_reads_the_projects_last_score_as_a_health_reason(project):
    """What dashboard/portfolio.py feeds `assess`: the latest answer, by when it was asked."""
    from projects.models import Project

    def health():
        last = Project.objects.annotate(last=satisfaction.last_answer()).get(pk=project.pk).last
        return assess(HealthFacts(now=timezone.now(), **satisfaction.health_facts(last)))

    assert health().rag == "green"
    now = timezone.now()
    send_checkin(project, now=now - dt.timedelta(days=2))
    send_checkin(project, now=now - dt.timedelta(days=1))
    earlier, later = SatisfactionAsk.objects.filter(contact__name="Mia Thompson").order_by("asked_at")
    satisfaction.record_answer(later, 2, now=now)
    satisfaction.record_answer(earlier, 5, now=now + dt.timedelta(minutes=1))
    assert (health().rag, health().reasons) == ("red", ("client scored us 2/5 (day-30 check-in)",))
    satisfaction.record_answer(later, 4, now=now + dt.timedelta(minutes=2))
    assert health().rag == "green"
