import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.management import call_command

from projects.models import Client, Commitment, Contact, Phase, Project

pytestmark = pytest.mark.django_db

JANUARY, JULY = datetime(2026, 1, 15), datetime(2026, 7, 15)


def seed():
    output = io.StringIO()
    call_command("seed_demo", stdout=output)
    return output.getvalue()


def row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_seed_demo_run_twice_leaves_the_same_counts():
    seed()
    first = row_counts()
    seed()
    assert row_counts() == first
    assert first["projects.Project"] == 10


def test_seed_demo_prints_the_logins_that_work(client):
    printed = seed()
    assert "admin / admin-demo-2026" in printed
    assert "lena / lead-demo-2026" in printed
    assert client.login(username="admin", password="admin-demo-2026")
    assert client.login(username="lena", password="lead-demo-2026")


def test_demo_clients_span_time_zones_including_the_southern_hemisphere():
    seed()
    zones = {client.calendar.time_zone for client in Client.objects.select_related("calendar")}
    assert len(zones) >= 3
    southern = [zone for zone in zones if ZoneInfo(zone).utcoffset(JULY) < ZoneInfo(zone).utcoffset(JANUARY)]
    assert southern, "one client should keep summer time in January (southern hemisphere)"


def test_demo_projects_cover_every_phase_with_owner_contacts_and_history():
    seed()
    assert set(Project.objects.values_list("phase", flat=True)) == set(Phase.values)
    for project in Project.objects.all():
        kinds = set(project.contacts.values_list("kind", flat=True))
        assert kinds == {Contact.Kind.TECHNICAL, Contact.Kind.EXECUTIVE}
        assert project.phase_changes.last().to_phase == project.phase
        assert project.channel_rules.count() == 6
    today = date.today()
    assert any(commitment.is_overdue(today) for commitment in Commitment.objects.all())
    assert Commitment.objects.filter(status=Commitment.Status.DONE).exists()
