"""`manage.py seed_demo`: realistic demo data (clients in four time zones, projects in every phase).

Idempotent: every row is looked up by its natural key first, so a second run adds nothing.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from comms.autopilot import schedule_cadence, schedule_quiet_client
from comms.calendars import Clocks
from comms.lifecycle import record_launch, start_project_record
from escalations.models import Tier
from projects.models import (
    PHASE_ORDER,
    BusinessCalendar,
    Client,
    Commitment,
    Contact,
    Decision,
    Phase,
    PhaseChange,
    Project,
)

User = get_user_model()

ADMIN_LOGIN = ("admin", "admin-demo-2026")
LEAD_LOGIN = ("lena", "lead-demo-2026")
TEAM = [
    # username, first, last, title
    ("omar", "Omar", "Haddad", "Project manager"),
    ("priya", "Priya", "Natarajan", "Project manager"),
    ("sam", "Sam", "Okafor", "Head of delivery"),
    ("eve", "Eve", "Marlowe", "Managing director"),
]

CALENDARS = [
    # name, zone, opens, closes, country, subdivision
    ("Sydney office", "Australia/Sydney", time(8, 30), time(17, 0), "AU", "NSW"),
    ("New York office", "America/New_York", time(9), time(18), "US", "NY"),
    ("Berlin office", "Europe/Berlin", time(8), time(16, 30), "DE", "BE"),
    ("London office", "Europe/London", time(9), time(17, 30), "GB", "ENG"),
]

CLIENTS = [
    # name, calendar, shared window (client local), account owner, contacts
    (
        "Harbour & Finch",
        "Sydney office",
        (time(8, 30), time(10)),
        "lena",
        [
            (
                "Mia Thompson",
                "mia.thompson@harbourfinch.example",
                Contact.Kind.EXECUTIVE,
                "Chief operating officer",
            ),
            (
                "Jack Nguyen",
                "jack.nguyen@harbourfinch.example",
                Contact.Kind.TECHNICAL,
                "Engineering manager",
            ),
        ],
    ),
    (
        "Cobalt Health",
        "New York office",
        (time(9), time(12)),
        "priya",
        [
            ("Dana Brooks", "dana.brooks@cobalthealth.example", Contact.Kind.EXECUTIVE, "VP Product"),
            ("Luis Ortega", "luis.ortega@cobalthealth.example", Contact.Kind.TECHNICAL, "Lead developer"),
            ("Grace Kim", "grace.kim@cobalthealth.example", Contact.Kind.TECHNICAL, "QA lead"),
        ],
    ),
    (
        "Lindqvist Bank",
        "Berlin office",
        (time(13), time(16)),
        "lena",
        [
            (
                "Anna Lindqvist",
                "anna.lindqvist@lindqvist.example",
                Contact.Kind.EXECUTIVE,
                "Chief digital officer",
            ),
            ("Tobias Weber", "tobias.weber@lindqvist.example", Contact.Kind.TECHNICAL, "Solution architect"),
        ],
    ),
    (
        "Northwind Logistics",
        "London office",
        (time(10), time(16)),
        "omar",
        [
            ("Oliver Grant", "oliver.grant@northwind.example", Contact.Kind.EXECUTIVE, "Managing director"),
            ("Hannah Shaw", "hannah.shaw@northwind.example", Contact.Kind.TECHNICAL, "IT manager"),
        ],
    ),
]

PROJECTS = [
    # client, name, phase, owner, lead, weeks since start, scope
    (
        "Harbour & Finch",
        "Booking app",
        Phase.DISCOVERY,
        "lena",
        "sam",
        1,
        "Discovery for a mobile booking app for ferry passengers: user research and a clickable prototype.",
    ),
    (
        "Cobalt Health",
        "Patient intake forms",
        Phase.DISCOVERY,
        "priya",
        "lena",
        2,
        "Replace paper intake forms with an accessible web form that writes to the clinic system.",
    ),
    (
        "Harbour & Finch",
        "Fleet dashboard",
        Phase.BUILD,
        "omar",
        "lena",
        7,
        "A live dashboard of vessel positions and delays for the operations room.",
    ),
    (
        "Lindqvist Bank",
        "Customer onboarding portal",
        Phase.BUILD,
        "lena",
        "sam",
        10,
        "Online account opening with identity checks, replacing the branch appointment.",
    ),
    (
        "Cobalt Health",
        "Lab results API",
        Phase.QA,
        "priya",
        "sam",
        14,
        "A documented REST API delivering lab results to partner clinics.",
    ),
    (
        "Northwind Logistics",
        "Warehouse scanner app",
        Phase.QA,
        "omar",
        "lena",
        12,
        "An Android app for barcode scanning at goods-in, synced with the stock system.",
    ),
    (
        "Lindqvist Bank",
        "Statement archive",
        Phase.DELIVERY,
        "lena",
        "sam",
        16,
        "Ten years of PDF statements searchable by customers in online banking.",
    ),
    (
        "Northwind Logistics",
        "Driver tracking",
        Phase.SUPPORT,
        "omar",
        "lena",
        24,
        "Live driver locations shared with customers, with delivery-window notifications.",
    ),
    (
        "Cobalt Health",
        "Appointment reminders",
        Phase.SUPPORT,
        "priya",
        "lena",
        20,
        "SMS and email reminders for appointments, with rebooking links.",
    ),
    (
        "Harbour & Finch",
        "Website relaunch",
        Phase.CLOSED,
        "lena",
        "sam",
        40,
        "Relaunch of the public website on a new CMS, content migrated.",
    ),
]

COMMITMENTS = [
    # offset of due date from today in days, status, progress, in scope, description
    (-9, Commitment.Status.DONE, 100, True, "Share the wireframes for review"),
    (-3, Commitment.Status.OPEN, 60, True, "Send the test plan for sign-off"),
    (4, Commitment.Status.OPEN, 30, True, "Deliver the next release to staging"),
    (10, Commitment.Status.OPEN, 0, False, "Estimate the extra reporting screen"),
]


class Command(BaseCommand):
    help = "Load demo clients, projects, people and history (safe to run again: adds nothing twice)."

    @transaction.atomic
    def handle(self, *args, **options):
        now = timezone.now()
        users = self.seed_users()
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
                    "account_owner": users[account_owner],
                },
            )
            for contact_name, email, kind, role in contacts:
                Contact.objects.get_or_create(
                    client=client, email=email, defaults={"name": contact_name, "kind": kind, "role": role}
                )
            clients[name] = client
        for client_name, name, phase, owner, lead, weeks, scope in PROJECTS:
            self.seed_project(clients[client_name], name, phase, users[owner], users[lead], weeks, scope, now)
        self.seed_escalation_path(users)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {Client.objects.count()} clients, {Project.objects.count()} projects.\n"
                f"  admin login: {ADMIN_LOGIN[0]} / {ADMIN_LOGIN[1]}\n"
                f"  lead login:  {LEAD_LOGIN[0]} / {LEAD_LOGIN[1]}"
            )
        )

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
                "is_staff": True,
                "email": "lena@agency.example",
                "first_name": "Lena",
                "last_name": "Fischer",
            },
        )
        if created:
            lead.set_password(LEAD_LOGIN[1])
            lead.save()
            lead.user_permissions.set(
                Permission.objects.filter(content_type__app_label__in=["projects", "comms", "escalations"])
            )
        users[lead.username] = lead
        for username, first, last, _title in TEAM:
            users[username], _ = User.objects.get_or_create(
                username=username,
                defaults={"first_name": first, "last_name": last, "email": f"{username}@agency.example"},
            )
        return users

    def seed_project(self, client, name, phase, owner, lead, weeks, scope, now):
        starts = (now - timedelta(weeks=weeks)).date()
        project, created = Project.objects.get_or_create(
            client=client,
            name=name,
            defaults={
                "scope": scope,
                "phase": phase,
                "owner": owner,
                "lead": lead,
                "starts_on": starts,
                "target_delivery_on": starts + timedelta(weeks=weeks + 4),
                "target_launch_on": starts + timedelta(weeks=weeks + 5),
                "kickoff_at": self.local_morning(client, starts),
                "launched_at": (now - timedelta(weeks=2)) if phase in (Phase.SUPPORT, Phase.CLOSED) else None,
            },
        )
        if not created:
            return
        project.contacts.set(client.contacts.all())
        project.team.set([owner, lead])
        self.seed_phase_history(project, starts, now, owner)
        start_project_record(project, by=owner)
        today = now.date()
        for offset, status, progress, in_scope, description in COMMITMENTS:
            due = today + timedelta(days=offset)
            Commitment.objects.create(
                project=project,
                description=description,
                due_on=due,
                status=status,
                progress=progress,
                in_scope=in_scope,
                done_on=due if status == Commitment.Status.DONE else None,
            )
        call = Decision.objects.create(
            project=project,
            summary=f"{client.name} chose to launch {name} in two stages.",
            made_in=Decision.Venue.CALL,
            made_at=now - timedelta(days=5),
            logged_by=owner,
            confirmed_at=now - timedelta(days=5) + timedelta(hours=3),
        )
        call.agreed_by.set(client.contacts.filter(kind=Contact.Kind.EXECUTIVE))
        self.start_autopilot(project, now)

    @staticmethod
    def start_autopilot(project, now):
        """Put the demo's communication plan in motion: its next update and quiet-client watch,
        and for launched projects the delivery summary and the day-7/day-30 check-ins."""
        if project.phase == Phase.CLOSED:
            return
        clocks = Clocks()
        last_update = project.phase_changes.last().changed_at
        schedule_cadence(project, last=max(last_update, now - timedelta(days=2)), clocks=clocks)
        schedule_quiet_client(project, since=now - timedelta(days=1), clocks=clocks)
        if project.launched_at:
            record_launch(project, at=project.launched_at, by=project.owner)

    def seed_phase_history(self, project, starts, now, owner):
        """Walk the project from discovery to its current phase, spread over its life so far."""
        reached = PHASE_ORDER[: PHASE_ORDER.index(project.phase) + 1]
        start_instant = self.local_morning(project.client, starts)
        step = (now - start_instant) / len(reached)
        previous = ""
        for index, phase in enumerate(reached):
            PhaseChange.objects.create(
                project=project,
                from_phase=previous,
                to_phase=phase,
                changed_at=start_instant + step * index,
                changed_by=owner,
                note="Project started." if not previous else f"Moved on from {Phase(previous).label}.",
            )
            previous = phase

    @staticmethod
    def local_morning(client, day):
        return datetime.combine(day, time(10), tzinfo=ZoneInfo(client.calendar.time_zone))

    def seed_escalation_path(self, users):
        Tier.objects.get(project=None, level=Tier.Level.L2).members.add(users["sam"])
        Tier.objects.get(project=None, level=Tier.Level.L3).members.add(users["eve"])
