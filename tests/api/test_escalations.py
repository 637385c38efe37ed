"""Escalations through the API: raised through raise_escalation, each step a POST action, and the
procedure's refusals answered in its own words (409 for the state, 400 for what is missing)."""

import pytest

from escalations import services
from escalations.models import Escalation

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


def test_escalations_filter_by_state_and_severity(api, project):
    raise_(api, project, severity="minor")
    critical = raise_(api, project).json()["id"]
    api.post(f"/api/escalations/{critical}/acknowledge/")

    rows = api.get("/api/escalations/?state=acknowledged&severity=critical").json()["results"]

    assert [row["id"] for row in rows] == [critical]
    assert api.get("/api/escalations/?severity=minor").json()["count"] == 1
