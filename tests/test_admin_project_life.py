"""A project's life in Django admin: adding one with its kickoff call drafts the kickoff summary,
a new phase drafts the client's notice, a kickoff once logged cannot be rewritten, and the change
form carries the delivery terms the delivery summary quotes."""

import datetime as dt
import re

import pytest
import time_machine
from django.forms import MultiWidget
from django.urls import reverse
from django.utils import timezone

from comms.lifecycle import log_kickoff
from comms.models import Deadline, Message, Update
from projects.models import Phase, PhaseChange, Project
from tests.factories import ClientFactory, ContactFactory, UserFactory, make_project

pytestmark = pytest.mark.django_db

INLINES = ("channel_rules", "cadence_overrides", "escalation_tiers", "commitments", "phase_changes")


def utc(*args):
    return dt.datetime(*args, tzinfo=dt.UTC)


def split(name, at):
    """A date-and-time as admin's two boxes take it, in the zone admin reads them in."""
    local = timezone.localtime(at)
    return {f"{name}_0": local.date().isoformat(), f"{name}_1": local.time().isoformat()}


def empty_inlines(*prefixes):
    data = {}
    for prefix in prefixes:
        data[f"{prefix}-TOTAL_FORMS"] = "0"
        data[f"{prefix}-INITIAL_FORMS"] = "0"
    return data


def new_project_form(client_account, owner, contacts=(), **fields):
    """The admin add form for a project, filled in as an admin would."""
    return {
        "client": client_account.pk,
        "name": "Fleet dashboard",
        "scope": "Vessel positions on a live map.",
        "phase": Phase.DISCOVERY,
        "owner": owner.pk,
        "lead": owner.pk,
        "contacts": [contact.pk for contact in contacts],
        "starts_on": "2026-02-23",
        "target_delivery_on": "2026-05-01",
        "target_launch_on": "2026-05-05",
        "record_location": "This portal",
        "support_terms": "Defects fixed free for 30 days.",
        **empty_inlines(*INLINES),
        **fields,
    }


