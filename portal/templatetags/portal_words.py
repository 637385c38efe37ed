"""The record's words a client reads on the portal, in their language: a project's phase, an
update's RAG status, where a decision was made, how we keep in touch. A phase and a kind of message
read as the models' labels do; the others are written to sit inside the portal's sentences
(`{{ decision.made_in|venue }}`)."""

from django import template
from django.utils.translation import pgettext_lazy

from comms.models import MessageType
from comms.words import CHANNELS
from projects.models import Phase

register = template.Library()

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


@register.filter
def phase(value):
    return Phase(value).label


@register.filter
def rag(value):
    return RAG[value]


@register.filter
def venue(value):
    return VENUES[value]


@register.filter
def message_type(value):
    return MessageType(value).label


@register.filter
def channel(value):
    return CHANNELS[value]
