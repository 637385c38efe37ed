"""The communication plan's rules: one channel per message type, and a cadence per phase.

Both follow one pattern: a row without a project is the organisation's default; a row with a
project belongs to that project. Channel rules are copied onto a project when it is created (so
the plan can be edited per project); cadence falls back to the default unless overridden.
"""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q

from projects.models import Phase, Project


class MessageType(models.TextChoices):
    QUICK_QUESTION = "quick_question", "Quick question"
    DECISION = "decision", "Decision or approval"
    TASK_UPDATE = "task_update", "Task update"
    STATUS_UPDATE = "status_update", "Status update"
    MEETING_RECAP = "meeting_recap", "Meeting recap"
    URGENT_ESCALATION = "urgent_escalation", "Urgent escalation"


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    CHAT = "chat", "Chat"
    PROJECT_BOARD = "project_board", "Project board"
    PHONE = "phone", "Phone call"
    ESCALATION_PATH = "escalation_path", "Escalation path"


class UpdateKind(models.TextChoices):
    KICKOFF_SUMMARY = "kickoff_summary", "Kickoff summary"
    DISCOVERY_SUMMARY = "discovery_summary", "Discovery summary"
    BUILD_STATUS = "build_status", "Build status"
    QA_NOTE = "qa_note", "QA note"
    DELIVERY_CHECKLIST = "delivery_checklist", "Delivery checklist"
    DELIVERY_SUMMARY = "delivery_summary", "Delivery summary"
    PHASE_NOTICE = "phase_notice", "Phase-change notice"
    POST_LAUNCH_CHECKIN = "post_launch_checkin", "Post-launch check-in"


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
    live_call_interval_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="A live call every N days on top of the written updates."
    )
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
