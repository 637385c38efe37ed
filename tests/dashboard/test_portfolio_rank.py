"""The admin's portfolio is ranked, filtered and paged in the database and reads the facts of the
page shown only: its order and health must still be those `assess` gives for every reason, and
its cost must not grow with the projects an admin sees."""

import datetime as dt

import pytest
from django.urls import reverse

from comms.models import CadencePolicy, Message, SatisfactionAnswer, SatisfactionAsk, Update, UpdateVisual
from dashboard.portfolio import health_of, health_rank, with_health_facts
from escalations.models import Escalation
from projects.models import Commitment, Decision, Phase, Project
from tests.factories import ContactFactory, UserFactory, make_project

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 4, 12, 0, tzinfo=dt.UTC)  # a Wednesday
DAY = dt.timedelta(days=1)


def update(project, *, state="sent", sent=None):
    return Update.objects.create(
        project=project,
        kind="discovery_summary",
        subject="Where we are",
        technical_body="t",
        executive_body="e",
        status_line="On track",
        rag="green",
        state=state,
        send_by=sent or NOW,
        created_at=sent or NOW,
        sent_at=sent if state == "sent" else None,
    )


def client_mail(project, *, respond_by, answered=False):
    return Message.objects.create(
        project=project,
        direction="in",
        kind="client_mail",
        from_email="jack@hf.example",
        to_email="team@agency.example",
        subject="A question",
        state="received",
        dedupe_key=f"in-{Message.objects.count()}",
        created_at=NOW - DAY,
        respond_by=respond_by,
        responded_at=NOW if answered else None,
    )


def mail_to(project, contact, *, state, at):
    return Message.objects.create(
        project=project,
        kind="build_status",
        contact=contact,
        from_email="updates@agency.example",
        to_email=contact.email,
        subject="Build status",
        state=state,
        error="550 no such user" if state == "failed" else "",
        dedupe_key=f"out-{Message.objects.count()}",
        created_at=at,
    )


def failed_mail(project, later=None, *, to_someone_else=False):
    contact = ContactFactory(client=project.client, name="Mia Thompson")
    mail_to(project, contact, state="failed", at=NOW - 2 * DAY)
    if later:
        other = ContactFactory(client=project.client) if to_someone_else else contact
        mail_to(project, other, state=later, at=NOW - DAY)


def escalation(project, severity, state="open"):
    Escalation.objects.create(
        project=project,
        category="technical_failure",
        severity=severity,
        title="Down",
        description="The site is down.",
        state=state,
        first_responder=project.owner,
        raised_at=NOW - DAY,
        acknowledge_by=NOW,
        resolve_by=NOW + DAY,
        targets={},
        path={},
    )


def promises(project, count, due_on=dt.date(2026, 3, 3)):
    for i in range(count):
        Commitment.objects.create(project=project, description=f"Promise {i}", due_on=due_on)


def scored(project, *scores):
    contact = ContactFactory(client=project.client)
    for i, score in enumerate(scores):
        ask = SatisfactionAsk.objects.create(
            project=project,
            contact=contact,
            update=update(project, sent=NOW - DAY),
            occasion="day_30",
            asked_at=NOW - dt.timedelta(hours=10 - i),
        )
        SatisfactionAnswer.objects.create(ask=ask, score=score, answered_at=NOW - dt.timedelta(hours=5 - i))


def visual(project, *, sent):
    UpdateVisual.objects.create(
        update=update(project, sent=sent),
        caption="The booking form",
        link="https://x.example/",
        added_at=sent,
    )


def cadence(project, days, business_days_only=False):
    CadencePolicy.objects.create(
        project=project,
        phase=project.phase,
        interval_days=days,
        business_days_only=business_days_only,
        update_kind="discovery_summary",
        quiet_after_business_days=3,
    )


def change(project, **fields):
    Project.objects.filter(pk=project.pk).update(**fields)


