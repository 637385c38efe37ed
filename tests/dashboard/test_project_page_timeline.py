"""The record on the project page: the newest entries first, each with its time in the team's zone,
and mail from someone the client has not introduced yet flagged until they are a contact."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import ContactFactory, make_client_mail, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(lead):
    return make_project(owner=lead, name="Fleet dashboard")


def timeline(client, project):
    page = client.get(reverse("dashboard:project", args=[project.pk])).content.decode()
    return page[
        page.index('<ol class="timeline">') : page.index("</ol>", page.index('<ol class="timeline">'))
    ]


def test_the_record_lists_the_newest_entry_first_with_its_time_on_the_team_clock(client, project):
    make_client_mail(project, "Older question", at=dt.datetime(2026, 6, 30, 8, 30, tzinfo=dt.UTC))
    make_client_mail(project, "Newer question", at=dt.datetime(2026, 7, 1, 8, 30, tzinfo=dt.UTC))

    record = timeline(client, project)

    assert record.index("Newer question") < record.index("Older question")
    # The team's calendar is London's: 08:30 UTC is 09:30 there in July.
    assert (
        '<time datetime="2026-07-01T09:30:00+01:00">Wed 1 Jul 09:30 London</time> '
        "<strong>Email from the client:</strong> Newer question "
        '<span class="muted">(received)</span>'
    ) in record


def test_mail_from_a_new_person_asks_for_them_to_be_added_until_they_are(client, project):
    mail = make_client_mail(
        project, "Hi, I joined", at=dt.datetime(2026, 7, 1, 8, 30, tzinfo=dt.UTC), from_new_person=True
    )
    mail.from_email = "Nora@HF.example"
    mail.save()

    assert "New person at" in timeline(client, project)
    assert "Nora@HF.example" in timeline(client, project)

    ContactFactory(client=project.client, name="Nora", email="nora@hf.example")

    assert "New person at" not in timeline(client, project)
