"""Clients, their contacts and calendars, projects with their phases, decisions and commitments."""

import datetime as dt
import secrets
import zoneinfo

import holidays
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from projects.fulltext import WithoutSearchVector
from projects.header_text import single_line

WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def validate_time_zone(value):
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a known time zone (use an IANA name such as Europe/London).")


class BusinessCalendar(models.Model):
    """A time zone, workdays, opening hours and public holidays.

    The team has one org-wide calendar (overridable per project) on which its own deadlines are
    measured; each client has one, inside which routine mail to that client goes out.
    """

    name = models.CharField(max_length=100, unique=True)
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    workdays = models.CharField(
        max_length=7,
        default="01234",
        validators=[RegexValidator(r"^[0-6]{1,7}$", "Workdays are digits 0 (Monday) to 6 (Sunday).")],
        help_text="Weekdays the business is open: 0 = Monday … 6 = Sunday.",
    )
    opens_at = models.TimeField(help_text="Local opening time.")
    closes_at = models.TimeField(help_text="Local closing time, later than the opening time.")
    holiday_country = models.CharField(
        max_length=3, blank=True, help_text="ISO country code for public holidays, e.g. GB, US, AU."
    )
    holiday_subdivision = models.CharField(
        max_length=10, blank=True, help_text="State or region for holidays, e.g. ENG, NY, NSW."
    )
    is_team_default = models.BooleanField(
        default=False, help_text="The organisation's own calendar, used for the team's deadlines."
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")),
                name="calendar_closes_after_it_opens",
                violation_error_message="The closing time must be later than the opening time.",
            ),
            models.UniqueConstraint(
                fields=["is_team_default"],
                condition=Q(is_team_default=True),
                name="one_team_default_calendar",
                violation_error_message="Only one calendar can be the team's default.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.time_zone})"

    @property
    def workday_numbers(self):
        return sorted({int(digit) for digit in self.workdays})

    @property
    def workday_names(self):
        return ", ".join(WEEKDAY_NAMES[number][:3] for number in self.workday_numbers)

    def clean(self):
        if not self.holiday_country:
            if self.holiday_subdivision:
                raise ValidationError({"holiday_subdivision": "Choose a holiday country first."})
            return
        supported = holidays.list_supported_countries()
        country = self.holiday_country.upper()
        if country not in supported:
            raise ValidationError(
                {"holiday_country": f"No public holidays are known for “{self.holiday_country}”."}
            )
        if self.holiday_subdivision and self.holiday_subdivision not in supported[country]:
            raise ValidationError(
                {
                    "holiday_subdivision": f"“{self.holiday_subdivision}” is not a region of {country}; "
                    f"choose one of {', '.join(supported[country])}."
                }
            )
        self.holiday_country = country

    @classmethod
    def team_default(cls):
        return cls.objects.get(is_team_default=True)


class Client(models.Model):
    class Status(models.TextChoices):
        PROSPECT = "prospect", pgettext_lazy("client status", "Prospect")
        ACTIVE = "active", pgettext_lazy("client status", "Active")
        PAUSED = "paused", pgettext_lazy("client status", "Paused")
        FORMER = "former", pgettext_lazy("client status", "Former")

    name = models.CharField(max_length=200, unique=True, validators=[single_line])
    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.PROTECT,
        related_name="clients",
        help_text="Mail to this client goes out inside these hours; the client sees times in this zone.",
    )
    shared_window_starts = models.TimeField(
        help_text="Start of the daily window when both sides are reachable live (client's local time)."
    )
    shared_window_ends = models.TimeField(help_text="End of the shared window (client's local time).")
    account_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="accounts_owned"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    notes = models.TextField(blank=True)
    language = models.CharField(
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text="What its people read the portal and their mail in, unless a contact has their own. "
        "Empty: the organisation's language.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(shared_window_ends__gt=F("shared_window_starts")),
                name="client_shared_window_ends_after_start",
                violation_error_message="The shared window must end after it starts.",
            ),
        ]

    def __str__(self):
        return self.name


