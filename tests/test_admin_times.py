"""Admin lists write instants the one way, with their zone ("Tue 24 Nov 09:00 UTC"), and count in
words ("1 escalation acknowledged", not "1 escalation(s)")."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from comms.models import Deadline, Update
from escalations.models import Escalation
from tests.factories import ContactFactory, make_project

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def project():
    with time_machine.travel(NOW, tick=False):
        return make_project(name="Fleet dashboard")


def listed(admin_client, model):
    return admin_client.get(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))


def test_the_deadline_list_shows_due_times_with_their_zone(admin_client, project):
    Deadline.objects.create(
        project=project,
        kind=Deadline.Kind.QUIET_CLIENT,
        due_at=NOW,
        explanation="due when the client is quiet",
    )

    assert "Tue 24 Nov 09:00 UTC" in listed(admin_client, Deadline).content.decode()


def test_the_update_list_shows_when_each_is_owed_with_its_zone(admin_client, project):
    Update.objects.create(
        project=project,
        kind="build_status",
        subject="Build status",
        technical_body="Body",
        executive_body="Body",
        status_line="On track",
        rag="green",
        send_by=NOW,
        created_at=NOW,
    )

    assert "Tue 24 Nov 09:00 UTC" in listed(admin_client, Update).content.decode()


def test_the_escalation_list_shows_its_targets_with_their_zone(admin_client, project):
    from escalations.services import raise_escalation

    with time_machine.travel(NOW, tick=False):
        raise_escalation(
            project,
            category="dispute",
            severity="minor",
            title="Invoice disputed",
            description="They dispute the invoice.",
            now=NOW,
        )

    page = listed(admin_client, Escalation).content.decode()
    assert Escalation.objects.count() == 1
    # Acknowledge-by and resolve-by, each in the one format.
    assert len(re.findall(r"<td class=\"field-\w+\">\w{3} \d{1,2} \w{3} \d\d:\d\d UTC</td>", page)) == 2


def test_acknowledging_one_escalation_in_admin_says_so_in_the_singular(admin_client, project):
    from escalations.services import raise_escalation

    with time_machine.travel(NOW, tick=False):
        escalation = raise_escalation(
            project,
            category="dispute",
            severity="minor",
            title="Invoice disputed",
            description="They dispute the invoice.",
            now=NOW,
        )
    response = admin_client.post(
        reverse("admin:escalations_escalation_changelist"),
        {"action": "acknowledge", "_selected_action": [escalation.pk]},
        follow=True,
    )

    page = response.content.decode()
    assert "1 escalation acknowledged." in page
    assert "(s)" not in page


def test_sending_one_update_from_admin_says_so_in_the_singular(admin_client, project):
    project.contacts.add(ContactFactory(client=project.client, email="jack@hf.example"))
    update = Update.objects.create(
        project=project,
        kind="build_status",
        subject="Build status",
        technical_body="Body",
        executive_body="Body",
        status_line="On track",
        rag="green",
        send_by=NOW,
        created_at=NOW,
    )
    response = admin_client.post(
        reverse("admin:comms_update_changelist"),
        {"action": "send_now", "_selected_action": [update.pk], "index": "0"},
        follow=True,
    )

    page = response.content.decode()
    assert "1 update queued for sending." in page
    assert "(s)" not in page
