"""The laptop default mail backend: Anymail's simulated send, plus a printed summary and a .eml file.

It behaves like a real Anymail ESP for the code that sends (tags, metadata, a provider message id
per message), so the outbox works the same on a laptop as in production.
"""

import sys
import uuid

from anymail.backends import test
from django.conf import settings


class EmailBackend(test.EmailBackend):
    esp_name = "Development"

    def get_esp_message_id(self, message):
        return f"dev-{uuid.uuid4().hex}"

    def post_to_esp(self, payload, message):
        response = super().post_to_esp(payload, message)
        # Anymail's test backend keeps every message in memory for tests; a long-running worker
        # should not, so keep only what is written to disk below.
        test.mail.outbox.remove(message)
        settings.DEV_MAIL_DIR.mkdir(parents=True, exist_ok=True)
        path = settings.DEV_MAIL_DIR / f"{uuid.uuid4().hex}.eml"
        path.write_bytes(message.message().as_bytes())
        print(
            f"[mail] to {', '.join(message.to)}: {message.subject} (saved to {path})",
            file=sys.stdout,
            flush=True,
        )
        return response