class Contact(models.Model):
    """A person on the client side; executives get the short summary, technical contacts the detail."""

    class Kind(models.TextChoices):
        TECHNICAL = "technical", pgettext_lazy("kind of contact", "Technical stakeholder")
        EXECUTIVE = "executive", pgettext_lazy("kind of contact", "Executive")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200, validators=[single_line])
    email = models.EmailField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    role = models.CharField(max_length=100, blank=True, help_text="Job title, e.g. CTO, Product owner.")
    phone = models.CharField(max_length=40, blank=True)
    receives_updates = models.BooleanField(default=True)
    portal_access = models.BooleanField(
        default=True, help_text="Untick to revoke every portal link this contact holds."
    )
    portal_revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Signing out of the portal moves it on, ending every portal session issued before (each
    # session's signed cookie carries the value it was issued under).
    portal_session_epoch = models.PositiveIntegerField(default=0, editable=False)
    email_bounced_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when mail to this address bounced; cleared when fixed."
    )
    language = models.CharField(
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text="What they read the portal and their mail in. Empty: their client's language.",
    )

    class Meta:
        ordering = ["client__name", "name"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "client",
                name="contact_email_unique_per_client",
                violation_error_message="This client already has a contact with that email address.",
            ),
        ]

    def __str__(self):
        return f"{self.name} <{self.email}> ({self.client})"

    def save(self, *args, **kwargs):
        if not self.portal_access:
            # However access is taken away (the admin action, the box unticked on a form), what was
            # issued before it must stay dead when it is given back.
            self.portal_revoked_at = timezone.now()
        super().save(*args, **kwargs)


class Phase(models.TextChoices):
    DISCOVERY = "discovery", pgettext_lazy("project phase", "Discovery")
    BUILD = "build", pgettext_lazy("project phase", "Build")
    QA = "qa", pgettext_lazy("project phase", "QA/UAT")
    DELIVERY = "delivery", pgettext_lazy("project phase", "Delivery")
    SUPPORT = "support", pgettext_lazy("project phase", "Post-launch support")
    CLOSED = "closed", pgettext_lazy("project phase", "Closed")


PHASE_ORDER = [phase.value for phase in Phase]


