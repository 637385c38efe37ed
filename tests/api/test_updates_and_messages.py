"""Updates and messages through the API: a draft edited against its revision (409 when stale), sent
through send_update, and the client record of messages without the team's own mail."""

import pytest
from django.utils import timezone

from comms.inbound import store_client_mail
from comms.models import Message, Update

pytestmark = pytest.mark.django_db


def test_a_draft_is_edited_against_the_revision_it_was_loaded_at(api, draft):
    response = api.patch(
        f"/api/updates/{draft.pk}/",
        {"revision": 0, "subject": "Confirmed: launch in two stages"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["subject"] == "Confirmed: launch in two stages"
    assert response.json()["revision"] == 1
    draft.refresh_from_db()
    assert draft.technical_body  # fields left out keep their text


def test_an_edit_of_a_stale_revision_is_409_and_overwrites_nothing(api, draft):
    api.patch(f"/api/updates/{draft.pk}/", {"revision": 0, "subject": "First editor"}, format="json")

    response = api.patch(
        f"/api/updates/{draft.pk}/", {"revision": 0, "subject": "Second editor"}, format="json"
    )

    assert response.status_code == 409
    assert "Someone else changed or sent this draft" in response.json()["detail"]
    draft.refresh_from_db()
    assert draft.subject == "First editor"


def test_an_edit_without_a_revision_names_the_field(api, draft):
    response = api.patch(f"/api/updates/{draft.pk}/", {"subject": "No revision"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"revision": ["This field is required."]}


def test_sending_a_draft_queues_mail_to_the_clients_contacts(api, draft, lead):
    response = api.post(f"/api/updates/{draft.pk}/send/")

    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "sent"
    assert response.json()["sent_by"] == lead.pk
    assert list(
        Message.objects.filter(update=draft, contact__isnull=False).values_list("to_email", flat=True)
    ) == ["jack@hf.example"]


def test_sending_twice_is_409(api, draft):
    api.post(f"/api/updates/{draft.pk}/send/")

    response = api.post(f"/api/updates/{draft.pk}/send/")

    assert response.status_code == 409
    assert response.json() == {"detail": "This update is sent, not a draft."}


def test_a_draft_nobody_can_receive_is_409_and_stays_a_draft(api, draft, project):
    project.contacts.update(receives_updates=False)

    response = api.post(f"/api/updates/{draft.pk}/send/")

    assert response.status_code == 409
    assert "has no client contact who receives updates" in response.json()["detail"]
    draft.refresh_from_db()
    assert draft.state == Update.State.DRAFT


def test_updates_filter_by_kind_and_state(api, draft, project):
    assert [
        row["id"] for row in api.get("/api/updates/?kind=decision_confirmation&state=draft").json()["results"]
    ] == [draft.pk]
    assert api.get("/api/updates/?state=sent").json()["count"] == 0
    assert api.get("/api/updates/?state=lost").status_code == 400


def test_messages_are_the_client_record_without_the_teams_own_mail(api, draft, project):
    store_client_mail(
        esp_name="Postmark",
        provider_id="<q1@hf.example>",
        sender="jack@hf.example",
        recipients=[f"reply+{project.reply_token}@portal.localhost"],
        subject="Can we move the demo?",
        text="Thursday does not work for us.",
        attachments=[],
        headers=[],
        received_at=timezone.now(),
    )
    assert Message.objects.filter(project=project, user__isnull=False).exists()  # the draft notice

    rows = api.get("/api/messages/").json()["results"]

    assert [(row["direction"], row["subject"]) for row in rows] == [("in", "Can we move the demo?")]
    assert rows[0]["respond_by"] is not None
    assert api.get("/api/messages/?direction=out").json()["count"] == 0


def test_messages_cannot_be_written(api, project):
    assert api.post("/api/messages/", {"subject": "Hi"}, format="json").status_code == 405


def test_a_slack_post_reads_as_chat_with_its_channel_and_ts_and_filters_by_channel(api, project):
    Message.objects.create(
        project=project,
        kind="qa_note",
        channel="chat",
        destination="C0HF1234",
        from_email="updates@portal.localhost",
        subject="QA note",
        body_text="All green.",
        dedupe_key="update:1:chat:C0HF1234",
        state=Message.State.SENT,
        provider_message_id="1764495000.000100",
        created_at=timezone.now(),
    )

    chat = api.get("/api/messages/", {"project": project.pk, "channel": "chat"}).json()["results"]
    email = api.get("/api/messages/", {"project": project.pk, "channel": "email"}).json()["results"]

    assert [(m["channel"], m["destination"], m["provider_message_id"]) for m in chat] == [
        ("chat", "C0HF1234", "1764495000.000100")
    ]
    assert email == []
