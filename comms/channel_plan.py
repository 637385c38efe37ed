"""Which channel an update goes by: its kind names a message type, the project's channel rule for
that type names a channel, and a channel the project is not connected to falls back to email,
with the reason, so the plan can show both what the rule says and what happens."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext

from comms.boards import board_connection
from comms.models import Channel, MessageType

# An update's kind → the message type whose rule it follows. A two-line chat note is the natural
# form of a daily QA note, so it goes where quick questions go; a confirmation is the decision's
# own message; every other update reports status.
UPDATE_MESSAGE_TYPES = {
    "qa_note": MessageType.QUICK_QUESTION,
    "decision_confirmation": MessageType.DECISION,
    "meeting_recap": MessageType.MEETING_RECAP,
}


def message_type(update_kind):
    return UPDATE_MESSAGE_TYPES.get(update_kind, MessageType.STATUS_UPDATE)


@dataclass(frozen=True)
class Route:
    channel: str  # what actually carries the message
    rule: str  # what the project's rule says ("" when it has none for the type)
    fell_back: str = ""  # why it goes by email instead of the rule's channel, in words


def chat_connection(project):
    """Why the project cannot post to Slack, or "" when it can."""
    if not settings.SLACK_BOT_TOKEN:
        return gettext("Slack is not connected for the organisation: goes by email")
    if not project.slack_channel:
        return gettext("no Slack channel connected: goes by email")
    return ""


# The channels the app delivers through a service, each with the check that the project is
# connected to it; one that is not falls back to email. The others (email, and the phone or the
# escalation path, which people act on) are taken as the rule says.
CONNECTIONS = {Channel.CHAT: chat_connection, Channel.PROJECT_BOARD: board_connection}


def route(project, message_type):
    """Where a message of `message_type` goes for `project`. Reads `project.channel_rules.all()`,
    so a prefetch serves it; a project with no rule for the type sends it by email."""
    rule = next((r.channel for r in project.channel_rules.all() if r.message_type == message_type), "")
    if not rule:
        return Route(Channel.EMAIL, rule)
    reason = why_not(project, rule)
    return Route(Channel.EMAIL, rule, reason) if reason else Route(rule, rule)


def why_not(project, channel):
    """Why `project` cannot use `channel` and sends by email instead, or "" when it can."""
    connection = CONNECTIONS.get(channel)
    return connection(project) if connection else ""


def update_route(update, project):
    return route(project, message_type(update.kind))
