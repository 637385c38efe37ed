"""/api/search/: the dashboard's record search for other systems, asked with the same form and
answered by the same `comms.search.search_record`."""

from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from comms.calendars import Clocks
from comms.search import KINDS, RANKED_AT_MOST, RESULTS, search_record
from comms.search_form import RecordSearchForm
from projects.models import Project

from .errors import invalid

MOST_HITS = 100


class HitSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=KINDS)
    id = serializers.IntegerField(help_text="The entry's id at /api/<kind>s/ (messages, updates, …).")
    project = serializers.IntegerField(source="project_id")
    project_name = serializers.CharField(source="project")
    client_name = serializers.CharField(source="client")
    said_at = serializers.DateTimeField(help_text="When it was said: sent, received, made or raised.")
    title = serializers.CharField(help_text="HTML: the escaped title with the matched words in <mark>.")
    snippet = serializers.CharField(
        help_text="HTML: escaped passages around the matches, words in <mark>; empty when the "
        "entry has no body."
    )
    rank = serializers.FloatField(help_text="Relevance: title matches weigh more than body matches.")


class SearchResultsSerializer(serializers.Serializer):
    results = HitSerializer(many=True, help_text="Best match first; newest first among equals.")
    capped = serializers.BooleanField(
        help_text="More entries matched than a search ranks: the results are the best of the newest "
        "`ranked_of` matches, and older ones were left out. Narrow by client, project, kind or dates."
    )
    ranked_of = serializers.IntegerField(
        allow_null=True,
        help_text=f"When capped, how many of the newest matches were ranked ({RANKED_AT_MOST:,}); null "
        "when every match was.",
    )


class SearchView(APIView):
    """Search everything said to or by a client in the projects you may see: messages, updates,
    decisions, commitments and escalations. Words may be quoted for a phrase, joined with `or`, or
    excluded with a leading `-`; word forms match (migrate finds migration). A broad search ranks
    only its newest matches, and says so with `capped`."""

    @extend_schema(
        operation_id="search_record",
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, required=True, description="The words to find."),
            OpenApiParameter("client", OpenApiTypes.INT, description="Only this client's projects."),
            OpenApiParameter("project", OpenApiTypes.INT, description="Only this project."),
            OpenApiParameter(
                "kind", OpenApiTypes.STR, enum=KINDS, many=True, explode=True, description="Only these kinds."
            ),
            OpenApiParameter(
                "since", OpenApiTypes.DATE, description="Said on or after this day (team's zone)."
            ),
            OpenApiParameter(
                "until", OpenApiTypes.DATE, description="Said on or before this day (team's zone)."
            ),
            OpenApiParameter(
                "week",
                OpenApiTypes.INT,
                description="Week N of the project (1 = the seven days from its start date, in the "
                "client's zone); needs `project`.",
            ),
            OpenApiParameter(
                "limit", OpenApiTypes.INT, description=f"How many hits (1–{MOST_HITS}, default {RESULTS})."
            ),
        ],
        responses={200: SearchResultsSerializer, 400: invalid("A search parameter is missing or invalid.")},
    )
    def get(self, request):
        form = SearchForm(request.query_params, projects=Project.objects.visible_to(request.user))
        if not form.is_valid():
            raise ValidationError(field_errors(form))
        zone = ZoneInfo(Clocks().team_default_calendar().time_zone)
        hits = search_record(**form.search(team_zone=zone), limit=form.cleaned_data["limit"] or RESULTS)
        answer = {"results": hits, "capped": hits.capped, "ranked_of": hits.ranked_of}
        return Response(SearchResultsSerializer(answer).data)


class SearchForm(RecordSearchForm):
    limit = forms.IntegerField(required=False, min_value=1, max_value=MOST_HITS)


def field_errors(form):
    errors = {field: list(messages) for field, messages in form.errors.items()}
    if NON_FIELD_ERRORS in errors:
        errors[api_settings.NON_FIELD_ERRORS_KEY] = errors.pop(NON_FIELD_ERRORS)
    return errors
