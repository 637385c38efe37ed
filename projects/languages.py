"""Which language a client's person reads (the portal, their mail, their calendar feed): their
own, else their client's, else the organisation's. A blank choice means "as the one above"."""

from babel import Locale
from django.conf import settings
from django.utils import translation

FALLBACK = "en"  # the language the product is written in, which needs no catalogue


def language_of(contact, organisation, client=None) -> str:
    """`client`: the contact's, when the caller holds it already (a project's contacts are its
    client's), so that no query reads it again."""
    client = client or contact.client
    return contact.language or main_language(client, organisation)


def main_language(client, organisation) -> str:
    """The language a client's project is written in first: the client's, else the organisation's.
    `organisation` is read only when the client has none."""
    return client.language or organisation.language or FALLBACK


def languages_read(contacts, client, organisation) -> tuple[str, ...]:
    """The client's main language, then each other language one of `contacts` reads, in order."""
    main = main_language(client, organisation)
    others = sorted({language_of(contact, organisation, client) for contact in contacts} - {main})
    return (main, *others)


def house_english(language):
    """English is British English, as on the team's pages (`LANGUAGE_CODE`)."""
    return settings.LANGUAGE_CODE if language.split("-")[0] == "en" else language


def language_name(language) -> str:
    """'de' → 'German': a language named for the team, in the language they read us in."""
    return Locale.parse(language, sep="-").get_display_name(ui_locale())


def ui_locale() -> str:
    """The active language as Babel names it ('en_GB'), to word lists and names in it."""
    return translation.to_locale(translation.get_language() or settings.LANGUAGE_CODE)
