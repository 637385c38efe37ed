"""The issue's "done when": a project created through the API, and one added in Django admin, each
lived from its kickoff call through discovery, build, QA/UAT, delivery, the launch, day 30 and the
close on a simulated clock ticking every three hours, its owner taking each step and sending each
draft through the same face. The team works from London; one client is in Sydney, one in London.

What is checked is what the client and the owner would notice: the drafts waiting for review, the
updates owed, and the mail the client's contacts got."""

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db.models import Count
from django.test import Client as Browser
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from comms.models import Deadline, Message, Update
from comms.tick import run_tick
from projects.models import Commitment, Contact, Phase, PhaseChange, Project
from tests.factories import CalendarFactory, ClientFactory, ContactFactory, UserFactory
from tests.test_admin_project_life import INLINES, admin_form_data, empty_inlines, split

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
SYDNEY = ZoneInfo("Australia/Sydney")
STEP = dt.timedelta(hours=3)
AFTER_THE_TICK = dt.timedelta(minutes=30)


def utc(*args):
    return dt.datetime(*args, tzinfo=dt.UTC)


KICKOFF = utc(2026, 2, 27, 9)  # a Friday, 09:00 in London
PHASE_CHANGES = {
    utc(2026, 3, 16, 9): Phase.BUILD,
    utc(2026, 4, 7, 9): Phase.QA,  # the Tuesday after Easter Monday
    utc(2026, 4, 20, 9): Phase.DELIVERY,  # two weeks before the target launch
}
TARGET_LAUNCH = dt.date(2026, 5, 5)
LAUNCH = utc(2026, 5, 5, 9)
PROMISE = "Export to CSV"
PROMISE_DUE = dt.date(2026, 3, 20)  # promised when the build starts, late by the next build status
OWNER_AWAY = (dt.date(2026, 4, 8), dt.date(2026, 4, 10))  # three days of QA with nothing sent
AFTER_CLOSE = dt.timedelta(days=14)
GIVE_UP = utc(2026, 7, 31)
PHASE_KINDS = {
    Phase.DISCOVERY: "discovery_summary",
    Phase.BUILD: "build_status",
    Phase.QA: "qa_note",
    Phase.DELIVERY: "delivery_checklist",
    Phase.SUPPORT: "post_launch_checkin",
}
PROJECT = {
    "name": "Fleet dashboard",
    "scope": "Vessel positions on a live map, for the operations room.",
    "starts_on": "2026-02-23",
    "target_delivery_on": "2026-05-01",
    "target_launch_on": TARGET_LAUNCH.isoformat(),
}


def owner_at_their_desk(instant):
    """The owner sees to their drafts once a working day, just after the noon tick (UTC)."""
    return (
        instant.hour == 12 and instant.weekday() < 5 and not OWNER_AWAY[0] <= instant.date() <= OWNER_AWAY[1]
    )


def people_at(calendar):
    client_account = ClientFactory(name="Harbour & Finch", calendar=calendar)
    contacts = [
        ContactFactory(client=client_account, name="Mia Thompson", kind=Contact.Kind.EXECUTIVE),
        ContactFactory(client=client_account, name="Jack Nguyen", kind=Contact.Kind.TECHNICAL),
    ]
    return client_account, contacts


# --- The two faces -------------------------------------------------------------------------------


def token_client(user):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return api


class ThroughTheApi:
    """Another system creates the project with an admin's token; the owner's own token logs the
    call, moves the phase, records the launch, keeps the promise and sends each draft."""

    def __init__(self, client_account, contacts, owner):
        self.client_account, self.contacts, self.owner = client_account, contacts, owner
        self.system = token_client(UserFactory(username="crm", is_superuser=True))
        self.api = token_client(owner)

    def start(self, at):
        created = self.system.post(
            "/api/projects/",
            {
                **PROJECT,
                "client": self.client_account.pk,
                "owner": self.owner.pk,
                "lead": self.owner.pk,
                "contacts": [contact.pk for contact in self.contacts],
            },
            format="json",
        )
        assert created.status_code == 201, created.json()
        project = Project.objects.get(pk=created.json()["id"])
        self.ok(self.api.post(f"/api/projects/{project.pk}/kickoff/", {"at": at.isoformat()}, format="json"))
        return project

    def change_phase(self, project, to):
        response = self.api.post(
            "/api/phases/", {"project": project.pk, "to_phase": to, "note": f"On to {to}."}, format="json"
        )
        assert response.status_code == 201, response.json()

    def launch(self, project, at):
        self.ok(self.api.post(f"/api/projects/{project.pk}/launch/", {"at": at.isoformat()}, format="json"))

    def promise(self, project, description, due_on):
        response = self.api.post(
            "/api/commitments/",
            {"project": project.pk, "description": description, "due_on": due_on.isoformat()},
            format="json",
        )
        assert response.status_code == 201, response.json()
        return Commitment.objects.get(pk=response.json()["id"])

    def complete(self, commitment, on):
        self.ok(
            self.api.post(
                f"/api/commitments/{commitment.pk}/complete/", {"done_on": on.isoformat()}, format="json"
            )
        )

    def send(self, updates):
        for update in updates:
            self.ok(self.api.post(f"/api/updates/{update.pk}/send/"))

    @staticmethod
    def ok(response):
        assert response.status_code == 200, response.json()


