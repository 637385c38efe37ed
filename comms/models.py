"""The communication plan's rules: one channel per message type, and a cadence per phase.

Both follow one pattern: a row without a project is the organisation's default; a row with a
project belongs to that project. Channel rules are copied onto a project when it is created (so
the plan can be edited per project); cadence falls back to the default unless overridden.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.text import format_lazy
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from projects.fulltext import WithoutSearchVector
from projects.header_text import single_line
from projects.models import Phase, Project


class MessageType(models.TextChoices):
    QUICK_QUESTION = "quick_question", pgettext_lazy("kind of message", "Quick question")
    DECISION = "decision", pgettext_lazy("kind of message", "Decision or approval")
    TASK_UPDATE = "task_update", pgettext_lazy("kind of message", "Task update")
    STATUS_UPDATE = "status_update", pgettext_lazy("kind of message", "Status update")
    MEETING_RECAP = "meeting_recap", pgettext_lazy("kind of message", "Meeting recap")
    URGENT_ESCALATION = "urgent_escalation", pgettext_lazy("kind of message", "Urgent escalation")


class Channel(models.TextChoices):
    EMAIL = "email", pgettext_lazy("message channel", "Email")
    CHAT = "chat", pgettext_lazy("message channel", "Chat")
    PROJECT_BOARD = "project_board", _("Project board")
    PHONE = "phone", _("Phone call")
    ESCALATION_PATH = "escalation_path", _("Escalation path")


class UpdateKind(models.TextChoices):
    KICKOFF_SUMMARY = "kickoff_summary", _("Kickoff summary")
    DISCOVERY_SUMMARY = "discovery_summary", _("Discovery summary")
    BUILD_STATUS = "build_status", _("Build status")
    QA_NOTE = "qa_note", _("QA note")
    DELIVERY_CHECKLIST = "delivery_checklist", _("Delivery checklist")
    DELIVERY_SUMMARY = "delivery_summary", _("Delivery summary")
    PHASE_NOTICE = "phase_notice", _("Phase-change notice")
    POST_LAUNCH_CHECKIN = "post_launch_checkin", _("Post-launch check-in")


class ChannelRule(models.Model):
    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="channel_rules",
        help_text="Empty for the organisation's default rule.",
    )
    message_type = models.CharField(max_length=20, choices=MessageType.choices)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    note = models.CharField(
        max_length=200, blank=True, help_text="Where exactly, e.g. the Slack channel or board URL."
    )

    class Meta:
        ordering = ["project_id", "message_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "message_type"],
                name="one_channel_per_message_type_per_project",
                violation_error_message="This project already has a channel for that message type.",
            ),
            models.UniqueConstraint(
                fields=["message_type"],
                condition=Q(project__isnull=True),
                name="one_default_channel_per_message_type",
                violation_error_message="There is already a default channel for that message type.",
            ),
        ]

    def __str__(self):
        owner = self.project or "Default"
        return f"{owner}: {self.get_message_type_display()} → {self.get_channel_display()}"


class CadencePolicy(models.Model):
    """How often the client hears from us in a phase, and when a silent client is nudged."""

    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="cadence_overrides",
        help_text="Empty for the organisation's default for the phase.",
    )
    phase = models.CharField(max_length=10, choices=Phase.choices)
    interval_days = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    business_days_only = models.BooleanField(
        default=False, help_text="Count business days on the client's calendar, not calendar days."
    )
    update_kind = models.CharField(max_length=20, choices=UpdateKind.choices)
    quiet_after_business_days = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1)],
        help_text="Nudge the client after this many business days without a message from them.",
    )

    class Meta:
        verbose_name_plural = "cadence policies"
        ordering = ["project_id", "phase"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "phase"],
                name="one_cadence_per_phase_per_project",
                violation_error_message="This project already overrides the cadence of that phase.",
            ),
            models.UniqueConstraint(
                fields=["phase"],
                condition=Q(project__isnull=True),
                name="one_default_cadence_per_phase",
                violation_error_message="There is already a default cadence for that phase.",
            ),
            models.CheckConstraint(condition=~Q(phase=Phase.CLOSED), name="no_cadence_once_closed"),
            models.CheckConstraint(condition=Q(interval_days__gte=1), name="cadence_interval_positive"),
        ]

    def __str__(self):
        unit = "business days" if self.business_days_only else "days"
        owner = self.project or "Default"
        return f"{owner}: {self.get_phase_display()} every {self.interval_days} {unit}"

    @classmethod
    def for_project(cls, project, phase=None):
        """The policy in force for a project's phase: its own override, else the default."""
        phase = phase or project.phase
        candidates = cls.objects.filter(Q(project=project) | Q(project__isnull=True), phase=phase)
        return candidates.order_by(F("project_id").asc(nulls_last=True)).first()


