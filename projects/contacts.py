"""Writes on a client's people: one function per action, each in one transaction, called alike by
the dashboard and the API. Validation is the model's (email, one-line name, one address per
client), so every face refuses the same input with the same message."""

from django.db import transaction

from .models import Contact

EDITABLE = ("name", "email", "kind", "role", "phone", "receives_updates", "language")


@transaction.atomic
def add_contact(project, **fields):
    """A new person at the project's client, on this project from now on."""
    contact = Contact(client=project.client, **fields)
    contact.full_clean()
    contact.save()
    project.contacts.add(contact)
    return contact


@transaction.atomic
def edit_contact(contact, **changes):
    """Name, address, kind (which version of an update they get), role, phone, whether they get
    updates, the language they read (blank: their client's). Portal access has its own action, as
    taking it away must kill what was issued."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"Not editable here: {', '.join(sorted(unknown))}")
    for name, value in changes.items():
        setattr(contact, name, value)
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def set_portal_access(contact, *, allowed):
    """Give portal access, or take it away: taking it away ends every link, session and calendar
    feed issued before (`Contact.save` stamps `portal_revoked_at`), and giving it back later does
    not revive them."""
    contact.portal_access = allowed
    contact.save(update_fields=["portal_access", "portal_revoked_at"])
    return contact


@transaction.atomic
def deactivate_contact(contact, *, project):
    """Someone who no longer takes part: off this project, no more updates, no portal. The contact
    itself stays, as the record names them (decisions they agreed, mail they sent)."""
    project.contacts.remove(contact)
    contact.receives_updates = False
    contact.save(update_fields=["receives_updates"])
    return set_portal_access(contact, allowed=False)
