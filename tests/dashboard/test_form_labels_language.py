"""The dashboard's forms speak the member's language: their labels and help texts are the form's own
translated words, not the models' English field names and help texts."""

import inspect

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags

from comms.lifecycle import log_decision
from dashboard import forms as dashboard_forms
from projects.models import MemberSettings
from tests.factories import UserFactory, make_project

# Words German spells as English does: their labels cannot show whether they were translated.
SAME_IN_GERMAN = {"Name", "Phase", "Portfolio", "Status", "Team"}


@pytest.fixture
def jonas(client):
    """A member who reads the dashboard in German, signed in."""
    user = UserFactory(username="jonas", email="jonas@agency.example")
    MemberSettings.objects.create(user=user, language="de")
    client.force_login(user)
    return user


def page_text(client, url):
    return " ".join(strip_tags(client.get(url).content.decode()).split())


@pytest.mark.django_db
def test_a_german_member_reads_the_new_project_form_in_german(client, jonas):
    shown = page_text(client, reverse("dashboard:new_project"))

    assert "Umfang" in shown
    assert "Der vereinbarte Umfang, in einfachen Worten, die der Kunde abgezeichnet hat." in shown
    assert "Geplante Auslieferung am" in shown
    assert "Leitung" in shown
    assert "The agreed scope" not in shown
    assert "Target delivery on" not in shown


@pytest.mark.django_db
def test_a_german_member_reads_the_draft_editor_in_german(client, jonas):
    project = make_project(owner=jonas, name="Booking app")
    log_decision(project, summary="Launch in two stages", made_in="call", made_at=timezone.now(), by=jonas)

    shown = page_text(client, reverse("dashboard:project", args=[project.pk]))

    assert "Betreff" in shown
    assert "Statuszeile" in shown
    assert "Text für Führungskräfte" in shown
    assert "Status line" not in shown
    assert "Executive body" not in shown


def dashboard_form_classes():
    return [
        cls
        for cls in vars(dashboard_forms).values()
        if inspect.isclass(cls)
        and issubclass(cls, forms.BaseForm)
        and cls.__module__ == dashboard_forms.__name__
    ]


def visible_fields(form_class):
    return [(name, field) for name, field in form_class.base_fields.items() if not field.widget.is_hidden]


def in_language(language, text):
    with translation.override(language):
        return str(text)


@pytest.mark.parametrize("form_class", dashboard_form_classes(), ids=lambda cls: cls.__name__)
def test_every_visible_field_of_a_dashboard_form_has_a_translated_label(form_class):
    for name, field in visible_fields(form_class):
        where = f"{form_class.__name__}.{name}"
        assert field.label is not None, f"{where} has no label of its own"
        english = in_language("en", field.label)
        assert in_language("de", field.label) != english or english in SAME_IN_GERMAN, (
            f"{where}: label {english!r} is not translated"
        )
        if field.help_text:
            english = in_language("en", field.help_text)
            assert in_language("de", field.help_text) != english, (
                f"{where}: help text {english!r} is not translated"
            )
