"""Django admin refuses a line break in text that ends up in a mail header (a client's, contact's
or project's name, a draft's subject, an escalation's title), with a message by the field, and
saves nothing."""

import pytest
from django.urls import reverse
from django.utils import timezone

from comms.lifecycle import log_decision
from escalations.services import raise_escalation
from tests.factories import ContactFactory, make_project
from tests.test_admin_project_life import admin_form_data

pytestmark = pytest.mark.django_db

INJECTED = "Harbour\r\nBcc: everyone@example.com"
ONE_LINE = "Keep this on one line"


@pytest.fixture
def project():
    return make_project(name="Fleet dashboard")


def refused(admin_client, row, field):
    """Post the row's admin change form with `field` broken over two lines."""
    url = reverse(f"admin:{row._meta.app_label}_{row._meta.model_name}_change", args=[row.pk])
    form = admin_form_data(admin_client.get(url))
    response = admin_client.post(url, {**form, field: INJECTED})
    assert response.status_code == 200  # the form again, not a redirect
    assert ONE_LINE in response.context["adminform"].form.errors[field][0]
    assert ONE_LINE in response.content.decode()
    return type(row).objects.get(pk=row.pk)


def test_a_contact_name_with_a_line_break_is_refused_in_admin(admin_client, project):
    contact = ContactFactory(client=project.client, name="Jack Nguyen")
    assert refused(admin_client, contact, "name").name == "Jack Nguyen"


def test_a_client_name_with_a_line_break_is_refused_in_admin(admin_client, project):
    assert refused(admin_client, project.client, "name").name == project.client.name


def test_a_project_name_with_a_line_break_is_refused_in_admin(admin_client, project):
    assert refused(admin_client, project, "name").name == "Fleet dashboard"


def test_a_draft_subject_with_a_line_break_is_refused_in_admin(admin_client, project):
    decision = log_decision(
        project, summary="Two stages", made_in="call", made_at=timezone.now(), by=project.owner
    )
    draft = decision.confirmations.get()
    assert refused(admin_client, draft, "subject").subject == draft.subject


def test_an_escalation_title_with_a_line_break_is_refused_in_admin(admin_client, project):
    escalation = raise_escalation(
        project,
        category="technical_failure",
        severity="moderate",
        title="Checkout is down",
        description="500s since 21:40.",
        now=timezone.now(),
    )
    assert refused(admin_client, escalation, "title").title == "Checkout is down"
