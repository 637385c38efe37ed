"""Forms of the lead's dashboard: each validates one action and says what is wrong next to the field."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from comms.models import Channel, MessageType, Update, UpdateText, UpdateVisual
from escalations.models import Category, CategoryRoute, Severity
from projects.header_text import single_line
from projects.models import Client, Commitment, Contact, Decision, Phase, Project


class PortfolioFilter(forms.Form):
    q = forms.CharField(required=False, label=gettext_lazy("Search"))
    owner = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label=gettext_lazy("Owner"))
    phase = forms.ChoiceField(
        required=False,
        choices=[("", gettext_lazy("Active phases")), *Phase.choices],
        label=gettext_lazy("Phase"),
    )
    client = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label=gettext_lazy("Client")
    )
    health = forms.ChoiceField(
        required=False,
        label=gettext_lazy("Health"),
        choices=[
            ("", gettext_lazy("Any health")),
            ("red", gettext_lazy("Red")),
            ("amber", gettext_lazy("Amber")),
            ("green", gettext_lazy("Green")),
        ],
    )

    def __init__(self, *args, owners=(), clients=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [
            ("", _("Any owner")),
            *[(u.pk, u.get_full_name() or u.username) for u in owners],
        ]
        self.fields["client"].choices = [("", _("Any client")), *[(c.pk, c.name) for c in clients]]


class DraftForm(forms.ModelForm):
    revision = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Update
        fields = ["subject", "status_line", "rag", "executive_body", "technical_body"]
        widgets = {
            "executive_body": forms.Textarea(attrs={"rows": 5}),
            "technical_body": forms.Textarea(attrs={"rows": 12}),
        }
        labels = {
            "subject": gettext_lazy("Subject"),
            "status_line": gettext_lazy("Status line"),
            "rag": gettext_lazy("Rag"),
            "executive_body": gettext_lazy("Executive body"),
            "technical_body": gettext_lazy("Technical body"),
        }
        help_texts = {
            "executive_body": gettext_lazy("Status at a glance, for executives."),
            "technical_body": gettext_lazy("The detail, for technical contacts."),
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("revision") != self.instance.revision:
            raise forms.ValidationError(
                _("Someone else changed this draft while you were editing it. Reload to see their version.")
            )
        return cleaned


class DraftTextForm(forms.ModelForm):
    """A draft's text in one more language. The rag is the draft's own, sent along unchanged; the
    revision is checked where the text is saved, so an edit made since answers as a conflict."""

    revision = forms.IntegerField(widget=forms.HiddenInput)
    rag = forms.ChoiceField(choices=Update._meta.get_field("rag").choices, widget=forms.HiddenInput)

    class Meta:
        model = UpdateText
        fields = ["subject", "status_line", "executive_body", "technical_body"]
        widgets = DraftForm.Meta.widgets
        labels = {field: DraftForm.Meta.labels[field] for field in fields}

    def __init__(self, data=None, *, instance, draft):
        # Prefixed by draft and language: one page holds a form per translation of each draft.
        super().__init__(
            data,
            instance=instance,
            prefix=f"text-{draft.pk}-{instance.language}",
            initial={"revision": draft.revision, "rag": draft.rag},
        )


class DecisionForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["summary", "made_in", "made_at", "agreed_by", "awaiting_client"]
        widgets = {
            "made_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "summary": gettext_lazy("Summary"),
            "made_in": gettext_lazy("Where it was made"),
            "made_at": gettext_lazy("Made at"),
            "agreed_by": gettext_lazy("Who agreed"),
            "awaiting_client": gettext_lazy("The client still has to decide"),
        }
        help_texts = {
            "awaiting_client": gettext_lazy("The client still has to make this decision; updates ask for it.")
        }

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreed_by"].queryset = project.contacts.all()
        self.fields["agreed_by"].required = False


class CommitmentForm(forms.ModelForm):
    class Meta:
        model = Commitment
        fields = ["description", "due_on", "in_scope", "board_card"]
        labels = {
            "description": gettext_lazy("Description"),
            "due_on": gettext_lazy("Due on"),
            "in_scope": gettext_lazy("In scope"),
            "board_card": gettext_lazy("Board card ID (optional)"),
        }
        help_texts = {
            "in_scope": gettext_lazy("Inside the agreed scope?"),
            "board_card": gettext_lazy(
                "The card on the project's board this promise is tracked on (its ID): its progress is "
                "posted there as a task update."
            ),
        }
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"})}


class VisualForm(forms.ModelForm):
    """A screenshot or mockup (an image file), or a link to a staging site or a video."""

    # A link typed without its scheme (preview.example.com) is taken as https.
    link = forms.URLField(
        required=False, max_length=500, assume_scheme="https", label=gettext_lazy("Or a link")
    )

    class Meta:
        model = UpdateVisual
        fields = ["image", "link", "caption"]
        labels = {"image": gettext_lazy("Screenshot or mockup"), "caption": gettext_lazy("What it shows")}

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("image")) == bool(cleaned.get("link")):
            raise forms.ValidationError(_("Give an image or a link, not both."))
        return cleaned


class ProgressForm(forms.ModelForm):
    """How far a promise has got, and, when it is late, how it will be put right: both are said to
    the client in the next update."""

    class Meta:
        model = Commitment
        fields = ["progress", "recovery_plan"]
        labels = {
            "progress": gettext_lazy("Done, in per cent"),
            "recovery_plan": gettext_lazy("Recovery plan"),
        }
        help_texts = {
            "progress": gettext_lazy("How much is done, in per cent."),
            "recovery_plan": gettext_lazy("When it is late: how it will be put right, said to the client."),
        }
        widgets = {
            "progress": forms.NumberInput(attrs={"min": 0, "max": 100}),
            "recovery_plan": forms.Textarea(attrs={"rows": 2}),
        }


class WaitingForm(forms.Form):
    what = forms.CharField(
        max_length=300,
        label=gettext_lazy("Waiting on the client for"),
        help_text=gettext_lazy(
            "A sign-off, an answer, access: updates and the portal then say it is their move."
        ),
    )


class PhaseForm(forms.Form):
    to = forms.ChoiceField(choices=Phase.choices, label=gettext_lazy("Move to"))
    note = forms.CharField(
        required=False,
        max_length=300,
        label=gettext_lazy("Note"),
        help_text=gettext_lazy("Said in the one-line notice to the client."),
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project

    def clean_to(self):
        if self.cleaned_data["to"] == self.project.phase:
            raise forms.ValidationError(
                _("The project is already in %(phase)s.") % {"phase": self.project.get_phase_display()}
            )
        return self.cleaned_data["to"]


class ReplyForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), label=gettext_lazy("Your reply"))


class PhoneAnswerForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        label=gettext_lazy("What was agreed on the phone"),
        help_text=gettext_lazy("Kept in the record as the answer; it meets the reply deadline."),
    )


class EscalationForm(forms.Form):
    category = forms.ChoiceField(
        choices=[c for c in Category.choices if c[0] != Category.UNANSWERED_MAIL],
        label=gettext_lazy("Category"),
    )
    severity = forms.ChoiceField(choices=Severity.choices, label=gettext_lazy("Severity"))
    title = forms.CharField(max_length=200, validators=[single_line], label=gettext_lazy("Title"))
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label=gettext_lazy("Description"))
    documentation = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=gettext_lazy("Documentation"),
        help_text=gettext_lazy("Links, and what has been tried so far."),
    )
    tell_client = forms.TypedChoiceField(
        label=gettext_lazy("Tell the client"),
        choices=[
            ("", gettext_lazy("As the category says")),
            ("yes", gettext_lazy("Yes")),
            ("no", gettext_lazy("No")),
        ],
        coerce=lambda answer: answer == "yes",
        empty_value=None,
        required=False,
    )

    def __init__(self, *args, told=None, **kwargs):
        """`told`: {category: whether its client is told by default}, when the caller has read it."""
        super().__init__(*args, **kwargs)
        told = told if told is not None else CategoryRoute.client_told_by_default()
        defaults = "; ".join(
            (_("%(category)s — told") if told[category] else _("%(category)s — not told"))
            % {"category": label}
            for category, label in self.fields["category"].choices
        )
        self.fields["tell_client"].help_text = _(
            "When it is raised and resolved. By default: %(defaults)s."
        ) % {"defaults": defaults}

    def clean(self):
        data = super().clean()
        # The procedure's `internal`: None leaves it to the category's route.
        tell_client = data.pop("tell_client", None)
        data["internal"] = None if tell_client is None else not tell_client
        return data


class EscalationStepForm(forms.Form):
    STEPS = [
        ("move_up", pgettext_lazy("escalation step", "Move up")),
        ("comment", pgettext_lazy("escalation step", "Comment")),
        ("wait", pgettext_lazy("escalation step", "Wait on the client (pauses the resolve clock)")),
        ("resume", pgettext_lazy("escalation step", "Resume (the client has answered)")),
        ("resolve", pgettext_lazy("escalation step", "Resolve")),
        ("close", pgettext_lazy("escalation step", "Close")),
    ]

    step = forms.ChoiceField(choices=STEPS, label=gettext_lazy("Step"))
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=gettext_lazy("Note, reason, what is awaited, or resolution"),
    )
    what = forms.CharField(required=False, label=gettext_lazy("Post-mortem: what happened"))
    why = forms.CharField(required=False, label=gettext_lazy("Why it happened"))
    prevention = forms.CharField(required=False, label=gettext_lazy("What prevents a repeat"))


class LaunchForm(forms.Form):
    launched_at = forms.DateTimeField(
        label=gettext_lazy("Went live at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project

    def clean(self):
        if self.project.launched_at:
            raise forms.ValidationError(
                _("The launch is already recorded (%(when)s).")
                % {"when": dateformat.format(self.project.launched_at, "d M Y H:i")}
            )
        return super().clean()


class MeetingForm(forms.Form):
    venue = forms.ChoiceField(
        choices=[("call", gettext_lazy("Call")), ("meeting", gettext_lazy("Meeting"))],
        label=gettext_lazy("Kind"),
    )
    held_at = forms.DateTimeField(
        label=gettext_lazy("Held at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    recap = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label=gettext_lazy("Recap"),
        help_text=gettext_lazy("What was covered and agreed."),
    )


class ChannelsForm(forms.Form):
    """One channel per message type: the form has exactly one field per type, so two channels for
    one type cannot even be asked for."""

    def __init__(self, *args, rules, **kwargs):
        super().__init__(*args, **kwargs)
        for message_type, label in MessageType.choices:
            self.fields[message_type] = forms.ChoiceField(
                label=label, choices=Channel.choices, initial=rules.get(message_type)
            )


class CadenceForm(forms.Form):
    phase = forms.ChoiceField(
        choices=[c for c in Phase.choices if c[0] != Phase.CLOSED], label=gettext_lazy("Phase")
    )
    interval_days = forms.IntegerField(min_value=1, max_value=90, label=gettext_lazy("Every N days"))
    business_days_only = forms.BooleanField(required=False, label=gettext_lazy("Count business days only"))


class ContactForm(forms.ModelForm):
    """One of the client's people: who they are, which version of an update they get, and whether
    they get updates at all. Portal access is its own action, as taking it away ends old links."""

    class Meta:
        model = Contact
        fields = ["name", "email", "kind", "role", "phone", "receives_updates", "language"]
        labels = {
            "name": gettext_lazy("Name"),
            "email": gettext_lazy("Email"),
            "kind": gettext_lazy("Gets the update for"),
            "role": gettext_lazy("Role"),
            "phone": gettext_lazy("Phone"),
            "receives_updates": gettext_lazy("Receives updates"),
            "language": gettext_lazy("Reads in"),
        }
        help_texts = {
            "role": gettext_lazy("Job title, e.g. CTO, Product owner."),
            "language": gettext_lazy(
                "What they read the portal and their mail in. Empty: their client's language."
            ),
        }


class DeliveryTermsForm(forms.ModelForm):
    """What the delivery summary tells the client beside what shipped, and whether drafts go out
    unreviewed when their time comes."""

    class Meta:
        model = Project
        fields = ["auto_send_drafts", "known_limitations", "support_terms"]
        widgets = {
            "known_limitations": forms.Textarea(attrs={"rows": 3}),
            "support_terms": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "auto_send_drafts": gettext_lazy("Auto send drafts"),
            "known_limitations": gettext_lazy("Known limitations"),
            "support_terms": gettext_lazy("Support terms"),
        }
        help_texts = {
            "auto_send_drafts": gettext_lazy(
                "Send a draft by itself when its review window ends; otherwise it waits and shows as overdue."
            ),
            "known_limitations": gettext_lazy("Said to the client in the delivery summary."),
            "support_terms": gettext_lazy(
                "Support terms for the 30 days after launch, said in the delivery summary."
            ),
        }


class ConnectionsForm(forms.ModelForm):
    """Where the project's chat and task updates go: its Slack channel and its board."""

    class Meta:
        model = Project
        fields = ["slack_channel", "board", "board_done_list", "board_next_list", "board_decision_label"]
        labels = {
            "slack_channel": gettext_lazy("Slack channel ID"),
            "board": gettext_lazy("Trello board ID"),
            "board_done_list": gettext_lazy("Board list of what is done"),
            "board_next_list": gettext_lazy("Board list of what is next"),
            "board_decision_label": gettext_lazy("Board label of what needs the client's decision"),
        }
        help_texts = {
            "slack_channel": gettext_lazy(
                "The Slack channel shared with the client, by its ID (C0123ABCD): quick notes go there, "
                "and the client's messages there are client mail. Empty: they go by email."
            ),
            "board": gettext_lazy(
                "The project's Trello board, by its ID: task updates go to its cards and the build update "
                "is drafted from its lists. Empty: task updates go by email."
            ),
            "board_done_list": gettext_lazy("Cards moved here since the last update are what shipped."),
            "board_next_list": gettext_lazy("Cards here are what is next."),
            "board_decision_label": gettext_lazy(
                "Cards with this label are what needs the client's decision."
            ),
        }


