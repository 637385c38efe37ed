"""Attachments of client mail are kept as files (the default storage: a local folder, or a bucket in
production), listed with the mail on the project page, in the record and in the API, and handed
only to people who can see the project."""

import base64

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from comms.models import Attachment, Message
from tests.comms.test_inbound import SECRET, post_postmark, postmark_payload
from tests.factories import ContactFactory, UserFactory, make_project

pytestmark = pytest.mark.django_db

PLAN = b"%PDF-1.4 the launch plan"
PHOTO = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40


@pytest.fixture(autouse=True)
def storage(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET, "POSTMARK_SERVER_TOKEN": "server-token"}
    return settings.MEDIA_ROOT


@pytest.fixture
def lead():
    return UserFactory(username="lena")


@pytest.fixture
def project(lead):
    project = make_project(owner=lead, name="Fleet dashboard")
    project.contacts.add(ContactFactory(client=project.client, email="dana@cobalt.example"))
    return project


def mail_with_files(project, message_id="<files@cobalt.example>"):
    payload = postmark_payload(f"reply+{project.reply_token}@portal.localhost", message_id=message_id)
    payload["Attachments"] = [
        {
            "Name": "launch plan.pdf",
            "Content": base64.b64encode(PLAN).decode(),
            "ContentType": "application/pdf",
            "ContentLength": len(PLAN),
        },
        {
            "Name": "../../screen.png",
            "Content": base64.b64encode(PHOTO).decode(),
            "ContentType": "image/png",
            "ContentLength": len(PHOTO),
        },
    ]
    return payload


def stored_files(root):
    return sorted(path.read_bytes() for path in root.rglob("*") if path.is_file())


def test_the_files_of_client_mail_are_stored_with_their_names_types_and_sizes(client, project, storage):
    assert post_postmark(client, mail_with_files(project)).status_code == 200

    message = Message.objects.get(direction="in")
    files = list(message.attachments.all())
    assert [(f.name, f.content_type, f.size) for f in files] == [
        ("launch plan.pdf", "application/pdf", len(PLAN)),
        ("screen.png", "image/png", len(PHOTO)),
    ]
    assert [f.file.read() for f in files] == [PLAN, PHOTO]
    assert all(f.file.name.startswith(f"attachments/{message.pk}/") for f in files)
    assert stored_files(storage) == sorted([PLAN, PHOTO])


def test_a_retried_webhook_stores_the_files_once(client, project, storage):
    payload = mail_with_files(project)
    post_postmark(client, payload)
    post_postmark(client, payload)

    assert Attachment.objects.count() == 2
    assert stored_files(storage) == sorted([PLAN, PHOTO])


def test_the_project_page_and_the_record_link_each_file_and_only_the_projects_people_open_it(
    client, lead, project
):
    post_postmark(client, mail_with_files(project))
    plan = Attachment.objects.get(name="launch plan.pdf")
    link = reverse("dashboard:attachment", args=[plan.pk])

    client.force_login(lead)
    page = client.get(reverse("dashboard:project", args=[project.pk])).content.decode()
    waiting = page.split('aria-labelledby="mail-title"')[1].split("</section>")[0]
    record = page.split('aria-labelledby="record-title"')[1]
    for part in (waiting, record):
        assert f'href="{link}"' in part and "launch plan.pdf" in part

    response = client.get(link)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PLAN
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")

    client.force_login(UserFactory(username="someone-else"))
    assert client.get(link).status_code == 404
    client.logout()
    assert client.get(link).status_code == 302  # to sign-in


def test_the_api_lists_each_file_with_a_download_url_that_checks_who_asks(client, lead, project):
    post_postmark(client, mail_with_files(project))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=lead).key}")

    [row] = api.get("/api/messages/?direction=in").json()["results"]
    first = row["attachments"][0]
    assert {key: first[key] for key in ("name", "size", "content_type")} == {
        "name": "launch plan.pdf",
        "size": len(PLAN),
        "content_type": "application/pdf",
    }
    download = api.get(first["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PLAN

    stranger = APIClient()
    stranger.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=UserFactory()).key}")
    assert stranger.get(first["url"]).status_code == 404
    assert APIClient().get(first["url"]).status_code == 401


def test_the_admin_opens_the_files_of_mail_that_matched_no_project(client, admin_user):
    payload = mail_with_files(make_project())
    payload["To"] = payload["OriginalRecipient"] = "hello@agency.example"
    payload["ToFull"] = [{"Email": "hello@agency.example", "Name": ""}]
    payload["FromFull"] = {"Email": "someone@elsewhere.example", "Name": ""}
    post_postmark(client, payload)
    plan = Attachment.objects.get(name="launch plan.pdf")
    assert plan.message.project is None

    client.force_login(admin_user)
    link = reverse("dashboard:attachment", args=[plan.pk])
    inbox_page = client.get(reverse("admin:comms_message_change", args=[plan.message_id])).content.decode()
    assert f'href="{link}"' in inbox_page
    assert client.get(link).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_mail_received_before_files_were_kept_keeps_its_attachment_names_and_sizes(org_defaults):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("comms", "0017_single_line_update_subject")], [("comms", "0018_attachment_files")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        project = make_project()
        executor.loader.project_state(before).apps.get_model("comms", "Message").objects.create(
            project_id=project.pk,
            direction="in",
            kind="client_mail",
            from_email="dana@cobalt.example",
            to_email="reply@portal.localhost",
            subject="Plans",
            body_text="Attached.",
            dedupe_key="in:old",
            state="received",
            created_at="2026-03-10T10:00:00Z",
            attachments=[{"name": "plan.pdf", "size": 14}, {"name": "photo.png", "size": 2048}],
        )
        MigrationExecutor(connection).migrate(after)
        # Read with today's model, so every later migration is applied too.
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
        message = Message.objects.get(dedupe_key="in:old")
        assert [(f.name, f.size, f.kept) for f in message.attachments.all()] == [
            ("plan.pdf", 14, False),
            ("photo.png", 2048, False),
        ]
    finally:  # the tests after this one need every migration, whatever happened here
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