class DeadlineQuerySet(models.QuerySet):
    def due(self, now):
        return self.filter(is_active=True, due_at__lte=now).order_by("due_at", "id")


class Deadline(models.Model):
    """One obligation with its due instant, stored and indexed (as healthchecks keeps `alert_after`).

    Logging an event creates or moves deadlines; the tick reads only the due ones through the
    partial index below and moves each on (or retires it) in the transaction that acts on it.
    """

    class Kind(models.TextChoices):
        CADENCE_UPDATE = "cadence_update", _("Next update by the phase cadence")
        CHECKIN = "checkin", _("Post-launch check-in")
        QUIET_CLIENT = "quiet_client", _("Client gone quiet")
        DRAFT_RELEASE = "draft_release", _("Review window ends (draft goes out by itself)")
        SEND_BY = "send_by", _("Draft must have gone out")
        MORNING_DIGEST = "morning_digest", _("Owner's morning digest")
        # The share is put in, not written in the msgid: gettext tools read "80% of" as a "% o" placeholder.
        RESPONSE_REMINDER = (
            "response_reminder",
            format_lazy(_("Client email: {share} of the response time gone"), share="80%"),
        )
        RESPONSE_DUE = "response_due", _("Client email: response deadline")
        ESCALATION_ACK = "escalation_ack", _("Escalation must be acknowledged")
        ESCALATION_RESOLVE = "escalation_resolve", _("Escalation must be resolved")

    kind = models.CharField(max_length=24, choices=Kind.choices)
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="deadlines"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deadlines",
        help_text="For the owner's own deadlines (the morning digest).",
    )
    update = models.ForeignKey(
        "Update", on_delete=models.CASCADE, null=True, blank=True, related_name="deadlines"
    )
    message = models.ForeignKey(
        "Message", on_delete=models.CASCADE, null=True, blank=True, related_name="deadlines"
    )
    escalation = models.ForeignKey(
        "escalations.Escalation", on_delete=models.CASCADE, null=True, blank=True, related_name="deadlines"
    )
    checkin_day = models.PositiveSmallIntegerField(null=True, blank=True)
    due_at = models.DateTimeField(help_text="When the portal acts on it.")
    owed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the client should have it, for updates drafted ahead so the review fits before.",
    )
    is_active = models.BooleanField(default=True)
    occurrence = models.PositiveIntegerField(default=0, help_text="How many times it has come due.")
    explanation = models.CharField(max_length=300, help_text="Why it falls when it does, in words.")
    problem = models.CharField(max_length=300, blank=True, help_text="Why the last attempt could not act.")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        ordering = ["due_at"]
        indexes = [
            # The tick: WHERE is_active AND due_at <= now ORDER BY due_at — a range scan over
            # live deadlines only, whatever the number of projects.
            models.Index(fields=["due_at", "id"], condition=Q(is_active=True), name="deadline_due_live"),
            # The portfolio: each project's live cadence deadline (next update owed).
            models.Index(
                fields=["project", "kind"], condition=Q(is_active=True), name="deadline_live_per_project"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "kind"],
                condition=Q(is_active=True, kind__in=["cadence_update", "quiet_client"]),
                name="one_live_deadline_per_project_kind",
            ),
            models.UniqueConstraint(
                fields=["update", "kind"],
                condition=Q(is_active=True),
                name="one_live_deadline_per_update_kind",
            ),
            models.UniqueConstraint(
                fields=["project", "checkin_day"], condition=Q(kind="checkin"), name="one_checkin_per_day"
            ),
            models.UniqueConstraint(
                fields=["owner"],
                condition=Q(is_active=True, kind="morning_digest"),
                name="one_live_digest_per_owner",
            ),
            models.CheckConstraint(
                condition=Q(project__isnull=False) | Q(owner__isnull=False), name="deadline_belongs_somewhere"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.explanation}"


