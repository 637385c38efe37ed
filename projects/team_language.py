"""The language a person on the team reads us in: what they chose, else English. Their pages
follow it for the whole session, remembered when they sign in so that no page pays a query for it;
mail a tick writes for them follows it too (`speaking_to_member`)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext

from projects.languages import FALLBACK, house_english
from projects.models import MemberSettings

SESSION_KEY = "member_language"


def member_language(user) -> str:
    """Reads `user.member_settings`, so a caller with many users selects it with them."""
    try:
        return user.member_settings.language
    except MemberSettings.DoesNotExist:
        return FALLBACK


def speaking_to_member(user):
    return translation.override(house_english(member_language(user)))


def choose_language(user, language, *, session=None):
    """The one way a person's language changes. `session`: theirs, when they change it themselves,
    so that the next page follows at once; a change made for someone else shows at their next
    sign-in."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": gettext("Choose one of the languages offered.")})
    user.member_settings, _ = MemberSettings.objects.update_or_create(
        user=user, defaults={"language": language}
    )
    if session is not None:
        session[SESSION_KEY] = language


def remember_at_sign_in(sender, request, user, **kwargs):
    request.session[SESSION_KEY] = member_language(user)


class MemberLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, which follows the browser (the pages before sign-in), except
    that a signed-in member's own choice wins. English is British English, as everywhere in the
    product. The language is put back after each response, so that none outlives its request on
    this thread (as `config.middleware.utc_between_requests` does for the time zone)."""

    def process_request(self, request):
        super().process_request(request)
        chosen = request.session.get(SESSION_KEY) or translation.get_language()
        translation.activate(house_english(chosen))
        request.LANGUAGE_CODE = translation.get_language()

    def __call__(self, request):
        try:
            return super().__call__(request)
        finally:
            translation.deactivate()