def new_reply_token():
    return secrets.token_hex(8)


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Admins see every project; a lead sees those they own, lead or work on. The one rule of
        who sees what, on the dashboard and through the API."""
        if user.is_superuser:
            return self.all()
        return self.filter(Q(owner=user) | Q(lead=user) | Q(team=user)).distinct()


class Project(models.Model):
    """Work for one client, with exactly one named owner of client communication.

    The five questions of the communication plan are answered by the project's contacts and owner
    (who talks to whom), its channel rules (through which channel), its cadence (how often), its
    escalation path (what triggers an escalation) and `record_location` (where the record lives).
    """

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="projects")
    name = models.CharField(max_length=200, validators=[single_line])
    scope = models.TextField(help_text="The agreed scope, in plain words the client signed off.")
    phase = models.CharField(max_length=10, choices=Phase.choices, default=Phase.DISCOVERY)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="projects_owned",
        help_text="The one named person who owns communication with the client.",
    )
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="projects_led")
    team = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="projects")
    contacts = models.ManyToManyField(
        Contact, blank=True, related_name="projects", help_text="The client's people on this project."
    )
    team_calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Overrides the team's default calendar for this project's deadlines.",
    )
    starts_on = models.DateField()
    target_delivery_on = models.DateField()
    target_launch_on = models.DateField()
    kickoff_at = models.DateTimeField(null=True, blank=True, help_text="When the kickoff call took place.")
    launched_at = models.DateTimeField(null=True, blank=True, help_text="When the project went live.")
    slack_channel = models.CharField(
        max_length=30,
        blank=True,
        validators=[single_line],
        help_text="The Slack channel shared with the client, by its ID (C0123ABCD): quick notes go there, "
        "and the client's messages there are client mail. Empty: they go by email.",
    )
    board = models.CharField(
        max_length=40,
        blank=True,
        validators=[single_line],
        help_text="The project's Trello board, by its ID: task updates go to its cards and the build "
        "update is drafted from its lists. Empty: task updates go by email.",
    )
    board_done_list = models.CharField(
        max_length=100, default="Done", help_text="Cards moved here since the last update are what shipped."
    )
    board_next_list = models.CharField(
        max_length=100, default="Next", help_text="Cards here are what is next."
    )
    board_decision_label = models.CharField(
        max_length=100,
        default="Client decision",
        help_text="Cards with this label are what needs the client's decision.",
    )
    record_location = models.CharField(
        max_length=300,
        default="This portal",
        help_text="Where the written record lives (this portal, plus any board or wiki link).",
    )
    auto_send_drafts = models.BooleanField(
        default=False,
        help_text="Send a draft by itself when its review window ends; otherwise it waits and shows as overdue.",
    )
    known_limitations = models.TextField(blank=True, help_text="Said to the client in the delivery summary.")
    support_terms = models.TextField(
        default="For 30 days after launch we fix defects at no charge and answer questions within one business day.",
        help_text="Support terms for the 30 days after launch, said in the delivery summary.",
    )
    client_silence = models.CharField(
        max_length=8,
        choices=[("on_time", "Heard from recently"), ("late", "Gone quiet"), ("overdue", "Silent too long")],
        default="on_time",
        help_text="Whether the client has written within the phase's quiet limit.",
    )
    last_client_message_at = models.DateTimeField(
        null=True, blank=True, help_text="When any contact of this client last wrote about this project."
    )
    reply_token = models.CharField(
        max_length=32,
        unique=True,
        default=new_reply_token,
        editable=False,
        help_text="Carried in the Reply-To address so client replies land on this project.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["client__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "name"],
                name="project_name_unique_per_client",
                violation_error_message="This client already has a project with that name.",
            ),
            models.CheckConstraint(
                condition=Q(target_delivery_on__gte=F("starts_on")),
                name="project_delivery_not_before_start",
                violation_error_message="Target delivery cannot be before the start date.",
            ),
            models.CheckConstraint(
                condition=Q(target_launch_on__gte=F("starts_on")),
                name="project_launch_not_before_start",
                violation_error_message="Target launch cannot be before the start date.",
            ),
        ]

    def __str__(self):
        return f"{self.client} — {self.name}"

    def mail_recipients(self):
        """The client contacts who get this project's mail: those who take updates, at an address
        that has not bounced. Reads `contacts` so that a prefetch serves it."""
        return [
            contact
            for contact in self.contacts.all()
            if contact.receives_updates and contact.email_bounced_at is None
        ]


class PhaseChange(models.Model):
    """One line of a project's phase history; the first line records the phase it started in."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="phase_changes")
    from_phase = models.CharField(max_length=10, choices=Phase.choices, blank=True)
    to_phase = models.CharField(max_length=10, choices=Phase.choices)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["changed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_phase=F("to_phase")), name="phase_change_changes_the_phase"
            ),
        ]

    def __str__(self):
        start = self.get_from_phase_display() or "start"
        return f"{self.project}: {start} → {self.get_to_phase_display()}"


class Decision(models.Model):
    """Something agreed with the client; one made by voice must be confirmed in writing."""

    class Venue(models.TextChoices):
        CALL = "call", pgettext_lazy("decision venue", "Call")
        MEETING = "meeting", pgettext_lazy("decision venue", "Meeting")
        EMAIL = "email", pgettext_lazy("decision venue", "Email")
        CHAT = "chat", pgettext_lazy("decision venue", "Chat")

    VOICE_VENUES = {Venue.CALL, Venue.MEETING}

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="decisions")
    summary = models.TextField()
    made_in = models.CharField(max_length=10, choices=Venue.choices)
    made_at = models.DateTimeField()
    agreed_by = models.ManyToManyField(Contact, blank=True, related_name="decisions")
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="decisions_logged"
    )
    awaiting_client = models.BooleanField(
        default=False, help_text="The client still has to make this decision; updates ask for it."
    )
    confirmed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the written confirmation went out to the client."
    )
    search_vector = SearchVectorField(
        null=True, editable=False, help_text="Kept current by a database trigger."
    )

    objects = WithoutSearchVector()

    class Meta:
        ordering = ["-made_at"]
        indexes = [
            # Record search with a date range: one project's entries said in [since, until).
            models.Index(fields=["project", "made_at"], name="decision_said_per_project"),
        ]

    def __str__(self):
        return self.summary[:80]

    @property
    def needs_written_confirmation(self):
        return self.made_in in self.VOICE_VENUES