class ThroughAdmin:
    """The owner, an admin, adds the project in Django admin with its kickoff call, changes the
    phase and records the launch on its change form, keeps the promise in its inline, and sends
    the drafts with the updates' "send now" action."""

    def __init__(self, client_account, contacts, owner):
        self.client_account, self.contacts, self.owner = client_account, contacts, owner
        owner.is_staff = owner.is_superuser = True
        owner.save()
        self.browser = Browser()
        self.browser.force_login(owner)

    def start(self, at):
        response = self.browser.post(
            reverse("admin:projects_project_add"),
            {
                **PROJECT,
                "client": self.client_account.pk,
                "phase": Phase.DISCOVERY,
                "owner": self.owner.pk,
                "lead": self.owner.pk,
                "contacts": [contact.pk for contact in self.contacts],
                "record_location": "This portal",
                "support_terms": "Defects fixed free for 30 days.",
                **split("kickoff_at", at),
                **empty_inlines(*INLINES),
            },
        )
        assert response.status_code == 302, response.context["adminform"].form.errors
        return Project.objects.get(client=self.client_account, name=PROJECT["name"])

    def change(self, project, edit):
        url = reverse("admin:projects_project_change", args=[project.pk])
        form = admin_form_data(self.browser.get(url))
        edit(form)
        response = self.browser.post(url, form)
        assert response.status_code == 302, response.context["adminform"].form.errors

    def change_phase(self, project, to):
        self.change(project, lambda form: form.update(phase=to, phase_note=f"On to {to}."))

    def launch(self, project, at):
        self.change(project, lambda form: form.update(split("launched_at", at)))

    def promise(self, project, description, due_on):
        def add_row(form):
            row = int(form["commitments-TOTAL_FORMS"])
            form["commitments-TOTAL_FORMS"] = str(row + 1)
            prefix = f"commitments-{row}-"
            form.update(
                {
                    f"{prefix}description": description,
                    f"{prefix}due_on": due_on.isoformat(),
                    f"{prefix}status": Commitment.Status.OPEN,
                    f"{prefix}progress": "0",
                    f"{prefix}in_scope": "on",
                }
            )

        self.change(project, add_row)
        return Commitment.objects.get(project=project, description=description)

    def complete(self, commitment, on):
        def mark_done(form):
            [prefix] = [
                key[: -len("id")]
                for key, value in form.items()
                if key.startswith("commitments-") and key.endswith("-id") and value == commitment.pk
            ]
            form.update(
                {f"{prefix}status": "done", f"{prefix}done_on": on.isoformat(), f"{prefix}progress": "100"}
            )

        self.change(commitment.project, mark_done)

    def send(self, updates):
        response = self.browser.post(
            reverse("admin:comms_update_changelist"),
            {"action": "send_now", "_selected_action": [update.pk for update in updates], "index": "0"},
        )
        assert response.status_code == 302


# --- The life ------------------------------------------------------------------------------------


@dataclass
class Life:
    project: Project
    promise: Commitment | None = None
    said_late: dict = field(default_factory=dict)  # drafts that called the promise late, by pk
    open_at_close: list = field(default_factory=list)
    closed_at: dt.datetime | None = None


def open_drafts(project):
    return list(project.updates.filter(state__in=Update.OPEN_STATES).order_by("pk"))


