"""Sending email, always through Django's email backends and always as a task."""

from __future__ import annotations

import base64

from django.conf import settings
from django.core.mail import EmailMessage

from chorus.core.tasks import background, enqueue_after_commit

# An attachment: file name, content and its MIME type. Task arguments are JSON, so the
# content is text: a text type's as it is, any other (an image) base64-encoded.
Attachment = tuple[str, str, str]


@background(queue="email")
def send_email(*, to: list[str], subject: str, body: str, attachments: list[Attachment] | None = None) -> int:
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to)
    for filename, content, mimetype in attachments or []:
        if mimetype.startswith("text/"):
            message.attach(filename, content, mimetype)
        else:
            message.attach(filename, base64.b64decode(content), mimetype)
    return message.send()


def email_send_later(
    *, to: list[str], subject: str, body: str, attachments: list[Attachment] | None = None
) -> None:
    """Queue an email to go once the current transaction commits."""
    if attachments:
        enqueue_after_commit(send_email, to=to, subject=subject, body=body, attachments=attachments)
    else:
        enqueue_after_commit(send_email, to=to, subject=subject, body=body)
