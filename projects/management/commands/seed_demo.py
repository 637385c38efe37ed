"""`manage.py seed_demo`: a demo world that shows the product. Four clients in four time zones, ten
projects in every phase, and the months behind them replayed through the services and the tick, so
the portfolio, the record, the charts and the portal show what the product itself would have made.

Idempotent: people, calendars and clients are found by their natural keys, and a project's history
is replayed only in the run that creates it, so a second run adds nothing.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import time, timedelta

from anymail.backends import test as simulated
from celery import current_app
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from comms import obligations
from comms.autopilot import send_update
from comms.calendars import Clocks
from comms.inbound import store_client_mail
from comms.lifecycle import (
    change_phase,
    create_project,
    log_decision,
    log_kickoff,
    log_meeting,
    record_launch,
    start_project_record,
)
from comms.models import Deadline, Message, Update
from comms.outbox import deliver, reply_to_address
from comms.responses import reply_to_client
from comms.tick import run_tick
from escalations.models import Category, Escalation, Severity, Tier
from escalations.services import acknowledge, close, raise_escalation, resolve, wait_on_client
from projects.models import (
    BusinessCalendar,
    Client,
    Commitment,
    Contact,
    Decision,
    Phase,
    PhaseChange,
    Project,
)
from projects.portal_access import portal_url
from projects.services import add_commitment, complete_commitment, report_progress, wait_on_client_for

User = get_user_model()

ADMIN_LOGIN = ("admin", "admin-demo-2026")
LEAD_LOGIN = ("lena", "lead-demo-2026")
TEAM = [
    # username, first, last
    ("omar", "Omar", "Haddad"),
    ("priya", "Priya", "Natarajan"),
    ("sam", "Sam", "Okafor"),
    ("eve", "Eve", "Marlowe"),
]

CALENDARS = [
    # name, zone, opens, closes, country, subdivision
    ("Sydney office", "Australia/Sydney", time(8, 30), time(17, 0), "AU", "NSW"),
    ("New York office", "America/New_York", time(9), time(18), "US", "NY"),
    ("Berlin office", "Europe/Berlin", time(8), time(16, 30), "DE", "BE"),
    ("London office", "Europe/London", time(9), time(17, 30), "GB", "ENG"),
]

CLIENTS = [
    # name, calendar, shared window (client local), account owner, contacts (name, email, kind, role)
    (
        "Harbour & Finch",
        "Sydney office",
        (time(8, 30), time(10)),
        "lena",
        [
            ("Mia Thompson", "mia.thompson@harbourfinch.example", "executive", "Chief operating officer"),
            ("Jack Nguyen", "jack.nguyen@harbourfinch.example", "technical", "Engineering manager"),
        ],
    ),
    (
        "Cobalt Health",
        "New York office",
        (time(9), time(12)),
        "priya",
        [
            ("Dana Brooks", "dana.brooks@cobalthealth.example", "executive", "VP Product"),
            ("Luis Ortega", "luis.ortega@cobalthealth.example", "technical", "Lead developer"),
            ("Grace Kim", "grace.kim@cobalthealth.example", "technical", "QA lead"),
        ],
    ),
    (
        "Lindqvist Bank",
        "Berlin office",
        (time(13), time(16)),
        "lena",
        [
            ("Anna Lindqvist", "anna.lindqvist@lindqvist.example", "executive", "Chief digital officer"),
            ("Tobias Weber", "tobias.weber@lindqvist.example", "technical", "Solution architect"),
        ],
    ),
    (
        "Northwind Logistics",
        "London office",
        (time(10), time(16)),
        "omar",
        [
            ("Oliver Grant", "oliver.grant@northwind.example", "executive", "Managing director"),
            ("Hannah Shaw", "hannah.shaw@northwind.example", "technical", "IT manager"),
        ],
    ),
]

# The contact whose personal portal link the command prints.
PORTAL_CONTACT = "mia.thompson@harbourfinch.example"


@dataclass(frozen=True)
class Promise:
    """A commitment as it went: days are counted back from today (`due` forward, negative: past)."""

    description: str
    added: int
    due: int
    progress: int = 0
    done: int | None = None
    recovery_plan: str = ""
    waiting_for: str = ""
    waiting_since: int = 0
    in_scope: bool = True


@dataclass(frozen=True)
class Story:
    """A project's life so far, in days before today on the client's calendar: when it started,
    when each later phase began, the launch and the close, what was decided and promised."""

    client: str
    name: str
    owner: str
    lead: str
    scope: str
    started: int
    phases: tuple[tuple[str, int], ...] = ()
    launched: int | None = None
    closed: int | None = None
    launch_target: int = 60
    decisions: tuple[tuple[int, str, bool], ...] = ()
    promises: tuple[Promise, ...] = ()
    auto_send: bool = False


STORIES = [
    Story(
        "Cobalt Health",
        "Patient intake forms",
        "priya",
        "lena",
        "Replace paper intake forms with an accessible web form that writes to the clinic system.",
        started=9,
        launch_target=110,
        decisions=(
            (3, "Patients sign in with a one-time code by text, or with the clinic's own login?", True),
        ),
        promises=(
            Promise("Share the interview plan", added=8, due=-5, done=6),
            Promise("Send the clickable prototype", added=6, due=4, progress=40),
            Promise(
                "Run user interviews at two clinics",
                added=7,
                due=6,
                progress=10,
                waiting_for="Dates for the two clinic visits",
                waiting_since=5,
            ),
        ),
    ),
    Story(
        "Harbour & Finch",
        "Fleet dashboard",
        "omar",
        "lena",
        "A live dashboard of vessel positions and delays for the operations room.",
        started=42,
        phases=((Phase.BUILD, 33),),
        launch_target=40,
        decisions=((20, "Delays are computed from the published timetable, not from GPS alone.", False),),
        promises=(
            Promise("Share the wireframes for review", added=40, due=-35, done=36),
            Promise(
                "Connect the live vessel-position feed",
                added=30,
                due=-3,
                progress=70,
                recovery_plan="The feed provider moved to a new API version; we switch to it this week "
                "and deliver by Thursday.",
            ),
            Promise("Deliver the delay-alert screen to staging", added=14, due=6, progress=30),
        ),
    ),
    Story(
        "Lindqvist Bank",
        "Customer onboarding portal",
        "lena",
        "sam",
        "Online account opening with identity checks, replacing the branch appointment.",
        started=63,
        phases=((Phase.BUILD, 55),),
        launch_target=50,
        decisions=(
            (52, "Identity is checked by video call; no branch fallback in the first release.", False),
            (8, "Are joint accounts in the first release?", True),
        ),
        promises=(
            Promise("Agree the identity-check provider", added=62, due=-58, done=59),
            Promise(
                "Connect to the bank's core system test environment",
                added=40,
                due=3,
                progress=50,
                waiting_for="VPN access to the core system's test environment",
                waiting_since=6,
            ),
            Promise("Estimate the joint-account flow", added=8, due=9, in_scope=False),
        ),
    ),
    Story(
        "Cobalt Health",
        "Lab results API",
        "priya",
        "sam",
        "A documented REST API delivering lab results to partner clinics.",
        started=77,
        phases=((Phase.BUILD, 69), (Phase.QA, 6)),
        launch_target=20,
        decisions=((60, "Partner clinics sign in with client certificates.", False),),
        promises=(
            Promise("Publish the API reference", added=45, due=-20, done=21),
            Promise("Load-test with fifty partner clinics", added=20, due=-9, done=10),
            Promise("Fix the QA findings rated high", added=7, due=2, progress=60),
        ),
    ),
    Story(
        "Northwind Logistics",
        "Warehouse scanner app",
        "omar",
        "lena",
        "An Android app for barcode scanning at goods-in, synced with the stock system.",
        started=70,
        phases=((Phase.BUILD, 62), (Phase.QA, 4)),
        launch_target=16,
        decisions=((50, "Only the Android handhelds are supported; the old scanners retire.", False),),
        promises=(
            Promise("Pair the handhelds with the stock system", added=55, due=-30, done=31),
            Promise(
                "Offline mode for the cold store",
                added=30,
                due=-2,
                progress=80,
                recovery_plan="QA found sync conflicts; the fix is in review and ships in Friday's build.",
            ),
            Promise(
                "Sign-off of the goods-in test script",
                added=5,
                due=3,
                waiting_for="Hannah Shaw's sign-off of the test script",
                waiting_since=2,
            ),
        ),
    ),
    Story(
        "Lindqvist Bank",
        "Statement archive",
        "lena",
        "sam",
        "Ten years of PDF statements searchable by customers in online banking.",
        started=84,
        phases=((Phase.BUILD, 76), (Phase.QA, 13), (Phase.DELIVERY, 4)),
        launch_target=5,
        decisions=((70, "Statements older than ten years are not migrated.", False),),
        promises=(
            Promise("Migrate the statements of 2016 to 2020", added=50, due=-30, done=31),
            Promise("Migrate the statements of 2021 to 2025", added=30, due=-10, done=12),
            Promise("Switch search on for every customer", added=5, due=3, progress=80),
        ),
    ),
    Story(
        "Northwind Logistics",
        "Driver tracking",
        "omar",
        "lena",
        "Live driver locations shared with customers, with delivery-window notifications.",
        started=86,
        phases=((Phase.BUILD, 78), (Phase.QA, 36), (Phase.DELIVERY, 30)),
        launched=24,
        launch_target=-24,
        decisions=((80, "The delivery window is shown as a thirty-minute slot.", False),),
        promises=(
            Promise("Train the dispatch team", added=40, due=-27, done=27),
            Promise("Send the thirty-day usage report", added=10, due=6, progress=20),
        ),
    ),
    Story(
        "Cobalt Health",
        "Appointment reminders",
        "priya",
        "lena",
        "SMS and email reminders for appointments, with rebooking links.",
        started=82,
        phases=((Phase.BUILD, 74), (Phase.QA, 23), (Phase.DELIVERY, 17)),
        launched=11,
        launch_target=-11,
        decisions=((75, "Reminders go out 48 hours and 2 hours before the appointment.", False),),
        promises=(
            Promise("Reminder texts in Spanish", added=30, due=-12, done=13),
            Promise(
                "Show COBALT as the SMS sender name",
                added=9,
                due=5,
                progress=50,
                waiting_for="Approval of the sender name from Cobalt's telecoms team",
                waiting_since=6,
            ),
        ),
        auto_send=True,
    ),
    Story(
        "Harbour & Finch",
        "Website relaunch",
        "lena",
        "sam",
        "Relaunch of the public website on a new CMS, content migrated.",
        started=88,
        phases=((Phase.BUILD, 80), (Phase.QA, 64), (Phase.DELIVERY, 57)),
        launched=50,
        closed=15,
        launch_target=-50,
        decisions=((60, "Launch on a Tuesday, with the old site read-only for a week.", False),),
        promises=(
            Promise("Migrate the news archive", added=85, due=-60, done=62),
            Promise("Redirect the old addresses", added=60, due=-48, done=49),
        ),
    ),
]

# The project created as a lead creates one on the dashboard, today: create_project, log_kickoff.
NEW_PROJECT = Story(
    "Harbour & Finch",
    "Booking app",
    "lena",
    "sam",
    "Discovery for a mobile booking app for ferry passengers: user research and a clickable prototype.",
    started=0,
    launch_target=84,
    promises=(Promise("Send the research plan and interview guide", added=0, due=3),),
)

PHASE_NOTES = {
    Phase.BUILD: "Discovery is signed off; building starts.",
    Phase.QA: "Feature-complete; testing with your team starts.",
    Phase.DELIVERY: "Testing signed off; preparing the go-live.",
    Phase.SUPPORT: "We are live; the support period starts.",
    Phase.CLOSED: "The support period has ended. Thank you for the work together.",
}

# How often a client writes, in their business days: just inside the phase's quiet-client limit.
WRITES_EVERY = {Phase.DISCOVERY: 2, Phase.BUILD: 4, Phase.QA: 1, Phase.DELIVERY: 1, Phase.SUPPORT: 9}
CLIENT_MAIL = {
    Phase.DISCOVERY: [
        (
            "Notes from our side",
            "Attached are our notes on how the process works today. Happy to walk you through them.",
        ),
        ("Research sessions", "Could the interviews run on Tuesday mornings? Our staff are freer then."),
        ("Access to the current system", "Who on your team needs read-only access to the current system?"),
    ],
    Phase.BUILD: [
        (
            "Staging feedback",
            "We looked at the latest build on staging: much clearer. Two wording changes to follow.",
        ),
        ("Next release", "Will the next release include the export we discussed?"),
        ("Budget check", "Can you confirm we are still within the budget agreed for this phase?"),
        ("New product owner", "Please copy our new product owner on updates from next week."),
    ],
    Phase.QA: [
        ("Test results", "Our testers finished today's script; three findings are on the board."),
        ("Finding 14", "Is finding 14 a defect or expected behaviour? The team is unsure."),
        ("Retest done", "We retested yesterday's fixes: all pass apart from the date filter."),
    ],
    Phase.DELIVERY: [
        (
            "Go-live checklist",
            "We have ticked our items on the go-live checklist; only the DNS change is open.",
        ),
        ("Training", "Could you run a short session for our support desk before go-live?"),
    ],
    Phase.SUPPORT: [
        (
            "Feedback after launch",
            "Users are happy; one asked whether the page could remember their last search.",
        ),
        ("A typo", "A customer spotted a typo on the confirmation page."),
    ],
}
REPLIES = [
    "Thank you, noted. We will come back on it in the next update.",
    "Good question: yes, that is planned for the next release. Details follow in the update.",
    "Thanks for the quick feedback. We have put it on the board and will confirm the fix.",
]

BEAT = timedelta(minutes=1)  # how often beat runs the tick
REVIEW = timedelta(minutes=90)  # how long an owner takes to read a draft before sending it
AHEAD = timedelta(minutes=15)  # owners send a little before the update is owed
LATE_EVERY = 12  # one update in twelve went out late, so the charts show a team that is not perfect
ON_TIME_LATELY = timedelta(days=10)  # ... but none of the last ten days', so nothing is left overdue
LATE_KINDS = {"discovery_summary", "build_status", "qa_note", "delivery_checklist", "meeting_recap"}


class HistoryMail(simulated.EmailBackend):
    """History's mail reached its readers long ago: it is settled through Anymail's simulated send
    and kept nowhere, so the dev mail folder and the worker see only today's mail."""

    esp_name = "Demo history"

    def get_esp_message_id(self, message):
        return f"demo-{uuid.uuid4().hex}"

    def post_to_esp(self, payload, message):
        response = super().post_to_esp(payload, message)
        mail.outbox.remove(message)
        return response


