"""Anymail's inbound webhook views, wrapped so that a payload they cannot parse gets a 400 with a
JSON body, is logged, and its raw text is kept for inspection instead of failing with a 500."""

import logging

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
