"""Projects with their communication plan, the client's contacts, and the phase history: created and
changed through `projects.services`, the path the dashboard and admin take."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from comms.lifecycle import (
    CONNECTION_FIELDS,
    EDITABLE_FIELDS,
    PhaseUnchanged,
    change_phase,
    create_project,
    log_kickoff,
    record_launch,
    update_project,
)
from comms.models import CadencePolicy, ChannelRule, MessageType
from comms.plan import set_cadence, set_channels
from comms.record import OrgPlan, describe_cadence
from projects.contacts import add_contact, deactivate_contact, edit_contact, set_portal_access
from projects.models import Contact, Phase, PhaseChange, Project

from .errors import conflict
from .filters import Filters, IdFilter, since_until
from .permissions import (
    ProjectScoped,
    VisibleClientField,
    VisibleContactField,
    VisibleProjectField,
    visible_clients,
    visible_projects,
)

User = get_user_model()
PLANNED_PHASES = [(phase, label) for phase, label in Phase.choices if phase != Phase.CLOSED]


# --- Projects and their plan ---------------------------------------------------------------------


class ChannelRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChannelRule
        fields = ["message_type", "channel", "note"]
        read_only_fields = ["note"]


class CadenceSerializer(serializers.ModelSerializer):
    description = serializers.SerializerMethodField()

    class Meta:
        model = CadencePolicy
        fields = [
            "phase",
            "interval_days",
            "business_days_only",
            "update_kind",
            "quiet_after_business_days",
            "description",
        ]

    def get_description(self, policy) -> str:
        return describe_cadence(policy)


class PlanSerializer(serializers.ModelSerializer):
    """The plan's answers besides who talks to whom (the project's people and contacts)."""

    channel_rules = ChannelRuleSerializer(many=True, read_only=True)
    cadence = serializers.SerializerMethodField(help_text="The cadence in force for each phase.")

    class Meta:
        model = Project
        fields = ["channel_rules", "cadence", "record_location"]

    @extend_schema_field(CadenceSerializer(many=True))
    def get_cadence(self, project):
        org = self.context["org_plan"]
        policies = [org.cadence_for(project, phase) for phase, _ in PLANNED_PHASES]
        return CadenceSerializer([policy for policy in policies if policy], many=True).data


class ProjectSerializer(serializers.ModelSerializer):
    plan = PlanSerializer(source="*", read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "client",
            "name",
            "scope",
            "phase",
            "owner",
            "lead",
            "team",
            "contacts",
            "starts_on",
            "target_delivery_on",
            "target_launch_on",
            "kickoff_at",
            "launched_at",
            "auto_send_drafts",
            "known_limitations",
            "support_terms",
            *CONNECTION_FIELDS,
            "client_silence",
            "last_client_message_at",
            "created_at",
            "plan",
        ]
        read_only_fields = fields


class ChannelChoiceSerializer(serializers.Serializer):
    message_type = serializers.ChoiceField(choices=MessageType.choices)
    channel = serializers.ChoiceField(choices=ChannelRule._meta.get_field("channel").choices)


class CadenceChoiceSerializer(serializers.Serializer):
    phase = serializers.ChoiceField(choices=PLANNED_PHASES)
    interval_days = serializers.IntegerField(min_value=1, max_value=90)
    business_days_only = serializers.BooleanField(default=False)


def team_members():
    return User.objects.filter(is_active=True)


class ProjectCreateSerializer(serializers.ModelSerializer):
    """A new project; `channel_rules` and `cadence` override the org's plan where given."""

    client = VisibleClientField()
    owner = serializers.PrimaryKeyRelatedField(queryset=team_members())
    lead = serializers.PrimaryKeyRelatedField(queryset=team_members())
    team = serializers.PrimaryKeyRelatedField(queryset=team_members(), many=True, required=False)
    contacts = VisibleContactField(many=True, required=False)
    channel_rules = ChannelChoiceSerializer(many=True, required=False)
    cadence = CadenceChoiceSerializer(many=True, required=False)

    class Meta:
        model = Project
        fields = [
            "client",
            "name",
            "scope",
            "phase",
            "owner",
            "lead",
            "team",
            "contacts",
            "starts_on",
            "target_delivery_on",
            "target_launch_on",
            "record_location",
            "auto_send_drafts",
            "known_limitations",
            "support_terms",
            *CONNECTION_FIELDS,
            "kickoff_at",
            "channel_rules",
            "cadence",
        ]
        # The model's constraints are checked by create_project's full_clean, with their own words.
        validators = []
        extra_kwargs = {
            "kickoff_at": {"help_text": "When the kickoff call happened, if it has: logs it at once."}
        }

    def validate_channel_rules(self, rules):
        types = [rule["message_type"] for rule in rules]
        if len(types) != len(set(types)):
            raise serializers.ValidationError("One channel per message type: a type is named twice.")
        return rules

    def validate_cadence(self, policies):
        phases = [policy["phase"] for policy in policies]
        if len(phases) != len(set(phases)):
            raise serializers.ValidationError("One cadence per phase: a phase is named twice.")
        return policies

    def validate(self, data):
        client = data["client"]
        strangers = [contact for contact in data.get("contacts", []) if contact.client_id != client.pk]
        if strangers:
            raise serializers.ValidationError(
                {"contacts": [f"{contact.name} is not a contact of {client}." for contact in strangers]}
            )
        user = self.context["request"].user
        people = {data["owner"], data["lead"], *data.get("team", [])}
        if not user.is_superuser and user not in people:
            raise serializers.ValidationError(
                "Name yourself as owner, lead or team member: you would not see the project otherwise."
            )
        return data


