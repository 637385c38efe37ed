"""Escalations: raised, acknowledged, moved up, commented on, paused while waiting on the client,
resumed, resolved and closed through `escalations.services`; a step the procedure refuses answers
with its reason (api/errors.py)."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from escalations import services
from escalations.models import Category, Escalation, EscalationEvent

from .errors import conflict
from .filters import Filters, since_until
from .permissions import ProjectScoped, VisibleProjectField


class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = EscalationEvent
        fields = ["kind", "at", "by", "note", "told"]
        read_only_fields = fields


class EscalationSerializer(serializers.ModelSerializer):
    events = EventSerializer(many=True, read_only=True, help_text="The timeline: every step, who was told.")

    class Meta:
        model = Escalation
        fields = [
            "id",
            "project",
            "category",
            "severity",
            "tier",
            "state",
            "title",
            "description",
            "documentation",
            "internal",
            "first_responder",
            "raised_by",
            "raised_at",
            "acknowledge_by",
            "resolve_by",
            "acknowledged_at",
            "resolved_at",
            "closed_at",
            "waiting_for",
            "paused_at",
            "resolution",
            "post_mortem_what",
            "post_mortem_why",
            "post_mortem_prevention",
            "events",
        ]
        read_only_fields = fields


class RaiseSerializer(serializers.ModelSerializer):
    project = VisibleProjectField()
    # Unanswered client mail is raised by the portal itself, never by hand.
    category = serializers.ChoiceField(
        choices=[c for c in Category.choices if c[0] != Category.UNANSWERED_MAIL]
    )
    tell_client = serializers.BooleanField(
        required=False,
        allow_null=True,
        help_text="Whether the client is told when it is raised and when it is resolved. "
        "Left out or null: as the category's route says (admin → Category routes).",
    )
    internal = serializers.BooleanField(
        required=False,
        allow_null=True,
        help_text="The opposite of `tell_client`, kept for older callers: true, the client is not told.",
    )

    class Meta:
        model = Escalation
        fields = [
            "project",
            "category",
            "severity",
            "title",
            "description",
            "documentation",
            "tell_client",
            "internal",
        ]

    def validate(self, attrs):
        tell_client, internal = attrs.pop("tell_client", None), attrs.pop("internal", None)
        if tell_client is not None and internal is not None and tell_client == internal:
            raise serializers.ValidationError({"tell_client": "Says the opposite of `internal`; give one."})
        attrs["internal"] = internal if tell_client is None else not tell_client
        return attrs


class MoveUpSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class CommentSerializer(serializers.Serializer):
    note = serializers.CharField(help_text="Added to the timeline; nobody is mailed.")


class WaitSerializer(serializers.ModelSerializer):
    """What the client owes before the team can go on; the client sees it on their portal page
    unless the escalation is internal."""

    class Meta:
        model = Escalation
        fields = ["waiting_for"]
        extra_kwargs = {"waiting_for": {"required": True, "allow_blank": False}}


class ResolveSerializer(serializers.Serializer):
    resolution = serializers.CharField()


class CloseSerializer(serializers.Serializer):
    resolution = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Defaults to the one resolved with."
    )
    what = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Post-mortem: what happened."
    )
    why = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Post-mortem: why it happened."
    )
    prevention = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Post-mortem: what prevents a repeat."
    )


class EscalationFilter(Filters):
    since, until = since_until("raised_at")

    class Meta:
        model = Escalation
        fields = ["project", "state", "severity", "category", "tier"]


ALREADY_CLOSED = conflict("The escalation is already resolved or closed.")


class EscalationViewSet(ProjectScoped, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Issues that need more authority, each with its timeline; its steps are POST actions."""

    queryset = Escalation.objects.prefetch_related("events")
    serializer_class = EscalationSerializer
    filterset_class = EscalationFilter
    ordering_fields = ["raised_at", "acknowledge_by", "resolve_by", "tier"]
    ordering = ["-raised_at", "-id"]

    @extend_schema(request=RaiseSerializer, responses={201: EscalationSerializer})
    def create(self, request, *args, **kwargs):
        """Routed by category to its first responder; the client is told (on raising and on
        resolving) as the category's route says, unless `tell_client` says otherwise."""
        incoming = RaiseSerializer(data=request.data, context=self.get_serializer_context())
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        escalation = services.raise_escalation(
            data.pop("project"), by=request.user, now=timezone.now(), **data
        )
        return self.answer(escalation, status.HTTP_201_CREATED)

    def answer(self, escalation, code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=escalation.pk)).data, status=code)

    @extend_schema(
        request=None,
        responses={200: EscalationSerializer, 409: conflict("Already acknowledged, resolved or closed.")},
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        return self.answer(services.acknowledge(self.get_object(), by=request.user, now=timezone.now()))

    @extend_schema(
        request=MoveUpSerializer,
        responses={200: EscalationSerializer, 409: conflict("Already at L3, or resolved or closed.")},
    )
    @action(detail=True, methods=["post"], url_path="move-up")
    def move_up(self, request, pk=None):
        """Up one tier: a new acknowledge deadline, and the new tier is told."""
        incoming = MoveUpSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        escalation = services.move_up(
            self.get_object(),
            by=request.user,
            reason=incoming.validated_data["reason"] or "Moved up by hand",
            now=timezone.now(),
        )
        return self.answer(escalation)

    @extend_schema(request=CommentSerializer, responses={200: EscalationSerializer})
    @action(detail=True, methods=["post"])
    def comment(self, request, pk=None):
        """A note on the timeline, at any state (a closed escalation's follow-up too)."""
        incoming = CommentSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        escalation = self.get_object()
        services.comment(
            escalation, by=request.user, note=incoming.validated_data["note"], now=timezone.now()
        )
        return self.answer(escalation)

    @extend_schema(request=WaitSerializer, responses={200: EscalationSerializer, 409: ALREADY_CLOSED})
    @action(detail=True, methods=["post"], url_path="wait-on-client")
    def wait_on_client(self, request, pk=None):
        """The resolve clock pauses until `resume/`; the pause is kept and the target moves by it."""
        incoming = WaitSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        escalation = services.wait_on_client(
            self.get_object(),
            by=request.user,
            what=incoming.validated_data["waiting_for"],
            now=timezone.now(),
        )
        return self.answer(escalation)

    @extend_schema(
        request=None,
        responses={200: EscalationSerializer, 409: conflict("The escalation is not waiting on the client.")},
    )
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        """The resolve clock runs again, its target later by the time spent waiting."""
        return self.answer(services.resume(self.get_object(), by=request.user, now=timezone.now()))

    @extend_schema(request=ResolveSerializer, responses={200: EscalationSerializer, 409: ALREADY_CLOSED})
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        """Resolved, with how; the client is told unless the escalation is internal."""
        incoming = ResolveSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        escalation = services.resolve(
            self.get_object(),
            by=request.user,
            resolution=incoming.validated_data["resolution"],
            now=timezone.now(),
        )
        return self.answer(escalation)

    @extend_schema(
        request=CloseSerializer,
        responses={200: EscalationSerializer, 409: conflict("The escalation is already closed.")},
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Closing needs a resolution; a critical escalation also its post-mortem (else 400)."""
        incoming = CloseSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        escalation = services.close(
            self.get_object(), by=request.user, now=timezone.now(), **incoming.validated_data
        )
        return self.answer(escalation)
