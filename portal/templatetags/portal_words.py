"""The record's words a client reads on the portal, in their language: a project's phase, an
update's RAG status, where a decision was made, how we keep in touch. The models' labels are the
team's; these are written to sit inside the portal's sentences (`{{ decision.made_in|venue }}`)."""

from django import template
from django.utils.translation import pgettext_lazy

from comms.words import CHANNELS

register = template.Library()

PHASES = {
    "discovery": pgettext_lazy("project phase", "Discovery"),
    "build": pgettext_lazy("project phase", "Build"),
    "qa": pgettext_lazy("project phase", "QA/UAT"),
    "delivery": pgettext_lazy("project phase", "Delivery"),
    "support": pgettext_lazy("project phase", "Post-launch support"),
    "closed": pgettext_lazy("project phase", "Closed"),
}
RAG = {
    "green": pgettext_lazy("status of an update", "Green"),
    "amber": pgettext_lazy("status of an update", "Amber"),
    "red": pgettext_lazy("status of an update", "Red"),
}
VENUES = {
    "call": pgettext_lazy("a decision made in", "call"),
    "meeting": pgettext_lazy("a decision made in", "meeting"),
    "email": pgettext_lazy("a decision made in", "email"),
    "chat": pgettext_lazy("a decision made in", "chat"),
}
MESSAGE_TYPES = {
    "quick_question": pgettext_lazy("kind of message", "Quick question"),
    "decision": pgettext_lazy("kind of message", "Decision or approval"),
    "task_update": pgettext_lazy("kind of message", "Task update"),
    "status_update": pgettext_lazy("kind of message", "Status update"),
    "meeting_recap": pgettext_lazy("kind of message", "Meeting recap"),
    "urgent_escalation": pgettext_lazy("kind of message", "Urgent escalation"),
}


@register.filter
def phase(value):
    return PHASES[value]


@register.filter
def rag(value):
    return RAG[value]


@register.filter
def venue(value):
    return VENUES[value]


@register.filter
def message_type(value):
    return MESSAGE_TYPES[value]


@register.filter
def channel(value):
    return CHANNELS[value]
