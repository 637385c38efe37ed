"""Provider webhooks: Anymail's inbound views, wrapped so that a payload they cannot parse gets a
400 with a JSON body, is logged, and its raw text is kept for inspection instead of failing with a
500; and every webhook refused outside development while no shared secret is set."""

import logging

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import SuspiciousOperation
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from comms.models import MalformedWebhook

logger = logging.getLogger(__name__)


def keeping_malformed(view_class, provider):
    view = view_class.as_view()

    @csrf_exempt
    def inbound(request, *args, **kwargs):
        raw = request.body  # read first: once a form body is parsed it can no longer be read raw
        try:
            return view(request, *args, **kwargs)
        except SuspiciousOperation:
            raise  # a missing secret or bad signature: Django answers 400 and nothing is kept
        except Exception as error:
            # Anymail checks the secret (and signature) before it parses, so a caller who gets
            # this far was authorised and the body is worth keeping.
            MalformedWebhook.objects.create(
                provider=provider,
                body=raw.decode("utf-8", errors="replace"),
                error=repr(error),
                received_at=timezone.now(),
            )
            logger.warning("Malformed %s inbound webhook kept for inspection: %r", provider, error)
            return JsonResponse(
                {"error": "The payload could not be read; it has been kept for inspection."}, status=400
            )

    return inbound


WEBHOOK_PATH = "/anymail/"


def webhook_secret_missing():
    """Anymail accepts any caller when no shared secret is set; outside development that would let
    anyone post client mail and delivery events into the record."""
    return not settings.DEBUG and not (getattr(settings, "ANYMAIL", {}) or {}).get("WEBHOOK_SECRET")


def closed_without_secret(get_response):
    """Refuse every provider webhook while the secret is missing (`check --deploy` says so too)."""

    def middleware(request):
        if request.path.startswith(WEBHOOK_PATH) and webhook_secret_missing():
            logger.error("Webhook refused: ANYMAIL_WEBHOOK_SECRET is not set.")
            return JsonResponse(
                {"detail": "Webhooks are closed until the server has a webhook secret."}, status=403
            )
        return get_response(request)

    return middleware


@register(Tags.security, deploy=True)
def check_webhook_secret(app_configs, **kwargs):
    if webhook_secret_missing():
        return [
            Error(
                "ANYMAIL_WEBHOOK_SECRET is not set, so inbound mail and delivery webhooks are refused.",
                hint="Set ANYMAIL_WEBHOOK_SECRET to user:password and give the same to the provider.",
                id="comms.E001",
            )
        ]
    return []