# Steps with their own action: a PATCH naming them is refused with the way to take the step.
STEP_FIELDS = {
    "phase": "change the phase with POST /api/phases/",
    "kickoff_at": "log the kickoff call with POST /api/projects/{id}/kickoff/",
    "launched_at": "record the launch with POST /api/projects/{id}/launch/",
}


class ProjectEditSerializer(serializers.ModelSerializer):
    """What a lead edits on a project; each field given is changed, the others are kept."""

    owner = serializers.PrimaryKeyRelatedField(queryset=team_members())
    lead = serializers.PrimaryKeyRelatedField(queryset=team_members())
    team = serializers.PrimaryKeyRelatedField(queryset=team_members(), many=True)
    contacts = VisibleContactField(many=True)

    class Meta:
        model = Project
        fields = sorted(EDITABLE_FIELDS - {"team_calendar"}) + ["team", "contacts"]
        validators = []

    def to_internal_value(self, data):
        steps = {field: [f"Not edited here: {how}."] for field, how in STEP_FIELDS.items() if field in data}
        if steps:
            raise serializers.ValidationError(steps)
        return super().to_internal_value(data)

    def validate(self, data):
        project, user = self.instance, self.context["request"].user
        people = {
            data.get("owner", project.owner),
            data.get("lead", project.lead),
            *data.get("team", project.team.all()),
        }
        if not user.is_superuser and user not in people:
            raise serializers.ValidationError(
                "Keep yourself as owner, lead or team member, or ask an admin to hand the project over: "
                "you would not see it otherwise."
            )
        return data


class StepSerializer(serializers.Serializer):
    at = serializers.DateTimeField(help_text="When it happened.")


class ProjectFilter(Filters):
    since, until = since_until("created_at")

    class Meta:
        model = Project
        fields = ["phase", "client", "owner", "lead"]


class ProjectViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Projects the user owns, leads or works on (admins: all), each with its plan. A new project
    waits for its kickoff call; logging it drafts the kickoff summary and starts the cadence."""

    http_method_names = ["get", "post", "patch", "head", "options"]

    queryset = Project.objects.prefetch_related(
        "team",
        "contacts",
        "cadence_overrides",
        Prefetch("channel_rules", queryset=ChannelRule.objects.order_by("message_type")),
    )
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilter
    ordering_fields = ["name", "created_at", "starts_on", "target_launch_on", "phase"]
    ordering = ["client__name", "name"]

    def get_queryset(self):
        return super().get_queryset().filter(pk__in=visible_projects(self.request.user))

    def get_serializer_context(self):
        # The org's default cadence, read once per request rather than once per project.
        return {**super().get_serializer_context(), "org_plan": OrgPlan()}

    @extend_schema(request=ProjectCreateSerializer, responses={201: ProjectSerializer})
    def create(self, request, *args, **kwargs):
        incoming = ProjectCreateSerializer(data=request.data, context=self.get_serializer_context())
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        channels, cadence = data.pop("channel_rules", []), data.pop("cadence", [])
        with transaction.atomic():
            project = create_project(by=request.user, **data)
            set_channels(project, {rule["message_type"]: rule["channel"] for rule in channels})
            # The cadence deadline itself starts at the kickoff (log_kickoff), as for any project.
            for policy in cadence:
                set_cadence(project, **policy)
        project = self.get_queryset().get(pk=project.pk)
        return Response(self.get_serializer(project).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ProjectEditSerializer, responses={200: ProjectSerializer})
    def partial_update(self, request, *args, **kwargs):
        project = self.get_object()
        incoming = ProjectEditSerializer(
            project, data=request.data, partial=True, context=self.get_serializer_context()
        )
        incoming.is_valid(raise_exception=True)
        update_project(project, by=request.user, **incoming.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=project.pk)).data)

    @extend_schema(
        request=StepSerializer,
        responses={200: ProjectSerializer, 409: conflict("The kickoff call is already logged.")},
    )
    @action(detail=True, methods=["post"])
    def kickoff(self, request, pk=None):
        """Log the kickoff call: the kickoff summary is drafted, owed one business day later, and
        the phase cadence and the quiet-client watch start."""
        return self.step(request, log_kickoff)

    @extend_schema(
        request=StepSerializer,
        responses={200: ProjectSerializer, 409: conflict("The launch is already recorded.")},
    )
    @action(detail=True, methods=["post"])
    def launch(self, request, pk=None):
        """Record the launch: the delivery summary is drafted and the day-7 and day-30 check-ins
        are booked."""
        return self.step(request, record_launch)

    def step(self, request, service):
        project = self.get_object()
        incoming = StepSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        service(project, at=incoming.validated_data["at"], by=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=project.pk)).data)


# --- Contacts ------------------------------------------------------------------------------------


class ContactSerializer(serializers.ModelSerializer):
    project = VisibleProjectField(
        write_only=True,
        required=False,
        help_text="On adding: the project the new contact joins; its client becomes theirs.",
    )

    class Meta:
        model = Contact
        fields = [
            "id",
            "client",
            "name",
            "email",
            "kind",
            "role",
            "phone",
            "receives_updates",
            "language",
            "portal_access",
            "email_bounced_at",
            "projects",
            "project",
        ]
        read_only_fields = ["id", "client", "email_bounced_at", "projects"]
        extra_kwargs = {
            "projects": {"help_text": "The projects you may see that this contact is on."},
            "portal_access": {"help_text": "False revokes every portal link and session issued so far."},
        }

    def validate(self, attrs):
        if self.instance is None and "project" not in attrs:
            raise serializers.ValidationError({"project": ["A new contact joins a project: name it."]})
        return attrs


class DeactivationSerializer(serializers.Serializer):
    project = VisibleProjectField(help_text="The project the contact leaves.")


class ContactFilter(Filters):
    project = IdFilter(field_name="projects")

    class Meta:
        model = Contact
        fields = ["client", "kind", "project"]


class ContactViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The people of the clients whose projects the user may see: added to one of those projects,
    edited, portal access revoked or given back, deactivated — through `projects.contacts`, the
    path the dashboard takes."""

    queryset = Contact.objects.all()
    serializer_class = ContactSerializer
    filterset_class = ContactFilter
    ordering_fields = ["name", "email"]
    ordering = ["client__name", "name"]

    def get_queryset(self):
        user = self.request.user
        return (
            super()
            .get_queryset()
            .filter(client__in=visible_clients(user))
            .prefetch_related(Prefetch("projects", queryset=visible_projects(user).order_by("pk")))
        )

    def visible(self, contact):
        """The contact as this user may read it: only the projects they may see."""
        return self.get_queryset().get(pk=contact.pk)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        contact = add_contact(data.pop("project"), **data)
        serializer.instance = self.visible(contact)

    @transaction.atomic
    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("project", None)
        allowed = data.pop("portal_access", None)
        contact = serializer.instance
        if data:
            edit_contact(contact, **data)
        if allowed is not None and allowed != contact.portal_access:
            set_portal_access(contact, allowed=allowed)
        serializer.instance = self.visible(contact)

    @extend_schema(request=DeactivationSerializer, responses={200: ContactSerializer})
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        """Off the project, no more updates, no portal; the contact stays in the record."""
        contact = self.get_object()
        incoming = DeactivationSerializer(data=request.data, context=self.get_serializer_context())
        incoming.is_valid(raise_exception=True)
        project = incoming.validated_data["project"]
        if not project.contacts.filter(pk=contact.pk).exists():
            raise serializers.ValidationError({"project": ["This contact is not on that project."]})
        deactivate_contact(contact, project=project)
        return Response(self.get_serializer(self.visible(contact)).data)


# --- Phases --------------------------------------------------------------------------------------


class PhaseChangeSerializer(serializers.ModelSerializer):
    project = VisibleProjectField()
    from_phase = serializers.ChoiceField(
        choices=Phase.choices, allow_blank=True, read_only=True, help_text="Empty on the first line."
    )

    class Meta:
        model = PhaseChange
        fields = ["id", "project", "from_phase", "to_phase", "changed_at", "changed_by", "note"]
        read_only_fields = ["id", "changed_at", "changed_by"]
        extra_kwargs = {
            "note": {"max_length": 300, "help_text": "Said in the one-line notice to the client."}
        }


class PhaseChangeFilter(Filters):
    since, until = since_until("changed_at")

    class Meta:
        model = PhaseChange
        fields = ["project", "to_phase"]


class PhaseChangeViewSet(ProjectScoped, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Each project's phase history; a new line moves the project, and the client's notice is
    drafted at once."""

    queryset = PhaseChange.objects.all()
    serializer_class = PhaseChangeSerializer
    filterset_class = PhaseChangeFilter
    ordering_fields = ["changed_at"]
    ordering = ["changed_at", "id"]

    @transaction.atomic
    def perform_create(self, serializer):
        data = serializer.validated_data
        try:
            serializer.instance = change_phase(
                data["project"], to=data["to_phase"], by=self.request.user, note=data.get("note", "")
            )
        except PhaseUnchanged as problem:
            raise serializers.ValidationError({"to_phase": [str(problem)]}) from None
