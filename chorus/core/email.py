"""Sending email, always through Django's email backends and always as a task."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage

from chorus.core.tasks import background, enqueue_after_commit


@background(queue="email")
def send_email(*, to: list[str], subject: str, body: str) -> int:
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to)
    return message.send()


def email_send_later(*, to: list[str], subject: str, body: str) -> None:
    """Queue an email to go once the current transaction commits."""
    enqueue_after_commit(send_email, to=to, subject=subject, body=body)