@contextmanager
def wake_ups_inline():
    """Every message the services queue asks, on commit, for a sender to be woken. History's mail
    is settled by then, so those wake-ups run here and find nothing to do (quietly: Celery logs
    each task it runs), instead of filling the broker with hundreds of no-op tasks, or failing
    where no broker folder exists yet. Today's mail is sent by them as the worker would."""
    trace = logging.getLogger("celery.app.trace")
    was_eager, was_level = current_app.conf.task_always_eager, trace.level
    current_app.conf.task_always_eager = True
    trace.setLevel(logging.WARNING)
    try:
        yield
    finally:
        current_app.conf.task_always_eager = was_eager
        trace.setLevel(was_level)


class Replay:
    """The past in time order: scripted acts (a call, a phase change, a client's email) interleaved
    with the tick whenever one of its deadlines falls due, as beat would have run it, and owners who
    review each draft and send it shortly before it is owed. Mail goes out when its time comes."""

    def __init__(self, until):
        self.until = until
        self.now = None  # how far the replay has come
        self.queue, self.order = [], itertools.count()
        self.reviewed_up_to = 0
        self.owed = {}  # deadline id → when what it drafts is owed to the client
        self.reviews = 0
        self.ticked_at = None

    def at(self, when, act, *, drafts=False):
        """Do `act(now)` at `when` (`drafts`: it may draft an update for the owner to review);
        what would fall after the present never happened."""
        if when < self.until:
            heapq.heappush(self.queue, (when, next(self.order), act, drafts))

    def run(self):
        while True:
            due = (
                Deadline.objects.filter(is_active=True, due_at__lt=self.until)
                .order_by("due_at")
                .values_list("due_at", flat=True)
                .first()
            )
            # An act or a tick can set a deadline that is due already (a phase change restarting
            # the quiet watch from an old email, a draft owed in the past): beat's next tick, a
            # minute on, takes it.
            if due is not None and self.now is not None:
                due = max(due, self.now, self.ticked_at + BEAT if self.ticked_at else self.now)
            if self.queue and (due is None or self.queue[0][0] <= due):
                when, _, act, drafts = heapq.heappop(self.queue)
                self.now = max(when, self.now or when)
                act(self.now)
            elif due is not None:
                self.tick(due)
                drafts = True
            else:
                break
            if drafts:
                self.review()
        self.settle_mail(self.until)

    def tick(self, now):
        self.now = self.ticked_at = now
        self.settle_mail(now)  # before the tick's sweep, which would send what is left at today's date
        for pk, owed_at, due_at in Deadline.objects.due(now).values_list("pk", "owed_at", "due_at"):
            self.owed[pk] = owed_at or due_at
        run_tick(now=now)

    def review(self):
        """Owners read new drafts and send them: a recurring update shortly before it is owed,
        anything else after a read; a project that sends by itself is left to the tick."""
        drafts = (
            Update.objects.filter(
                pk__gt=self.reviewed_up_to, state__in=[Update.State.DRAFT, Update.State.OVERDUE]
            )
            .select_related("project")
            .order_by("pk")
        )
        for update in drafts:
            self.reviewed_up_to = update.pk
            if update.source_id and update.project.auto_send_drafts:
                continue
            send_at = update.created_at + REVIEW
            if update.source_id:
                send_at = max(send_at, self.owed.get(update.source_id, update.send_by) - AHEAD)
            send_at = min(send_at, update.send_by - AHEAD)
            self.reviews += 1
            if (
                self.reviews % LATE_EVERY == 0
                and update.kind in LATE_KINDS
                and update.created_at < self.until - ON_TIME_LATELY
            ):
                send_at = update.send_by + timedelta(hours=2)
            self.at(send_at, lambda now, pk=update.pk: self.send(pk, now))

    @staticmethod
    def send(pk, now):
        update = Update.objects.select_related("project__owner").get(pk=pk)
        if update.state in (Update.State.DRAFT, Update.State.OVERDUE):  # not superseded meanwhile
            send_update(update, by=update.project.owner, now=now)

    @staticmethod
    def settle_mail(until):
        queued = (
            Message.objects.filter(state=Message.State.QUEUED, send_after__lte=until)
            .order_by("send_after", "pk")
            .values_list("pk", "send_after", "created_at")
        )
        with override_settings(EMAIL_BACKEND=f"{__name__}.HistoryMail"):
            for pk, send_after, created_at in queued:
                deliver(pk, now=max(send_after, created_at))


