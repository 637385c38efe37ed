"""A team member's own settings: the language their pages and their mail from us are in."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy

from projects.languages import house_english
from projects.team_language import choose_language, member_language


class MemberSettingsForm(forms.Form):
    language = forms.ChoiceField(
        choices=settings.LANGUAGES,
        label=gettext_lazy("Language"),
        help_text=gettext_lazy("Your pages here, and the mail we send you. Clients read their own language."),
    )


@login_required
def member_settings_page(request):
    form = MemberSettingsForm(request.POST or None, initial={"language": member_language(request.user)})
    if request.method == "POST" and form.is_valid():
        try:
            choose_language(request.user, form.cleaned_data["language"], session=request.session)
        except ValidationError as problem:
            form.add_error(None, problem)
        else:
            # The next page is in the language just chosen, so its message is too.
            with translation.override(house_english(form.cleaned_data["language"])):
                messages.success(request, gettext("Saved: your pages are now in this language."))
            return redirect("dashboard:member_settings")
    status = 400 if form.is_bound else 200
    return render(request, "dashboard/member_settings.html", {"form": form}, status=status)
