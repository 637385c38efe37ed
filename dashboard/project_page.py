"""Reads for the project page that serve more than one section, so its queries stay the same
however many contacts, people, tiers or drafts the project has (the record's own reads are
comms/record.py's `PageRecord`)."""

from __future__ import annotations

import functools
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db.models import F, JSONField, OuterRef, Prefetch, Q, Subquery, prefetch_related_objects
from django.db.models.functions import JSONObject

from comms.models import CadencePolicy, ChannelRule, MessageType
from dashboard.portfolio import with_health_facts
from escalations.models import Category, CategoryRoute
from projects.models import BusinessCalendar, Contact, Phase, Project

CADENCE_FIELDS = ("interval_days", "business_days_only", "update_kind")


def with_team_zone(projects):
    """Each project with `team_zone`, the time zone of the team's default calendar that the
    dashboard's times read in: read with the project's row instead of on its own."""
    default = BusinessCalendar.objects.filter(is_team_default=True)
    return projects.annotate(team_zone=Subquery(default.values("time_zone")[:1]))


def team_date(project, now):
    """The date it is for the project's team: on its own team calendar, else the default's."""
    zone = project.team_calendar.time_zone if project.team_calendar_id else project.team_zone
    return now.astimezone(ZoneInfo(zone)).date()


@functools.lru_cache(maxsize=4)
def page_facts(today):
    """Projects with their health facts on the team date `today`, their channels and cadence:
    built once per date and filtered per page, as building their two dozen subqueries costs more
    Python than running them."""
    projects = with_client_told(with_cadence(with_channels(Project.objects.all())))
    return with_health_facts(projects, now=None, today=today)


def with_channels(projects):
    """Each project with `channel_<message type>`: its channel for that type, if it has a rule
    (one at most per type), read with the project's row instead of on its own."""
    rules = ChannelRule.objects.filter(project=OuterRef("pk"))
    return projects.annotate(
        **{
            f"channel_{message_type}": Subquery(rules.filter(message_type=message_type).values("channel")[:1])
            for message_type in MessageType.values
        }
    )


def with_client_told(projects):
    """Each project with `told_<category>`: whether an escalation of that category tells the client
    by default (the organisation's routes, the same for every project), read with the row."""
    routes = CategoryRoute.objects.all()
    return projects.annotate(
        **{
            f"told_{category}": Subquery(routes.filter(category=category).values("tells_client")[:1])
            for category in Category.values
        }
    )


def client_told(project):
    """{category: whether its client is told} of a project read `with_client_told`; a category
    without a route keeps it internal, as `CategoryRoute.client_told_by_default` says."""
    return {category: bool(getattr(project, f"told_{category}")) for category in Category.values}


def channel_rules(project):
    """The rules of a project read `with_channels`, in the order of their message type's code."""
    return [
        ChannelRule(project=project, message_type=message_type, channel=channel)
        for message_type in sorted(MessageType.values)
        if (channel := getattr(project, f"channel_{message_type}"))
    ]


def with_cadence(projects):
    """Each project with `cadence_<phase>`: the fields of the cadence in force in that phase (its
    own override, else the org's), read with the project's row instead of on their own."""
    policies = CadencePolicy.objects.filter(Q(project=OuterRef("pk")) | Q(project__isnull=True)).order_by(
        F("project_id").asc(nulls_last=True)
    )
    fields = JSONObject(**{field: field for field in CADENCE_FIELDS})
    return projects.annotate(
        **{
            f"cadence_{phase}": Subquery(
                policies.filter(phase=phase).values(fact=fields)[:1], output_field=JSONField()
            )
            for phase in Phase.values
            if phase != Phase.CLOSED
        }
    )


def cadence_by_phase(project):
    """{phase: its cadence} of a project read `with_cadence` (None: no further updates)."""
    return {
        phase: CadencePolicy(phase=phase, **fact) if (fact := getattr(project, f"cadence_{phase}")) else None
        for phase in Phase.values
        if phase != Phase.CLOSED
    }


class People:
    """Everyone the page names or offers: the client's contacts, the active team members, and the
    project's own contacts and team (read into the project, where its forms look for them)."""

    def __init__(self, project):
        # A contact's label names its client, which the contacts' own query brings along.
        contacts = Prefetch("contacts", queryset=Contact.objects.select_related("client"))
        prefetch_related_objects([project], contacts, "team")
        self.client_contacts = list(project.client.contacts.all())
        self.team = list(get_user_model().objects.filter(is_active=True).order_by("first_name", "username"))

    @property
    def client_addresses(self):
        return {contact.email.lower() for contact in self.client_contacts}


def serve_choices(form, rows, *names):
    """Give the form's model choice fields `names` their choices from `rows` already read (the
    rows their querysets would give): otherwise each field reads its queryset again whenever it
    is rendered. The HTML is the same."""
    for name in names:
        if name not in form.fields:
            continue
        field = form.fields[name]
        empty = [("", field.empty_label)] if field.empty_label is not None else []
        field.choices = [
            *empty,
            *((field.prepare_value(row), field.label_from_instance(row)) for row in rows),
        ]
    return form
