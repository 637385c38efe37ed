"""The record's words to sit inside a sentence ("the chat message to …", "this update is sent"),
in the active language. The models' labels are capitalised names, and lowercasing a translated
label would misspell a German noun; these are written lowercase in English and as each language
needs them. The portal says how a message goes to clients in the same words."""

from django.utils.translation import pgettext_lazy

CHANNELS = {
    "email": pgettext_lazy("a message goes by", "email"),
    "chat": pgettext_lazy("a message goes by", "chat"),
    "project_board": pgettext_lazy("a message goes by", "project board"),
    "phone": pgettext_lazy("a message goes by", "phone call"),
    "escalation_path": pgettext_lazy("a message goes by", "escalation path"),
}
MESSAGE_STATES = {
    "queued": pgettext_lazy("a message is", "queued"),
    "sending": pgettext_lazy("a message is", "sending"),
    "sent": pgettext_lazy("a message is", "accepted by the provider"),
    "delivered": pgettext_lazy("a message is", "delivered"),
    "bounced": pgettext_lazy("a message is", "bounced"),
    "failed": pgettext_lazy("a message is", "failed"),
    "received": pgettext_lazy("a message is", "received"),
}
UPDATE_STATES = {
    "draft": pgettext_lazy("an update is", "draft, waiting for review"),
    "overdue": pgettext_lazy("an update is", "draft, overdue"),
    "sent": pgettext_lazy("an update is", "sent"),
    "discarded": pgettext_lazy("an update is", "discarded"),
    "superseded": pgettext_lazy("an update is", "superseded by a newer draft, not sent"),
}
DECISION_STATES = {
    "confirmed": pgettext_lazy("a decision is", "confirmed"),
    "awaiting client": pgettext_lazy("a decision is", "awaiting client"),
    "logged": pgettext_lazy("a decision is", "logged"),
}
PROMISE_STATES = {
    "open": pgettext_lazy("a promise is", "open"),
    "done": pgettext_lazy("a promise is", "done"),
    "dropped": pgettext_lazy("a promise is", "dropped"),
}