class PeopleForm(forms.ModelForm):
    """Who talks to whom: the one named owner, the lead, and the client's contacts on the project."""

    class Meta:
        model = Project
        fields = ["owner", "lead", "team", "contacts"]
        widgets = {"contacts": forms.CheckboxSelectMultiple, "team": forms.CheckboxSelectMultiple}
        labels = {
            "owner": gettext_lazy("Owner"),
            "lead": gettext_lazy("Lead"),
            "team": gettext_lazy("Team"),
            "contacts": gettext_lazy("Contacts"),
        }
        help_texts = {
            "owner": gettext_lazy("The one named person who owns communication with the client."),
            "contacts": gettext_lazy("The client's people on this project."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contacts"].queryset = self.instance.client.contacts.all()
        self.fields["contacts"].required = False
        team = get_user_model().objects.filter(is_active=True).order_by("first_name", "username")
        self.fields["owner"].queryset = self.fields["lead"].queryset = self.fields["team"].queryset = team
        self.fields["team"].required = False


class EscalationPathForm(forms.Form):
    """Who answers at L2 and L3 on this project (L1 is always the owner and the lead)."""

    def __init__(self, *args, path, **kwargs):
        super().__init__(*args, **kwargs)
        team = get_user_model().objects.filter(is_active=True).order_by("first_name", "username")
        for tier in path:
            if tier.level > 1:
                self.fields[f"l{tier.level}"] = forms.ModelMultipleChoiceField(
                    queryset=team,
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                    label=f"L{tier.level} {tier.name}",
                    initial=[member.pk for member in tier.members.all()],
                )


class NewProjectForm(forms.ModelForm):
    """A new project for a client the lead works with (admins: any client). It waits for its
    kickoff call, which starts the cadence."""

    class Meta:
        model = Project
        fields = [
            *["client", "name", "scope", "owner", "lead", "team", "contacts"],
            *["starts_on", "target_delivery_on", "target_launch_on", "auto_send_drafts"],
        ]
        widgets = {
            "scope": forms.Textarea(attrs={"rows": 4}),
            "team": forms.CheckboxSelectMultiple,
            "contacts": forms.CheckboxSelectMultiple,
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "target_delivery_on": forms.DateInput(attrs={"type": "date"}),
            "target_launch_on": forms.DateInput(attrs={"type": "date"}),
        }
        labels = {
            **PeopleForm.Meta.labels,
            "client": gettext_lazy("Client"),
            "name": gettext_lazy("Name"),
            "scope": gettext_lazy("Scope"),
            "starts_on": gettext_lazy("Starts on"),
            "target_delivery_on": gettext_lazy("Target delivery on"),
            "target_launch_on": gettext_lazy("Target launch on"),
            "auto_send_drafts": DeliveryTermsForm.Meta.labels["auto_send_drafts"],
        }
        help_texts = {
            "scope": gettext_lazy("The agreed scope, in plain words the client signed off."),
            "owner": PeopleForm.Meta.help_texts["owner"],
            "contacts": gettext_lazy("The client's people on this project; only the chosen client's count."),
            "auto_send_drafts": DeliveryTermsForm.Meta.help_texts["auto_send_drafts"],
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        clients = Client.objects.all()
        if not user.is_superuser:
            clients = clients.filter(
                Q(projects__in=Project.objects.visible_to(user)) | Q(account_owner=user)
            ).distinct()
        self.fields["client"].queryset = clients.order_by("name")
        self.fields["contacts"].queryset = (
            Contact.objects.filter(client__in=clients)
            .select_related("client")
            .order_by("client__name", "name")
        )
        self.fields["contacts"].label_from_instance = lambda contact: (
            f"{contact.name} ({contact.client.name})"
        )
        self.fields["contacts"].required = False
        team = get_user_model().objects.filter(is_active=True).order_by("first_name", "username")
        self.fields["owner"].queryset = self.fields["lead"].queryset = self.fields["team"].queryset = team
        self.fields["team"].required = False
        self.initial.setdefault("owner", user.pk)
        self.initial.setdefault("lead", user.pk)

    def clean(self):
        cleaned = super().clean()
        client = cleaned.get("client")
        strangers = [c.name for c in cleaned.get("contacts", []) if client and c.client_id != client.pk]
        if strangers:
            self.add_error(
                "contacts",
                _("Not contacts of %(client)s: %(names)s.")
                % {"client": client, "names": ", ".join(strangers)},
            )
        people = {cleaned.get("owner"), cleaned.get("lead"), *cleaned.get("team", [])}
        if not self.user.is_superuser and self.user not in people:
            self.add_error(
                None,
                _("Name yourself as owner, lead or team member: you would not see the project otherwise."),
            )
        return cleaned


class KickoffForm(forms.Form):
    held_at = forms.DateTimeField(
        label=gettext_lazy("The kickoff call was held at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
