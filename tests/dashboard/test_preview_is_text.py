"""The draft preview shows the plain-text mail as text: markup a lead or a recap put in a draft is
shown literally on the dashboard, never rendered, while the mail itself carries the words as typed."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from comms import outbox
from comms.autopilot import edit_draft
from comms.lifecycle import log_decision
from comms.models import Message, Update
from projects.models import Contact
from tests.factories import ContactFactory, make_project

pytestmark = pytest.mark.django_db

MARKUP = "<b>bold</b><script>alert(1)</script>"


@pytest.fixture
def draft(lead):
    project = make_project(owner=lead, name="Fleet dashboard")
    project.contacts.add(
        ContactFactory(
            client=project.client, name="Jack <Nguyen>", email="jack@hf.example", kind=Contact.Kind.TECHNICAL
        )
    )
    log_decision(project, summary="Two stages", made_in="call", made_at=timezone.now(), by=lead)
    return Update.objects.get()


def edited(draft, technical_body):
    return {
        "revision": draft.revision,
        "subject": draft.subject,
        "status_line": draft.status_line,
        "rag": draft.rag,
        "executive_body": draft.executive_body,
        "technical_body": technical_body,
    }


@pytest.mark.parametrize("htmx", [False, True])
def test_markup_in_a_draft_shows_literally_in_its_preview(client, draft, htmx):
    edit_draft(draft, **edited(draft, f"We agreed: {MARKUP}"))
    headers = {"HX-Request": "true"} if htmx else {}

    page = client.get(
        reverse("dashboard:preview_draft", args=[draft.project_id, draft.pk, "technical"]), headers=headers
    ).content.decode()

    assert "We agreed: &lt;b&gt;bold&lt;/b&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Hello Jack &lt;Nguyen&gt;," in page
    assert "<b>bold</b>" not in page and "<script>alert(1)" not in page


def test_the_sent_plain_text_mail_carries_the_markup_as_typed(client, draft):
    client.post(
        reverse("dashboard:save_draft", args=[draft.project_id, draft.pk]),
        {**edited(draft, f"We agreed: {MARKUP}"), "send": "1"},
    )
    sent = Message.objects.get(contact__email="jack@hf.example")

    assert outbox.deliver(sent.pk, now=sent.send_after) == "sent"

    [email] = mail.outbox
    assert f"We agreed: {MARKUP}" in email.body and "Hello Jack <Nguyen>," in email.body
    assert "&lt;" not in email.body
