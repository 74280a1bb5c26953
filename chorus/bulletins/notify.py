"""A Django email backend that sends through GOV.UK Notify's API.

Set ``CHORUS_NOTIFY_API_KEY`` and ``CHORUS_NOTIFY_TEMPLATE_ID`` (a Notify email template
whose subject is ``((subject))`` and body ``((body))``) and every email Chorus sends goes
through Notify. Notify sends plain text with its own formatting, so the text part of
each message is what goes. The delivery token travels as Notify's ``reference``, which
Notify's delivery-receipt callbacks send back.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend


class NotifyError(Exception):
    pass


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def key_parts(api_key: str) -> tuple[str, str]:
    """(service id, secret) from a Notify API key: ``{name}-{service id}-{secret}``."""
    if len(api_key) < 74:
        raise NotifyError("CHORUS_NOTIFY_API_KEY is too short to be a Notify API key.")
    return api_key[-73:-37], api_key[-36:]


def token(service_id: str, secret: str, now: float | None = None) -> str:
    """The JSON Web Token (HS256) that Notify expects, issued now."""
    header = _b64(json.dumps({"typ": "JWT", "alg": "HS256"}).encode())
    claims = _b64(json.dumps({"iss": service_id, "iat": int(now or time.time())}).encode())
    signature = hmac.new(secret.encode(), f"{header}.{claims}".encode(), hashlib.sha256).digest()
    return f"{header}.{claims}.{_b64(signature)}"


class NotifyEmailBackend(BaseEmailBackend):
    def __init__(self, fail_silently: bool = False, **kwargs: Any) -> None:
        super().__init__(fail_silently=fail_silently)
        self.service_id, self.secret = key_parts(settings.CHORUS_NOTIFY_API_KEY)
        self.url = settings.CHORUS_NOTIFY_BASE_URL.rstrip("/") + "/v2/notifications/email"
        self.template = settings.CHORUS_NOTIFY_TEMPLATE_ID

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        sent = 0
        for message in email_messages:
            for address in message.recipients():
                try:
                    self._send(address, message)
                    sent += 1
                except (NotifyError, urllib.error.URLError, OSError):
                    if not self.fail_silently:
                        raise
        return sent

    def _send(self, address: str, message: EmailMessage) -> None:
        payload = {
            "email_address": address,
            "template_id": self.template,
            "personalisation": {"subject": str(message.subject), "body": str(message.body)},
        }
        reference = message.extra_headers.get("X-Chorus-Delivery")
        if reference:
            payload["reference"] = reference
        request = urllib.request.Request(  # noqa: S310 (the configured https address)
            self.url, data=json.dumps(payload).encode(), method="POST"
        )
        request.add_header("Content-Type", "application/json")
        request.add_header("Authorization", f"Bearer {token(self.service_id, self.secret)}")
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:  # noqa: S310  # nosec B310
                if reply.status >= 300:
                    raise NotifyError(f"Notify answered {reply.status}")
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")[:300]
            raise NotifyError(f"Notify refused the email to {address}: {error.code} {detail}") from error
