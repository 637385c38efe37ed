"""Commitments: dated promises to the client, added, held up on the client and completed through
`projects.services`; their progress, recovery plan and waits reported by PATCH."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from comms.calendars import Clocks
from comms.task_updates import complete_commitment, report_progress
from comms.words import PROMISE_STATES
from projects.models import Commitment
from projects.services import add_commitment, wait_on_client_for

from .errors import Conflict, conflict
from .filters import Filters, since_until
from .permissions import ProjectScoped, VisibleProjectField


class CommitmentSerializer(serializers.ModelSerializer):
    project = VisibleProjectField()
    overdue = serializers.SerializerMethodField(
        help_text="Open and past its due date, as the client sees it: by the date on the client's calendar. "
        "Never on a closed project."
    )

    class Meta:
        model = Commitment
        fields = [
            "id",
            "project",
            "description",
            "due_on",
            "in_scope",
            "status",
            "progress",
            "done_on",
            "overdue",
            "recovery_plan",
            "waiting_for",
            "waiting_since",
            "board_card",
            "created_at",
        ]
        read_only_fields = [
            "id",
            "status",
            "progress",
            "done_on",
            "recovery_plan",
            "waiting_for",
            "waiting_since",
            "created_at",
        ]

    def get_overdue(self, commitment) -> bool:
        today = self.context["clocks"].client(commitment.project).local_date(self.context["now"])
        return commitment.is_overdue(today)


class CommitmentChangeSerializer(serializers.ModelSerializer):
    """What a lead reports on an open promise: any of how far it has got, how a late one will be
    put right, and what the team waits for from the client (empty clears the wait)."""

    class Meta:
        model = Commitment
        fields = ["progress", "recovery_plan", "waiting_for"]
        extra_kwargs = {name: {"required": False} for name in fields}

    def validate(self, data):
        if not data:
            raise serializers.ValidationError("Send progress, recovery_plan or waiting_for.")
        return data


class CompletionSerializer(serializers.Serializer):
    done_on = serializers.DateField(required=False, help_text="Defaults to today.")


class CommitmentFilter(Filters):
    since, until = since_until("due_on", filters.DateFilter)

    class Meta:
        model = Commitment
        fields = ["project", "status", "in_scope"]


def open_only(commitment):
    if commitment.status != Commitment.Status.OPEN:
        raise Conflict(
            _("This commitment is %(status)s, no longer open.")
            % {"status": PROMISE_STATES[commitment.status]}
        )


class CommitmentViewSet(
    ProjectScoped,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Promises re-stated in every update until done; filter `since`/`until` on the due date."""

    queryset = Commitment.objects.select_related("project__client__calendar")
    serializer_class = CommitmentSerializer
    filterset_class = CommitmentFilter
    ordering_fields = ["due_on", "created_at"]
    ordering = ["due_on", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_context(self):
        # Calendars read once per request rather than once per commitment.
        return {**super().get_serializer_context(), "clocks": Clocks(), "now": timezone.now()}

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = add_commitment(data.pop("project"), **data)

    @extend_schema(
        request=CommitmentChangeSerializer,
        responses={200: CommitmentSerializer, 409: conflict("The commitment is done or dropped.")},
    )
    @transaction.atomic
    def partial_update(self, request, *args, **kwargs):
        commitment = self.get_object()
        incoming = CommitmentChangeSerializer(commitment, data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        open_only(commitment)
        change = incoming.validated_data
        if "progress" in change or "recovery_plan" in change:
            report_progress(
                commitment,
                progress=change.get("progress", commitment.progress),
                recovery_plan=change.get("recovery_plan", commitment.recovery_plan),
            )
        if "waiting_for" in change:
            wait_on_client_for(commitment, what=change["waiting_for"], now=timezone.now())
        return Response(self.get_serializer(commitment).data)

    @extend_schema(
        request=CompletionSerializer,
        responses={200: CommitmentSerializer, 409: conflict("The commitment is already done or dropped.")},
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        commitment = self.get_object()
        incoming = CompletionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        open_only(commitment)
        complete_commitment(commitment, on=incoming.validated_data.get("done_on") or timezone.localdate())
        return Response(self.get_serializer(commitment).data)
