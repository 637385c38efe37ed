"""How satisfied clients said they were: the answers, read only (they are the client's to give, on
the portal), and a summary per client and per phase with its trend, as the escalation review has."""

import datetime as dt

from django import forms
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from comms.models import SatisfactionAnswer, SatisfactionAsk
from escalations import satisfaction

from .filters import Filters, IdFilter, InstantField, since_until
from .permissions import visible_projects

SUMMARY_DAYS = 90  # the summary's period when `since` is not given


class SatisfactionSerializer(serializers.ModelSerializer):
    project = serializers.IntegerField(source="ask.project_id", read_only=True)
    contact = serializers.IntegerField(source="ask.contact_id", read_only=True)
    update = serializers.IntegerField(
        source="ask.update_id", read_only=True, help_text="The update email that asked."
    )
    occasion = serializers.ChoiceField(
        source="ask.occasion", choices=SatisfactionAsk.Occasion.choices, read_only=True
    )
    phase = serializers.CharField(
        source="ask.phase", read_only=True, help_text="The phase that ended, if any."
    )
    asked_at = serializers.DateTimeField(source="ask.asked_at", read_only=True)
    escalation = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text="The complaint a score of 1 or 2 raised."
    )
    commitment = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text="The promise the comment became."
    )

    class Meta:
        model = SatisfactionAnswer
        fields = [
            "id",
            "project",
            "contact",
            "update",
            "occasion",
            "phase",
            "asked_at",
            "score",
            "comment",
            "answered_at",
            "changed_at",
            "escalation",
            "commitment",
        ]


class SatisfactionFilter(Filters):
    since, until = since_until("answered_at")
    project = IdFilter(field_name="ask__project", label="Only this project's answers.")
    client = IdFilter(field_name="ask__project__client", label="Only this client's answers.")

    class Meta:
        model = SatisfactionAnswer
        fields = ["score"]


class Scores(serializers.Serializer):
    asked = serializers.IntegerField()
    answered = serializers.IntegerField()
    response_percent = serializers.IntegerField(allow_null=True)
    mean = serializers.FloatField(allow_null=True, help_text="Mean score, 1 to 5.")
    previous_mean = serializers.FloatField(
        allow_null=True, help_text="The mean of the period of the same length just before."
    )
    trend = serializers.ChoiceField(choices=["up", "down", "steady", ""])


class SummarySerializer(serializers.Serializer):
    since = serializers.DateTimeField()
    until = serializers.DateTimeField()
    overall = Scores()
    by_client = serializers.DictField(child=Scores(), help_text="Keyed by client name.")
    by_phase = serializers.DictField(
        child=Scores(), help_text="Keyed by occasion: the day-30 check-in, the end of each phase."
    )


class PeriodForm(forms.Form):
    since = InstantField(required=False)
    until = InstantField(required=False)


class SatisfactionViewSet(viewsets.ReadOnlyModelViewSet):
    """Answers to "how satisfied are you with how we have worked with you?" (1–5), asked in the
    day-30 check-in and, when the organisation settings say so, at the end of each phase."""

    queryset = SatisfactionAnswer.objects.select_related("ask")
    serializer_class = SatisfactionSerializer
    filterset_class = SatisfactionFilter
    ordering_fields = ["answered_at", "score"]
    ordering = ["-answered_at", "-id"]

    def get_queryset(self):
        return super().get_queryset().filter(ask__project__in=visible_projects(self.request.user))

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "since", dt.datetime, description=f"Default: {SUMMARY_DAYS} days before `until`."
            ),
            OpenApiParameter("until", dt.datetime, description="Default: now."),
        ],
        responses={200: SummarySerializer},
    )
    @action(detail=False, filterset_class=None, pagination_class=None)
    def summary(self, request):
        """Asks made in [since, until) on the projects you see: overall, per client and per phase,
        each with its trend against the period of the same length before."""
        period = PeriodForm(request.query_params)
        if not period.is_valid():
            raise ValidationError(period.errors)
        until = period.cleaned_data["until"] or timezone.now()
        since = period.cleaned_data["since"] or until - dt.timedelta(days=SUMMARY_DAYS)
        if since >= until:
            raise ValidationError({"since": ["The period must start before it ends."]})
        found = satisfaction.summary(since, until, projects=visible_projects(request.user))
        return Response(SummarySerializer(found).data)
