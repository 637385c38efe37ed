"""Updates and messages: drafts edited and sent through `comms.autopilot`, every message in and out
read from the record (mail to the team itself is not part of it)."""

from django.conf import settings
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from comms.autopilot import edit_draft, send_update
from comms.models import Attachment, Message, Update, UpdateText
from comms.words import UPDATE_STATES
from projects.languages import main_language
from projects.models import OrganisationSettings

from .errors import Conflict, conflict
from .filters import Filters, since_until
from .permissions import ProjectScoped

TEXT = ["subject", "status_line", "executive_body", "technical_body"]
EDITABLE = [*TEXT, "rag"]


class UpdateTextSerializer(serializers.ModelSerializer):
    class Meta:
        model = UpdateText
        fields = ["language", *TEXT, "needs_review", "edited_at"]
        read_only_fields = fields


class UpdateSerializer(serializers.ModelSerializer):
    texts = UpdateTextSerializer(
        many=True,
        read_only=True,
        help_text="The draft in each other language its readers read (its own fields are the project's "
        "main language). A draft is not sent while one of them needs review.",
    )

    class Meta:
        model = Update
        fields = [
            "id",
            "project",
            "kind",
            "state",
            *EDITABLE,
            "revision",
            "main_text_needs_review",
            "urgent",
            "decision",
            "send_by",
            "created_at",
            "sent_at",
            "sent_by",
            "texts",
        ]
        read_only_fields = fields


class DraftEditSerializer(serializers.ModelSerializer):
    """An edit of a draft: fields left out keep their text. `revision` is the one the editor
    loaded; if someone saved since, nothing is overwritten and the answer is 409."""

    revision = serializers.IntegerField(min_value=0)
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES,
        required=False,
        help_text="The text edited: one of `texts` (an edit marks the others as needing review; saving "
        "one as it stands is its review); left out, the main text. `rag` is shared by all.",
    )

    class Meta:
        model = Update
        fields = ["revision", "language", *EDITABLE]
        extra_kwargs = {field: {"required": False} for field in EDITABLE}


class UpdateFilter(Filters):
    since, until = since_until("created_at")

    class Meta:
        model = Update
        fields = ["project", "kind", "state"]


class UpdateViewSet(ProjectScoped, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Status updates drafted from the record; a draft is edited with PATCH and sent with POST
    to its `send` action."""

    queryset = Update.objects.prefetch_related("texts")
    serializer_class = UpdateSerializer
    filterset_class = UpdateFilter
    ordering_fields = ["created_at", "send_by", "sent_at"]
    ordering = ["-created_at", "-id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    @extend_schema(
        request=DraftEditSerializer,
        responses={
            200: UpdateSerializer,
            409: conflict("Someone saved or sent the draft since that revision; nothing was overwritten."),
        },
    )
    def partial_update(self, request, *args, **kwargs):
        update = self.get_object()
        incoming = DraftEditSerializer(update, data=request.data)
        incoming.is_valid(raise_exception=True)
        edit = incoming.validated_data
        language = edit.get("language", "")
        source = self.text_in(update, language, edit)
        text = {field: edit[field] if field in edit else getattr(source, field) for field in TEXT}
        edit_draft(
            update, revision=edit["revision"], rag=edit.get("rag", update.rag), language=language, **text
        )
        return Response(self.get_serializer(update).data)

    @staticmethod
    def text_in(update, language, edit):
        """What an edit in `language` leaves out keeps: that language's text, else the main one.
        A language the draft has no text in yet is written whole, never half from another one."""
        if not language or language == main_language(update.project.client, OrganisationSettings.current()):
            return update
        text = update.texts.filter(language=language).first()
        missing = [field for field in TEXT if field not in edit]
        if text is None and missing:
            raise serializers.ValidationError(
                {field: [f"The draft has no {language} text yet: send every field."] for field in missing}
            )
        return text

    @extend_schema(
        request=None,
        responses={
            200: UpdateSerializer,
            409: conflict("Not a draft any more, or no contact can receive it."),
        },
    )
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        """Send the draft to the project's contacts (each in their client's business hours)."""
        update = self.get_object()
        if update.state not in (Update.State.DRAFT, Update.State.OVERDUE):
            raise Conflict(
                _("This update is %(state)s, not a draft.") % {"state": UPDATE_STATES[update.state]}
            )
        send_update(update, by=request.user, now=timezone.now())
        update.refresh_from_db()
        return Response(self.get_serializer(update).data)


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(
        help_text="Where to download the file, for whoever may read the message; null for mail received "
        "before files were kept (only the name and size are known)."
    )

    class Meta:
        model = Attachment
        fields = ["name", "size", "content_type", "url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, attachment):
        if not attachment.file:
            return None
        return self.context["request"].build_absolute_uri(
            reverse("api:message-attachment", args=[attachment.message_id, attachment.pk])
        )


class MessageSerializer(serializers.ModelSerializer):
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Message
        fields = [
            "id",
            "project",
            "direction",
            "kind",
            "contact",
            "update",
            "channel",
            "destination",
            "provider_message_id",
            "from_email",
            "to_email",
            "subject",
            "body_text",
            "urgent",
            "state",
            "attachments",
            "from_new_person",
            "created_at",
            "sent_at",
            "delivered_at",
            "respond_by",
            "responded_at",
            "response_note",
        ]
        read_only_fields = fields


class MessageFilter(Filters):
    since, until = since_until("created_at")

    class Meta:
        model = Message
        fields = ["project", "direction", "kind", "state", "contact", "channel"]


class MessageViewSet(ProjectScoped, viewsets.ReadOnlyModelViewSet):
    """Every message to and from the client's contacts, newest first."""

    # Rows with a team member are the team's own alerts and digests, not the client record.
    queryset = Message.objects.filter(user__isnull=True).prefetch_related("attachments")
    serializer_class = MessageSerializer
    filterset_class = MessageFilter
    ordering_fields = ["created_at", "respond_by"]
    ordering = ["-created_at", "-id"]

    @extend_schema(
        parameters=[OpenApiParameter("attachment_pk", int, OpenApiParameter.PATH)],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    @action(detail=True, url_path=r"attachments/(?P<attachment_pk>[0-9]{1,18})", filter_backends=[])
    def attachment(self, request, pk=None, attachment_pk=None):
        """One file that came with the message, as the client sent it."""
        attachment = get_object_or_404(self.get_object().attachments.exclude(file=""), pk=attachment_pk)
        return FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.name,
            content_type=attachment.content_type or "application/octet-stream",
        )
