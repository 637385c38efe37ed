"""What a lead does from the project page without going to the admin or the API: report a promise's
progress and recovery plan, say the team waits on the client and resume, pause and resume an
escalation, set auto-send and the delivery terms. A refused form comes back on the project page in
its own section, opened, with the error beside the field and the focus on it."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from comms.inbound import store_client_mail
from comms.models import MessageType
from escalations import services as escalation_services
from escalations.models import Escalation
from projects.models import Commitment
from projects.services import add_commitment
from tests.factories import ContactFactory, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(lead):
    return make_project(owner=lead, name="Fleet dashboard")


@pytest.fixture
def promise(project):
    return add_commitment(project, description="Send the test plan", due_on=dt.date(2026, 12, 4))


@pytest.fixture
def escalation(project, lead):
    return escalation_services.raise_escalation(
        project,
        category="technical_failure",
        severity="moderate",
        title="Staging is down",
        description="The staging server answers 502.",
        now=timezone.now(),
        by=lead,
    )


def section(response, name):
    """The HTML of one section of the project page, as the response has it."""
    html = response.content.decode()
    found = re.search(rf'<section [^>]*id="{name}".*?</section>', html, re.S)
    assert found, f"no section #{name} in the page"
    return found.group(0)


def post(client, name, *args, **data):
    return client.post(reverse(f"dashboard:{name}", args=args), data)


def test_a_lead_reports_progress_and_a_recovery_plan_the_client_reads(client, project, promise):
    response = post(
        client,
        "commitment_progress",
        project.pk,
        promise.pk,
        **{
            f"progress-{promise.pk}-progress": "60",
            f"progress-{promise.pk}-recovery_plan": "Two testers join on Monday.",
        },
    )

    assert response.status_code == 302
    promise.refresh_from_db()
    assert (promise.progress, promise.recovery_plan) == (60, "Two testers join on Monday.")
    page = section(client.get(response.url), "commitments")
    assert "60% done" in page and "Recovery plan: Two testers join on Monday." in page


def test_progress_over_100_is_refused_beside_the_field_in_an_open_section_and_nothing_changes(
    client, project, promise
):
    response = post(
        client,
        "commitment_progress",
        project.pk,
        promise.pk,
        **{f"progress-{promise.pk}-progress": "150", f"progress-{promise.pk}-recovery_plan": "x"},
    )

    assert response.status_code == 400
    commitments = section(response, "commitments")
    assert re.search(r"<details [^>]*open>\s*<summary>Progress and recovery plan", commitments)
    field = re.search(r"<input[^>]*name=\"progress-\d+-progress\"[^>]*>", commitments).group(0)
    assert "autofocus" in field and 'aria-invalid="true"' in field
    assert "Ensure this value is less than or equal to 100." in commitments
    promise.refresh_from_db()
    assert (promise.progress, promise.recovery_plan) == (0, "")


def test_a_done_promise_takes_no_more_progress(client, project, promise):
    promise.status, promise.done_on = Commitment.Status.DONE, dt.date(2026, 11, 2)
    promise.save()

    response = post(
        client, "commitment_progress", project.pk, promise.pk, **{f"progress-{promise.pk}-progress": "5"}
    )

    assert response.status_code == 404


def test_waiting_on_the_client_then_resuming(client, project, promise):
    waiting = post(
        client, "commitment_waiting", project.pk, promise.pk, **{f"waiting-{promise.pk}-what": "DNS access"}
    )
    promise.refresh_from_db()
    assert waiting.status_code == 302
    assert promise.waiting_for == "DNS access" and promise.waiting_since is not None
    page = section(client.get(waiting.url), "commitments")
    assert "Waiting on the client</strong> for DNS access since" in page
    assert "Resume: the client has answered" in page

    resumed = post(client, "commitment_waiting", project.pk, promise.pk, resume="1")
    promise.refresh_from_db()
    assert resumed.status_code == 302
    assert (promise.waiting_for, promise.waiting_since) == ("", None)


def test_waiting_without_saying_for_what_is_refused(client, project, promise):
    response = post(
        client, "commitment_waiting", project.pk, promise.pk, **{f"waiting-{promise.pk}-what": " "}
    )

    assert response.status_code == 400
    assert "This field is required." in section(response, "commitments")
    promise.refresh_from_db()
    assert promise.waiting_for == ""


def test_an_escalation_waits_on_the_client_and_resumes_from_the_page(client, project, escalation):
    waiting = post(
        client, "escalation_step", project.pk, escalation.pk, step="wait", note="Their server logs"
    )
    escalation.refresh_from_db()
    assert waiting.status_code == 302
    assert escalation.paused_at is not None and escalation.waiting_for == "Their server logs"
    assert "the resolve clock is paused" in section(client.get(waiting.url), "escalations")

    resumed = post(client, "escalation_step", project.pk, escalation.pk, step="resume")
    escalation.refresh_from_db()
    assert resumed.status_code == 302
    assert escalation.paused_at is None and escalation.paused_for > dt.timedelta(0)


def test_a_step_the_procedure_refuses_comes_back_in_words_beside_its_form(client, project, escalation):
    response = post(client, "escalation_step", project.pk, escalation.pk, step="wait", note="")

    assert response.status_code == 409
    escalations = section(response, "escalations")
    assert "Say what is awaited from the client." in escalations
    assert re.search(r"<details [^>]*open>\s*<summary>Move up, comment, wait", escalations)
    assert Escalation.objects.get(pk=escalation.pk).paused_at is None


def test_auto_send_known_limitations_and_support_terms_are_set_on_the_page(client, project):
    response = post(
        client,
        "delivery_terms",
        project.pk,
        auto_send_drafts="on",
        known_limitations="No offline mode yet.",
        support_terms="Defects fixed free for 60 days.",
    )

    assert response.status_code == 302
    project.refresh_from_db()
    assert project.auto_send_drafts
    assert (project.known_limitations, project.support_terms) == (
        "No offline mode yet.",
        "Defects fixed free for 60 days.",
    )
    plan = section(client.get(response.url), "plan")
    assert "Drafts go out by themselves" in plan and "No offline mode yet." in plan


def test_empty_support_terms_are_refused_and_the_old_ones_kept(client, project):
    before = project.support_terms
    response = post(client, "delivery_terms", project.pk, known_limitations="x", support_terms="")

    assert response.status_code == 400
    plan = section(response, "plan")
    assert re.search(r"<details [^>]*open>\s*<summary>Change auto-send", plan)
    assert re.search(r'<textarea[^>]*name="support_terms"[^>]*autofocus', plan)
    project.refresh_from_db()
    assert (project.support_terms, project.known_limitations, project.auto_send_drafts) == (before, "", False)


def test_a_refused_escalation_opens_its_section_and_focuses_the_first_wrong_field(client, project):
    response = post(
        client,
        "raise_escalation",
        project.pk,
        category="technical_failure",
        severity="moderate",
        title="",
        description="Down",
    )

    assert response.status_code == 400
    escalations = section(response, "escalations")
    assert re.search(r"<details [^>]*open>\s*<summary>Raise an escalation", escalations)
    title = re.search(r'<input[^>]*name="title"[^>]*>', escalations).group(0)
    assert "autofocus" in title and 'aria-describedby="id_title_error"' in title
    assert re.search(r'id="id_title_error"><p class="field-error">This field is required.', escalations)
    assert not project.escalations.exists()


def test_through_htmx_a_refusal_is_the_page_to_swap_and_a_success_reloads_the_project_page(client, project):
    htmx = {"HTTP_HX_REQUEST": "true", "HTTP_HX_BOOSTED": "true"}
    url = reverse("dashboard:raise_escalation", args=[project.pk])
    refused = client.post(url, {"category": "dispute", "severity": "moderate"}, **htmx)
    raised = client.post(
        url,
        {
            "category": "dispute",
            "severity": "moderate",
            "title": "Invoice queried",
            "description": "They dispute it.",
        },
        **htmx,
    )

    assert refused.status_code == 400 and 'id="escalations"' in refused.content.decode()
    assert raised.status_code == 200
    assert raised.headers["HX-Redirect"] == reverse("dashboard:project", args=[project.pk])
    assert project.escalations.get().title == "Invoice queried"


def test_the_api_reports_progress_and_a_recovery_plan_through_the_same_service(
    client, lead, project, promise
):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(lead)
    url = f"/api/commitments/{promise.pk}/"

    reported = api.patch(url, {"progress": 70, "recovery_plan": "Weekend shift."}, format="json")
    too_much = api.patch(url, {"progress": 101}, format="json")
    empty = api.patch(url, {}, format="json")

    assert reported.status_code == 200
    assert (reported.json()["progress"], reported.json()["recovery_plan"]) == (70, "Weekend shift.")
    assert too_much.status_code == 400 and "progress" in too_much.json()
    assert empty.status_code == 400
    promise.refresh_from_db()
    assert (promise.progress, promise.recovery_plan, promise.waiting_for) == (70, "Weekend shift.", "")


@pytest.fixture
def waiting_mail(project):
    contact = ContactFactory(client=project.client, email="jack@hf.example")
    project.contacts.add(contact)
    return store_client_mail(
        esp_name="Postmark",
        provider_id="<q1@hf.example>",
        sender="jack@hf.example",
        recipients=[f"reply+{project.reply_token}@portal.localhost"],
        subject="Can we move the demo?",
        text="Thursday does not work for us.",
        attachments=[],
        headers=[],
        received_at=timezone.now(),
    )


def test_a_client_answered_by_phone_is_no_longer_waiting_and_the_note_is_kept(client, project, waiting_mail):
    field = f"phone-{waiting_mail.pk}-note"
    refused = post(client, "answered_by_phone", project.pk, waiting_mail.pk, **{field: " "})
    assert refused.status_code == 400
    assert re.search(r"<details [^>]*open>\s*<summary>Answered by phone instead", section(refused, "mail"))
    waiting_mail.refresh_from_db()
    assert waiting_mail.responded_at is None

    answered = post(
        client, "answered_by_phone", project.pk, waiting_mail.pk, **{field: "Friday at 10 instead."}
    )

    assert answered.status_code == 302
    waiting_mail.refresh_from_db()
    assert waiting_mail.responded_at is not None
    assert waiting_mail.response_note.endswith("Friday at 10 instead.")
    assert "Nobody is waiting for a reply." in section(client.get(answered.url), "mail")


def test_a_slack_channel_and_a_board_are_connected_on_the_page_and_in_the_api(client, lead, project):
    response = post(
        client,
        "connections",
        project.pk,
        slack_channel="C0HF1234",
        board="5f1a2b3c",
        board_done_list="Shipped",
        board_next_list="Up next",
        board_decision_label="Needs client",
    )

    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.slack_channel, project.board, project.board_done_list) == (
        "C0HF1234",
        "5f1a2b3c",
        "Shipped",
    )
    assert "Slack channel C0HF1234" in section(client.get(response.url), "plan")

    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(lead)
    changed = api.patch(f"/api/projects/{project.pk}/", {"slack_channel": "C0OTHER"}, format="json")
    assert changed.status_code == 200 and changed.json()["slack_channel"] == "C0OTHER"


def test_a_connection_with_a_line_break_is_refused_and_the_old_one_kept(client, project):
    project.slack_channel = "C0HF1234"
    project.save()

    response = post(
        client,
        "connections",
        project.pk,
        slack_channel="C0\nEVIL",
        board="",
        board_done_list="Done",
        board_next_list="Next",
        board_decision_label="Client decision",
    )

    assert response.status_code == 400
    assert re.search(r"<details [^>]*open>\s*<summary>Connect a Slack channel", section(response, "plan"))
    project.refresh_from_db()
    assert project.slack_channel == "C0HF1234"


def test_the_plan_says_when_a_channel_falls_back_to_email(client, project, settings):
    settings.SLACK_BOT_TOKEN = "xoxb-test"
    post(
        client,
        "channels",
        project.pk,
        **dict.fromkeys(MessageType.values, "email") | {"quick_question": "chat"},
    )

    unconnected = section(client.get(reverse("dashboard:project", args=[project.pk])), "plan")
    project.slack_channel = "C0HF1234"
    project.save()
    connected = section(client.get(reverse("dashboard:project", args=[project.pk])), "plan")

    assert (
        'Quick question → Chat <span class="muted">(no Slack channel connected: goes by email)</span>'
        in unconnected
    )
    assert "Quick question → Chat</li>" in connected


def test_a_folded_form_is_rendered_when_it_is_opened_by_name(client, project, promise):
    url = reverse("dashboard:project", args=[project.pk])
    folded = section(client.get(url), "commitments")
    opened = section(client.get(url, {"open": f"progress-{promise.pk}"}), "commitments")

    assert f'name="progress-{promise.pk}-progress"' not in folded
    assert f'href="?open=progress-{promise.pk}#lazy-progress-{promise.pk}"' in folded
    assert re.search(rf'<details id="lazy-progress-{promise.pk}" open>', opened)
    assert f'name="progress-{promise.pk}-progress"' in opened
