"""A lead with an API token, their project with a contact, and someone else's project."""

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from comms.lifecycle import log_decision
from projects.models import Contact
from tests.factories import ContactFactory, UserFactory, make_project


@pytest.fixture
def lead(db):
    return UserFactory(username="lena", email="lena@agency.example")


def client_with_token(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def api(lead):
    return client_with_token(lead)


@pytest.fixture
def project(lead):
    project = make_project(owner=lead, name="Fleet dashboard")
    project.contacts.add(
        ContactFactory(
            client=project.client, name="Jack Nguyen", email="jack@hf.example", kind=Contact.Kind.TECHNICAL
        )
    )
    return project


@pytest.fixture
def other_project(db):
    """A project of another lead, at another client: never visible to `lead`."""
    project = make_project(name="Statement archive")
    project.contacts.add(ContactFactory(client=project.client, name="Ana Silva"))
    return project


@pytest.fixture
def draft(project, lead):
    """The written confirmation drafted for a decision made on a call."""
    decision = log_decision(
        project, summary="Launch in two stages", made_in="call", made_at=timezone.now(), by=lead
    )
    return decision.confirmations.get()