def most_open_drafts_of_one_kind(project):
    counts = project.updates.filter(state__in=Update.OPEN_STATES).values("kind").annotate(open=Count("pk"))
    return max((row["open"] for row in counts), default=0)


def live(face):
    """Tick every three hours from the kickoff call to two weeks after the close, the owner acting
    at their desk. Once the day-30 check-in has gone out, the owner closes the project the next
    time a draft waits for them, instead of sending it."""
    instant = KICKOFF
    life = None
    while instant <= (life.closed_at + AFTER_CLOSE if life and life.closed_at else GIVE_UP):
        with time_machine.travel(instant, tick=False):
            if instant == KICKOFF:
                life = Life(face.start(at=KICKOFF))
                kickoff_summary_drafted_at_once(life.project)
            project = life.project
            if instant in PHASE_CHANGES:
                face.change_phase(project, PHASE_CHANGES[instant])
                if PHASE_CHANGES[instant] == Phase.BUILD:
                    life.promise = face.promise(project, PROMISE, PROMISE_DUE)
            if instant == LAUNCH:
                face.launch(project, LAUNCH)
                face.change_phase(project, Phase.SUPPORT)

            run_tick(now=instant)

            assert most_open_drafts_of_one_kind(project) <= 1, (instant, open_drafts(project))
            if life.closed_at:
                nothing_is_owed_after_the_close(life, instant)
        if owner_at_their_desk(instant):
            with time_machine.travel(instant + AFTER_THE_TICK, tick=False):
                the_owner_at_their_desk(face, life, instant + AFTER_THE_TICK)
        instant += STEP
    assert life.closed_at, "no draft waited after the day-30 check-in, so the project was never closed"
    return life


def kickoff_summary_drafted_at_once(project):
    [summary] = open_drafts(project)
    assert (summary.kind, summary.created_at) == ("kickoff_summary", KICKOFF)
    # One business day after Friday's call on the team's (London) calendar: Monday, same time.
    assert summary.send_by == utc(2026, 3, 2, 9)
    assert project.scope in summary.technical_body


def the_support_period_is_over(project):
    """The day-30 check-in has gone out and a later draft waits: the owner closes the project."""
    day_30 = project.updates.filter(source__kind="checkin", source__checkin_day=30, state="sent")
    return day_30.exists() and bool(open_drafts(project))


def the_owner_at_their_desk(face, life, now):
    project = life.project
    if not life.closed_at and the_support_period_is_over(project):
        life.open_at_close, life.closed_at = [draft.pk for draft in open_drafts(project)], now
        face.change_phase(project, Phase.CLOSED)
        # Only the client's notice that the project is closed waits now.
        assert [draft.kind for draft in open_drafts(project)] == ["phase_notice"]
    waiting = open_drafts(project)
    if life.promise and life.promise.status == Commitment.Status.OPEN:
        late = [d for d in waiting if PROMISE in d.technical_body and "overdue" in d.technical_body.lower()]
        if late:  # the team finishes the promise before the owner sends the draft that calls it late
            life.said_late.update({draft.pk: draft.technical_body for draft in late})
            face.complete(life.promise, on=now.date())
            life.promise.refresh_from_db()
    if waiting:
        face.send(waiting)
        assert not open_drafts(project), (now, open_drafts(project))


def nothing_is_owed_after_the_close(life, instant):
    project = life.project
    assert not project.updates.filter(state=Update.State.OVERDUE).exists(), instant
    assert not project.updates.filter(created_at__gt=life.closed_at).exists(), instant
    assert not Deadline.objects.filter(
        project=project, is_active=True, kind__in=["cadence_update", "quiet_client", "checkin"]
    ).exists(), instant


# --- What the client got -------------------------------------------------------------------------


def phase_spans(project):
    changes = list(PhaseChange.objects.filter(project=project).order_by("changed_at", "pk"))
    ends = [change.changed_at for change in changes[1:]] + [utc(2100, 1, 1)]
    return [(change.to_phase, change.changed_at, end) for change, end in zip(changes, ends, strict=True)]


def phase_at(spans, instant):
    return next(phase for phase, start, end in spans if start <= instant < end)


def client_mail(update):
    return list(Message.objects.filter(update=update, contact__isnull=False).select_related("contact"))


