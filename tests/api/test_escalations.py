"""Escalations through the API: raised through raise_escalation, each step a POST action, and the
procedure's refusals answered in its own words (409 for the state, 400 for what is missing)."""

import datetime as dt

import pytest

from comms.models import Message
from escalations import services
from escalations.models import Escalation

from .test_fuzz import served_schema

pytestmark = pytest.mark.django_db


def raise_(api, project, severity="critical", **extra):
    return api.post(
        "/api/escalations/",
        {
            "project": project.pk,
            "category": "technical_failure",
            "severity": severity,
            "title": "Checkout is down",
            "description": "500s since 21:40.",
            **extra,
        },
        format="json",
    )


def test_raising_routes_it_and_records_who_was_told(api, project, lead):
    response = raise_(api, project)

    assert response.status_code == 201, response.json()
    body = response.json()
    routed = services.first_responder(project, "technical_failure")
    assert body | {"state": "open", "tier": 1, "first_responder": routed.pk, "raised_by": lead.pk} == body
    assert [event["kind"] for event in body["events"]] == ["raised", "notified"]


def test_unanswered_mail_cannot_be_raised_by_hand(api, project):
    response = raise_(api, project, category="unanswered_mail")

    assert response.status_code == 400
    assert list(response.json()) == ["category"]


def test_acknowledge_then_acknowledge_again_is_409(api, project):
    url = f"/api/escalations/{raise_(api, project).json()['id']}/acknowledge/"

    assert api.post(url).json()["state"] == "acknowledged"
    response = api.post(url)

    assert response.status_code == 409
    assert response.json() == {"detail": "This escalation is already acknowledged."}


def test_moving_up_past_the_top_tier_is_409(api, project):
    url = f"/api/escalations/{raise_(api, project).json()['id']}/move-up/"

    assert api.post(url, {"reason": "Nobody answers"}, format="json").json()["tier"] == 2
    assert api.post(url, {}, format="json").json()["tier"] == 3
    response = api.post(url, {}, format="json")

    assert response.status_code == 409
    assert response.json() == {"detail": "This escalation is already at L3, the top tier."}


def test_resolving_needs_a_resolution(api, project):
    url = f"/api/escalations/{raise_(api, project).json()['id']}/resolve/"

    response = api.post(url, {"resolution": "  "}, format="json")

    assert response.status_code == 400
    assert response.json() == {"resolution": ["This field may not be blank."]}


def test_closing_a_critical_one_needs_its_post_mortem(api, project):
    pk = raise_(api, project).json()["id"]
    api.post(f"/api/escalations/{pk}/resolve/", {"resolution": "Rolled back the release"}, format="json")

    refused = api.post(f"/api/escalations/{pk}/close/", {}, format="json")
    assert refused.status_code == 400
    assert refused.json()["detail"].startswith("A critical escalation needs a post-mortem")
    assert Escalation.objects.get(pk=pk).state == "resolved"

    closed = api.post(
        f"/api/escalations/{pk}/close/",
        {
            "what": "A bad migration",
            "why": "Untested on a copy",
            "prevention": "Migrations rehearsed on staging",
        },
        format="json",
    )
    assert closed.status_code == 200, closed.json()
    assert closed.json()["state"] == "closed"
    assert closed.json()["resolution"] == "Rolled back the release"

    again = api.post(f"/api/escalations/{pk}/close/", {}, format="json")
    assert again.status_code == 409
    assert again.json() == {"detail": "This escalation is already closed."}


