from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from comms.drafts import (
    CommitmentFact,
    DecisionFact,
    Person,
    PhaseChangeFact,
    ProjectRecord,
    build_status,
    compose,
    decision_confirmation,
    delivery_checklist,
    delivery_summary,
    discovery_summary,
    kickoff_summary,
    phase_notice,
    post_launch_checkin,
    qa_note,
    quiet_client_nudge,
)

MONDAY = date(2023, 11, 13)
LAST_UPDATE = date(2023, 11, 6)
OWNER = Person("Maya Chen", "maya@agency.test", "Project owner")
PORTAL = "https://portal.test/p/fleet"


def promise(description="Test plan", due=date(2023, 11, 14), status="open", progress=60, **fields):
    if status == "done":
        fields.setdefault("done_on", due)
        progress = 100
    return CommitmentFact(description, due, status, progress, fields.pop("in_scope", True), **fields)


def ask(summary="Which map provider to license", made_on=MONDAY, **fields):
    fields.setdefault("awaiting_client", True)
    made_at = datetime(made_on.year, made_on.month, made_on.day, 10, tzinfo=UTC)
    return DecisionFact(summary, made_at, fields.pop("made_in", "email"), **fields)


def record(**fields) -> ProjectRecord:
    base = ProjectRecord(
        project="Fleet dashboard",
        client="Northwind",
        phase="build",
        scope="A dashboard of every truck's location, fuel use and service history.",
        owner=OWNER,
        lead=Person("Sam Lee", "sam@agency.test", "Project lead"),
        team=(
            Person("Omar Haddad", "omar@agency.test", "Team"),
            Person("Lena Fischer", "lena@agency.test", "Team"),
        ),
        contacts=(
            Person("Dana Fox", "dana@northwind.test", "CTO", "technical"),
            Person("Eve Stone", "eve@northwind.test", "CEO", "executive"),
        ),
        escalation_path=("L1 first responders: Omar Haddad, Lena Fischer", "L2 senior staff: Ana Ruiz"),
        cadence="a weekly status email",
        commitments=(promise(),),
        decisions=(),
        today=MONDAY,
        since=LAST_UPDATE,
        known_limitations="Offline mode is not included.",
        support_terms="Bugs fixed within 2 business days.",
        portal_url=PORTAL,
    )
    return replace(base, **fields)


EVERY_KIND = {
    "kickoff_summary": kickoff_summary,
    "discovery_summary": discovery_summary,
    "build_status": build_status,
    "qa_note": qa_note,
    "delivery_checklist": delivery_checklist,
    "delivery_summary": delivery_summary,
    "phase_notice": lambda r: phase_notice(r, PhaseChangeFact("build", "qa")),
    "post_launch_checkin": lambda r: post_launch_checkin(r, 7),
    "decision_confirmation": lambda r: decision_confirmation(r, ask("Ship on Friday", awaiting_client=False)),
    "quiet_client_nudge": lambda r: quiet_client_nudge(r, 5),
}
RESTATING_KINDS = [kind for kind in EVERY_KIND if kind != "phase_notice"]


def words(text):
    return len(text.split())


def paragraphs(text):
    return text.split("\n\n")


def crowded_record():
    """30 promises: 10 shipped since the last update, 20 open (3 of them late, with long fixes)."""
    shipped = [
        promise(f"Shipped feature number {n}", LAST_UPDATE + timedelta(days=1), "done") for n in range(10)
    ]
    late = [
        promise(
            f"Late report number {n} for the fleet managers' weekly review",
            MONDAY - timedelta(days=n + 1),
            recovery_plan="Two more developers join the team on Monday, and we will send the new date "
            "in Wednesday's update once they have looked at the remaining work.",
        )
        for n in range(3)
    ]
    coming = [promise(f"Upcoming screen number {n}", MONDAY + timedelta(days=n + 1)) for n in range(17)]
    asks = tuple(ask(f"Pending question number {n} about the data retention rules", MONDAY) for n in range(6))
    return record(commitments=tuple(shipped + late + coming), decisions=asks)


# --- Build status ---------------------------------------------------------------------------------


def test_build_status_answers_the_three_questions_in_under_200_words():
    draft = build_status(crowded_record())

    headings = [line for line in draft.technical.splitlines() if line.startswith("What ")]
    assert headings == ["What shipped", "What is next", "What needs your decision"]
    assert words(draft.technical) < 200
    assert "more — see the portal" in draft.technical
    assert draft.technical.count("OVERDUE since") == 3


