"""A promise changed in Django admin, on its own page or in its project's, goes through the same
services as on the dashboard and through the API: its card on the project board hears of its
progress and of its completion, and a closed promise's progress is refused beside the form."""

import datetime as dt

import pytest
from django.urls import reverse

from comms.models import Channel, ChannelRule, Message, MessageType
from projects.models import Commitment, Phase
from projects.services import add_commitment
from tests.factories import ContactFactory, UserFactory, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(board):
    project = make_project(phase=Phase.BUILD, board=board)
    project.contacts.set([ContactFactory(client=project.client)])
    ChannelRule.objects.filter(project=project, message_type=MessageType.TASK_UPDATE).update(
        channel=Channel.PROJECT_BOARD
    )
    return project


@pytest.fixture
def promise(trello, board, project):
    card = trello.card(board, "Doing", "Export bookings to CSV")
    return add_commitment(project, description="Export to CSV", due_on=dt.date(2026, 3, 20), board_card=card)


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="ada", is_staff=True, is_superuser=True))
    return client


def form_data(form, prefix=""):
    """A bound admin form as the page filled it in: its initial values, dates as the widgets send them."""
    data = {}
    for field in form:
        value = form.initial.get(field.name, field.initial)
        if value is None or field.name in ("id",) and not value:
            continue
        if isinstance(value, dt.datetime):
            data[f"{field.html_name}_0"], data[f"{field.html_name}_1"] = (
                f"{value:%Y-%m-%d}",
                f"{value:%H:%M:%S}",
            )
        elif isinstance(value, bool):
            if value:
                data[field.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[field.html_name] = [getattr(item, "pk", item) for item in value]
        else:
            data[field.html_name] = getattr(value, "pk", value)
    return data


def page_data(response):
    """Everything an admin change page posts back unchanged: its form and each inline's forms."""
    data = form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(form_data(formset.management_form))
        for form in formset.forms:
            data.update(form_data(form))
    return data


def task_updates():
    return list(Message.objects.filter(channel=Channel.PROJECT_BOARD).values_list("body_text", flat=True))


def test_progress_set_on_the_promise_page_is_posted_to_its_card(admin_client, promise):
    url = reverse("admin:projects_commitment_change", args=[promise.pk])
    data = page_data(admin_client.get(url))

    response = admin_client.post(
        url, {**data, "progress": "60", "recovery_plan": "Second developer from Monday."}
    )

    assert response.status_code == 302
    promise.refresh_from_db()
    assert promise.progress == 60
    assert task_updates() == ["Progress: 60%. Recovery plan: Second developer from Monday."]


def test_a_promise_marked_done_in_its_projects_page_is_done_on_its_card(admin_client, promise, project):
    url = reverse("admin:projects_project_change", args=[project.pk])
    data = page_data(admin_client.get(url))
    index = next(key for key, value in data.items() if key.endswith("-id") and value == promise.pk)
    prefix = index.removesuffix("-id")

    response = admin_client.post(url, {**data, f"{prefix}-status": "done", f"{prefix}-done_on": "2026-03-10"})

    assert response.status_code == 302, response.context["errors"] if response.context else response
    promise.refresh_from_db()
    assert (promise.status, promise.progress, promise.done_on) == ("done", 100, dt.date(2026, 3, 10))
    assert task_updates() == ["Done on Tue 10 Mar."]


def test_progress_on_a_done_promise_is_refused_beside_the_form_and_nothing_changes(admin_client, promise):
    Commitment.objects.filter(pk=promise.pk).update(status="done", done_on=dt.date(2026, 3, 10), progress=100)
    url = reverse("admin:projects_commitment_change", args=[promise.pk])
    data = page_data(admin_client.get(url))

    response = admin_client.post(url, {**data, "progress": "40"})

    assert response.status_code == 200
    assert "Progress is reported on an open promise; this one is done." in response.content.decode()
    promise.refresh_from_db()
    assert promise.progress == 100 and task_updates() == []


def test_a_promise_added_in_admin_is_open_on_its_project(admin_client, project):
    response = admin_client.post(
        reverse("admin:projects_commitment_add"),
        {
            "project": project.pk,
            "description": "Send the test plan",
            "due_on": "2026-03-20",
            "in_scope": "on",
        },
    )

    assert response.status_code == 302
    made = Commitment.objects.get(description="Send the test plan")
    assert (made.project, made.status, made.progress) == (project, "open", 0)


def test_progress_reported_as_a_promise_is_dropped_is_kept_and_the_drop_saved(admin_client, promise):
    url = reverse("admin:projects_commitment_change", args=[promise.pk])
    data = page_data(admin_client.get(url))

    response = admin_client.post(url, {**data, "progress": "30", "status": "dropped"})

    assert response.status_code == 302
    promise.refresh_from_db()
    assert (promise.status, promise.progress) == ("dropped", 30)
    assert task_updates() == ["Progress: 30%."]