class Commitment(models.Model):
    """A dated promise to the client ("done by Thursday"), re-stated in every update until closed."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("promise status", "Open")
        DONE = "done", pgettext_lazy("promise status", "Done")
        DROPPED = "dropped", pgettext_lazy("promise status", "Dropped")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="commitments")
    description = models.CharField(max_length=300)
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    in_scope = models.BooleanField(default=True, help_text="Inside the agreed scope?")
    progress = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(100)], help_text="How much is done, in per cent."
    )
    done_on = models.DateField(null=True, blank=True)
    recovery_plan = models.TextField(
        blank=True, help_text="When it is late: how it will be put right, said to the client."
    )
    waiting_for = models.CharField(
        max_length=300,
        blank=True,
        help_text="What the team is waiting for from the client before it can go on.",
    )
    waiting_since = models.DateTimeField(null=True, blank=True)
    board_card = models.CharField(
        max_length=40,
        blank=True,
        validators=[single_line],
        help_text="The card on the project's board this promise is tracked on (its ID): its progress "
        "is posted there as a task update.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    search_vector = SearchVectorField(
        null=True, editable=False, help_text="Kept current by a database trigger."
    )

    objects = WithoutSearchVector()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            # Record search with a date range: one project's entries said in [since, until).
            models.Index(fields=["project", "created_at"], name="commitment_said_per_project"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="done") & Q(done_on__isnull=False))
                | (~Q(status="done") & Q(done_on__isnull=True)),
                name="commitment_done_on_iff_done",
                violation_error_message="A done commitment needs its done date, and only a done one has one.",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="commitment_progress_at_most_100"),
            models.CheckConstraint(
                condition=Q(waiting_for="", waiting_since__isnull=True)
                | (~Q(waiting_for="") & Q(waiting_since__isnull=False)),
                name="commitment_waiting_has_what_and_since",
                violation_error_message="Say what is awaited from the client, and since when.",
            ),
        ]

    def __str__(self):
        return f"{self.description} (due {self.due_on:%d %b %Y})"

    def is_overdue(self, today):
        """Open past its date, `today` being the local date on the calendar it is judged on (the
        client's for what the client reads, the team's for the team). Closing a project stops its
        clocks, so its promises are kept on record but never overdue."""
        return self.status == self.Status.OPEN and self.project.phase != Phase.CLOSED and self.due_on < today


class UsedPortalLink(models.Model):
    """A single-use portal link once it has been opened: the unique nonce refuses a second use."""

    nonce = models.CharField(max_length=32, unique=True)
    used_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"link {self.nonce} used {self.used_at:%Y-%m-%d %H:%M}"


class MemberSettings(models.Model):
    """What one person on the team chose for themselves. No row: the defaults (English)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member_settings"
    )
    language = models.CharField(
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        help_text="What the dashboard, the admin and the mail the team gets from us are in.",
    )

    class Meta:
        verbose_name = verbose_name_plural = "team member settings"

    def __str__(self):
        return f"{self.user}: {self.get_language_display()}"


def at_least_one(what, unit):
    return [MinValueValidator(1, message=f"{what} must be at least 1 {unit}.")]