def test_build_status_shows_what_shipped_since_the_last_update_and_what_is_next_soonest_first():
    draft = build_status(
        record(
            commitments=(
                promise("Login page", date(2023, 11, 1), "done"),
                promise("Map of trucks", date(2023, 11, 9), "done"),
                promise("Fuel report", date(2023, 11, 20), progress=10),
                promise("Test plan", date(2023, 11, 14), progress=60),
            )
        )
    )

    shipped, upcoming = paragraphs(draft.technical)[1:3]
    assert shipped == "What shipped\n- Map of trucks — done Thu 9 Nov"
    assert upcoming == (
        "What is next\n- Test plan — 60% done, due Tue 14 Nov\n- Fuel report — 10% done, due Mon 20 Nov"
    )
    assert "What needs your decision\n- Nothing right now." in draft.technical


def test_something_finished_on_the_day_of_the_last_update_still_counts_as_shipped():
    draft = build_status(record(commitments=(promise("Map of trucks", LAST_UPDATE, "done"),)))

    assert "- Map of trucks — done Mon 6 Nov" in draft.technical


def test_build_status_asks_for_the_decisions_waiting_on_the_client():
    draft = build_status(record(decisions=(ask("Which map provider to license", date(2023, 11, 10)),)))

    assert (
        "What needs your decision\n- Which map provider to license (waiting since Fri 10 Nov)"
        in draft.technical
    )


# --- Commitments re-stated ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", RESTATING_KINDS)
def test_every_update_restates_the_promises_with_their_progress(kind):
    draft = EVERY_KIND[kind](record())

    assert "Test plan — 60% done, due Tue 14 Nov" in draft.technical


def test_overdue_commitment_is_flagged_with_its_recovery_plan():
    late = promise("Fuel report", date(2023, 11, 11), progress=40, recovery_plan="New date Fri 17 Nov.")

    draft = build_status(record(commitments=(late,)))

    assert "- Fuel report — 40% done, OVERDUE since Sat 11 Nov: New date Fri 17 Nov." in draft.technical
    assert "Fuel report, since Sat 11 Nov: New date Fri 17 Nov." in draft.executive


def test_overdue_commitment_without_a_recovery_plan_promises_a_new_date():
    draft = qa_note(record(commitments=(promise("Fuel report", date(2023, 11, 11), progress=40),)))

    assert "Fuel report — 40% done, OVERDUE since Sat 11 Nov: we will send a new date" in draft.technical


def test_a_commitment_due_today_is_not_overdue():
    draft = build_status(record(commitments=(promise("Test plan", MONDAY),)))

    assert "OVERDUE" not in draft.technical
    assert draft.rag == "green"


def test_when_every_promise_is_kept_the_update_says_so():
    draft = discovery_summary(record(commitments=(promise(status="done"), promise("Login", status="done"))))

    assert "Where our promises stand: all 2 items done." in draft.technical


# --- Red, amber, green ----------------------------------------------------------------------------


def test_status_line_counts_the_promises_kept_and_the_decisions_owed():
    commitments = tuple(promise(f"Item {n}", LAST_UPDATE, "done") for n in range(3)) + (promise(), promise())

    draft = build_status(record(commitments=commitments, decisions=(ask(),)))

    assert draft.rag == "green"
    assert draft.status_line == "Build is on track: 3 of 5 promised items done; 1 decision needed from you."


def test_one_overdue_commitment_makes_the_status_amber():
    draft = build_status(record(commitments=(promise(due=MONDAY - timedelta(days=5)),)))

    assert draft.rag == "amber"
    assert draft.status_line == "Build needs attention: 0 of 1 promised items done; 1 item overdue."


def test_a_scoped_commitment_more_than_five_days_overdue_makes_the_status_red():
    draft = build_status(record(commitments=(promise(due=MONDAY - timedelta(days=6)),)))

    assert draft.rag == "red"
    assert draft.status_line.startswith("Build is behind schedule:")


def test_an_extra_outside_the_scope_long_overdue_makes_the_status_amber_not_red():
    extra = promise("Extra CSV download", MONDAY - timedelta(days=10), in_scope=False)

    assert build_status(record(commitments=(extra,))).rag == "amber"


def test_two_overdue_commitments_make_the_status_red():
    late = tuple(promise(f"Item {n}", MONDAY - timedelta(days=1)) for n in range(2))

    assert build_status(record(commitments=late)).rag == "red"


def test_a_decision_waiting_on_the_client_more_than_three_days_makes_the_status_amber():
    three_days = record(decisions=(ask(made_on=MONDAY - timedelta(days=3)),))
    four_days = record(decisions=(ask(made_on=MONDAY - timedelta(days=4)),))

    assert build_status(three_days).rag == "green"
    assert build_status(four_days).rag == "amber"


def test_a_closed_project_is_named_in_its_status_line():
    draft = phase_notice(record(commitments=()), PhaseChangeFact("support", "closed"))

    assert draft.status_line == "Fleet dashboard is on track."


