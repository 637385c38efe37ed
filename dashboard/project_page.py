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
from comms.words import DECISION_STATES, MESSAGE_STATES, PROMISE_STATES, UPDATE_STATES
from dashboard.portfolio import with_health_facts
from projects.models import BusinessCalendar, Contact, Phase, Project
from projects.when import when

CADENCE_FIELDS = ("interval_days", "business_days_only", "update_kind")


def with_team_zone(projects):
    """Each project with `team_zone`, the time zone of the team's default calendar that the
    dashboard's times read in: read with the project's row instead of on its own."""
    default = BusinessCalendar.objects.filter(is_team_default=True)
    return projects.annotate(team_zone=Subquery(default.values("time_zone")[:1]))


def team_zone(project):
    """The zone of the project's team: its own team calendar's, else the default's."""
    return ZoneInfo(project.team_calendar.time_zone if project.team_calendar_id else project.team_zone)


def team_date(project, now):
    """The date it is for the project's team."""
    return now.astimezone(team_zone(project)).date()


@functools.lru_cache(maxsize=4)
def page_facts(today):
    """Projects with their health facts on the team date `today`, their channels and cadence:
    built once per date and filtered per page, as building their two dozen subqueries costs more
    Python than running them."""
    projects = with_cadence(with_channels(Project.objects.all()))
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
    """Everyone the page names or offers: the client's contacts, the project's own contacts (read
    into the project, where its forms look for them) and the active team members, read only when
    a form that offers them is shown."""

    def __init__(self, project):
        # A contact's label names its client, which the contacts' own query brings along.
        contacts = Prefetch("contacts", queryset=Contact.objects.select_related("client"))
        prefetch_related_objects([project], contacts)
        self.client_contacts = list(project.client.contacts.all())

    @functools.cached_property
    def team(self):
        return list(get_user_model().objects.filter(is_active=True).order_by("first_name", "username"))

    @property
    def client_addresses(self):
        return {contact.email.lower() for contact in self.client_contacts}


class Folds:
    """The page's folded forms. One is built only when the page shows it: it came back refused
    (`refused`, by the name the view gives it) or its fold was asked for by its key (`?open=`, the
    key the template's `lazy_key` writes). A shut fold shows a link, so its form would be built
    for nothing: a page with twenty contacts and twenty promises has sixty of them."""

    def __init__(self, refused, opened):
        self.refused, self.opened = refused, opened

    def form(self, name, key, build, *args, **kwargs):
        """The refused form called `name`, else `build(*args, **kwargs)` if the fold `key` is
        open, else None (the template shows the fold shut)."""
        if name in self.refused:
            return self.refused[name]
        return build(*args, **kwargs) if key == self.opened else None


def timeline(entries, *, zone, known_addresses):
    """The record's entries as the page lists them, newest first, with what the template would
    work out per entry done here once: the time as `datetime` (ISO) and `when` (as people read
    it, in `zone`), the state in words to sit in brackets after it, and `unknown_person`, whether the new person who wrote
    is still not among `known_addresses`."""
    return [
        {
            **entry,
            "datetime": entry["at"].astimezone(zone).isoformat(),
            "when": when(entry["at"], zone),
            "state_words": state_words(entry),
            "unknown_person": bool(entry.get("new_person"))
            and entry["new_person"].lower() not in known_addresses,
        }
        for entry in reversed(entries)
    ]


# An entry's state in lower case, by where it comes from; a label lowercased would misspell a
# translated noun.
STATE_WORDS = {
    "message": MESSAGE_STATES,
    "update": UPDATE_STATES,
    "decision": DECISION_STATES,
    "commitment": PROMISE_STATES,
}


def state_words(entry):
    words = STATE_WORDS.get(entry["kind"].partition(":")[0], {}).get(entry["state"])
    return str(words) if words else entry["state_label"]


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
