"""Provider webhooks under /anymail/ (inbound mail and delivery tracking), around Anymail's views.
Only the providers this server is configured for are routed; inbound mail is read up to the
provider's own size limit (every other URL keeps Django's 2.5 MB); Mailgun signatures expire after a
few minutes; a payload that passed the secret but cannot be read answers 400 with a JSON body and is
kept for inspection instead of failing with a 500; and every webhook is refused outside development
while no shared secret is set."""

import base64
import datetime as dt
import email.policy
import json
import logging
from email.parser import BytesParser
from email.utils import collapse_rfc2231_value

from anymail.exceptions import AnymailWebhookValidationFailure
from anymail.utils import get_request_basic_auth
from anymail.webhooks.mailgun import MailgunInboundWebhookView, MailgunTrackingWebhookView
from anymail.webhooks.postmark import PostmarkInboundWebhookView, PostmarkTrackingWebhookView
from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import SuspiciousOperation
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import Http404, JsonResponse, QueryDict
from django.urls import path, re_path
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.datastructures import MultiValueDict
from django.views.decorators.csrf import csrf_exempt

from comms.inbound import base_name
from comms.models import MalformedWebhook
from projects.header_text import LINE_BREAKING

logger = logging.getLogger(__name__)

MB = 1024 * 1024
# The largest body each provider posts for one mail at its own size limit.
INBOUND_LIMITS = {
    # Attachments up to 35 MB in all, base64 in the JSON (a third more), beside the text and HTML.
    "postmark": 50 * MB,
    # Mail up to 25 MB, as raw MIME in one field or parsed into fields and files.
    "mailgun": 30 * MB,
}
SIGNATURE_MAX_AGE = dt.timedelta(minutes=5)


def provider_configured(provider):
    anymail = getattr(settings, "ANYMAIL", {}) or {}
    if provider == "postmark":
        # Postmark's webhooks carry nothing to check but the shared secret, so in development a
        # sample payload can be posted without an account.
        return bool(settings.DEBUG or settings.POSTMARK_INBOUND or anymail.get("POSTMARK_SERVER_TOKEN"))
    # Without its key no Mailgun signature can be checked, in development either.
    return bool(anymail.get("MAILGUN_WEBHOOK_SIGNING_KEY") or anymail.get("MAILGUN_API_KEY"))


def secret_given(request):
    """The shared secret's basic auth, checked before a body of many megabytes is read for anyone
    (Anymail checks it again, with Mailgun's signature, before it parses)."""
    secrets = (getattr(settings, "ANYMAIL", {}) or {}).get("WEBHOOK_SECRET")
    if not secrets:
        return True  # development only: closed_without_secret refuses every webhook elsewhere
    given = get_request_basic_auth(request)
    return given is not None and any(
        constant_time_compare(given, secret)
        for secret in ([secrets] if isinstance(secrets, str) else secrets)
    )


class TooLarge(Exception):
    pass


def read_body(request, limit):
    """The body, read here once and at most `limit` bytes (None: no limit), because Django's own
    reading holds every route to DATA_UPLOAD_MAX_MEMORY_SIZE. Anymail, the form parser and the copy
    kept on failure all use this one read."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if limit is not None and declared > limit:
        raise TooLarge
    body = request.read() if limit is None else request.read(limit + 1)
    if limit is not None and len(body) > limit:
        raise TooLarge
    request._body = body  # what `request.body` answers from now on, as after Django's own read
    return body


class WholeForm(FileUploadHandler):
    """Parses a multipart form from the body already read within its route's limit: Django's parser
    would hold the text fields to the site-wide DATA_UPLOAD_MAX_MEMORY_SIZE, which Mailgun's raw
    MIME, a single field, passes at 2.5 MB."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        return parse_form(input_data.read(), META["CONTENT_TYPE"], encoding or settings.DEFAULT_CHARSET)


def parse_form(body, content_type, encoding):
    """multipart/form-data into Django's POST and FILES, read by the standard library's MIME parser
    (the same format as a mail's parts)."""
    form = BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("ascii") + b"\r\n\r\n" + body
    )
    fields, files = QueryDict(mutable=True, encoding=encoding), MultiValueDict()
    for part in form.iter_parts():
        name = collapse_rfc2231_value(part.get_param("name", "", header="content-disposition"))
        if not name:
            continue
        filename = part.get_filename()
        content = part.get_payload(decode=True) or b""
        if filename:
            files.appendlist(name, SimpleUploadedFile(base_name(filename), content, part.get_content_type()))
        else:
            fields.appendlist(name, content.decode(encoding, errors="replace"))
    return fields, files


