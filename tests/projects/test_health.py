import datetime as dt

from projects.health import Health, HealthFacts, assess

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


def test_a_project_waiting_for_its_kickoff_says_so_in_amber():
    assert assess(HealthFacts(now=NOW, awaiting_kickoff=True)) == Health("amber", ("kickoff not logged",))


def test_no_word_to_the_client_within_48_hours_of_the_kickoff_is_red():
    kickoff = NOW - dt.timedelta(hours=47)
    assert assess(HealthFacts(now=NOW, kickoff_at=kickoff)).rag == "green"
    late = assess(HealthFacts(now=NOW, kickoff_at=NOW - dt.timedelta(hours=50)))
    assert late == Health("red", ("no word to the client since the kickoff 2 days ago",))
    answered = HealthFacts(
        now=NOW, kickoff_at=NOW - dt.timedelta(days=3), last_update_sent_at=NOW - dt.timedelta(days=2)
    )
    assert assess(answered).rag == "green"


def test_no_update_for_longer_than_the_cadence_allows_is_red_without_any_deadline():
    facts = {"kickoff_at": NOW - dt.timedelta(days=60), "update_gap_allowed": dt.timedelta(days=9)}
    within = HealthFacts(now=NOW, last_update_sent_at=NOW - dt.timedelta(days=8), **facts)
    assert assess(within).rag == "green"
    gone_quiet = HealthFacts(now=NOW, last_update_sent_at=NOW - dt.timedelta(days=12), **facts)
    assert assess(gone_quiet) == Health("red", ("no update to the client for 12 days",))


def test_a_closed_project_is_not_judged_on_silence():
    closed = HealthFacts(now=NOW, closed=True, awaiting_kickoff=True)
    assert assess(closed).rag == "green"
    quiet_but_closed = HealthFacts(
        now=NOW,
        closed=True,
        kickoff_at=NOW - dt.timedelta(days=90),
        last_update_sent_at=NOW - dt.timedelta(days=60),
        update_gap_allowed=dt.timedelta(days=16),
    )
    assert assess(quiet_but_closed).rag == "green"


def test_a_build_that_has_shown_the_client_nothing_for_a_week_is_amber():
    kicked_off = NOW - dt.timedelta(days=20)
    shown = {"shows_work": True, "kickoff_at": kicked_off, "last_update_sent_at": NOW}

    never = assess(HealthFacts(now=NOW, **shown))
    long_ago = assess(HealthFacts(now=NOW, last_visual_at=NOW - dt.timedelta(days=8), **shown))
    lately = assess(HealthFacts(now=NOW, last_visual_at=NOW - dt.timedelta(days=6), **shown))
    in_discovery = assess(HealthFacts(now=NOW, **(shown | {"shows_work": False})))

    assert never == Health("amber", ("nothing visual shown to the client for 20 days",))
    assert long_ago == Health("amber", ("nothing visual shown to the client for 8 days",))
    assert lately.rag == in_discovery.rag == "green"