def assert_the_life_was_kept(life, *, client_zone, final_week_starts):
    project = life.project
    spans = phase_spans(project)
    assert [phase for phase, _, _ in spans] == [
        Phase.DISCOVERY,
        Phase.BUILD,
        Phase.QA,
        Phase.DELIVERY,
        Phase.SUPPORT,
        Phase.CLOSED,
    ]

    # Each phase's cadence drafted its own kind of update while the project was in it, and only then.
    by_cadence = list(project.updates.filter(source__kind="cadence_update"))
    for phase, start, end in spans[:-1]:
        assert any(
            update.kind == PHASE_KINDS[phase] and start <= update.created_at < end for update in by_cadence
        ), f"no {PHASE_KINDS[phase]} drafted in {phase}"
    for update in by_cadence:
        assert update.kind == PHASE_KINDS[phase_at(spans, update.created_at)], (
            update.kind,
            update.created_at,
        )

    # The delivery checklist is daily in the final week before the target launch, not before it.
    checklists = sorted(
        project.updates.filter(kind="delivery_checklist").values_list("created_at", flat=True)
    )
    delivery_starts = spans[3][1]
    assert len(checklists) >= 3, checklists
    assert checklists[0] >= final_week_starts - dt.timedelta(days=1) > delivery_starts + dt.timedelta(days=5)

    # While the owner was away in QA, each new note replaced the unsent one; only one was ever open.
    assert project.updates.filter(kind="qa_note", state=Update.State.SUPERSEDED).exists()

    # The day-7 and day-30 check-ins were drafted by the morning they fall due, and reached the client.
    checkins = {
        update.source.checkin_day: update
        for update in project.updates.filter(source__kind="checkin").select_related("source")
    }
    assert set(checkins) == {7, 30}
    mornings = {7: dt.date(2026, 5, 12), 30: dt.date(2026, 6, 4)}
    for day, date in mornings.items():
        morning = dt.datetime.combine(date, dt.time(9), tzinfo=client_zone)
        checkin = checkins[day]
        assert checkin.kind == "post_launch_checkin" and f"Day {day} check-in" in checkin.subject
        assert LAUNCH + dt.timedelta(days=day - 3) < checkin.created_at <= morning, (day, checkin.created_at)
        assert checkin.state == Update.State.SENT and len(client_mail(checkin)) == 2

    # The delivery summary followed the launch, with the support terms.
    [summary] = project.updates.filter(kind="delivery_summary")
    assert summary.created_at == LAUNCH and len(client_mail(summary)) == 2
    assert project.support_terms in summary.technical_body

    # A promise finished between drafting and sending is not called late in the mail that went out.
    assert life.said_late, "no draft called the promise late"
    for pk, drafted in life.said_late.items():
        mail = client_mail(Update.objects.get(pk=pk))
        assert len(mail) == 2
        technical = next(m for m in mail if m.contact.kind == Contact.Kind.TECHNICAL)
        assert PROMISE in technical.body_text
        assert all("overdue" not in m.body_text.lower() for m in mail), drafted

    # Closing superseded what waited; nothing of it reached the client.
    assert life.open_at_close
    for update in Update.objects.filter(pk__in=life.open_at_close):
        assert update.state == Update.State.SUPERSEDED and not client_mail(update)

    # Every update the client got went to both contacts, once each.
    for update in project.updates.filter(state=Update.State.SENT):
        assert sorted(m.contact.name for m in client_mail(update)) == ["Jack Nguyen", "Mia Thompson"]


def test_a_project_created_through_the_api_lives_from_kickoff_to_close():
    client_account, contacts = people_at(CalendarFactory())  # Sydney, New South Wales holidays
    owner = UserFactory(username="lena", email="lena@agency.example")

    life = live(ThroughTheApi(client_account, contacts, owner))

    assert_the_life_was_kept(
        life, client_zone=SYDNEY, final_week_starts=dt.datetime(2026, 4, 28, 9, tzinfo=SYDNEY)
    )


def test_a_project_added_in_admin_lives_from_kickoff_to_close():
    london = CalendarFactory(time_zone="Europe/London", holiday_country="GB", holiday_subdivision="ENG")
    client_account, contacts = people_at(london)
    owner = UserFactory(username="olive", email="olive@agency.example")

    life = live(ThroughAdmin(client_account, contacts, owner))

    assert_the_life_was_kept(
        life, client_zone=LONDON, final_week_starts=dt.datetime(2026, 4, 28, 9, tzinfo=LONDON)
    )
