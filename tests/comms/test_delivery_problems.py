"""Mail that failed is seen by an admin: in admin's "Delivery problems" list (team mail beside
client mail, each with its error), in the admins' morning digest, and retried in one action."""

import datetime as dt

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.test import override_settings
from django.urls import reverse

from comms import outbox
from comms.models import Deadline, Message
from comms.tick import run_tick
from tests.factories import ContactFactory, UserFactory, make_project

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 7, 6, 8, 0, tzinfo=dt.UTC)  # Monday 09:00 in London (summer time)
REFUSES_THE_ADDRESS = "tests.comms.failing_mail_backends.RefusesTheAddress"
INVALID = "Invalid email address 'mia@@harbourfinch'"
CHANGELIST = reverse("admin:comms_message_changelist")
PROBLEMS = f"{CHANGELIST}?delivery=problems"


@pytest.fixture
def project():
    return make_project(
        name="Fleet dashboard", owner=UserFactory(username="lena", email="lena@agency.example")
    )


def failed(message, *, at):
    with override_settings(EMAIL_BACKEND=REFUSES_THE_ADDRESS):
        assert outbox.deliver(message.pk, now=at) == "failed"
    message.refresh_from_db()
    return message


def team_mail(project, *, at, subject="Overdue: Build status, week 3"):
    [alert] = outbox.queue_messages(
        [outbox.owner_alert(project, subject=subject, body="Send it.", key=f"alert:{subject}:{at}", now=at)]
    )
    return alert


def client_mail(project, *, at, subject="Build status, week 3"):
    contact = ContactFactory(client=project.client, name="Mia Thompson", email="mia@harbourfinch.example")
    return Message.objects.create(
        project=project,
        kind="build_status",
        contact=contact,
        from_email="updates@agency.example",
        to_email=contact.email,
        subject=subject,
        body_text="What shipped: the booking form.",
        dedupe_key=f"client:{subject}:{at}",
        created_at=at,
        send_after=at,
    )


def test_delivery_problems_lists_failed_mail_newest_first_with_error_and_whether_client_or_team(
    admin_client, project
):
    team = failed(team_mail(project, at=NOW - dt.timedelta(hours=2)), at=NOW - dt.timedelta(hours=2))
    to_client = failed(client_mail(project, at=NOW - dt.timedelta(hours=1)), at=NOW - dt.timedelta(hours=1))
    sent = team_mail(project, at=NOW, subject="Reply due soon")
    assert outbox.deliver(sent.pk, now=NOW) == "sent"

    response = admin_client.get(PROBLEMS)

    assert response.status_code == 200
    rows = response.context["cl"].result_list
    assert [row.pk for row in rows] == [to_client.pk, team.pk]
    page = response.content.decode()
    assert "Delivery problems" in page
    assert INVALID.replace("'", "&#x27;") in page
    assert "lena@agency.example" in page and "mia@harbourfinch.example" in page
    assert "Reply due soon" not in page
    mail_to = response.context["cl"].model_admin.mail_to
    assert [mail_to(row) for row in rows] == ["Client mail", "Team mail"]
    assert "Client mail" in page and "Team mail" in page


def test_a_lead_is_refused_the_delivery_problems_list(client, project):
    client.force_login(project.owner)
    assert client.get(PROBLEMS).status_code == 403


def digest_to(user, at):
    """Run the user's morning digest at `at` as the tick does; its body, or '' if none went out."""
    Deadline.objects.filter(owner=user, kind=Deadline.Kind.MORNING_DIGEST, is_active=True).update(due_at=at)
    run_tick(at)
    digest = Message.objects.filter(kind="morning_digest", user=user, created_at=at).first()
    return digest.body_text if digest else ""


def test_the_admins_morning_digest_lists_team_mail_that_failed_since_the_previous_digest(project):
    admin = UserFactory(username="ada", email="ada@agency.example", is_superuser=True, is_staff=True)
    make_project(name="Ops handbook", owner=admin)
    two_days_ago = NOW - dt.timedelta(days=1, hours=3)
    failed(team_mail(project, at=two_days_ago), at=two_days_ago)
    yesterday = NOW - dt.timedelta(days=1)
    assert "Not delivered: Overdue: Build status, week 3" in digest_to(admin, yesterday)
    failed(
        team_mail(project, at=NOW - dt.timedelta(hours=3), subject="Overdue: Launch notes"),
        at=NOW - dt.timedelta(hours=3),
    )

    body = digest_to(admin, NOW)

    assert (
        f"Not delivered: Overdue: Launch notes to lena@agency.example: The message cannot be sent as it is: {INVALID}"
        in body
    )
    assert "Build status, week 3" not in body  # told in the previous digest
    lead_is_told = digest_to(project.owner, NOW + dt.timedelta(minutes=1))
    assert "Not delivered" not in lead_is_told


def retry_action(admin_client, selected, **form):
    return admin_client.post(
        PROBLEMS,
        {"action": "retry_failed_since", ACTION_CHECKBOX_NAME: [m.pk for m in selected], **form},
    )


def test_retry_everything_failed_since_asks_for_a_time_in_the_teams_zone_then_requeues(
    admin_client, project, time_machine
):
    time_machine.move_to(NOW, tick=False)
    early = failed(team_mail(project, at=NOW - dt.timedelta(hours=5)), at=NOW - dt.timedelta(hours=5))
    late = failed(client_mail(project, at=NOW - dt.timedelta(hours=1)), at=NOW - dt.timedelta(hours=1))

    asking = retry_action(admin_client, [late])
    assert asking.status_code == 200
    page = asking.content.decode()
    assert "Retry everything failed since" in page and "Europe/London" in page
    assert 'value="08:00:00"' in page  # the selected failure, 07:00 UTC, suggested in London time
    assert Message.objects.get(pk=late.pk).state == Message.State.FAILED  # asking changes nothing

    # 07:30 in London is 06:30 UTC in July: after the early failure, before the late one.
    done = retry_action(admin_client, [late], apply="yes", since_0="2026-07-06", since_1="07:30")

    assert done.status_code == 302
    late.refresh_from_db()
    early.refresh_from_db()
    assert late.state == Message.State.QUEUED and late.check_provider_first
    assert early.state == Message.State.FAILED
    assert [str(m) for m in get_messages(done.wsgi_request)] == ["1 failed mail queued again."]


def test_retry_refuses_a_time_in_the_future_with_a_message_and_changes_nothing(
    admin_client, project, time_machine
):
    time_machine.move_to(NOW, tick=False)
    message = failed(team_mail(project, at=NOW - dt.timedelta(hours=1)), at=NOW - dt.timedelta(hours=1))

    response = retry_action(admin_client, [message], apply="yes", since_0="2026-07-06", since_1="10:00")

    assert response.status_code == 200
    assert "That time is still to come" in response.content.decode()
    message.refresh_from_db()
    assert message.state == Message.State.FAILED and not message.check_provider_first