class Command(BaseCommand):
    help = "Load demo clients, projects, people and their history (safe to run again: adds nothing twice)."

    def handle(self, *args, **options):
        with wake_ups_inline(), transaction.atomic():
            self.seed()
        contact = Contact.objects.select_related("client").get(email=PORTAL_CONTACT)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {Client.objects.count()} clients, {Project.objects.count()} projects.\n"
                f"  admin login: {ADMIN_LOGIN[0]} / {ADMIN_LOGIN[1]}\n"
                f"  lead login:  {LEAD_LOGIN[0]} / {LEAD_LOGIN[1]}\n"
                f"  client portal, as {contact.name} of {contact.client}: {portal_url(contact)}"
            )
        )

    def seed(self):
        self.until = timezone.now()
        self.clocks = Clocks()
        self.users = self.seed_users()
        self.seed_escalation_path()
        clients = self.seed_clients()
        replay = Replay(self.until)
        projects = {}
        for story in STORIES:
            client = clients[story.client]
            if not Project.objects.filter(client=client, name=story.name).exists():
                projects[story.name] = self.replay_story(replay, story, client)
        if projects:  # a second run replays nothing, not even the tick
            self.escalation_stories(replay, projects)
            self.mail_waiting_for_a_reply(replay, projects)
            replay.run()
        client = clients[NEW_PROJECT.client]
        if not Project.objects.filter(client=client, name=NEW_PROJECT.name).exists():
            self.create_as_a_lead_would(NEW_PROJECT, client)

    # --- People, calendars, clients -------------------------------------------------------------

    def seed_users(self):
        users = {}
        admin, created = User.objects.get_or_create(
            username=ADMIN_LOGIN[0],
            defaults={
                "is_staff": True,
                "is_superuser": True,
                "email": "admin@agency.example",
                "first_name": "Ada",
                "last_name": "Admin",
            },
        )
        if created:
            admin.set_password(ADMIN_LOGIN[1])
            admin.save()
        users[admin.username] = admin
        lead, created = User.objects.get_or_create(
            username=LEAD_LOGIN[0],
            defaults={
                "email": "lena@agency.example",
                "first_name": "Lena",
                "last_name": "Fischer",
            },
        )
        if created:
            lead.set_password(LEAD_LOGIN[1])
            lead.save()
        users[lead.username] = lead
        for username, first, last in TEAM:
            users[username], _ = User.objects.get_or_create(
                username=username,
                defaults={"first_name": first, "last_name": last, "email": f"{username}@agency.example"},
            )
        return users

    def seed_escalation_path(self):
        Tier.objects.get(project=None, level=Tier.Level.L2).members.add(self.users["sam"])
        Tier.objects.get(project=None, level=Tier.Level.L3).members.add(self.users["eve"])

    def seed_clients(self):
        calendars = {
            name: BusinessCalendar.objects.get_or_create(
                name=name,
                defaults={
                    "time_zone": zone,
                    "opens_at": opens,
                    "closes_at": closes,
                    "holiday_country": country,
                    "holiday_subdivision": region,
                },
            )[0]
            for name, zone, opens, closes, country, region in CALENDARS
        }
        clients = {}
        for name, calendar, (window_start, window_end), account_owner, contacts in CLIENTS:
            client, _ = Client.objects.get_or_create(
                name=name,
                defaults={
                    "calendar": calendars[calendar],
                    "shared_window_starts": window_start,
                    "shared_window_ends": window_end,
                    "account_owner": self.users[account_owner],
                },
            )
            for contact_name, email, kind, role in contacts:
                Contact.objects.get_or_create(
                    client=client, email=email, defaults={"name": contact_name, "kind": kind, "role": role}
                )
            clients[name] = client
        return clients

    # --- Time on a client's calendar ------------------------------------------------------------

    def today(self, client):
        return self.clocks.of(client.calendar).local_date(self.until)

    def days_ago(self, client, days, wall):
        """`wall` o'clock, `days` before today on the client's calendar, or on the business day
        before that when it was a weekend or a public holiday there."""
        clock = self.clocks.of(client.calendar)
        day = self.today(client) - timedelta(days=days)
        while not clock.is_business_day(day):
            day -= timedelta(days=1)
        return clock.at(day, wall)

    # --- A project's story ----------------------------------------------------------------------

    def replay_story(self, replay, story, client):
        """Open the project on its start day and put the rest of its life on the replay."""
        owner, lead = self.users[story.owner], self.users[story.lead]
        started = self.days_ago(client, story.started, time(9, 30))
        launch_on = self.today(client) + timedelta(days=story.launch_target)
        # create_project dates the first line of the phase history now; a project that started
        # weeks ago needs it on its start day, so the row and that line are written here, and the
        # rest of what every new project gets comes from start_project_record.
        project = Project.objects.create(
            client=client,
            name=story.name,
            scope=story.scope,
            owner=owner,
            lead=lead,
            starts_on=self.clocks.of(client.calendar).local_date(started),
            target_delivery_on=launch_on - timedelta(days=7),
            target_launch_on=launch_on,
            auto_send_drafts=story.auto_send,
        )
        project.contacts.set(client.contacts.all())
        project.team.set([owner, lead])
        PhaseChange.objects.create(
            project=project,
            from_phase="",
            to_phase=Phase.DISCOVERY,
            changed_at=started,
            changed_by=owner,
            note="Project started.",
        )
        start_project_record(project, by=owner)

        def fresh():
            return Project.objects.select_related("client__calendar", "owner").get(pk=project.pk)

        replay.at(
            started + timedelta(hours=1), lambda now: log_kickoff(fresh(), at=now, by=owner), drafts=True
        )
        workshop = self.days_ago(client, story.started - 2, time(10)) if story.started > 3 else None
        if workshop and workshop > started:
            replay.at(
                workshop + timedelta(hours=1),
                lambda now: log_meeting(
                    fresh(),
                    venue="meeting",
                    held_at=workshop,
                    recap=f"Scope workshop: {story.scope} We agreed who signs off each step.",
                    by=owner,
                    now=now,
                ),
                drafts=True,
            )
        timeline = [(started, Phase.DISCOVERY)]
        for phase, days in story.phases:
            at = self.days_ago(client, days, time(10))
            timeline.append((at, phase))
            replay.at(at, self.phase_change(fresh, phase, owner), drafts=True)
        if story.launched is not None:
            launched = self.days_ago(client, story.launched, time(11))
            replay.at(launched, lambda now: record_launch(fresh(), at=now, by=owner), drafts=True)
            timeline.append((launched + timedelta(minutes=10), Phase.SUPPORT))
            replay.at(
                launched + timedelta(minutes=10), self.phase_change(fresh, Phase.SUPPORT, owner), drafts=True
            )
        if story.closed is not None:
            closed = self.days_ago(client, story.closed, time(15))
            timeline.append((closed, Phase.CLOSED))
            replay.at(closed, self.phase_change(fresh, Phase.CLOSED, owner), drafts=True)
        executives = list(client.contacts.filter(kind=Contact.Kind.EXECUTIVE))
        for days, summary, awaiting in story.decisions:
            made = self.days_ago(client, days, time(14))
            replay.at(
                made + timedelta(minutes=40),
                lambda now, made=made, summary=summary, awaiting=awaiting: log_decision(
                    fresh(),
                    summary=summary,
                    made_in=Decision.Venue.EMAIL if awaiting else Decision.Venue.CALL,
                    made_at=made,
                    by=owner,
                    agreed_by=[] if awaiting else executives,
                    awaiting_client=awaiting,
                    now=now,
                ),
                drafts=True,
            )
        for promise in story.promises:
            self.promise(replay, project, promise)
        skip = self.late_reply_story(replay, project) if story.name == "Website relaunch" else set()
        self.client_writes_regularly(replay, project, timeline, skip)
        return project

    @staticmethod
    def phase_change(fresh, phase, owner):
        return lambda now: change_phase(fresh(), to=phase, by=owner, note=PHASE_NOTES[phase], at=now)

    def promise(self, replay, project, promise):
        client = project.client
        today = self.today(client)

        def commitment():
            return Commitment.objects.get(project=project, description=promise.description)

        replay.at(
            self.days_ago(client, promise.added, time(15)),
            lambda now: add_commitment(
                project,
                description=promise.description,
                due_on=today + timedelta(days=promise.due),
                in_scope=promise.in_scope,
            ),
        )
        if promise.done is not None:
            done = self.days_ago(client, promise.done, time(16))
            replay.at(done, lambda now: complete_commitment(commitment(), on=done.date()))
        if promise.waiting_for:
            replay.at(
                self.days_ago(client, promise.waiting_since, time(11)),
                lambda now: wait_on_client_for(commitment(), what=promise.waiting_for, now=now),
            )
        if promise.progress or promise.recovery_plan:
            # Reported on the day after it slipped, or halfway to today.
            said = max(promise.added // 2, 1) if not promise.recovery_plan else max(-promise.due - 1, 1)
            replay.at(
                self.days_ago(client, said, time(9, 45)),
                lambda now: report_progress(
                    commitment(), progress=promise.progress, recovery_plan=promise.recovery_plan
                ),
            )

    # --- The client's email -----------------------------------------------------------------------

    def client_writes_regularly(self, replay, project, timeline, skip):
        """A contact writes every few business days, as often as the phase keeps a client talking,
        and the owner answers well inside the response time."""
        client = project.client
        clock = self.clocks.of(client.calendar)
        contacts = list(client.contacts.order_by("pk"))
        day, today = clock.local_date(timeline[0][0]) + timedelta(days=1), self.today(client)
        quiet_days, written = 0, 0
        while day < today:
            started_today = [phase for at, phase in timeline if clock.local_date(at) <= day]
            phase = started_today[-1]
            if phase == Phase.CLOSED:
                break
            if clock.is_business_day(day):
                quiet_days += 1
                if quiet_days >= WRITES_EVERY[phase] and day not in skip:
                    quiet_days = 0
                    subject, body = CLIENT_MAIL[phase][written % len(CLIENT_MAIL[phase])]
                    contact = contacts[written % len(contacts)]
                    at = clock.at(day, time(9 + written % 6, (written * 23) % 60))
                    replay.at(
                        at,
                        lambda now, c=contact, s=subject, b=body: self.client_writes(
                            replay, project, c, s, b, now
                        ),
                    )
                    written += 1
            day += timedelta(days=1)

    def client_writes(self, replay, project, contact, subject, body, now, *, answered=True):
        message = store_client_mail(
            esp_name="demo",
            provider_id=f"<{uuid.uuid4().hex}@{contact.email.split('@')[1]}>",
            sender=contact.email,
            recipients=[reply_to_address(project)],
            subject=subject,
            text=f"{body}\n\n{contact.name}",
            attachments=[],
            headers=[],
            received_at=now,
        )
        if answered and message.respond_by:
            # Well inside the time allowed, and before the owner's 80% reminder.
            start, due = message.created_at, message.respond_by
            at = due - timedelta(hours=2) if due - timedelta(hours=2) > start else start + (due - start) / 2
            replay.at(at, lambda later: self.answer(message, later))
        return message

    def answer(self, message, now, body=None):
        if Message.objects.filter(pk=message.pk, responded_at__isnull=True).exists():
            owner = message.project.owner
            reply = body or REPLIES[message.pk % len(REPLIES)]
            reply_to_client(message, by=owner, body=f"{reply}\n\n{owner.first_name}", now=now)

    def mail_waiting_for_a_reply(self, replay, projects):
        """Two emails that arrived a little while ago and are still inside their response time."""
        team = self.clocks.of(BusinessCalendar.team_default())
        waiting = [
            (
                "Fleet dashboard",
                "jack.nguyen@",
                "Delay alerts for the evening sailings",
                "Do the delay alerts cover the sailings after 18:00 too?",
            ),
            (
                "Statement archive",
                "tobias.weber@",
                "Search results for 2016",
                "A tester finds no statements for March 2016. Is that month migrated?",
            ),
        ]
        for name, sender, subject, body in waiting:
            if name not in projects:
                continue
            project = projects[name]
            contact = project.client.contacts.get(email__startswith=sender)
            received = next(
                (
                    at
                    for at in (self.until - timedelta(minutes=m) for m in (40, 15, 2))
                    if obligations.response_due(at, team, urgent=False)[0].at
                    > self.until + timedelta(minutes=30)
                ),
                self.until - timedelta(minutes=1),
            )
            replay.at(
                received,
                lambda now, p=project, c=contact, s=subject, b=body: self.client_writes(
                    replay, p, c, s, b, now, answered=False
                ),
            )

    # --- Escalations, one in each state ----------------------------------------------------------

    def late_reply_story(self, replay, project):
        """An email left unanswered past its deadline: the tick raises the escalation, the owner
        acknowledges, replies, resolves and closes it. Returns the days the client wrote nothing else."""
        client, owner = project.client, project.owner
        contact = client.contacts.get(email=PORTAL_CONTACT)
        received = self.days_ago(client, 30, time(10, 15))

        def follow_up(message):
            due = message.respond_by

            def escalation():
                return Escalation.objects.filter(source_message=message).first()

            def step(act):
                return lambda now: escalation() and act(escalation(), now)

            replay.at(due + timedelta(minutes=20), step(lambda e, now: acknowledge(e, by=owner, now=now)))
            replay.at(
                due + timedelta(minutes=35),
                lambda now: self.answer(
                    message,
                    now,
                    "Sorry for the slow answer. The old addresses now redirect; Google drops them within days.",
                ),
            )
            resolution = "Answered the client; the old addresses redirect and are removed from the index."
            replay.at(
                due + timedelta(minutes=50),
                step(lambda e, now: resolve(e, by=owner, resolution=resolution, now=now)),
            )
            replay.at(due + timedelta(days=1), step(lambda e, now: close(e, by=owner, now=now)))

        replay.at(
            received,
            lambda now: follow_up(
                self.client_writes(
                    replay,
                    project,
                    contact,
                    "Old pages still show up in Google",
                    "Customers land on old pages from Google and get an error. Can you look at this?",
                    now,
                    answered=False,
                )
            ),
        )
        day = self.clocks.of(client.calendar).local_date(received)
        return {day - timedelta(days=1), day, day + timedelta(days=1)}

    def escalation_stories(self, replay, projects):
        stories = [
            ("Driver tracking", self.closed_after_a_post_mortem),
            ("Lab results API", self.resolved),
            ("Warehouse scanner app", self.waiting_on_the_client),
            ("Customer onboarding portal", self.acknowledged),
            ("Fleet dashboard", self.open),
        ]
        for name, story in stories:
            if name in projects:
                story(replay, projects[name])

    def closed_after_a_post_mortem(self, replay, project):
        raised = self.days_ago(project.client, 22, time(7, 40))
        lead = project.lead
        raise_at(
            replay,
            project,
            raised,
            category=Category.TECHNICAL_FAILURE,
            severity=Severity.CRITICAL,
            title="Driver positions frozen on the customer tracking page",
            description="Since 07:10 customers see their driver's position from the early morning.",
            documentation="Position updates queue up behind a stuck job; restarting it clears the page for a minute.",
            by=project.owner,
            then=[
                (timedelta(minutes=25), lambda e, now: acknowledge(e, by=lead, now=now)),
                (
                    timedelta(hours=5),
                    lambda e, now: resolve(
                        e, by=lead, resolution="The stuck job is fixed and positions are live again.", now=now
                    ),
                ),
                (
                    timedelta(days=1, hours=3),
                    lambda e, now: close(
                        e,
                        by=project.owner,
                        now=now,
                        what="Customers saw positions up to two hours old for five hours.",
                        why="A malformed position report stopped the job that publishes positions.",
                        prevention="Malformed reports are set aside, and a stalled job pages the on-call developer.",
                    ),
                ),
            ],
        )

    def resolved(self, replay, project):
        raise_at(
            replay,
            project,
            self.days_ago(project.client, 6, time(11)),
            category=Category.SCOPE_CHANGE,
            severity=Severity.MODERATE,
            title="Partner clinics ask for results as PDF as well",
            description="Two partner clinics cannot read the JSON results and ask for a PDF copy.",
            by=project.owner,
            then=[
                (timedelta(minutes=40), lambda e, now: acknowledge(e, by=project.lead, now=now)),
                (
                    timedelta(days=2),
                    lambda e, now: resolve(
                        e,
                        by=project.lead,
                        resolution="Agreed with Dana Brooks: a PDF endpoint as a change request after launch.",
                        now=now,
                    ),
                ),
            ],
        )

    def waiting_on_the_client(self, replay, project):
        raise_at(
            replay,
            project,
            self.days_ago(project.client, 3, time(10)),
            category=Category.TECHNICAL_FAILURE,
            severity=Severity.MINOR,
            title="Scanner rejects smudged goods-in labels",
            description="At the goods-in dock one label in twenty is rejected when it is smudged or creased.",
            by=project.owner,
            then=[
                (timedelta(hours=2), lambda e, now: acknowledge(e, by=project.lead, now=now)),
                (
                    timedelta(days=1),
                    lambda e, now: wait_on_client(
                        e,
                        by=project.lead,
                        what="Twenty damaged labels from the dock to test against",
                        now=now,
                    ),
                ),
            ],
        )

    def acknowledged(self, replay, project):
        raise_at(
            replay,
            project,
            self.days_ago(project.client, 1, time(13)),
            category=Category.BUDGET_OVERRUN,
            severity=Severity.MODERATE,
            title="Identity checks cost more per customer than budgeted",
            description="The provider's price per video check rose by 30% from this month.",
            by=project.owner,
            then=[
                (timedelta(hours=1), lambda e, now: acknowledge(e, by=project.client.account_owner, now=now))
            ],
        )

    def open(self, replay, project):
        raise_at(
            replay,
            project,
            self.until - timedelta(minutes=50),
            category=Category.DISPUTE,
            severity=Severity.MODERATE,
            title="Invoice for the extra map layer questioned",
            description="Harbour & Finch hold that the weather layer was part of the agreed scope.",
            by=project.owner,
        )

    # --- The project a lead creates today -------------------------------------------------------

    def create_as_a_lead_would(self, story, client):
        owner, lead = self.users[story.owner], self.users[story.lead]
        today = self.today(client)
        project = create_project(
            by=owner,
            contacts=client.contacts.all(),
            team=[owner, lead],
            client=client,
            name=story.name,
            scope=story.scope,
            phase=Phase.DISCOVERY,
            owner=owner,
            lead=lead,
            starts_on=today,
            target_delivery_on=today + timedelta(days=story.launch_target - 7),
            target_launch_on=today + timedelta(days=story.launch_target),
        )
        log_kickoff(project, at=timezone.now(), by=owner)
        for promise in story.promises:
            add_commitment(
                project, description=promise.description, due_on=today + timedelta(days=promise.due)
            )


def raise_at(replay, project, raised, *, then=(), **details):
    """Raise an escalation at `raised`, then take each (delay, step) in turn on it."""

    def escalation():
        return Escalation.objects.filter(project=project, title=details["title"]).first()

    replay.at(raised, lambda now: raise_escalation(project, now=now, **details))
    for delay, step in then:
        replay.at(raised + delay, lambda now, step=step: step(escalation(), now))
