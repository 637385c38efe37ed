"""Which language a client's person reads (the portal, their mail, their calendar feed): their
own, else their client's, else the organisation's. A blank choice means "as the one above"."""

FALLBACK = "en"  # the language the product is written in, which needs no catalogue


def language_of(contact, organisation) -> str:
    return contact.language or contact.client.language or organisation.language or FALLBACK
