"""The record's words to sit inside the team's sentences ("starts the discovery cadence"), in the
active language: a model's label lowercased would misspell a translated noun."""

from django import template
from django.utils.translation import pgettext_lazy

register = template.Library()

PHASES = {
    "discovery": pgettext_lazy("the cadence of a phase", "discovery"),
    "build": pgettext_lazy("the cadence of a phase", "build"),
    "qa": pgettext_lazy("the cadence of a phase", "qa/uat"),
    "delivery": pgettext_lazy("the cadence of a phase", "delivery"),
    "support": pgettext_lazy("the cadence of a phase", "post-launch support"),
    "closed": pgettext_lazy("the cadence of a phase", "closed"),
}
CONTACT_KINDS = {
    "technical": pgettext_lazy("a kind of contact, inside a sentence", "technical stakeholder"),
    "executive": pgettext_lazy("a kind of contact, inside a sentence", "executive"),
}


@register.filter
def cadence_phase(value):
    return PHASES[value]


@register.filter
def contact_kind(value):
    return CONTACT_KINDS[value]
