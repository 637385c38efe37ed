"""The one way a search of the record is asked, by the dashboard's search page and by the API:
the words, where to look, and when it was said, read into the arguments of `search_record`."""

import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext, gettext_lazy

from comms.search import KINDS
from comms.search_text import project_week
from projects.models import Client, Project

KIND_NAMES = {
    "message": gettext_lazy("Messages"),
    "update": gettext_lazy("Updates"),
    "decision": gettext_lazy("Decisions"),
    "commitment": gettext_lazy("Commitments"),
    "escalation": gettext_lazy("Escalations"),
}
# The day after `until` must still be a date.
SEARCHABLE_DAYS = [MinValueValidator(dt.date(1900, 1, 1)), MaxValueValidator(dt.date(9999, 12, 30))]


class RecordSearchForm(forms.Form):
    """One search of the record, as the dashboard and the API ask it: the words, where to look, and
    when it was said (dates in the team's zone, or week N of a project in its client's zone)."""

    q = forms.CharField(label=gettext_lazy("Search for"), max_length=200)
    client = forms.ModelChoiceField(
        queryset=Client.objects.none(), required=False, empty_label=gettext_lazy("Every client")
    )
    project = forms.ModelChoiceField(
        queryset=Project.objects.none(), required=False, empty_label=gettext_lazy("Every project")
    )
    kind = forms.MultipleChoiceField(
        choices=[(kind, KIND_NAMES[kind]) for kind in KINDS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Only"),
    )
    since = forms.DateField(
        required=False,
        label=gettext_lazy("From"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=SEARCHABLE_DAYS,
    )
    until = forms.DateField(
        required=False,
        label=gettext_lazy("To"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=SEARCHABLE_DAYS,
    )
    week = forms.IntegerField(
        required=False, min_value=1, max_value=520, label=gettext_lazy("Week of the project")
    )

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects.select_related("client__calendar").order_by("name")
        self.fields["client"].queryset = (
            Client.objects.filter(projects__in=projects).distinct().order_by("name")
        )

    def clean(self):
        data = super().clean()
        project, client = data.get("project"), data.get("client")
        if data.get("week") and not project:
            self.add_error("week", gettext("Choose a project: its weeks count from its start date."))
        if project and client and project.client_id != client.pk:
            self.add_error(
                "project",
                gettext("%(project)s is not a project of %(client)s.")
                % {"project": project, "client": client},
            )
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            self.add_error("until", gettext("The end date is before the start date."))
        return data

    def search(self, *, team_zone):
        """The arguments of `search_record` for the cleaned form."""
        data = self.cleaned_data
        projects = self.fields["project"].queryset
        if data["client"]:
            projects = projects.filter(client=data["client"])
        if data["project"]:
            projects = projects.filter(pk=data["project"].pk)
        since = dt.datetime.combine(data["since"], dt.time(), tzinfo=team_zone) if data["since"] else None
        until = (
            dt.datetime.combine(data["until"] + dt.timedelta(days=1), dt.time(), tzinfo=team_zone)
            if data["until"]
            else None
        )
        if data["week"]:
            project = data["project"]
            week_start, week_end = project_week(
                project.starts_on, data["week"], ZoneInfo(project.client.calendar.time_zone)
            )
            since = max(since, week_start) if since else week_start
            until = min(until, week_end) if until else week_end
        return {
            "projects": projects,
            "text": data["q"],
            "kinds": data["kind"] or KINDS,
            "since": since,
            "until": until,
        }
