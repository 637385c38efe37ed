"""Which language a contact reads: their own, else their client's, else the organisation's."""

from types import SimpleNamespace

from projects.languages import language_of


def person(contact="", client=""):
    return SimpleNamespace(language=contact, client=SimpleNamespace(language=client))


ORGANISATION = SimpleNamespace(language="fr")


def test_a_contact_with_a_language_reads_in_it_whatever_their_client_and_organisation_say():
    assert language_of(person("de", "es"), ORGANISATION) == "de"


def test_a_contact_without_a_language_reads_in_their_clients():
    assert language_of(person("", "es"), ORGANISATION) == "es"


def test_a_contact_and_client_without_a_language_read_in_the_organisations():
    assert language_of(person(), ORGANISATION) == "fr"


def test_english_is_the_last_resort():
    assert language_of(person(), SimpleNamespace(language="")) == "en"
