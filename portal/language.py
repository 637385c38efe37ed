"""The language a portal page, a link mail or a calendar feed speaks: the contact's (their own,
else their client's, else the organisation's); on a page for nobody yet, the browser's."""

from functools import wraps

from django.utils import translation
from django.utils.functional import SimpleLazyObject

from projects.languages import house_english, language_of
from projects.models import OrganisationSettings


def locale_of(contact, organisation=None):
    """The language to activate for `contact`. The organisation's settings are read only when
    the contact and their client have no language of their own."""
    organisation = organisation or SimpleLazyObject(OrganisationSettings.current)
    return house_english(language_of(contact, organisation))


def speaking_to(contact, organisation=None):
    """`with speaking_to(contact):` writes what follows in the contact's language, then puts the
    previous one back, so nothing of it outlives the page on this thread."""
    return translation.override(locale_of(contact, organisation))


def speaking_to_browser(request):
    """For pages before we know who reads them (asking for a link, an expired one): the browser's
    language when we ship it, else British English."""
    return translation.override(house_english(translation.get_language_from_request(request)))


def in_browsers_language(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        with speaking_to_browser(request):
            return view(request, *args, **kwargs)

    return wrapped