class OrganisationSettings(models.Model):
    """The organisation's numbers from PRODUCT.md, which an admin may tune: one row, read through
    `current()`. A change times the next deadline computed; deadlines already stored keep theirs."""

    # Plain integers rather than positive ones: a zero or negative number is refused by the
    # validators below, whose message names the setting; the check constraint holds it in the database.

    review_window_hours = models.SmallIntegerField(
        default=4,
        validators=at_least_one("The review window", "business hour"),
        help_text="Business hours the owner has to review a draft before it is owed (or goes out by itself).",
    )
    late_grace_business_days = models.SmallIntegerField(
        default=1,
        validators=at_least_one("The late grace", "business day"),
        help_text="Business days a missed update stays late before it is overdue.",
    )
    routine_response_hours = models.SmallIntegerField(
        default=3,
        validators=at_least_one("The response target", "business hour"),
        help_text="Business hours to answer client email; never later than that day's close.",
    )
    urgent_response_hours = models.SmallIntegerField(
        default=1,
        validators=at_least_one("The urgent response target", "business hour"),
        help_text="Business hours to answer urgent client email; never later than that day's close.",
    )
    portal_link_days = models.SmallIntegerField(
        default=14,
        validators=at_least_one("The portal link lifetime", "day"),
        help_text="Days the personal portal link in an update email keeps working.",
    )
    single_use_link_minutes = models.SmallIntegerField(
        default=15,
        validators=at_least_one("The sign-in link lifetime", "minute"),
        help_text="Minutes a link asked for on the portal's “send me a link” page works (once).",
    )
    portal_session_hours = models.SmallIntegerField(
        default=24,
        validators=at_least_one("The portal session", "hour"),
        help_text="Hours a client stays signed in to the portal after opening a link.",
    )
    link_requests_per_address = models.SmallIntegerField(
        default=3,
        validators=at_least_one("The link requests per email address", "request"),
        help_text="“Send me a link” requests per email address per hour.",
    )
    link_requests_per_ip = models.SmallIntegerField(
        default=10,
        validators=at_least_one("The link requests per network address", "request"),
        help_text="“Send me a link” requests per network address per hour.",
    )
    language = models.CharField(
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        help_text="What clients read the portal and their mail in, unless a client or contact has their own.",
    )
    satisfaction_at_phase_end = models.BooleanField(
        "ask at the end of each phase",
        default=False,
        help_text="The phase-change notice asks the client how satisfied they are, as the day-30 "
        "check-in always does.",
    )

    class Meta:
        verbose_name = verbose_name_plural = "organisation settings"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="one_organisation_settings"),
            models.CheckConstraint(
                condition=Q(
                    review_window_hours__gte=1,
                    late_grace_business_days__gte=1,
                    routine_response_hours__gte=1,
                    urgent_response_hours__gte=1,
                    portal_link_days__gte=1,
                    single_use_link_minutes__gte=1,
                    portal_session_hours__gte=1,
                    link_requests_per_address__gte=1,
                    link_requests_per_ip__gte=1,
                ),
                name="organisation_numbers_at_least_one",
            ),
        ]

    def __str__(self):
        return "Organisation settings"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def current(cls):
        """The one settings row, made with the product's defaults if it is missing. One query: a
        pass over many projects reads it once and hands the numbers down."""
        return cls.objects.get_or_create(pk=1)[0]

    def clean(self):
        if (self.urgent_response_hours or 0) > (self.routine_response_hours or 0):
            raise ValidationError(
                {"urgent_response_hours": "The urgent response target cannot be longer than the routine one."}
            )

    @property
    def review_window(self):
        return dt.timedelta(hours=self.review_window_hours)

    @property
    def routine_response(self):
        return dt.timedelta(hours=self.routine_response_hours)

    @property
    def urgent_response(self):
        return dt.timedelta(hours=self.urgent_response_hours)

    @property
    def portal_link_age(self):
        return dt.timedelta(days=self.portal_link_days)

    @property
    def single_use_link_age(self):
        return dt.timedelta(minutes=self.single_use_link_minutes)

    @property
    def portal_session_age(self):
        return dt.timedelta(hours=self.portal_session_hours)