class SignedRecently:
    """Anymail checks Mailgun's signature but not its age, so a request seen once could be posted
    again for ever: one signed more than SIGNATURE_MAX_AGE away from now is refused."""

    def validate_request(self, request):
        try:
            if request.content_type == "application/json":
                timestamp = json.loads(request.body)["signature"]["timestamp"]
            else:
                timestamp = request.POST["timestamp"]
        except (KeyError, TypeError, ValueError):
            return  # unsigned or unreadable: Anymail's own check refuses it
        try:
            age = timezone.now().timestamp() - float(timestamp)
        except (TypeError, ValueError) as error:
            raise AnymailWebhookValidationFailure("Mailgun webhook timestamp is not a number") from error
        if not abs(age) <= SIGNATURE_MAX_AGE.total_seconds():
            raise AnymailWebhookValidationFailure(
                f"Mailgun webhook signed {abs(age):.0f} seconds away from now; more than "
                f"{SIGNATURE_MAX_AGE} is refused"
            )


class MailgunInbound(SignedRecently, MailgunInboundWebhookView):
    pass


class MailgunTracking(SignedRecently, MailgunTrackingWebhookView):
    pass


class PostmarkInbound(PostmarkInboundWebhookView):
    """Anymail builds the mail from Postmark's parsed fields, and the email package refuses a header
    holding a line break (CR, LF, a vertical tab...), which a client's encoded subject may legally
    decode to. Such a subject goes in encoded, as it was on the wire, and reads back as it came."""

    def esp_to_anymail_event(self, esp_event):
        subject = esp_event.get("Subject") if isinstance(esp_event, dict) else None
        if isinstance(subject, str) and LINE_BREAKING.search(subject):
            esp_event = {
                **esp_event,
                "Subject": "=?utf-8?b?" + base64.b64encode(subject.encode()).decode() + "?=",
            }
        return super().esp_to_anymail_event(esp_event)


def provider_webhook(view_class, provider, *, limit=None):
    """One of Anymail's views as a route of a configured provider (else 404), reading at most
    `limit` bytes (else Django's DATA_UPLOAD_MAX_MEMORY_SIZE) and keeping what it cannot read."""
    view = view_class.as_view()

    @csrf_exempt
    def webhook(request, *args, **kwargs):
        if not provider_configured(provider):
            raise Http404(f"{provider} is not configured on this server.")
        if not secret_given(request):
            raise AnymailWebhookValidationFailure(f"Missing or invalid basic auth in {provider} webhook")
        most = limit or settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            raw = read_body(request, most)
        except TooLarge:
            logger.error("A %s webhook over %s bytes was refused; nothing was kept.", provider, most)
            return JsonResponse(
                {"error": f"The payload is too large: at most {most} bytes are read here. Nothing was kept."},
                status=413,
            )
        request.upload_handlers = [WholeForm()]
        try:
            return view(request, *args, **kwargs)
        except SuspiciousOperation:
            raise  # a missing secret, a bad or stale signature: Django answers 400, nothing is kept
        except Exception as error:
            # Anymail checks the secret (and signature) before it parses, so a caller who gets
            # this far was authorised and the body is worth keeping.
            MalformedWebhook.objects.create(
                provider=provider,
                body=raw.decode("utf-8", errors="replace"),
                error=repr(error),
                received_at=timezone.now(),
            )
            logger.warning("Malformed %s webhook kept for inspection: %r", provider, error)
            return JsonResponse(
                {"error": "The payload could not be read; it has been kept for inspection."}, status=400
            )

    return webhook


# Included under /anymail/ with Anymail's own route names, for the two providers we support.
app_name = "anymail"
urlpatterns = [
    path(
        "postmark/inbound/",
        provider_webhook(PostmarkInbound, "postmark", limit=INBOUND_LIMITS["postmark"]),
        name="postmark_inbound_webhook",
    ),
    path(
        "postmark/tracking/",
        provider_webhook(PostmarkTrackingWebhookView, "postmark"),
        name="postmark_tracking_webhook",
    ),
    # Mailgun posts raw MIME to a URL with "mime" in it, and the mail parsed into fields to another.
    re_path(
        r"^mailgun/inbound(?:_mime)?/$",
        provider_webhook(MailgunInbound, "mailgun", limit=INBOUND_LIMITS["mailgun"]),
        name="mailgun_inbound_webhook",
    ),
    path(
        "mailgun/tracking/",
        provider_webhook(MailgunTracking, "mailgun"),
        name="mailgun_tracking_webhook",
    ),
]


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