# Drafts that come round again: a newer one of the kind replaces an unsent older one, so a project
# never has two open at once (kickoff and delivery summaries, notices, confirmations and recaps each
# stand alone).
RECURRING_UPDATE_KINDS = (
    "discovery_summary",
    "build_status",
    "qa_note",
    "delivery_checklist",
    "post_launch_checkin",
    "quiet_client_nudge",
)


class Update(models.Model):
    """A written status message to the client, drafted from the record and reviewed by the owner."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft, waiting for review")
        OVERDUE = "overdue", _("Draft, overdue")
        SENT = "sent", pgettext_lazy("update state", "Sent")
        DISCARDED = "discarded", pgettext_lazy("update state", "Discarded")
        SUPERSEDED = "superseded", _("Superseded by a newer draft, not sent")

    OPEN_STATES = (State.DRAFT, State.OVERDUE)
    RECURRING_KINDS = RECURRING_UPDATE_KINDS

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(max_length=24)
    subject = models.CharField(max_length=200, validators=[single_line])
    technical_body = models.TextField(help_text="The detail, for technical contacts.")
    executive_body = models.TextField(help_text="Status at a glance, for executives.")
    status_line = models.CharField(max_length=300)
    rag = models.CharField(max_length=5, choices=[("green", "Green"), ("amber", "Amber"), ("red", "Red")])
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    revision = models.PositiveIntegerField(
        default=0, help_text="Counts edits, so two people editing one draft cannot overwrite each other."
    )
    edited_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a person last changed the text. An edited draft goes out as written; the "
        "project page says what changed in the record since.",
    )
    main_text_needs_review = models.BooleanField(
        default=False,
        help_text="A translation was edited since the main language's text was last saved; the "
        "draft is not sent until that text is saved again.",
    )
    urgent = models.BooleanField(default=False)
    source = models.ForeignKey(
        Deadline,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The deadline whose coming due drafted it.",
    )
    source_occurrence = models.PositiveIntegerField(null=True, blank=True)
    decision = models.ForeignKey(
        "projects.Decision", on_delete=models.SET_NULL, null=True, blank=True, related_name="confirmations"
    )
    composed_with = models.JSONField(
        null=True,
        blank=True,
        editable=False,
        help_text="What the draft was composed from besides the record, so that an unedited draft is "
        "composed again from the record when it is sent. Empty for drafts older than this field.",
    )
    send_by = models.DateTimeField(help_text="When it must have gone out; after that it shows as overdue.")
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when it went out by itself at the end of its review window.",
    )
    search_vector = SearchVectorField(
        null=True, editable=False, help_text="Kept current by a database trigger."
    )

    objects = WithoutSearchVector()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The portfolio: drafts waiting or overdue, per project.
            models.Index(fields=["project", "state"], name="update_per_project_state"),
            # Record search with a date range: one project's entries said in [since, until).
            models.Index("project", Coalesce("sent_at", "created_at"), name="update_said_per_project"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_occurrence"], name="one_draft_per_deadline_occurrence"
            ),
            models.UniqueConstraint(
                fields=["project", "kind"],
                condition=Q(state__in=["draft", "overdue"]) & Q(kind__in=RECURRING_UPDATE_KINDS),
                name="one_open_recurring_draft_per_kind",
            ),
        ]

    def __str__(self):
        return self.subject


class UpdateText(models.Model):
    """A draft in one more language its readers read: the update's own fields hold the project's
    main language (its client's, else the organisation's), each other language a contact reads is
    a row here, composed with it and sent to that contact. A person's edit of one language marks
    the other translations as needing review; a draft is not sent while one does."""

    update = models.ForeignKey(Update, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(max_length=10)
    subject = models.CharField(max_length=200, validators=[single_line])
    technical_body = models.TextField()
    executive_body = models.TextField()
    status_line = models.CharField(max_length=300)
    needs_review = models.BooleanField(
        default=False, help_text="Another language was edited since this one was last saved."
    )
    edited_at = models.DateTimeField(null=True, blank=True, help_text="When a person last saved this text.")

    class Meta:
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(fields=["update", "language"], name="one_text_per_update_language")
        ]

    def __str__(self):
        return f"{self.language}: {self.subject}"


# A failed mail failed on its last attempt; a row that never had one, when it was written. The
# admin's list, the admins' digest and "retry everything failed since" read this one instant.
FAILED_AT = Coalesce("last_attempt_at", "created_at")


class MessageQuerySet(models.QuerySet):
    def ready_to_send(self, now):
        return self.filter(state__in=Message.PENDING_STATES, send_after__lte=now)

    def with_failed_at(self):
        return self.annotate(failed_at=FAILED_AT)


class Message(models.Model):
    """Every message in and out. Outbound rows are the outbox: the row, not a Celery message, is the
    source of truth, so a lost task or a killed worker delays a message but never loses it."""

    class Direction(models.TextChoices):
        OUT = "out", _("Sent by us")
        IN = "in", _("From the client")

    class State(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("message state", "Queued")
        SENDING = "sending", pgettext_lazy("message state", "Sending")
        SENT = "sent", _("Accepted by the provider")
        DELIVERED = "delivered", pgettext_lazy("message state", "Delivered")
        BOUNCED = "bounced", pgettext_lazy("message state", "Bounced")
        FAILED = "failed", pgettext_lazy("message state", "Failed")
        RECEIVED = "received", pgettext_lazy("message state", "Received")

    PENDING_STATES = [State.QUEUED, State.SENDING]

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="messages"
    )
    direction = models.CharField(max_length=3, choices=Direction.choices, default=Direction.OUT)
    kind = models.CharField(max_length=24, help_text="What it is: the update kind, or an alert to the owner.")
    contact = models.ForeignKey(
        "projects.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
        help_text="The team member, for mail to the team (alerts, digests).",
    )
    update = models.ForeignKey(
        Update, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    channel = models.CharField(
        max_length=20,
        choices=Channel.choices,
        default=Channel.EMAIL,
        help_text="How it goes or came: email, chat (Slack) or the project board (Trello).",
    )
    destination = models.CharField(
        max_length=100,
        blank=True,
        help_text="Chat and board messages: the Slack channel, or the board card, it goes to or came from.",
    )
    from_email = models.CharField(max_length=254)
    to_email = models.EmailField(blank=True, help_text="Empty for chat and board messages.")
    reply_to = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=300)
    original_subject = models.TextField(
        blank=True,
        help_text="Client mail whose subject arrived with line breaks or NULs (`subject` has it on one "
        "line): the subject as it came, escaped as in a JSON string.",
    )
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    urgent = models.BooleanField(default=False)
    dedupe_key = models.CharField(
        max_length=120,
        unique=True,
        help_text="One row per recipient per occurrence: the same act twice is refused.",
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    send_after = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a sender may take it next: its release inside the client's hours, its next "
        "retry, or the end of a sender's lease. Empty once it is settled.",
    )
    woken_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When a sender was last woken for it; the sweep wakes a row once after it comes due.",
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_expiries = models.PositiveSmallIntegerField(
        default=0,
        help_text="Times a sender stopped mid-send and its lease ran out before the outcome was recorded.",
    )
    # Kept by the outbox alone (not in forms); database defaults too, for rows written by raw SQL
    # (bench/search.py).
    check_provider_first = models.BooleanField(
        default=False,
        db_default=False,
        editable=False,
        help_text="The last attempt's outcome is unknown: ask the provider before sending again.",
    )
    blind_resends = models.PositiveSmallIntegerField(
        default=0,
        db_default=0,
        editable=False,
        help_text="Sends repeated while the last one's outcome was unknown and the provider could not be "
        "asked: each may have reached the recipient twice.",
    )
    last_attempt_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the last attempt to send began: the provider's search is trusted to show it only "
        "some minutes later.",
    )
    provider_message_id = models.CharField(max_length=200, blank=True, db_index=True)
    recipients = models.TextField(
        blank=True, help_text="Every recipient of an inbound message, one per line."
    )
    in_reply_to = models.CharField(
        max_length=200, blank=True, help_text="The Message-ID this answers, so mail clients keep the thread."
    )
    from_new_person = models.BooleanField(
        default=False,
        help_text="Client mail to the project's reply address from someone who is not (yet) one of the "
        "client's contacts: the lead may add them.",
    )
    respond_by = models.DateTimeField(
        null=True, blank=True, help_text="Inbound client mail: the team's response deadline (team calendar)."
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    response_note = models.CharField(
        max_length=300, blank=True, help_text="How it was answered, e.g. by phone."
    )
    error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    search_vector = SearchVectorField(
        null=True, editable=False, help_text="Kept current by a database trigger."
    )

    objects = WithoutSearchVector.from_queryset(MessageQuerySet)()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The sweeper: WHERE state IN ('queued', 'sending') AND send_after <= now.
            models.Index(
                fields=["send_after"],
                condition=Q(state__in=["queued", "sending"]),
                name="message_ready_to_send",
            ),
            # The portfolio and project page: client mail still waiting for a reply, per project.
            models.Index(
                fields=["project", "respond_by"],
                condition=Q(direction="in", responded_at__isnull=True, respond_by__isnull=False),
                name="message_awaiting_reply",
            ),
            # Record search with a date range: one project's entries said in [since, until).
            models.Index("project", Coalesce("sent_at", "created_at"), name="message_said_per_project"),
            # The portfolio's rank: client mail that failed, per project (dashboard/portfolio.py).
            models.Index(
                fields=["project"], condition=Q(direction="out", state="failed"), name="message_failed_out"
            ),
            # The portfolio's chart: client mail due a reply in the last 12 weeks.
            models.Index(
                fields=["respond_by"],
                condition=Q(direction="in", respond_by__isnull=False),
                name="message_reply_due",
            ),
        ]

    def __str__(self):
        return f"{self.get_direction_display()}: {self.subject} → {self.to_email}"


def attachment_path(attachment, filename):
    """Each file in its own folder under its message, so two files of one name never meet."""
    return f"attachments/{attachment.message_id}/{attachment.position}/{filename}"


def visual_path(visual, filename):
    return f"updates/{visual.update.project_id}/{visual.update_id}/{filename}"


class UpdateVisual(models.Model):
    """Something to see with an update: a screenshot or mockup (a file in the default storage), or
    a link (a staging site, a video)."""

    update = models.ForeignKey(Update, on_delete=models.CASCADE, related_name="visuals")
    image = models.ImageField(upload_to=visual_path, max_length=300, blank=True)
    link = models.URLField(max_length=500, blank=True)
    caption = models.CharField(max_length=200, validators=[single_line])
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["update_id", "added_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(~Q(image="") & Q(link="")) | (Q(image="") & ~Q(link="")),
                name="visual_is_an_image_or_a_link",
                violation_error_message="Give an image or a link, not both.",
            )
        ]

    def __str__(self):
        return self.caption

    @property
    def content_id(self):
        """The inline image's Content-ID in the email: the same when the email is composed and sent."""
        return f"visual-{self.pk}@portal"


class AttachmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The projects' rule of who sees what; mail that matched no project only admins see."""
        if user.is_superuser:
            return self.all()
        return self.filter(message__project__in=Project.objects.visible_to(user))


class Attachment(models.Model):
    """A file that came with client mail, kept in the default storage (a local folder, or an
    S3-compatible bucket in production) and handed out only through a view that checks who asks."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    position = models.PositiveSmallIntegerField(help_text="Its place among the mail's attachments, from 1.")
    name = models.CharField(max_length=255, help_text="The file name the client gave it.")
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(help_text="In bytes.")
    file = models.FileField(
        upload_to=attachment_path,
        max_length=300,
        blank=True,
        help_text="Empty for mail received before files were kept: only its name and size are known.",
    )

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["message_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["message", "position"], name="one_attachment_per_position"),
        ]

    def __str__(self):
        return self.name

    @property
    def kept(self):
        """Whether the file itself is stored (not for mail received before files were kept)."""
        return bool(self.file)


class MalformedWebhook(models.Model):
    """A provider's webhook call that passed the secret but could not be read: kept as it came,
    so nothing a client wrote is lost and the cause can be found."""

    provider = models.CharField(max_length=40)
    body = models.TextField()
    error = models.TextField()
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.provider} at {self.received_at:%Y-%m-%d %H:%M}: {self.error[:80]}"


class SatisfactionAsk(models.Model):
    """One contact asked, in one update email, how satisfied they are with how we worked with
    them (see comms/satisfaction.py). Made when the email is put together; it counts as asked
    once that update is sent."""

    QUESTION = "How satisfied are you with how we have worked with you?"

    class Occasion(models.TextChoices):
        DAY_30 = "day_30", _("Day-30 check-in")
        PHASE_END = "phase_end", _("End of a phase")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="satisfaction_asks")
    contact = models.ForeignKey(
        "projects.Contact", on_delete=models.CASCADE, related_name="satisfaction_asks"
    )
    update = models.ForeignKey(
        Update, on_delete=models.CASCADE, related_name="satisfaction_asks", help_text="The email that asked."
    )
    occasion = models.CharField(max_length=10, choices=Occasion.choices)
    phase = models.CharField(
        max_length=10, choices=Phase.choices, blank=True, help_text="The phase that ended; empty at day 30."
    )
    asked_at = models.DateTimeField()

    class Meta:
        ordering = ["-asked_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["update", "contact"], name="one_satisfaction_ask_per_email"),
            models.CheckConstraint(
                condition=Q(occasion="day_30", phase="") | (Q(occasion="phase_end") & ~Q(phase="")),
                name="satisfaction_ask_phase_iff_phase_end",
            ),
        ]

    def __str__(self):
        return f"{self.contact.name} on {self.project}: {self.occasion_label}"

    @property
    def occasion_label(self):
        return asked_in(self.occasion, self.phase)


def asked_in(occasion, phase):
    """What asked, to read inside a sentence: "day-30 check-in", "end of QA/UAT"."""
    if occasion == SatisfactionAsk.Occasion.PHASE_END:
        return gettext("end of %(phase)s") % {"phase": Phase(phase).label}
    return gettext("day-30 check-in")


class SatisfactionAnswer(models.Model):
    """The contact's answer to one ask: a second click changes it rather than counting twice."""

    class Score(models.IntegerChoices):
        VERY_DISSATISFIED = 1, _("Very dissatisfied")
        DISSATISFIED = 2, _("Dissatisfied")
        NEITHER = 3, _("Neither satisfied nor dissatisfied")
        SATISFIED = 4, _("Satisfied")
        VERY_SATISFIED = 5, _("Very satisfied")

    ask = models.OneToOneField(SatisfactionAsk, on_delete=models.CASCADE, related_name="answer")
    score = models.PositiveSmallIntegerField(choices=Score.choices)
    comment = models.TextField(blank=True)
    answered_at = models.DateTimeField()
    changed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the score or comment last changed."
    )
    escalation = models.ForeignKey(
        "escalations.Escalation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The complaint a score of 1 or 2 raised; raised once per answer.",
    )
    owner_told_at = models.DateTimeField(
        null=True, blank=True, help_text="When the project's owner was told of a score of 3."
    )
    commitment = models.OneToOneField(
        "projects.Commitment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback",
        help_text="The promise the comment became.",
    )

    class Meta:
        ordering = ["-answered_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="satisfaction_score_1_to_5"),
        ]

    def __str__(self):
        return f"{self.score}/5 from {self.ask}"