def admin_form_data(response):
    """What an admin change form posts back unchanged, inlines included; a date and time goes as
    its two boxes."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(
            {f"{formset.prefix}-{key}": value for key, value in formset.management_form.initial.items()}
        )
        forms.extend(formset.forms)
    for form in forms:
        for name, field in form.fields.items():
            value = form[name].value()
            if value is None:
                continue
            key = form.add_prefix(name)
            if isinstance(field.widget, MultiWidget):
                for index, part in enumerate(field.widget.decompress(value)):
                    data[f"{key}_{index}"] = part.isoformat()
            elif isinstance(value, list | tuple):
                data[key] = [getattr(item, "pk", item) for item in value]
            else:
                data[key] = getattr(value, "pk", value)
    return data


@pytest.fixture
def owner():
    return UserFactory(username="olive", email="olive@agency.example")


@pytest.fixture
def client_account():
    return ClientFactory(name="Harbour & Finch")


def change_url(project):
    return reverse("admin:projects_project_change", args=[project.pk])


def test_adding_a_project_with_its_kickoff_call_drafts_the_kickoff_summary(
    admin_client, owner, client_account
):
    jack = ContactFactory(client=client_account, name="Jack Nguyen")
    friday_call = utc(2026, 2, 27, 14)  # 14:00 in London, the team's calendar
    with time_machine.travel(utc(2026, 2, 27, 16), tick=False):
        response = admin_client.post(
            reverse("admin:projects_project_add"),
            new_project_form(client_account, owner, [jack], **split("kickoff_at", friday_call)),
        )

    assert response.status_code == 302, response.context["adminform"].form.errors
    project = Project.objects.get(name="Fleet dashboard")
    assert project.kickoff_at == friday_call
    summary = project.updates.get(kind="kickoff_summary")
    assert summary.state == Update.State.DRAFT
    assert summary.send_by == utc(2026, 3, 2, 14)  # Monday: one business day after a Friday call
    assert "Vessel positions on a live map." in summary.technical_body
    assert "Jack Nguyen" in summary.technical_body
    assert Message.objects.filter(
        user=owner, update=summary, subject=f"Draft to review: {summary.subject}"
    ).exists()
    assert Deadline.objects.filter(project=project, kind="cadence_update", is_active=True).exists()


def test_adding_a_project_without_a_kickoff_call_drafts_nothing_yet(admin_client, owner, client_account):
    response = admin_client.post(
        reverse("admin:projects_project_add"), new_project_form(client_account, owner)
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    project = Project.objects.get(name="Fleet dashboard")
    assert project.kickoff_at is None
    assert not project.updates.exists()
    assert not Deadline.objects.filter(project=project, kind="cadence_update").exists()


def test_a_kickoff_call_in_the_future_is_refused_when_adding_a_project(admin_client, owner, client_account):
    with time_machine.travel(utc(2026, 2, 27, 16), tick=False):
        response = admin_client.post(
            reverse("admin:projects_project_add"),
            new_project_form(client_account, owner, **split("kickoff_at", utc(2026, 2, 28, 10))),
        )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["kickoff_at"] == [
        "The kickoff call is in the future: log it once it has happened."
    ]
    assert not Project.objects.filter(name="Fleet dashboard").exists()
    assert not Update.objects.exists()


def test_changing_the_phase_in_admin_drafts_the_clients_notice(admin_client, owner):
    project = make_project(owner=owner, name="Fleet dashboard")
    log_kickoff(project, at=timezone.now() - dt.timedelta(days=3), by=owner)
    form = admin_form_data(admin_client.get(change_url(project)))
    form.update(phase=Phase.BUILD, phase_note="The designs are signed off.")

    response = admin_client.post(change_url(project), form)

    assert response.status_code == 302, response.context["adminform"].form.errors
    notice = project.updates.get(kind="phase_notice")
    assert notice.state == Update.State.DRAFT
    assert "from Discovery to Build" in notice.technical_body
    assert "The designs are signed off." in notice.technical_body
    project.refresh_from_db()
    assert project.phase == Phase.BUILD
    assert PhaseChange.objects.filter(project=project, from_phase="discovery", to_phase="build").exists()


def test_a_kickoff_once_logged_cannot_be_rewritten_in_admin(admin_client, owner):
    project = make_project(owner=owner, name="Fleet dashboard")
    call = utc(2026, 2, 27, 14)
    with time_machine.travel(utc(2026, 3, 4, 12), tick=False):
        log_kickoff(project, at=call, by=owner)
        form = admin_form_data(admin_client.get(change_url(project)))
        form.update(name="Fleet dashboard v2", **split("kickoff_at", utc(2026, 3, 3, 10)))
        response = admin_client.post(change_url(project), form)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["kickoff_at"] == [
        "The kickoff call is already in the record (27 Feb 2026 14:00); it happens once."
    ]
    project.refresh_from_db()
    assert (project.name, project.kickoff_at) == ("Fleet dashboard", call)
    assert project.updates.filter(kind="kickoff_summary").count() == 1


def test_the_change_form_shows_the_delivery_terms(admin_client, owner):
    project = make_project(
        owner=owner,
        auto_send_drafts=True,
        known_limitations="No offline mode on Android yet.",
        support_terms="Defects fixed free for 30 days.",
    )

    page = admin_client.get(change_url(project)).content.decode()

    assert re.search(r'<input type="checkbox" name="auto_send_drafts"[^>]* checked', page)
    assert 'name="known_limitations"' in page and "No offline mode on Android yet." in page
    assert 'name="support_terms"' in page and "Defects fixed free for 30 days." in page


@pytest.fixture
def fresh_worker():
    """A worker that has served nothing yet, left as it was found."""
    timezone.deactivate()
    yield
    timezone.deactivate()


def test_a_typed_kickoff_time_means_the_same_instant_whatever_page_the_worker_served_before(
    fresh_worker, admin_client, owner, client_account
):
    typed = {"kickoff_at_0": "2026-06-05", "kickoff_at_1": "10:00:00"}
    add = reverse("admin:projects_project_add")
    with time_machine.travel(utc(2026, 6, 5, 15), tick=False):
        first = admin_client.post(add, new_project_form(client_account, owner, name="First", **typed))
        admin_client.get(reverse("dashboard:portfolio"))  # read in the team's zone (London, BST)
        second = admin_client.post(add, new_project_form(client_account, owner, name="Second", **typed))

    assert (first.status_code, second.status_code) == (302, 302)
    kickoffs = dict(Project.objects.values_list("name", "kickoff_at"))
    assert kickoffs["Second"] == kickoffs["First"]
