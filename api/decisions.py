"""Decisions agreed with the client, logged through `comms.lifecycle.log_decision`: one made by
voice gets its written confirmation drafted at once."""

from django.utils import timezone
from rest_framework import mixins, serializers, viewsets

from comms.lifecycle import log_decision
from projects.models import Decision

from .filters import Filters, since_until
from .permissions import ProjectScoped, VisibleContactField, VisibleProjectField


class DecisionSerializer(serializers.ModelSerializer):
    project = VisibleProjectField()
    agreed_by = VisibleContactField(many=True, required=False, help_text="Contacts on the project.")
    needs_written_confirmation = serializers.BooleanField(
        read_only=True, help_text="Made by voice: it must be confirmed in writing."
    )
    confirmations = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="The updates confirming it in writing."
    )

    class Meta:
        model = Decision
        fields = [
            "id",
            "project",
            "summary",
            "made_in",
            "made_at",
            "agreed_by",
            "awaiting_client",
            "logged_by",
            "needs_written_confirmation",
            "confirmed_at",
            "confirmations",
        ]
        read_only_fields = ["id", "logged_by", "needs_written_confirmation", "confirmed_at"]

    def validate(self, data):
        project = data["project"]
        on_project = set(project.contacts.values_list("pk", flat=True))
        strangers = [contact for contact in data.get("agreed_by", []) if contact.pk not in on_project]
        if strangers:
            raise serializers.ValidationError(
                {"agreed_by": [f"{contact.name} is not a contact on {project}." for contact in strangers]}
            )
        return data


class DecisionFilter(Filters):
    since, until = since_until("made_at")

    class Meta:
        model = Decision
        fields = ["project", "made_in", "awaiting_client"]


class DecisionViewSet(ProjectScoped, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """What was agreed; filter `since`/`until` on when it was made."""

    queryset = Decision.objects.prefetch_related("agreed_by", "confirmations")
    serializer_class = DecisionSerializer
    filterset_class = DecisionFilter
    ordering_fields = ["made_at"]
    ordering = ["-made_at", "-id"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = log_decision(
            data["project"],
            summary=data["summary"],
            made_in=data["made_in"],
            made_at=data["made_at"],
            by=self.request.user,
            agreed_by=data.get("agreed_by", []),
            awaiting_client=data.get("awaiting_client", False),
            now=timezone.now(),
        )
