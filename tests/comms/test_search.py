"""Searching the record: what is found, for whom, in what order, and how it is shown. The same
tests run on SQLite (substring fallback) and PostgreSQL (stored vectors); the ones about stemming,
query syntax and the trigger need PostgreSQL and are skipped elsewhere (CI runs them)."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from comms.lifecycle import log_decision
from comms.models import Message, Update
from comms.search import search_record
from escalations.models import Escalation
from escalations.services import raise_escalation
from projects.models import Commitment, Project
from projects.services import add_commitment
from tests.factories import UserFactory, make_client_mail, make_project

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)
needs_postgres = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="full-text search needs PostgreSQL (CI runs it there)"
)


@pytest.fixture
def lead():
    return UserFactory(username="lena")


@pytest.fixture
def project(lead):
    return make_project(owner=lead, name="Fleet dashboard")


def client_mail(project, subject, body, *, at=NOW, **fields):
    return make_client_mail(project, subject, body, at=at, **fields)


def found(user, text, **filters):
    return [(hit.kind, hit.title) for hit in search_record(Project.objects.visible_to(user), text, **filters)]


def test_every_kind_of_entry_is_found_by_its_words(org_defaults, lead, project):
    log_decision(project, summary="Payments go through Stripe", made_in="email", made_at=NOW, by=lead)
    late = add_commitment(project, description="Export of trip history", due_on=dt.date(2026, 11, 2))
    Commitment.objects.filter(pk=late.pk).update(recovery_plan="Stripe webhooks first, then the export")
    raise_escalation(
        project,
        category="technical_failure",
        severity="moderate",
        title="Checkout failing",
        description="Customers cannot pay.",
        documentation="Stripe dashboard shows declined tokens",
        now=NOW,
    )
    client_mail(project, "Question", "Can we switch Stripe accounts next month?")

    assert sorted(kind for kind, _ in found(lead, "stripe")) == [
        "commitment",
        "decision",
        "escalation",
        "message",
    ]


def test_a_title_match_ranks_above_a_match_in_the_body(lead, project):
    client_mail(project, "Weekly numbers", "The invoice totals are attached.", at=NOW)
    client_mail(project, "Invoice for October", "Please see attached.", at=NOW - dt.timedelta(days=30))

    assert [title for _, title in found(lead, "invoice")] == [
        "<mark>Invoice</mark> for October",
        "Weekly numbers",
    ]


def test_equal_matches_come_newest_first(lead, project):
    for day in (3, 1, 2):
        client_mail(project, f"Logo, round {day}", "New logo attached", at=NOW - dt.timedelta(days=10 - day))

    assert [title for _, title in found(lead, "logo")] == [
        "<mark>Logo</mark>, round 3",
        "<mark>Logo</mark>, round 2",
        "<mark>Logo</mark>, round 1",
    ]


def test_snippets_mark_the_words_and_escape_what_the_client_wrote(lead, project):
    client_mail(project, "Bug report", 'The page shows <script>alert("x")</script> after the refund button')

    (hit,) = search_record(Project.objects.visible_to(lead), "refund")

    assert "<script>" not in hit.snippet
    assert "alert(&quot;x&quot;)" in hit.snippet
    assert "<mark>refund</mark>" in hit.snippet


def test_a_lead_finds_nothing_in_projects_they_do_not_work_on(lead, project):
    other = make_project(name="Someone else's")
    client_mail(other, "Roadmap", "Roadmap for next year")

    assert found(lead, "roadmap") == []
    assert found(UserFactory(is_superuser=True), "roadmap") == [("message", "<mark>Roadmap</mark>")]


def test_team_mail_update_copies_and_discarded_drafts_are_not_the_record(lead, project):
    update = Update.objects.create(
        project=project,
        kind="build_status",
        subject="Sprint review",
        technical_body="Sprint went well",
        executive_body="Sprint went well",
        status_line="On track",
        rag="green",
        state=Update.State.SENT,
        send_by=NOW,
        created_at=NOW,
        sent_at=NOW,
    )
    Update.objects.create(
        project=project,
        kind="build_status",
        subject="Sprint review (thrown away)",
        technical_body="draft",
        executive_body="draft",
        status_line="On track",
        rag="green",
        state=Update.State.DISCARDED,
        send_by=NOW,
        created_at=NOW,
    )
    Message.objects.create(
        project=project,
        update=update,
        kind="build_status",
        from_email="team@agency.example",
        to_email="jack@hf.example",
        subject="Sprint review",
        body_text="Sprint went well",
        dedupe_key="copy",
        created_at=NOW,
    )
    Message.objects.create(
        project=project,
        user=lead,
        kind="digest",
        from_email="portal@agency.example",
        to_email="lena@agency.example",
        subject="Your morning: sprint review due",
        body_text="",
        dedupe_key="digest",
        created_at=NOW,
    )

    assert found(lead, "sprint") == [("update", "<mark>Sprint</mark> review")]


def test_kind_and_date_filters_narrow_the_hits(lead, project):
    client_mail(project, "Release notes", "Draft release notes", at=NOW - dt.timedelta(days=20))
    client_mail(project, "Release date", "Release on Friday", at=NOW)
    log_decision(project, summary="Release every second Tuesday", made_in="call", made_at=NOW, by=lead)

    assert {kind for kind, _ in found(lead, "release", kinds=["decision"])} == {"decision"}
    recent = found(lead, "release", kinds=["message"], since=NOW - dt.timedelta(days=1))
    assert recent == [("message", "<mark>Release</mark> date")]
    older = found(lead, "release", until=NOW - dt.timedelta(days=1))
    assert older == [("message", "<mark>Release</mark> notes")]


def test_an_empty_query_finds_nothing(lead, project):
    client_mail(project, "Hello", "Anything")
    assert found(lead, "   ") == []


def test_someone_on_no_project_finds_nothing(project):
    client_mail(project, "Hello", "Anything")
    assert found(UserFactory(), "hello") == []


def test_one_search_costs_five_queries_whatever_it_finds(django_assert_num_queries, lead, project):
    if connection.vendor != "postgresql":
        pytest.skip("the substring fallback asks once per kind")
    for i in range(15):
        client_mail(project, f"Migration step {i}", "database migration")
        log_decision(project, summary=f"Migration window {i}", made_in="call", made_at=NOW, by=lead)
    # The project ids, the languages in use, the planner's estimate, the ranked matches, their
    # snippets.
    with django_assert_num_queries(5):
        hits = search_record(Project.objects.visible_to(lead), "migration")
    assert len(hits) == 20


@needs_postgres
def test_postgres_matches_word_forms_and_understands_quotes_and_exclusions(lead, project):
    client_mail(project, "Data migration", "We are migrating the customer records tonight.")
    client_mail(project, "Migration of invoices", "Invoices move on Monday.")

    assert len(found(lead, "migrate")) == 2
    assert found(lead, '"customer records"') == [("message", "Data migration")]
    assert found(lead, "migration -invoices") == [("message", "Data <mark>migration</mark>")]


@needs_postgres
def test_postgres_keeps_the_vector_current_on_any_write(org_defaults, lead, project):
    mail = client_mail(project, "Hello", "Nothing special")
    Message.objects.filter(pk=mail.pk).update(subject="Penetration test results")
    escalation = raise_escalation(
        project, category="technical_failure", severity="minor", title="Pen test", description="x", now=NOW
    )
    Escalation.objects.filter(pk=escalation.pk).update(post_mortem_why="expired certificate")

    assert found(lead, "penetration") == [("message", "<mark>Penetration</mark> test results")]
    assert found(lead, "certificate") == [("escalation", "Pen test")]


@needs_postgres
def test_postgres_searches_through_the_gin_indexes(lead, project):
    client_mail(project, "Anything", "words")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM comms_message WHERE search_vector @@ websearch_to_tsquery('english', 'words')"
        )
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert "comms_message_search_vector_gin" in plan


def test_search_sees_every_project_of_the_queryset_it_is_given(lead, project):
    second = make_project(owner=lead, name="Booking app")
    client_mail(second, "Timetable import", "timetable")
    client_mail(project, "Timetable view", "timetable")

    only_second = search_record(Project.objects.filter(pk=second.pk), "timetable")
    assert [hit.project for hit in only_second] == ["Booking app"]
    assert timezone.is_aware(only_second[0].said_at)