# --- Executives and sign-off ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", EVERY_KIND)
def test_executive_variant_leads_with_the_rag_status_line(kind):
    draft = EVERY_KIND[kind](record(decisions=(ask(made_on=MONDAY - timedelta(days=4)),)))

    assert draft.executive.splitlines()[0] == f"Status: AMBER — {draft.status_line}"
    assert words(draft.executive) < 80


@pytest.mark.parametrize("kind", EVERY_KIND)
def test_executive_variant_stays_under_80_words_however_crowded_the_record(kind):
    draft = EVERY_KIND[kind](crowded_record())

    status = draft.executive.splitlines()[0]
    assert status.startswith("Status: RED — ")
    assert "is behind schedule: 10 of 30 promised items done; 3 items overdue; 6 decisions needed" in status
    assert words(draft.executive) < 80


@pytest.mark.parametrize("kind", EVERY_KIND)
def test_every_body_ends_with_the_owners_sign_off_and_the_portal_link(kind):
    draft = EVERY_KIND[kind](record())

    for body in (draft.technical, draft.executive):
        assert body.endswith(f"Best regards,\nMaya Chen, Project owner\nYour project portal: {PORTAL}")


def test_without_a_portal_the_body_ends_with_the_owner_and_offers_the_full_list_on_request():
    draft = build_status(replace(crowded_record(), portal_url=""))

    assert draft.technical.endswith("Best regards,\nMaya Chen, Project owner")
    assert "more — ask us for the full list" in draft.technical
    assert "portal" not in draft.technical


# --- Each kind ------------------------------------------------------------------------------------


def test_kickoff_summary_names_the_owner_and_both_sides():
    draft = kickoff_summary(record(phase="discovery", cadence="a written summary every 3 business days"))
    body = draft.technical

    assert (
        "What we will deliver\nA dashboard of every truck's location, fuel use and service history." in body
    )
    assert (
        "Your one contact for anything on this project: Maya Chen, Project owner (maya@agency.test)" in body
    )
    assert "Sam Lee, Project lead (sam@agency.test)" in body
    assert "Team: Omar Haddad, Lena Fischer" in body
    assert "Dana Fox, CTO (dana@northwind.test) — gets the detailed updates" in body
    assert "Eve Stone, CEO (eve@northwind.test) — gets the short summary" in body
    assert "in this order:\nL1 first responders: Omar Haddad, Lena Fischer\nL2 senior staff: Ana Ruiz" in body
    assert "From now on you will get a written summary every 3 business days." in body
    assert draft.subject == "Fleet dashboard: kickoff summary"
    assert "Your one contact is Maya Chen (maya@agency.test)" in draft.executive


def test_kickoff_summary_without_an_escalation_path_sends_problems_to_the_owner():
    draft = kickoff_summary(record(escalation_path=()))

    assert "If a problem needs more authority, tell Maya Chen, who takes it further." in draft.technical


def test_discovery_summary_lists_decisions_since_the_last_update_and_open_questions():
    agreed = ask(
        "Reports go out as PDF",
        date(2023, 11, 8),
        made_in="call",
        agreed_by=("Dana Fox",),
        awaiting_client=False,
    )
    older = ask("Old decision", date(2023, 11, 1), awaiting_client=False)

    draft = discovery_summary(record(phase="discovery", decisions=(older, agreed, ask())))

    assert (
        "Decided since Mon 6 Nov\n- Reports go out as PDF (on a call, Wed 8 Nov, agreed by Dana Fox)"
        in draft.technical
    )
    assert "Old decision" not in draft.technical
    assert (
        "Open questions for you\n- Which map provider to license (waiting since Mon 13 Nov)"
        in draft.technical
    )
    assert "1 decision made since Mon 6 Nov; 1 open question for you." in draft.executive


def test_qa_note_says_what_was_tested_and_what_awaits_sign_off():
    draft = qa_note(
        record(
            phase="qa",
            commitments=(promise("Checkout flow", date(2023, 11, 10), "done"), promise()),
            decisions=(ask("Sign off the payment screens"),),
        )
    )

    assert "Tested since Mon 6 Nov\n- Checkout flow — done Fri 10 Nov" in draft.technical
    assert (
        "Waiting for your sign-off\n- Sign off the payment screens (waiting since Mon 13 Nov)"
        in draft.technical
    )
    assert words(draft.technical) < 100


