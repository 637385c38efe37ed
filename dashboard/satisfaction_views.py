"""The client's feedback on the project page: a comment turned into a promise in one step."""

from django import forms
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comms.models import SatisfactionAnswer
from escalations import satisfaction

from .views import done, project_action, project_for, refused


class FeedbackPromiseForm(forms.Form):
    description = forms.CharField(max_length=300, label=gettext_lazy("What we promise"))
    due_on = forms.DateField(label=gettext_lazy("Due"), widget=forms.DateInput(attrs={"type": "date"}))

    @classmethod
    def for_answer(cls, answer):
        """Starts from the client's own words, cut to a promise's length."""
        return cls(initial={"description": answer.comment[:300]}, prefix=f"feedback-{answer.pk}")


@project_action
def feedback_promise_view(request, pk, answer_pk):
    project = project_for(request, pk)
    answer = get_object_or_404(SatisfactionAnswer.objects.filter(ask__project=project), pk=answer_pk)
    form = FeedbackPromiseForm(request.POST, prefix=f"feedback-{answer.pk}")
    if not form.is_valid():
        problems = [
            _("%(field)s: %(errors)s") % {"field": form[name].label, "errors": " ".join(errors)}
            for name, errors in form.errors.items()
        ]
        return refused(
            request, project, _("The promise was not added. %(problems)s") % {"problems": " ".join(problems)}
        )
    try:
        satisfaction.commit_to_feedback(answer, **form.cleaned_data)
    except satisfaction.AlreadyCommitted as already:
        return refused(request, project, str(already))
    return done(
        request, project, _("The feedback is now a promise; updates will restate it until it is done.")
    )
