"""The satisfaction section of the project page: the figures, and a comment made a promise in one
step, linked back to the feedback."""

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from comms.models import SatisfactionAsk, Update
from escalations import satisfaction
from projects.models import Commitment
from tests.factories import ContactFactory, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(lead):
    return make_project(owner=lead, name="Fleet dashboard")


def answer(project, score, comment="", *, name="Mia Thompson"):
    contact = ContactFactory(client=project.client, name=name)
    now = timezone.now()
    update = Update.objects.create(
        project=project,
        kind="post_launch_checkin",
        subject="Day 30 check-in",
        technical_body="How is it going?",
        executive_body="How is it going?",
        status_line="Live",
        rag="green",
        state="sent",
        send_by=now,
        created_at=now,
        sent_at=now,
    )
    ask = SatisfactionAsk.objects.create(
        project=project, contact=contact, update=update, occasion="day_30", asked_at=now
    )
    answered = satisfaction.record_answer(ask, score, now=now)
    return satisfaction.add_comment(answered, comment, now=now) if comment else answered


def section(project, lead):
    request = RequestFactory().get("/")
    request.user = lead
    context = {"project": project, "satisfaction": satisfaction.for_project(project)}
    return render_to_string("dashboard/_satisfaction.html", context, request=request)


def test_the_section_shows_scores_response_rate_and_the_feedback_to_act_on(project, lead):
    answer(project, 2, "Nobody answered our bug reports.")
    answer(project, 5, name="Jack Nguyen")
    html = section(project, lead)
    assert "2 of 2 asked have answered (100%), mean 3.5/5" in html
    assert "<strong>2/5</strong> Mia Thompson, day-30 check-in" in html and "complaint raised" in html
    assert "Nobody answered our bug reports." in html and "Make it a promise" in html


def test_a_comment_becomes_a_promise_in_one_step(client, project, lead):
    feedback = answer(project, 3, "Send the weekly report on Mondays.")
    url = reverse("dashboard:feedback_promise", args=[project.pk, feedback.pk])
    prefix = f"feedback-{feedback.pk}"
    due = dt.date(2026, 12, 7)
    response = client.post(
        url, {f"{prefix}-description": "Weekly report on Mondays", f"{prefix}-due_on": due}
    )
    assert response.status_code == 302
    commitment = Commitment.objects.get(project=project)
    assert (commitment.description, commitment.due_on, commitment.feedback) == (
        "Weekly report on Mondays",
        due,
        feedback,
    )
    assert "Send the weekly report on Mondays." not in section(project, lead)  # acted on

    again = client.post(url, {f"{prefix}-description": "Again", f"{prefix}-due_on": due}, follow=True)
    assert "already a promise" in again.content.decode() and Commitment.objects.count() == 1


def test_a_promise_without_a_date_is_refused_and_nothing_is_added(client, project, lead):
    feedback = answer(project, 4, "More screenshots, please.")
    url = reverse("dashboard:feedback_promise", args=[project.pk, feedback.pk])
    refused = client.post(url, {f"feedback-{feedback.pk}-description": "Screenshots"}, follow=True)
    assert "The promise was not added. Due: This field is required." in refused.content.decode()
    assert not Commitment.objects.exists()


def test_another_leads_feedback_is_not_found(client, lead):
    theirs = make_project(name="Statement archive")
    feedback = answer(theirs, 1, "Late again.")
    url = reverse("dashboard:feedback_promise", args=[theirs.pk, feedback.pk])
    assert client.post(url, {"description": "x", "due_on": "2026-12-07"}).status_code == 404
    assert not Commitment.objects.exists()