def test_a_closed_escalation_can_still_be_commented_on(api, project, lead):
    pk = raise_(api, project, severity="minor").json()["id"]
    api.post(f"/api/escalations/{pk}/resolve/", {"resolution": "Refunded"}, format="json")
    api.post(f"/api/escalations/{pk}/close/", {}, format="json")

    response = api.post(f"/api/escalations/{pk}/comment/", {"note": "Client thanked us"}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "closed"
    assert response.json()["events"][-1] | {"kind": "comment", "by": lead.pk} == response.json()["events"][-1]


def test_a_comment_needs_some_text(api, project):
    pk = raise_(api, project).json()["id"]

    response = api.post(f"/api/escalations/{pk}/comment/", {"note": "  "}, format="json")

    assert response.status_code == 400
    assert response.json() == {"note": ["This field may not be blank."]}
    assert [event.kind for event in Escalation.objects.get(pk=pk).events.all()] == ["raised", "notified"]


def test_waiting_on_the_client_pauses_and_resuming_moves_the_resolve_target_by_the_pause(
    api, project, time_machine
):
    time_machine.move_to("2026-03-10T10:00Z", tick=False)
    raised = raise_(api, project, severity="minor").json()
    url = f"/api/escalations/{raised['id']}"

    time_machine.move_to("2026-03-11T10:00Z", tick=False)
    waiting = api.post(
        f"{url}/wait-on-client/", {"waiting_for": "Their sign-off on the scope"}, format="json"
    )
    assert waiting.status_code == 200, waiting.json()
    assert (waiting.json()["waiting_for"], waiting.json()["paused_at"]) == (
        "Their sign-off on the scope",
        "2026-03-11T10:00:00Z",
    )

    time_machine.move_to("2026-03-13T10:00Z", tick=False)
    resumed = api.post(f"{url}/resume/")
    assert resumed.status_code == 200, resumed.json()
    body = resumed.json()
    assert (body["waiting_for"], body["paused_at"]) == ("", None)
    assert instant(body["resolve_by"]) - instant(raised["resolve_by"]) == dt.timedelta(days=2)


def instant(text):
    return dt.datetime.fromisoformat(text)


def test_the_timeline_shows_the_comment_the_wait_and_the_resume_with_who_did_them(api, project, lead):
    url = f"/api/escalations/{raise_(api, project).json()['id']}"
    api.post(f"{url}/comment/", {"note": "Asked them for the logs"}, format="json")
    api.post(f"{url}/wait-on-client/", {"waiting_for": "Their server logs"}, format="json")
    api.post(f"{url}/resume/")

    events = api.get(f"{url}/").json()["events"]

    assert [(event["kind"], event["by"]) for event in events[-3:]] == [
        ("comment", lead.pk),
        ("waiting", lead.pk),
        ("resumed", lead.pk),
    ]
    assert [event["note"] for event in events[-3:-1]] == ["Asked them for the logs", "Their server logs"]
    assert events[-1]["note"].startswith("Paused for ")


def test_resuming_when_not_waiting_is_409(api, project):
    url = f"/api/escalations/{raise_(api, project).json()['id']}/resume/"

    response = api.post(url)

    assert response.status_code == 409
    assert response.json() == {"detail": "This escalation is not waiting on the client."}


def test_waiting_on_the_client_needs_what_is_awaited(api, project):
    url = f"/api/escalations/{raise_(api, project).json()['id']}/wait-on-client/"

    assert api.post(url, {}, format="json").json() == {"waiting_for": ["This field is required."]}
    response = api.post(url, {"waiting_for": " "}, format="json")

    assert response.status_code == 400
    assert response.json() == {"waiting_for": ["This field may not be blank."]}


def test_a_resolved_escalation_cannot_wait_on_the_client(api, project):
    pk = raise_(api, project).json()["id"]
    api.post(f"/api/escalations/{pk}/resolve/", {"resolution": "Rolled back"}, format="json")

    response = api.post(f"/api/escalations/{pk}/wait-on-client/", {"waiting_for": "Logs"}, format="json")

    assert response.status_code == 409
    assert response.json() == {"detail": "This escalation is already resolved."}
    assert Escalation.objects.get(pk=pk).waiting_for == ""


def test_escalations_filter_by_state_and_severity(api, project):
    raise_(api, project, severity="minor")
    critical = raise_(api, project).json()["id"]
    api.post(f"/api/escalations/{critical}/acknowledge/")

    rows = api.get("/api/escalations/?state=acknowledged&severity=critical").json()["results"]

    assert [row["id"] for row in rows] == [critical]
    assert api.get("/api/escalations/?severity=minor").json()["count"] == 1


def told_the_client(project):
    return list(
        Message.objects.filter(project=project, contact__isnull=False).values_list("subject", flat=True)
    )


def test_a_budget_overrun_raised_with_the_defaults_does_not_mail_the_client(api, project):
    response = raise_(api, project, category="budget_overrun")

    assert response.status_code == 201, response.json()
    assert response.json()["internal"] is True
    assert told_the_client(project) == []


def test_a_technical_failure_raised_with_the_defaults_mails_the_client(api, project):
    assert raise_(api, project).status_code == 201

    assert told_the_client(project) == ["We are on it: Checkout is down"]


def test_the_lead_tells_the_client_of_a_budget_overrun(api, project):
    assert raise_(api, project, category="budget_overrun", tell_client=True).status_code == 201

    assert told_the_client(project) == ["We are on it: Checkout is down"]


def test_the_lead_keeps_a_technical_failure_from_the_client(api, project):
    response = raise_(api, project, tell_client=False)

    assert response.json()["internal"] is True
    assert told_the_client(project) == []


def test_internal_given_explicitly_is_honoured_either_way(api, project):
    raise_(api, project, category="budget_overrun", internal=False)
    raise_(api, project, internal=True)

    assert told_the_client(project) == ["We are on it: Checkout is down"]
    assert Escalation.objects.get(category="technical_failure").internal


def test_tell_client_and_internal_saying_the_same_thing_is_a_400(api, project):
    response = raise_(api, project, tell_client=True, internal=True)

    assert response.status_code == 400
    assert list(response.json()) == ["tell_client"]
    assert not Escalation.objects.exists()


def test_the_schema_documents_the_override_of_the_categorys_default():
    raise_request = served_schema()["components"]["schemas"]["RaiseRequest"]["properties"]

    assert raise_request["tell_client"]["type"] == "boolean"
    assert "category's route" in raise_request["tell_client"]["description"]
    assert "internal" in raise_request
