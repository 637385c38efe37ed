"""The satisfaction question on the portal: reached from a score link in an update email (no
sign-in; the signed link is the key) or asked on the project page of a signed-in contact.

Opening a link only shows the question with its score chosen: mail scanners open links too, and
only the button (a POST) records an answer."""

from __future__ import annotations

from functools import wraps
from zoneinfo import ZoneInfo

from django import forms
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from comms import satisfaction as asking
from comms.models import SatisfactionAnswer
from escalations import satisfaction as answers
from projects.models import OrganisationSettings
from projects.portal_access import LinkRefused

from .language import speaking_to, speaking_to_browser
from .views import portal_contact

# The email asks in the words of `comms.satisfaction`; the page asks the same, in the contact's language.
QUESTION = gettext_lazy("How satisfied are you with how we have worked with you?")
SCORE_WORDS = {
    5: gettext_lazy("Very satisfied"),
    4: gettext_lazy("Satisfied"),
    3: gettext_lazy("Neither satisfied nor dissatisfied"),
    2: gettext_lazy("Dissatisfied"),
    1: gettext_lazy("Very dissatisfied"),
}


class ScoreForm(forms.Form):
    score = forms.TypedChoiceField(
        label=QUESTION,
        choices=[(score, format_lazy("{} — {}", score, words)) for score, words in SCORE_WORDS.items()],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose a number from 1 to 5.")},
    )


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("Anything you would like to tell us? (optional)"),
        max_length=answers.COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("What went well, what did not, what we should do differently."),
    )


def with_link(view):
    """Views reached through a score link: a link that is expired, tampered with or revoked gets
    a page that says so, and nothing is recorded."""

    @wraps(view)
    def wrapped(request, token):
        try:
            ask, score = asking.opened(token)
        except LinkRefused:
            context = {"organisation": OrganisationSettings.current()}
            with speaking_to_browser(request):
                return render(request, "portal/satisfaction_expired.html", context, status=403)
        timezone.activate(ZoneInfo(ask.contact.client.calendar.time_zone))
        with speaking_to(ask.contact):
            return view(request, token, ask, score)

    return wrapped


@require_http_methods(["GET", "POST"])
@with_link
def question(request, token, ask, score):
    answer = SatisfactionAnswer.objects.filter(ask=ask).first()
    form = ScoreForm(request.POST or None, initial={"score": score})
    if request.method == "POST" and form.is_valid():
        answers.record_answer(ask, form.cleaned_data["score"], now=timezone.now())
        return redirect("portal:satisfaction_thanks", token=token)
    context = {"ask": ask, "answer": answer, "form": form}
    return render(request, "portal/satisfaction.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@with_link
def thanks(request, token, ask, score):
    answer = SatisfactionAnswer.objects.filter(ask=ask).first()
    if answer is None:
        return redirect("portal:satisfaction", token=token)
    form = CommentForm(request.POST or None, initial={"comment": answer.comment})
    saved = False
    if request.method == "POST" and form.is_valid():
        answer = answers.add_comment(answer, form.cleaned_data["comment"], now=timezone.now())
        saved = True
    context = {"ask": ask, "answer": answer, "form": form, "saved": saved, "token": token}
    return render(request, "portal/satisfaction_thanks.html", context, status=400 if form.errors else 200)


@require_POST
@portal_contact
def answer_on_portal(request, pk):
    """The question on the project page, for a contact with an open ask: recorded, then the same
    thank-you page and comment box as from the email."""
    contact, now = request.contact, timezone.now()
    project = contact.projects.filter(client=contact.client, pk=pk).first()
    ask = asking.open_ask(project, contact, now=now) if project else None
    if ask is None:
        raise Http404("There is no open question for you on this project.")
    form = ScoreForm(request.POST)
    if not form.is_valid():
        return redirect("portal:project", pk=pk)
    score = form.cleaned_data["score"]
    answers.record_answer(ask, score, now=now)
    return redirect("portal:satisfaction_thanks", token=asking.link_token(ask, score, now=now))
