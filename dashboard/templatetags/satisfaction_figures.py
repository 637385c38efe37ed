"""`{% feedback_promise_form answer as form %}`: the one-step form that turns a client's comment
into a promise, on the project page's satisfaction section."""

from django import template

from dashboard.satisfaction_views import FeedbackPromiseForm

register = template.Library()


@register.simple_tag
def feedback_promise_form(answer):
    return FeedbackPromiseForm.for_answer(answer)