# Each case starts from a green project (discovery, kicked off ten days ago, an update sent
# yesterday) and adds one thing: its name says what, and the colour `assess` must give it.
CASES = {
    "on track": ("green", lambda p: None),
    "client mail past its deadline": (
        "red",
        lambda p: client_mail(p, respond_by=NOW - dt.timedelta(minutes=1)),
    ),
    "client mail answered after its deadline": (
        "green",
        lambda p: client_mail(p, respond_by=NOW - DAY, answered=True),
    ),
    "client mail due in 30 minutes": (
        "amber",
        lambda p: client_mail(p, respond_by=NOW + dt.timedelta(minutes=30)),
    ),
    "client mail due in 3 hours": ("green", lambda p: client_mail(p, respond_by=NOW + dt.timedelta(hours=3))),
    "mail to a contact failed": ("red", lambda p: failed_mail(p)),
    "failed, then went through to the same contact": ("green", lambda p: failed_mail(p, "delivered")),
    "failed, then went through to someone else": (
        "red",
        lambda p: failed_mail(p, "delivered", to_someone_else=True),
    ),
    "failed, then failed again": ("red", lambda p: failed_mail(p, "failed")),
    "an overdue update": ("red", lambda p: update(p, state="overdue")),
    "a draft waiting for review": ("amber", lambda p: update(p, state="draft")),
    "a critical escalation open": ("red", lambda p: escalation(p, "critical")),
    "a critical escalation acknowledged": ("red", lambda p: escalation(p, "critical", "acknowledged")),
    "a critical escalation resolved": ("green", lambda p: escalation(p, "critical", "resolved")),
    "a moderate escalation open": ("amber", lambda p: escalation(p, "moderate")),
    "a minor escalation open": ("amber", lambda p: escalation(p, "minor")),
    "client silent too long": ("red", lambda p: change(p, client_silence="overdue")),
    "client gone quiet": ("amber", lambda p: change(p, client_silence="late")),
    "closed, client gone quiet": ("amber", lambda p: change(p, client_silence="late", phase=Phase.CLOSED)),
    "two promises overdue": ("red", lambda p: promises(p, 2)),
    "one promise overdue": ("amber", lambda p: promises(p, 1)),
    "a promise due today": ("green", lambda p: promises(p, 2, due_on=NOW.date())),
    "closed with two promises overdue": ("green", lambda p: (promises(p, 2), change(p, phase=Phase.CLOSED))),
    "kickoff not logged": ("amber", lambda p: change(p, kickoff_at=None)),
    "closed without a kickoff": ("green", lambda p: change(p, kickoff_at=None, phase=Phase.CLOSED)),
    "nothing sent since a kickoff 3 days ago": (
        "red",
        lambda p: (Update.objects.filter(project=p).delete(), change(p, kickoff_at=NOW - 3 * DAY)),
    ),
    "nothing sent since a kickoff 47 hours ago": (
        "green",
        lambda p: (
            Update.objects.filter(project=p).delete(),
            change(p, kickoff_at=NOW - dt.timedelta(hours=47)),
        ),
    ),
    "only an update sent before the kickoff": (
        "red",
        lambda p: (
            Update.objects.filter(project=p).update(sent_at=NOW - 11 * DAY),
            change(p, kickoff_at=NOW - 3 * DAY),
        ),
    ),
    # Discovery: every 2 business days, read as 2.8 calendar days, plus 2 days' grace.
    "last update 5 days ago in discovery": (
        "red",
        lambda p: Update.objects.filter(project=p).update(sent_at=NOW - 5 * DAY),
    ),
    "last update 4 days ago in discovery": (
        "green",
        lambda p: Update.objects.filter(project=p).update(sent_at=NOW - 4 * DAY),
    ),
    "last update 5 days ago, the project's own cadence weekly": (
        "green",
        lambda p: (Update.objects.filter(project=p).update(sent_at=NOW - 5 * DAY), cadence(p, 7)),
    ),
    "last update 8 days ago, the project's own cadence 5 business days": (
        "green",
        lambda p: (Update.objects.filter(project=p).update(sent_at=NOW - 8 * DAY), cadence(p, 5, True)),
    ),
    "last update 10 days ago, the project's own cadence 5 business days": (
        "red",
        lambda p: (Update.objects.filter(project=p).update(sent_at=NOW - 10 * DAY), cadence(p, 5, True)),
    ),
    "closed, nothing sent for a month": (
        "green",
        lambda p: (
            Update.objects.filter(project=p).update(sent_at=NOW - 30 * DAY),
            change(p, phase=Phase.CLOSED),
        ),
    ),
    "client scored us 2": ("red", lambda p: scored(p, 2)),
    "client scored us 3": ("amber", lambda p: scored(p, 3)),
    "client scored us 2, then 5": ("green", lambda p: scored(p, 2, 5)),
    "client scored us 5, then 1": ("red", lambda p: scored(p, 5, 1)),
    "a call's decision not confirmed in writing": (
        "amber",
        lambda p: Decision.objects.create(
            project=p, summary="Two stages", made_in="call", made_at=NOW, logged_by=p.owner
        ),
    ),
    "an email's decision": (
        "green",
        lambda p: Decision.objects.create(
            project=p, summary="Two stages", made_in="email", made_at=NOW, logged_by=p.owner
        ),
    ),
    "build, nothing visual shown since the kickoff 10 days ago": (
        "amber",
        lambda p: change(p, phase=Phase.BUILD),
    ),
    "build, something visual shown 2 days ago": (
        "green",
        lambda p: (change(p, phase=Phase.BUILD), visual(p, sent=NOW - 2 * DAY)),
    ),
    "QA, the last visual shown 8 days ago": (
        "amber",
        lambda p: (change(p, phase=Phase.QA), visual(p, sent=NOW - 8 * DAY)),
    ),
    "build, kicked off 5 days ago, nothing visual": (
        "green",
        lambda p: change(p, phase=Phase.BUILD, kickoff_at=NOW - 5 * DAY),
    ),
}


