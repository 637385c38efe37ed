"""Satisfaction in the API (the answers, read only, and a summary) and in the escalation review:
per client, per phase, with the trend against the period before."""

import datetime as dt

import pytest

from comms.models import SatisfactionAsk, Update
from escalations import satisfaction
from escalations.review import report_lines, review
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

APRIL = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
MAY = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)


def asked(project, contact, at, *, occasion="day_30", phase="", state="sent"):
    update = Update.objects.create(
        project=project,
        kind="post_launch_checkin" if occasion == "day_30" else "phase_notice",
        subject="Check-in",
        technical_body="How is it going?",
        executive_body="How is it going?",
        status_line="Live",
        rag="green",
        state=state,
        send_by=at,
        created_at=at,
        sent_at=at if state == "sent" else None,
    )
    return SatisfactionAsk.objects.create(
        project=project, contact=contact, update=update, occasion=occasion, phase=phase, asked_at=at
    )


def answered(project, contact, at, score, **ask):
    return satisfaction.record_answer(asked(project, contact, at, **ask), score, now=at)


@pytest.fixture
def scored(project, other_project):
    """Fleet dashboard's client: 4 in March, then 2 and 5 (and one unanswered) in April; the
    other lead's project: 1 in April."""
    jack = project.contacts.get()
    mia = ContactFactory(client=project.client, name="Mia Thompson")
    answered(project, jack, dt.datetime(2026, 3, 10, tzinfo=dt.UTC), 4, occasion="phase_end", phase="build")
    answered(project, jack, dt.datetime(2026, 4, 2, tzinfo=dt.UTC), 2, occasion="phase_end", phase="build")
    answered(project, mia, dt.datetime(2026, 4, 20, tzinfo=dt.UTC), 5)
    asked(project, mia, dt.datetime(2026, 4, 21, tzinfo=dt.UTC), occasion="phase_end", phase="qa")
    asked(project, mia, dt.datetime(2026, 4, 22, tzinfo=dt.UTC), state="draft")  # never sent: not asked
    answered(other_project, other_project.contacts.get(), dt.datetime(2026, 4, 3, tzinfo=dt.UTC), 1)
    return project


def test_the_review_reports_satisfaction_per_client_and_per_phase_with_the_trend(scored, other_project):
    found = review(APRIL, MAY).satisfaction
    assert (found.overall.asked, found.overall.answered, found.overall.mean) == (4, 3, 2.7)
    fleet = found.by_client[scored.client.name]
    assert (fleet.asked, fleet.answered, fleet.response_percent, fleet.mean) == (3, 2, 67, 3.5)
    assert (fleet.previous_mean, fleet.trend) == (4.0, "down")
    assert found.by_client[other_project.client.name].trend == ""  # nothing before to compare with
    assert list(found.by_phase) == ["End of Build", "End of QA/UAT", "Day-30 check-in"]
    assert (found.by_phase["End of Build"].mean, found.by_phase["Day-30 check-in"].mean) == (2.0, 3.0)

    lines = report_lines(review(APRIL, MAY))
    assert "Client satisfaction: mean 2.7/5, down from 4; 3 of 4 answered (75%)" in lines
    assert f"  {scored.client.name}  mean 3.5/5, down from 4; 2 of 3 answered (67%)" in lines
    assert any(line.startswith("  End of QA/UAT") and "0 of 1 answered (0%)" in line for line in lines)


def test_a_period_with_nobody_asked_says_so():
    lines = report_lines(review(APRIL, MAY))
    assert "Client satisfaction: nobody was asked" in lines


def test_the_api_lists_the_answers_of_the_projects_you_see_read_only(api, scored):
    listed = api.get("/api/satisfaction/").json()
    assert [row["score"] for row in listed["results"]] == [5, 2, 4]
    row = listed["results"][1]
    assert (row["project"], row["occasion"], row["phase"]) == (scored.pk, "phase_end", "build")
    assert row["escalation"] is not None and row["commitment"] is None
    assert [r["score"] for r in api.get("/api/satisfaction/", {"score": 2}).json()["results"]] == [2]
    assert api.post("/api/satisfaction/", {"score": 5}, format="json").status_code == 405
    assert api.get(f"/api/satisfaction/{row['id']}/").json()["score"] == 2


def test_the_api_summary_covers_only_the_projects_you_see(api, scored, other_project):
    summary = api.get("/api/satisfaction/summary/", {"since": APRIL.isoformat(), "until": MAY.isoformat()})
    assert summary.status_code == 200
    data = summary.json()
    assert list(data["by_client"]) == [scored.client.name]
    assert data["by_client"][scored.client.name] == {
        "asked": 3,
        "answered": 2,
        "response_percent": 67,
        "mean": 3.5,
        "previous_mean": 4.0,
        "trend": "down",
    }
    assert data["by_phase"]["End of Build"]["mean"] == 2.0
    refused = api.get("/api/satisfaction/summary/", {"since": MAY.isoformat(), "until": APRIL.isoformat()})
    assert refused.status_code == 400
