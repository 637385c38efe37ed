"""Django admin is where an admin configures the org: every page renders, bad input is refused."""

import pytest
from django.urls import reverse

from comms.models import ChannelRule
from projects.models import BusinessCalendar, Phase, PhaseChange, Project
from tests.factories import ClientFactory, ContactFactory, UserFactory, make_project

pytestmark = pytest.mark.django_db


def test_a_user_who_is_not_staff_is_refused_admin(client):
    user = UserFactory(username="client-side")
    client.force_login(user)
    response = client.get(reverse("admin:projects_project_changelist"))
    assert response.status_code == 403  # signed in already: told admin is not theirs, not asked again


def test_a_calendar_closing_before_it_opens_gets_a_message_and_is_not_saved(admin_client):
    response = admin_client.post(
        reverse("admin:projects_businesscalendar_add"),
        {
            "name": "Night shift",
            "time_zone": "Europe/Paris",
            "workdays": ["0", "1"],
            "opens_at": "18:00",
            "closes_at": "09:00",
            "holiday_country": "FR",
            "holiday_subdivision": "",
        },
    )
    assert response.status_code == 200
    assert "The closing time must be later than the opening time." in response.content.decode()
    assert not BusinessCalendar.objects.filter(name="Night shift").exists()


def test_adding_a_project_in_admin_fills_its_channel_rules_and_starts_its_history(admin_client):
    client_account = ClientFactory()
    owner = UserFactory()
    form = {
        "client": client_account.pk,
        "name": "Fleet dashboard",
        "scope": "Vessel positions.",
        "phase": Phase.DISCOVERY,
        "owner": owner.pk,
        "lead": owner.pk,
        "starts_on": "2026-03-02",
        "target_delivery_on": "2026-06-26",
        "target_launch_on": "2026-07-06",
        "record_location": "This portal",
        "support_terms": "Defects fixed free for 30 days.",
        "channel_rules-TOTAL_FORMS": "1",
        "channel_rules-INITIAL_FORMS": "0",
        "channel_rules-0-message_type": "quick_question",
        "channel_rules-0-channel": "phone",
        **empty_inlines("cadence_overrides", "escalation_tiers", "commitments", "phase_changes"),
    }
    response = admin_client.post(reverse("admin:projects_project_add"), form)
    assert response.status_code == 302, response.context["adminform"].form.errors
    project = Project.objects.get(name="Fleet dashboard")
    rules = dict(project.channel_rules.values_list("message_type", "channel"))
    assert rules["quick_question"] == "phone"  # the admin's choice is kept
    assert rules["status_update"] == "email"  # the rest come from the defaults
    assert project.phase_changes.get().to_phase == Phase.DISCOVERY


def test_a_project_without_an_owner_gets_a_field_error_in_admin(admin_client):
    client_account = ClientFactory()
    form = {
        "client": client_account.pk,
        "name": "Orphan",
        "scope": "Nobody owns it.",
        "phase": "discovery",
        "lead": UserFactory().pk,
        "starts_on": "2026-03-02",
        "target_delivery_on": "2026-06-26",
        "target_launch_on": "2026-07-06",
        "record_location": "This portal",
        **empty_inlines(
            "channel_rules", "cadence_overrides", "escalation_tiers", "commitments", "phase_changes"
        ),
    }
    response = admin_client.post(reverse("admin:projects_project_add"), form)
    assert response.status_code == 200
    assert "owner" in response.context["adminform"].form.errors
    assert not Project.objects.filter(name="Orphan").exists()


def test_changing_the_phase_in_admin_writes_the_phase_history(admin_client, admin_user):
    project = make_project()
    url = reverse("admin:projects_project_change", args=[project.pk])
    form = admin_form_data(admin_client.get(url))
    form.update(phase=Phase.BUILD, phase_note="Discovery signed off")
    response = admin_client.post(url, form)
    assert response.status_code == 302, response.context["adminform"].form.errors
    change = PhaseChange.objects.get(project=project, to_phase=Phase.BUILD)
    assert (change.from_phase, change.changed_by, change.note) == (
        "discovery",
        admin_user,
        "Discovery signed off",
    )


def test_a_contact_of_another_client_cannot_be_put_on_a_project(admin_client):
    project = make_project()
    stranger = ContactFactory(name="Someone Else")
    url = reverse("admin:projects_project_change", args=[project.pk])
    form = admin_form_data(admin_client.get(url))
    form["contacts"] = [stranger.pk]
    response = admin_client.post(url, form)
    assert response.status_code == 200
    assert "Not contacts of" in str(response.context["adminform"].form.errors["contacts"])
    assert not project.contacts.exists()


def test_two_channels_for_one_message_type_in_admin_gets_a_message(admin_client):
    project = make_project()
    url = reverse("admin:projects_project_change", args=[project.pk])
    form = admin_form_data(admin_client.get(url))
    total = int(form["channel_rules-TOTAL_FORMS"])
    form.update(
        {
            "channel_rules-TOTAL_FORMS": str(total + 1),
            f"channel_rules-{total}-message_type": "status_update",
            f"channel_rules-{total}-channel": "chat",
        }
    )
    response = admin_client.post(url, form)
    assert response.status_code == 200
    assert "Please correct the duplicate data for message_type." in response.content.decode()
    assert project.channel_rules.filter(message_type="status_update").count() == 1
    assert ChannelRule.objects.get(project=project, message_type="status_update").channel == "email"


def empty_inlines(*prefixes):
    data = {}
    for prefix in prefixes:
        data[f"{prefix}-TOTAL_FORMS"] = "0"
        data[f"{prefix}-INITIAL_FORMS"] = "0"
    return data


def admin_form_data(response):
    """The values an admin change form would post back unchanged, inlines included."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(
            {f"{formset.prefix}-{key}": value for key, value in formset.management_form.initial.items()}
        )
        forms.extend(formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None:
                continue
            key = form.add_prefix(name)
            if isinstance(value, list | tuple):
                data[key] = [getattr(item, "pk", item) for item in value]
            else:
                data[key] = getattr(value, "pk", value)
    return data
