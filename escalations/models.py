"""The escalation path: who answers at each tier, the targets per severity, the route per category.

Tier rows without a project are the organisation's path; a project may override a tier.
"""

import datetime as dt

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from projects.fulltext import WithoutSearchVector
from projects.header_text import single_line
from projects.models import Project


class Severity(models.TextChoices):
    MINOR = "minor", pgettext_lazy("escalation severity", "Minor")
    MODERATE = "moderate", pgettext_lazy("escalation severity", "Moderate")
    CRITICAL = "critical", pgettext_lazy("escalation severity", "Critical")


class Category(models.TextChoices):
    SCOPE_CHANGE = "scope_change", _("Scope change")
    BUDGET_OVERRUN = "budget_overrun", _("Budget overrun")
    TECHNICAL_FAILURE = "technical_failure", _("Technical failure or downtime")
    DISPUTE = "dispute", _("Dispute or complaint")
    UNANSWERED_MAIL = "unanswered_mail", _("Unanswered client mail")


class ProjectRole(models.TextChoices):
    """People named by their role on the project, resolved when an escalation is raised."""

    OWNER = "owner", _("Project owner")
    LEAD = "lead", _("Project lead")
    ACCOUNT_OWNER = "account_owner", _("Client's account owner")


class Tier(models.Model):
    class Level(models.IntegerChoices):
        L1 = 1, _("L1 — first responders")
        L2 = 2, _("L2 — senior staff / department head")
        L3 = 3, _("L3 — executive / legal")

    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="escalation_tiers",
        help_text="Empty for the organisation's escalation path.",
    )
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    name = models.CharField(max_length=100)
    include_owner = models.BooleanField(default=False, help_text="The project's owner answers here.")
    include_lead = models.BooleanField(default=False, help_text="The project lead answers here.")
    include_account_owner = models.BooleanField(
        default=False, help_text="The client's account owner answers here."
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="escalation_tiers")

    class Meta:
        ordering = ["project_id", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "level"],
                name="one_tier_per_level_per_project",
                violation_error_message="This project already overrides that tier.",
            ),
            models.UniqueConstraint(
                fields=["level"],
                condition=Q(project__isnull=True),
                name="one_default_tier_per_level",
                violation_error_message="The organisation already has that tier.",
            ),
        ]

    def __str__(self):
        owner = self.project or "Organisation"
        return f"{owner}: L{self.level} {self.name}"

    def responders(self, project):
        """The users who answer at this tier for a project: the roles it names plus its members."""
        people = {member.pk: member for member in self.members.all()}
        for included, user in (
            (self.include_owner, project.owner),
            (self.include_lead, project.lead),
            (self.include_account_owner, project.client.account_owner),
        ):
            if included:
                people[user.pk] = user
        return list(people.values())

    @classmethod
    def override_for(cls, project, level, members):
        """Give a project its own members at a tier, keeping the org tier's name and roles."""
        default = cls.objects.get(project__isnull=True, level=level)
        tier, _ = cls.objects.update_or_create(
            project=project,
            level=level,
            defaults={
                "name": default.name,
                "include_owner": default.include_owner,
                "include_lead": default.include_lead,
                "include_account_owner": default.include_account_owner,
            },
        )
        tier.members.set(members)
        return tier

    @classmethod
    def path_for(cls, project):
        """The three tiers in force for a project, lowest first: its overrides, else the org's.
        Their members are read with them, in one more query, as every caller names the people."""
        by_level = {}
        rows = cls.objects.filter(Q(project=project) | Q(project__isnull=True)).prefetch_related("members")
        for tier in rows.order_by("level", F("project_id").asc(nulls_last=True)):
            by_level.setdefault(tier.level, tier)
        return [by_level[level] for level in sorted(by_level)]


class TimeUnit(models.TextChoices):
    HOURS = "hours", _("hours (wall clock, day and night)")
    BUSINESS_HOURS = "business_hours", _("business hours (team calendar)")
    BUSINESS_DAYS = "business_days", _("business days (team calendar)")


class SeverityTarget(models.Model):
    """How soon an escalation of a severity must be acknowledged and resolved."""

    severity = models.CharField(max_length=10, choices=Severity.choices, unique=True)
    acknowledge_within = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    acknowledge_unit = models.CharField(max_length=20, choices=TimeUnit.choices)
    resolve_within = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    resolve_unit = models.CharField(max_length=20, choices=TimeUnit.choices)

    class Meta:
        ordering = ["severity"]
        constraints = [
            models.CheckConstraint(
                condition=Q(acknowledge_within__gte=1) & Q(resolve_within__gte=1),
                name="severity_targets_positive",
            ),
        ]

    def __str__(self):
        return (
            f"{self.get_severity_display()}: acknowledge within {self.acknowledge_within} "
            f"{self.get_acknowledge_unit_display()}, resolve within {self.resolve_within} "
            f"{self.get_resolve_unit_display()}"
        )

    def clean(self):
        if self.acknowledge_unit == self.resolve_unit and self.acknowledge_within > self.resolve_within:
            raise ValidationError("The acknowledge target cannot be longer than the resolve target.")


