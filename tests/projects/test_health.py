import datetime as dt

from projects.health import HealthFacts, assess

NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=dt.UTC)


def test_nothing_needing_the_lead_is_green():
    assert assess(HealthFacts(now=NOW)).rag == "green"


def test_a_reply_past_its_deadline_is_red_with_the_reason():
    health = assess(HealthFacts(now=NOW, unanswered_mails=2, next_response_due=NOW - dt.timedelta(minutes=1)))
    assert health.rag == "red"
    assert health.reasons == ("client email unanswered past its deadline (2 waiting)",)


def test_a_reply_due_within_the_hour_is_amber_with_the_time_left():
    health = assess(
        HealthFacts(now=NOW, unanswered_mails=1, next_response_due=NOW + dt.timedelta(minutes=40))
    )
    assert (health.rag, health.reasons) == ("amber", ("client email due in 40 min",))


def test_a_critical_escalation_or_an_overdue_update_is_red_and_lesser_reasons_follow():
    health = assess(
        HealthFacts(now=NOW, overdue_drafts=1, open_escalations={"critical": 1, "minor": 2}, drafts_waiting=1)
    )
    assert health.rag == "red"
    assert health.reasons == (
        "1 update overdue",
        "1 critical escalation open",
        "2 escalations open",
        "1 draft waiting for review",
    )


def test_promises_and_silence_grade_by_how_far_gone():
    assert assess(HealthFacts(now=NOW, overdue_commitments=1)).rag == "amber"
    assert assess(HealthFacts(now=NOW, overdue_commitments=2)).rag == "red"
    assert assess(HealthFacts(now=NOW, client_silence="late")).reasons == ("client gone quiet",)
    assert assess(HealthFacts(now=NOW, client_silence="overdue")).rag == "red"