def test_delivery_checklist_ticks_every_scoped_item_and_lists_extras_apart():
    scoped = [promise(f"Feature {n}", date(2023, 11, n + 1), "done") for n in range(7)]
    scoped.append(promise("Fuel report", date(2023, 11, 15), progress=80))
    extra = promise("Extra CSV download", date(2023, 11, 16), progress=0, in_scope=False)

    draft = delivery_checklist(record(phase="delivery", commitments=(*scoped, extra)))
    body = draft.technical

    assert body.startswith("7 of 8 scoped items delivered.")
    assert "[x] Feature 0 — done Wed 1 Nov" in body
    assert "[ ] Fuel report — 80% done, due Wed 15 Nov" in body
    assert "Outside the agreed scope\n[ ] Extra CSV download — 0% done, due Thu 16 Nov" in body
    assert body.count("[x]") == 7


def test_delivery_summary_gives_delivered_against_scoped_limitations_and_30_days_of_support():
    draft = delivery_summary(
        record(phase="delivery", commitments=(promise("Login page", status="done"), promise("Fuel report")))
    )
    body = draft.technical

    assert body.startswith("Fleet dashboard is delivered. 1 of 2 scoped items delivered.")
    assert "What we delivered\n- Login page" in body
    assert "Not delivered\n- Fuel report — 60% done, due Tue 14 Nov" in body
    assert "Known limitations\nOffline mode is not included." in body
    assert "Support for the next 30 days (until Wed 13 Dec)\nBugs fixed within 2 business days." in body


def test_phase_notice_is_one_line():
    draft = phase_notice(record(), PhaseChangeFact("build", "qa"))

    notice, *rest = paragraphs(draft.technical)
    assert notice == "We have moved Fleet dashboard from Build to QA/UAT."
    assert rest == [f"Best regards,\nMaya Chen, Project owner\nYour project portal: {PORTAL}"]
    assert draft.subject == "Fleet dashboard: moved to QA/UAT"
    assert draft.status_line.startswith("QA/UAT is on track")


def test_phase_notice_keeps_the_leads_note_on_the_same_line():
    change = PhaseChangeFact("delivery", "support", note="Support runs\nfor 30 days.")

    notice = paragraphs(phase_notice(record(), change).technical)[0]

    assert (
        notice
        == "We have moved Fleet dashboard from Delivery to Post-launch support. Support runs for 30 days."
    )


def test_post_launch_checkin_asks_how_it_is_going_and_how_to_reach_the_owner():
    draft = post_launch_checkin(record(phase="support", commitments=()), 30)

    assert draft.subject == "Fleet dashboard: Day 30 check-in"
    assert "has been live for 30 days. How is it going for you?" in draft.technical
    assert "Open items\n- Nothing is open on our side." in draft.technical
    assert "Write to Maya Chen at maya@agency.test, or reply to this email." in draft.technical


def test_decision_confirmation_says_what_when_where_and_who_and_asks_for_a_reply():
    made_at = datetime(2023, 11, 10, 15, 30, tzinfo=ZoneInfo("Europe/London"))
    decision = DecisionFact("Reports go out as PDF, not Excel.", made_at, "call", ("Dana Fox", "Eve Stone"))

    draft = decision_confirmation(record(), decision)

    assert draft.subject == "Fleet dashboard: confirming what we agreed on Fri 10 Nov"
    assert paragraphs(draft.technical)[:4] == [
        "To confirm in writing what we agreed on a call on Fri 10 Nov 15:30 London:",
        "Reports go out as PDF, not Excel.",
        "Agreed by: Dana Fox, Eve Stone.",
        "Reply if anything here is not what you understood, and we will correct it before we act on it.",
    ]
    assert "Reply if this is not what you understood." in draft.executive


def test_quiet_client_nudge_mentions_what_the_team_is_waiting_on():
    draft = quiet_client_nudge(record(decisions=(ask("Which map provider to license"),)), 4)

    assert draft.technical.startswith("It has been 4 business days since we last heard from you")
    assert "We are waiting on you for these:\n- Which map provider to license" in draft.technical
    assert "A short reply on them keeps the project moving." in draft.technical


def test_quiet_client_nudge_with_nothing_pending_just_checks_in():
    draft = quiet_client_nudge(record(), 1)

    assert "1 business day since we last heard from you" in draft.technical
    assert "Nothing is blocked on your side" in draft.technical
    assert "waiting on you" not in draft.technical


# --- Dispatch -------------------------------------------------------------------------------------


def test_compose_drafts_the_kind_it_is_asked_for_with_its_extras():
    assert compose("build_status", record()) == build_status(record())
    assert compose("post_launch_checkin", record(), day=7).subject == "Fleet dashboard: Day 7 check-in"
    assert compose("phase_notice", record(), change=PhaseChangeFact("build", "qa")).kind == "phase_notice"


def test_compose_refuses_an_unknown_kind():
    with pytest.raises(ValueError, match="no draft of kind 'weekly_poem'"):
        compose("weekly_poem", record())