class CategoryRoute(models.Model):
    """Who first responds to an escalation of a category, and whether its client is told."""

    category = models.CharField(max_length=20, choices=Category.choices, unique=True)
    first_responder = models.CharField(max_length=20, choices=ProjectRole.choices)
    tells_client = models.BooleanField(
        "tell the client by default",
        default=False,
        help_text="The client is told when an escalation of this category is raised and resolved, "
        "unless the lead raising it says otherwise.",
    )
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["category"]

    def __str__(self):
        return f"{self.get_category_display()} → {self.get_first_responder_display()}"

    @classmethod
    def client_told_by_default(cls):
        """{category: whether its client is told}; a category without a route keeps it internal."""
        told = dict(cls.objects.values_list("category", "tells_client"))
        return {category: told.get(category, False) for category in Category.values}


class Escalation(models.Model):
    """An issue that needs more authority. The targets and the tier path in force when it was
    raised are copied onto it, so editing the policy later never moves it silently."""

    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("escalation state", "Open")
        ACKNOWLEDGED = "acknowledged", pgettext_lazy("escalation state", "Acknowledged")
        RESOLVED = "resolved", pgettext_lazy("escalation state", "Resolved")
        CLOSED = "closed", pgettext_lazy("escalation state", "Closed")

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="escalations")
    category = models.CharField(max_length=20, choices=Category.choices)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    tier = models.PositiveSmallIntegerField(choices=Tier.Level.choices, default=Tier.Level.L1)
    title = models.CharField(max_length=200, validators=[single_line])
    description = models.TextField()
    documentation = models.TextField(blank=True, help_text="Links, and the attempts made so far.")
    internal = models.BooleanField(default=False, help_text="Internal: the client is not told.")
    state = models.CharField(max_length=12, choices=State.choices, default=State.OPEN)
    first_responder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="escalations_first_responder"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="escalations_raised",
        help_text="Empty when the portal raised it (a client email left unanswered).",
    )
    raised_at = models.DateTimeField()
    acknowledge_by = models.DateTimeField()
    resolve_by = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    targets = models.JSONField(help_text="The severity's targets when it was raised.")
    path = models.JSONField(help_text="Who answered at each tier when it was raised: {level: [user ids]}.")
    waiting_for = models.CharField(max_length=300, blank=True, help_text="What is awaited from the client.")
    paused_at = models.DateTimeField(null=True, blank=True, help_text="Set while waiting on the client.")
    paused_for = models.DurationField(
        default=dt.timedelta, help_text="Total time the resolve clock was paused."
    )
    resolution = models.TextField(blank=True)
    post_mortem_what = models.TextField("what happened", blank=True)
    post_mortem_why = models.TextField("why it happened", blank=True)
    post_mortem_prevention = models.TextField("what prevents a repeat", blank=True)
    source_message = models.ForeignKey(
        "comms.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="escalations"
    )
    search_vector = SearchVectorField(
        null=True, editable=False, help_text="Kept current by a database trigger."
    )

    objects = WithoutSearchVector()

    class Meta:
        ordering = ["-raised_at"]
        indexes = [
            # Record search with a date range: one project's entries said in [since, until).
            models.Index(fields=["project", "raised_at"], name="escalation_said_per_project"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="closed") | ~Q(resolution=""),
                name="escalation_closed_has_resolution",
                violation_error_message="An escalation cannot be closed without a resolution.",
            ),
            models.CheckConstraint(
                condition=~Q(state="closed", severity="critical")
                | (~Q(post_mortem_what="") & ~Q(post_mortem_why="") & ~Q(post_mortem_prevention="")),
                name="critical_escalation_closed_has_post_mortem",
                violation_error_message="A critical escalation needs a post-mortem before it is closed.",
            ),
            models.CheckConstraint(condition=Q(tier__gte=1, tier__lte=3), name="escalation_tier_1_to_3"),
            models.UniqueConstraint(
                fields=["source_message"],
                condition=Q(source_message__isnull=False),
                name="one_escalation_per_unanswered_message",
            ),
        ]

    def __str__(self):
        return f"[{self.get_severity_display()} L{self.tier}] {self.title}"


class EscalationEvent(models.Model):
    """One step on an escalation's timeline, with who was told and how."""

    class Kind(models.TextChoices):
        RAISED = "raised", pgettext_lazy("escalation event", "Raised")
        NOTIFIED = "notified", pgettext_lazy("escalation event", "Notified")
        ACKNOWLEDGED = "acknowledged", pgettext_lazy("escalation event", "Acknowledged")
        MOVED_UP = "moved_up", pgettext_lazy("escalation event", "Moved up")
        COMMENT = "comment", pgettext_lazy("escalation event", "Comment")
        WAITING = "waiting", pgettext_lazy("escalation event", "Waiting on the client")
        RESUMED = "resumed", pgettext_lazy("escalation event", "Resumed")
        RESOLVE_OVERDUE = "resolve_overdue", pgettext_lazy("escalation event", "Resolve target passed")
        RESOLVED = "resolved", pgettext_lazy("escalation event", "Resolved")
        CLOSED = "closed", pgettext_lazy("escalation event", "Closed")

    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    told = models.CharField(max_length=500, blank=True, help_text="Who was told, and how.")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"
