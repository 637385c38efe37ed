"""The lead's dashboard: who sees what, every action, bad input, stale edits, and query counts."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comms.inbound import store_client_mail
from comms.lifecycle import log_decision
from comms.models import Message, Update
from escalations.models import Escalation
from projects.models import Commitment, Contact, Decision, Phase, Project
from tests.factories import CalendarFactory, ContactFactory, UserFactory, make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(lead):
    project = make_project(owner=lead, name="Fleet dashboard")
    project.contacts.add(
        ContactFactory(
            client=project.client, name="Jack Nguyen", email="jack@hf.example", kind=Contact.Kind.TECHNICAL
        )
    )
    return project


def page(client, project, **params):
    return client.get(reverse("dashboard:project", args=[project.pk]), params)


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("dashboard:portfolio"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_portfolio_shows_my_projects_red_first_and_not_others(client, lead, project):
    calm = make_project(owner=lead, name="Calm project")
    make_project(name="Someone else's")
    Commitment.objects.create(project=project, description="A", due_on=dt.date(2020, 1, 1))
    Commitment.objects.create(project=project, description="B", due_on=dt.date(2020, 1, 2))
    rows = client.get(reverse("dashboard:portfolio")).context["rows"]
    assert [row.name for row in rows] == ["Fleet dashboard", "Calm project"]
    assert rows[0].health.rag == "red" and "2 promises overdue" in rows[0].health.reasons
    assert calm.pk in [row.pk for row in rows]


def test_the_portfolio_filters_by_health_and_search(client, lead, project):
    calm = make_project(owner=lead, name="Calm project")
    Project.objects.filter(pk=calm.pk).update(kickoff_at=timezone.now())  # kicked off, nothing due yet
    Commitment.objects.create(project=project, description="A", due_on=dt.date(2020, 1, 1))
    by_health = client.get(reverse("dashboard:portfolio"), {"health": "amber"}).context["rows"]
    assert [row.name for row in by_health] == ["Fleet dashboard"]
    assert [
        row.name for row in client.get(reverse("dashboard:portfolio"), {"q": "calm"}).context["rows"]
    ] == ["Calm project"]


def test_the_portfolio_judges_each_promise_by_the_date_on_its_own_team_calendar(client, lead, time_machine):
    new_york = make_project(
        owner=lead,
        name="New York office",
        team_calendar=CalendarFactory(
            time_zone="America/New_York", holiday_country="US", holiday_subdivision="NY"
        ),
    )
    sydney = make_project(owner=lead, name="Sydney office", team_calendar=CalendarFactory())
    for project in (new_york, sydney):
        Commitment.objects.create(project=project, description="Monday's promise", due_on=dt.date(2026, 3, 9))

    def overdue_at(instant):
        time_machine.move_to(instant, tick=False)
        rows = client.get(reverse("dashboard:portfolio")).context["rows"]
        return {row.name: row.overdue_commitments for row in rows}

    # Monday 21:00 in New York: Tuesday in UTC and in Sydney, still Monday in New York.
    monday_night_in_new_york = dt.datetime(2026, 3, 9, 21, 0, tzinfo=ZoneInfo("America/New_York"))
    assert overdue_at(monday_night_in_new_york) == {"New York office": 0, "Sydney office": 1}
    # Monday 14:00 UTC: already Tuesday 01:00 in Sydney.
    assert overdue_at(dt.datetime(2026, 3, 9, 14, 0, tzinfo=dt.UTC)) == {
        "New York office": 0,
        "Sydney office": 1,
    }


def test_a_closed_projects_promises_do_not_count_as_overdue(client, lead, project):
    Commitment.objects.create(project=project, description="A", due_on=dt.date(2020, 1, 1))
    Commitment.objects.create(project=project, description="B", due_on=dt.date(2020, 1, 2))
    project.phase = Phase.CLOSED
    project.save(update_fields=["phase"])

    [row] = client.get(reverse("dashboard:portfolio"), {"phase": "closed"}).context["rows"]
    assert row.overdue_commitments == 0
    assert not any("promise" in reason for reason in row.health.reasons)
    assert not any("promise" in reason for reason in page(client, project).context["health"].reasons)


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_portfolio_costs_the_same_queries_for_5_and_for_30_projects(client, lead):
    for i in range(5):
        make_project(owner=lead, name=f"P{i}")
    few = count_queries(client, reverse("dashboard:portfolio"))
    for i in range(5, 30):
        make_project(owner=lead, name=f"P{i}")
    assert count_queries(client, reverse("dashboard:portfolio")) == few


def test_the_project_page_costs_the_same_queries_for_a_short_and_a_long_record(client, lead, project):
    url = reverse("dashboard:project", args=[project.pk])
    Commitment.objects.create(project=project, description="First promise", due_on=dt.date(2026, 6, 1))
    log_decision(project, summary="First decision", made_in="email", made_at=timezone.now(), by=lead)
    short = count_queries(client, url)
    for i in range(25):
        Commitment.objects.create(project=project, description=f"Promise {i}", due_on=dt.date(2026, 6, 1))
        log_decision(project, summary=f"Agreed {i}", made_in="email", made_at=timezone.now(), by=lead)
    assert count_queries(client, url) == short


def test_another_leads_project_is_not_found(client, lead):
    stranger = make_project(name="Not yours")
    assert page(client, stranger).status_code == 404
    response = client.post(
        reverse("dashboard:add_commitment", args=[stranger.pk]), {"description": "x", "due_on": "2026-05-01"}
    )
    assert response.status_code == 404
    assert not stranger.commitments.exists()


def test_an_actions_address_opened_directly_shows_the_project_page_and_changes_nothing(client, project):
    """A reload or bookmark of the address a refused form came back on lands on the page."""
    response = client.get(reverse("dashboard:add_commitment", args=[project.pk]), follow=True)
    assert response.redirect_chain == [(reverse("dashboard:project", args=[project.pk]), 302)]
    assert response.status_code == 200
    assert not project.commitments.exists()


def test_logging_a_call_decision_drafts_its_confirmation_on_the_page(client, lead, project):
    response = client.post(
        reverse("dashboard:log_decision", args=[project.pk]),
        {
            "summary": "Launch in two stages",
            "made_in": "call",
            "made_at": "2026-03-06T15:00",
        },
        follow=True,
    )
    assert "its written confirmation is drafted below" in response.content.decode()
    decision = Decision.objects.get()
    assert decision.made_at == dt.datetime(
        2026, 3, 6, 15, 0, tzinfo=dt.UTC
    )  # team calendar: London, GMT in March
    assert [draft.kind for draft, *_ in response.context["drafts"]] == ["decision_confirmation"]


def test_a_decision_without_a_summary_gets_a_field_error_and_nothing_is_saved(client, project):
    response = client.post(
        reverse("dashboard:log_decision", args=[project.pk]),
        {"made_in": "call", "made_at": "2026-03-06T15:00"},
    )
    assert response.status_code == 400
    assert "This field is required." in str(response.context["decision_form"].errors["summary"])
    assert not Decision.objects.exists()


def test_a_draft_is_edited_and_sent_to_the_client(client, lead, project):
    log_decision(project, summary="Two stages", made_in="call", made_at=timezone.now(), by=lead)
    draft = Update.objects.get()
    response = client.post(
        reverse("dashboard:save_draft", args=[project.pk, draft.pk]),
        {
            "revision": draft.revision,
            "subject": "Confirming: launch in two stages",
            "status_line": draft.status_line,
            "rag": "green",
            "executive_body": draft.executive_body,
            "technical_body": "We agreed two stages.",
            "send": "1",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.state, draft.subject, draft.revision) == ("sent", "Confirming: launch in two stages", 1)
    sent = Message.objects.get(contact__email="jack@hf.example")
    assert "We agreed two stages." in sent.body_text


def test_two_leads_editing_one_draft_the_second_save_is_refused_not_lost(client, lead, project):
    log_decision(project, summary="Two stages", made_in="call", made_at=timezone.now(), by=lead)
    draft = Update.objects.get()
    form = {
        "revision": 0,
        "subject": "First edit",
        "status_line": "s",
        "rag": "green",
        "executive_body": "e",
        "technical_body": "t",
    }
    assert client.post(reverse("dashboard:save_draft", args=[project.pk, draft.pk]), form).status_code == 302
    second = client.post(
        reverse("dashboard:save_draft", args=[project.pk, draft.pk]), {**form, "subject": "Second edit"}
    )
    assert second.status_code == 400
    assert "Someone else changed this draft" in second.content.decode()
    draft.refresh_from_db()
    assert draft.subject == "First edit"


def test_commitments_are_added_and_completed(client, project):
    client.post(
        reverse("dashboard:add_commitment", args=[project.pk]),
        {"description": "Test plan", "due_on": "2026-05-01", "in_scope": "on"},
    )
    commitment = Commitment.objects.get()
    client.post(reverse("dashboard:complete_commitment", args=[project.pk, commitment.pk]))
    commitment.refresh_from_db()
    assert (commitment.status, commitment.progress) == ("done", 100)
    bad = client.post(
        reverse("dashboard:add_commitment", args=[project.pk]), {"description": "", "due_on": "soon"}
    )
    assert bad.status_code == 400
    assert set(bad.context["commitment_form"].errors) == {"description", "due_on"}


def test_changing_the_phase_drafts_the_notice_and_the_same_phase_is_refused(client, project):
    refused = client.post(reverse("dashboard:change_phase", args=[project.pk]), {"to": "discovery"})
    assert refused.status_code == 400 and "already in Discovery" in refused.content.decode()
    client.post(reverse("dashboard:change_phase", args=[project.pk]), {"to": "build", "note": "Scope signed"})
    project.refresh_from_db()
    assert project.phase == Phase.BUILD
    assert Update.objects.filter(project=project, kind="phase_notice").exists()


def test_answering_a_client_email_from_the_page_meets_its_deadline(client, project):
    mail = store_client_mail(
        esp_name="Postmark",
        provider_id="<q1@hf.example>",
        sender="jack@hf.example",
        recipients=[f"reply+{project.reply_token}@portal.localhost"],
        subject="Demo?",
        text="Can we move it?",
        attachments=[],
        headers=[],
        received_at=timezone.now(),
    )
    assert [m.pk for m, *_ in page(client, project).context["waiting"]] == [mail.pk]
    client.post(reverse("dashboard:reply", args=[project.pk, mail.pk]), {"body": "Yes — Friday."})
    mail.refresh_from_db()
    assert mail.responded_at is not None
    assert Message.objects.filter(subject="Re: Demo?", to_email="jack@hf.example").exists()


def test_raising_and_acknowledging_an_escalation(client, lead, project):
    client.post(
        reverse("dashboard:raise_escalation", args=[project.pk]),
        {
            "category": "scope_change",
            "severity": "moderate",
            "title": "Extra reports",
            "description": "Client asks for 3 more.",
        },
    )
    escalation = Escalation.objects.get()
    assert escalation.first_responder == project.lead
    client.post(reverse("dashboard:acknowledge_escalation", args=[project.pk, escalation.pk]))
    escalation.refresh_from_db()
    assert escalation.state == "acknowledged"
    again = client.post(
        reverse("dashboard:acknowledge_escalation", args=[project.pk, escalation.pk]), follow=True
    )
    assert "already acknowledged" in again.content.decode()


def raise_from_the_page(client, project, category, **extra):
    return client.post(
        reverse("dashboard:raise_escalation", args=[project.pk]),
        {
            "category": category,
            "severity": "moderate",
            "title": "Needs a decision",
            "description": "See the notes.",
            **extra,
        },
    )


def mail_to_jack():
    return list(Message.objects.filter(to_email="jack@hf.example").values_list("subject", flat=True))


def test_the_raise_form_says_which_categories_tell_the_client_by_default(client, lead, project):
    folded = page(client, project).content.decode()
    page_text = page(client, project, open="raise").content.decode()

    assert "As the category says" not in folded  # a folded form is rendered when it is opened

    assert "As the category says" in page_text
    assert "Budget overrun — not told" in page_text
    assert "Technical failure or downtime — told" in page_text


def test_a_budget_overrun_raised_from_the_page_with_the_defaults_does_not_mail_the_client(
    client, lead, project
):
    raise_from_the_page(client, project, "budget_overrun")

    assert Escalation.objects.get().category == "budget_overrun"
    assert mail_to_jack() == []


def test_a_technical_failure_raised_from_the_page_with_the_defaults_mails_the_client(client, lead, project):
    raise_from_the_page(client, project, "technical_failure")

    assert mail_to_jack() == ["We are on it: Needs a decision"]


def test_the_lead_tells_the_client_of_a_budget_overrun_from_the_page(client, lead, project):
    raise_from_the_page(client, project, "budget_overrun", tell_client="yes")

    assert mail_to_jack() == ["We are on it: Needs a decision"]


def test_the_lead_keeps_a_technical_failure_from_the_client_from_the_page(client, lead, project):
    raise_from_the_page(client, project, "technical_failure", tell_client="no")

    assert Escalation.objects.get().internal
    assert mail_to_jack() == []


def test_the_record_shows_one_kind_of_entry_at_a_time(client, lead, project):
    log_decision(project, summary="Use Stripe for payments", made_in="email", made_at=timezone.now(), by=lead)
    decisions = page(client, project, kind="decision").context["entries"]
    assert [entry["title"] for entry in decisions] == ["Use Stripe for payments"]
    only_phases = page(client, project, kind="phase_change").context["entries"]
    assert {entry["kind"] for entry in only_phases} == {"phase_change"}


def test_weekly_figures_count_replies_and_updates_in_time():
    from dashboard.portfolio import weekly_team_figures

    project = make_project()
    now = dt.datetime(2026, 3, 11, 12, 0, tzinfo=dt.UTC)  # a Wednesday
    last_week = dt.datetime(2026, 3, 3, 12, 0, tzinfo=dt.UTC)
    for i, answered in enumerate(
        [last_week, last_week + dt.timedelta(hours=5), None, last_week - dt.timedelta(hours=1)]
    ):
        Message.objects.create(
            project=project,
            direction="in",
            kind="client_mail",
            from_email="c@x.example",
            to_email="t@x.example",
            subject="q",
            body_text="?",
            dedupe_key=f"w{i}",
            created_at=last_week - dt.timedelta(hours=2),
            respond_by=last_week,
            responded_at=answered,
            state="received",
        )
    replies, updates = weekly_team_figures([project], now=now)
    assert len(replies) == 12
    assert replies[-2] == ("02 Mar", 50)  # 2 of 4 answered by their deadline
    assert replies[-1] == ("09 Mar", None)  # nothing was due yet this week
    assert all(value is None for _, value in updates)


def test_the_draft_editor_shows_the_lint_beside_it(client, lead, project):
    Commitment.objects.create(project=project, description="Send the test plan", due_on=dt.date(2026, 6, 1))
    log_decision(project, summary="Two stages", made_in="call", made_at=timezone.now(), by=lead)
    Update.objects.update(technical_body="We will deploy after the sprint.")
    draft, _, findings, *_ = page(client, project).context["drafts"][0]
    assert findings == [
        "Jargon the client may not know: deploy, sprint.",
        "Promise not mentioned: Send the test plan.",
    ]
    assert "Jargon the client may not know" in page(client, project).content.decode()


def test_an_escalation_is_resolved_and_closed_from_the_page_and_a_critical_one_needs_its_post_mortem(
    client, lead, project
):
    client.post(
        reverse("dashboard:raise_escalation", args=[project.pk]),
        {
            "category": "technical_failure",
            "severity": "critical",
            "title": "Checkout down",
            "description": "500s.",
        },
    )
    escalation = Escalation.objects.get()
    url = reverse("dashboard:escalation_step", args=[project.pk, escalation.pk])
    refused = client.post(url, {"step": "close", "note": "Rolled back"}, follow=True)
    assert "needs a post-mortem" in refused.content.decode()
    escalation.refresh_from_db()
    assert escalation.state == "open"
    client.post(url, {"step": "resolve", "note": "Rolled back the release"})
    client.post(
        url, {"step": "close", "what": "A lock", "why": "Peak hours", "prevention": "Off-peak migrations"}
    )
    escalation.refresh_from_db()
    assert (escalation.state, escalation.resolution) == ("closed", "Rolled back the release")


def test_a_call_logged_with_its_recap_is_drafted_for_the_client(client, project):
    response = client.post(
        reverse("dashboard:log_meeting", args=[project.pk]),
        {
            "venue": "call",
            "held_at": "2026-03-06T15:00",
            "recap": "We walked through the booking flow.",
        },
    )
    assert response.status_code == 302
    recap = Update.objects.get(kind="meeting_recap")
    assert "We walked through the booking flow." in recap.technical_body
    assert recap.send_by == dt.datetime(
        2026, 3, 9, 15, 0, tzinfo=dt.UTC
    )  # Friday call → Monday, team calendar
    refused = client.post(
        reverse("dashboard:log_meeting", args=[project.pk]), {"venue": "call", "held_at": "2026-03-06T15:00"}
    )
    assert refused.status_code == 400 and "recap" in refused.context["meeting_form"].errors


def test_recording_the_launch_drafts_the_delivery_summary_and_books_the_checkins_once(client, project):
    from comms.models import Deadline

    client.post(reverse("dashboard:record_launch", args=[project.pk]), {"launched_at": "2026-04-20T11:00"})
    project.refresh_from_db()
    assert project.launched_at == dt.datetime(2026, 4, 20, 10, 0, tzinfo=dt.UTC)  # 11:00 BST
    assert Update.objects.filter(kind="delivery_summary").count() == 1
    assert sorted(Deadline.objects.filter(kind="checkin").values_list("checkin_day", flat=True)) == [7, 30]
    again = client.post(
        reverse("dashboard:record_launch", args=[project.pk]), {"launched_at": "2026-04-21T11:00"}
    )
    assert again.status_code == 400 and "already recorded" in again.content.decode()
    assert Update.objects.filter(kind="delivery_summary").count() == 1


def test_a_draft_is_previewed_as_each_kind_of_contact_reads_it(client, lead, project):
    log_decision(project, summary="Two stages", made_in="call", made_at=timezone.now(), by=lead)
    draft = Update.objects.get()
    executive = client.get(reverse("dashboard:preview_draft", args=[project.pk, draft.pk, "executive"]))
    technical = client.get(reverse("dashboard:preview_draft", args=[project.pk, draft.pk, "technical"]))
    assert "Status:" in executive.content.decode() and "Status:" not in technical.content.decode()
    assert "Hello Jack Nguyen," in technical.content.decode()
    partial = client.get(
        reverse("dashboard:preview_draft", args=[project.pk, draft.pk, "executive"]), HTTP_HX_REQUEST="true"
    )
    assert "<html" not in partial.content.decode()  # htmx gets only the part it swaps in


def test_the_lead_edits_the_channel_rules_and_the_cadence_of_the_current_phase(client, project):
    from comms.models import CadencePolicy, ChannelRule, Deadline

    rules = dict(ChannelRule.objects.filter(project=project).values_list("message_type", "channel"))
    client.post(reverse("dashboard:channels", args=[project.pk]), {**rules, "quick_question": "phone"})
    assert ChannelRule.objects.get(project=project, message_type="quick_question").channel == "phone"
    assert ChannelRule.objects.filter(project=project).count() == 6
    bad = client.post(reverse("dashboard:channels", args=[project.pk]), {**rules, "decision": "pigeon"})
    assert bad.status_code == 400 and "decision" in bad.context["channels_form"].errors
    assert ChannelRule.objects.get(project=project, message_type="decision").channel == "email"

    client.post(
        reverse("dashboard:cadence", args=[project.pk]),
        {"phase": "discovery", "interval_days": 3, "business_days_only": "on"},
    )
    assert CadencePolicy.for_project(project).interval_days == 3
    assert Deadline.objects.filter(project=project, kind="cadence_update", is_active=True).count() == 1
    refused = client.post(
        reverse("dashboard:cadence", args=[project.pk]), {"phase": "closed", "interval_days": 0}
    )
    assert refused.status_code == 400


def test_the_lead_changes_the_named_owner_and_contacts_but_not_to_another_clients_contact(
    client, lead, project
):
    new_owner = UserFactory(username="omar", email="omar@agency.example")
    stranger = ContactFactory(name="Not theirs")
    ok = client.post(
        reverse("dashboard:people", args=[project.pk]),
        {"owner": new_owner.pk, "lead": lead.pk, "contacts": []},
    )
    assert ok.status_code == 302
    project.refresh_from_db()
    assert project.owner == new_owner and not project.contacts.exists()
    refused = client.post(
        reverse("dashboard:people", args=[project.pk]),
        {"owner": "", "lead": lead.pk, "contacts": [stranger.pk]},
    )
    assert refused.status_code == 400
    assert set(refused.context["people_form"].errors) == {"owner", "contacts"}


def test_the_jargon_list_comes_from_settings(client, lead, project, settings):
    settings.JARGON_WORDS = ["synergy"]
    log_decision(project, summary="Two stages", made_in="call", made_at=timezone.now(), by=lead)
    Update.objects.update(technical_body="Great synergy after the sprint.")
    _, _, findings, *_ = page(client, project).context["drafts"][0]
    assert findings == ["Jargon the client may not know: synergy."]


def test_the_lead_names_who_answers_at_l2_for_this_project_only(client, project):
    from escalations.models import Tier

    sam = UserFactory(username="sam", first_name="Sam", email="sam@agency.example")
    response = client.post(reverse("dashboard:escalation_path", args=[project.pk]), {"l2": [sam.pk]})
    assert response.status_code == 302
    levels = {tier.level: tier for tier in Tier.path_for(project)}
    assert list(levels[2].members.all()) == [sam] and levels[2].project == project
    assert not Tier.objects.get(project=None, level=2).members.exists()  # the org's path is untouched
    other = make_project(name="Other")
    assert {tier.level: tier for tier in Tier.path_for(other)}[2].project is None


def test_a_project_whose_updates_stopped_is_red_on_the_portfolio_with_the_reason(client, lead, project):
    now = timezone.now()
    Project.objects.filter(pk=project.pk).update(phase=Phase.BUILD, kickoff_at=now - dt.timedelta(days=40))
    sent = Update.objects.create(
        project=project,
        kind="build_status",
        subject="Week 3",
        technical_body="t",
        executive_body="e",
        status_line="On track",
        rag="green",
        send_by=now - dt.timedelta(days=20),
        created_at=now - dt.timedelta(days=20),
        state=Update.State.SENT,
        sent_at=now - dt.timedelta(days=20),
    )

    (row,) = client.get(reverse("dashboard:portfolio")).context["rows"]
    assert row.health.rag == "red"
    assert "no update to the client for 20 days" in row.health.reasons

    Update.objects.filter(pk=sent.pk).update(sent_at=now - dt.timedelta(days=6))  # weekly build: in time
    (row,) = client.get(reverse("dashboard:portfolio")).context["rows"]
    assert not any("no update" in reason for reason in row.health.reasons)


# 22:30 UTC is already tomorrow in Sydney, the client's zone, and still today in London, the
# team's: a promise done that evening is done on the team's date of the edit.
@pytest.mark.parametrize("time_of_day", [dt.time(10, 0), dt.time(22, 30)])
def test_an_edited_draft_says_what_changed_in_the_record_since_and_flags_the_stale_promise(
    client, lead, project, time_machine, time_of_day
):
    at = dt.datetime.combine(timezone.now().date() + dt.timedelta(days=1), time_of_day, tzinfo=dt.UTC)
    time_machine.move_to(at, tick=False)
    promise = Commitment.objects.create(project=project, description="CSV export", due_on=dt.date(2026, 3, 4))
    log_decision(project, summary="Two stages", made_in="call", made_at=timezone.now(), by=lead)
    draft = Update.objects.get()
    form = {
        "revision": draft.revision,
        "subject": draft.subject,
        "status_line": draft.status_line,
        "rag": draft.rag,
        "executive_body": draft.executive_body,
        "technical_body": "We agreed two stages. The CSV export is still late, sorry.",
    }
    assert client.post(reverse("dashboard:save_draft", args=[project.pk, draft.pk]), form).status_code == 302
    (_, _, findings, changes, *_), *_ = page(client, project).context["drafts"]
    assert changes == []
    assert not any("Done since your edit" in finding for finding in findings)

    done_on = at.astimezone(ZoneInfo("Europe/London")).date()
    Commitment.objects.filter(pk=promise.pk).update(status="done", done_on=done_on, progress=100)
    response = page(client, project)
    (_, _, findings, changes, *_), *_ = response.context["drafts"]
    assert any("CSV export" in change for change in changes)
    assert "Done since your edit, check what the text says of it: CSV export." in findings
    assert "so it goes out as you wrote it" in response.content.decode()
    draft.refresh_from_db()
    assert draft.technical_body == "We agreed two stages. The CSV export is still late, sorry."
