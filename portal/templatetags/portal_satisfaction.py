"""The satisfaction question on the portal's project page, for a contact with an open ask."""

from django import template
from django.utils import timezone

from comms import satisfaction
from portal.satisfaction_views import ScoreForm

register = template.Library()


@register.simple_tag
def open_satisfaction_ask(project, contact):
    return satisfaction.open_ask(project, contact, now=timezone.now())


@register.simple_tag
def satisfaction_score_form():
    return ScoreForm()
