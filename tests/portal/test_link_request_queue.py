"""Asking for a link does the same work for a known and an unknown address: the page queues one job
and answers; the job looks the address up and mails the link, so the answer's timing tells nothing."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comms.models import Message
from tests.factories import ContactFactory, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def mia():
    cache.clear()
    project = make_project(name="Fleet dashboard")
    contact = ContactFactory(client=project.client, name="Mia Thompson", email="mia@hf.example")
    project.contacts.add(contact)
    return contact


def test_known_and_unknown_addresses_queue_one_job_each_with_the_same_queries(
    client, mia, django_capture_on_commit_callbacks
):
    def ask(email):
        with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks() as jobs:
            response = client.post(reverse("portal:request_link"), {"email": email})
        assert response.status_code == 200
        return len(queries), jobs

    known_queries, known_jobs = ask(mia.email)
    unknown_queries, unknown_jobs = ask("nobody@nowhere.example")

    assert len(known_jobs) == len(unknown_jobs) == 1
    assert known_queries == unknown_queries
    assert not Message.objects.filter(kind="portal_link").exists()  # nothing looked up or written inline


def test_the_queued_job_mails_the_link_to_a_known_address_only(
    client, mia, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portal:request_link"), {"email": "nobody@nowhere.example"})
        client.post(reverse("portal:request_link"), {"email": mia.email.upper()})

    assert [message.to for message in mail.outbox] == [[mia.email]]
    assert "Open your project status" in mail.outbox[0].body