@pytest.fixture
def cases(time_machine):
    time_machine.move_to(NOW, tick=False)
    projects = {}
    for name, (_, build) in CASES.items():
        project = make_project(name=name[:200])
        change(project, phase=Phase.DISCOVERY, kickoff_at=NOW - 10 * DAY)
        update(project, sent=NOW - DAY)
        build(project)
        projects[name] = project.pk
    return projects


def test_the_databases_rank_is_the_health_assess_gives_for_every_reason(cases):
    projects = Project.objects.all()
    in_database = dict(projects.annotate(rank=health_rank(projects, now=NOW)).values_list("pk", "rank"))
    assessed = {project.pk: health_of(project, now=NOW) for project in with_health_facts(projects, now=NOW)}
    assert {name: assessed[pk].rag for name, pk in cases.items()} == {
        name: rag for name, (rag, _) in CASES.items()
    }
    assert {name: in_database[pk] for name, pk in cases.items()} == {
        name: assessed[pk].rank for name, pk in cases.items()
    }


@pytest.fixture
def admin(client):
    user = UserFactory(username="ada", is_superuser=True, is_staff=True)
    client.force_login(user)
    return user


def listed(client, **params):
    """Every row of every page of the admin's portfolio, and the total the page states."""
    rows, page, total = [], 1, None
    while True:
        response = client.get(reverse("dashboard:portfolio"), {**params, "page": page})
        rows += response.context["rows"]
        total = response.context["total"]
        if not response.context["page"].has_next():
            return rows, total
        page += 1


def test_the_admins_portfolio_lists_every_page_in_the_order_of_assess_and_filters_by_health_exactly(
    client, admin, cases
):
    for i in range(30):  # more of the common colours, so that the list runs over two pages
        project = make_project(name=f"Plain {i}")
        client_mail(project, respond_by=NOW + dt.timedelta(hours=i - 15))
    active = Project.objects.exclude(phase=Phase.CLOSED)
    expected = list(with_health_facts(active, now=NOW))
    for project in expected:
        project.health = health_of(project, now=NOW)
    expected.sort(
        key=lambda p: (
            -p.health.rank,
            p.next_response_due or NOW.max.replace(tzinfo=dt.UTC),
            p.client.name,
            p.name,
        )
    )

    rows, total = listed(client)
    assert [(row.name, row.health) for row in rows] == [(p.name, p.health) for p in expected]
    assert total == len(expected) > 50
    for rag in ("red", "amber", "green"):
        rows, total = listed(client, health=rag)
        assert [row.name for row in rows] == [p.name for p in expected if p.health.rag == rag]
        assert total == len(rows) > 0


def test_the_admins_portfolio_costs_the_same_queries_for_5_and_for_120_projects(
    client, admin, django_assert_num_queries
):
    url = reverse("dashboard:portfolio")
    for i in range(5):
        make_project(name=f"P{i}")
    with django_assert_num_queries(12):
        assert len(client.get(url).context["rows"]) == 5
    for i in range(5, 120):
        make_project(name=f"P{i}")
    with django_assert_num_queries(12):
        assert len(client.get(url).context["rows"]) == 50
    with django_assert_num_queries(12):
        assert len(client.get(url, {"page": 3, "health": "amber"}).context["rows"]) == 20
