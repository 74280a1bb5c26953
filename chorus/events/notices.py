"""The emails a registrant gets, each in the language they registered in.

Queued with ``email_send_later``, so each goes only if the transaction that decided it commits.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from chorus.core.email import Attachment, email_send_later
from chorus.events.checkin import checkin_code, code_shown, qr_png_base64
from chorus.events.ical import registration_calendar
from chorus.events.models import Registration, RegistrationSettings


def manage_url(registration: Registration, token: str) -> str:
    with translation.override(registration.language):
        return settings.CHORUS_BASE_URL + reverse("events:manage", kwargs={"token": token})


def _send(
    registration: Registration, kind: str, *, token: str = "", attach: bool = False, days: int = 0
) -> None:
    activity = registration.activity
    settings_: RegistrationSettings = activity.registration_settings
    with translation.override(registration.language):
        url = manage_url(registration, token) if token else ""
        code = checkin_code(registration) if attach else ""
        title = activity.title_for(registration.language)
        context = {
            "kind": kind,
            "registration": registration,
            "title": title,
            "activity": activity,
            "online": settings_.mode == RegistrationSettings.Mode.ONLINE,
            "joining_link": settings_.joining_link,
            "manage_url": url,
            "days": days,
            "service_name": settings.CHORUS_SERVICE_NAME_CY
            if registration.language == "cy"
            else settings.CHORUS_SERVICE_NAME,
            "support_email": settings.CHORUS_SUPPORT_EMAIL,
            "checkin_code_shown": code_shown(code),
        }
        subjects = {
            "confirmed": _("Your place at %(title)s"),
            "pending": _("We have your registration for %(title)s"),
            "waiting": _("You are on the waiting list for %(title)s"),
            "offered": _("A place is free at %(title)s"),
            "lapsed": _("The place at %(title)s has gone to someone else"),
            "cancelled": _("You have cancelled your registration for %(title)s"),
            "declined": _("Your registration for %(title)s"),
            "moved": _("You are on the waiting list for %(title)s"),
            "reminder": _("Reminder: %(title)s"),
        }
        subject = subjects[kind] % {"title": title}
        body = render_to_string("events/email/notice.txt", context)
        attachments: list[Attachment] = []
        if attach:
            attachments.append(
                ("event.ics", registration_calendar(registration, manage_url=url), "text/calendar")
            )
            # The code staff scan at the door, as a QR code and as text (``checkin``).
            attachments.append(("check-in.png", qr_png_base64(code), "image/png"))
    email_send_later(to=[registration.email], subject=subject, body=body, attachments=attachments or None)


def registration_received(registration: Registration, *, token: str) -> None:
    """The confirmation of a new registration: a place (with the calendar file), a place
    waiting for approval, or the waiting list."""
    kinds: dict[str, str] = {
        Registration.Status.CONFIRMED: "confirmed",
        Registration.Status.PENDING: "pending",
    }
    kind = kinds.get(registration.status, "waiting")
    _send(registration, kind, token=token, attach=kind == "confirmed")


def place_confirmed(registration: Registration, *, token: str) -> None:
    if registration.status == Registration.Status.PENDING:
        _send(registration, "pending", token=token)
    else:
        _send(registration, "confirmed", token=token, attach=True)


def place_offered(registration: Registration, *, token: str) -> None:
    _send(registration, "offered", token=token)


def offer_lapsed(registration: Registration) -> None:
    _send(registration, "lapsed")


def registration_cancelled(registration: Registration) -> None:
    _send(registration, "cancelled")


def registration_declined(registration: Registration) -> None:
    _send(registration, "declined")


def moved_to_waiting_list(registration: Registration, *, token: str) -> None:
    _send(registration, "moved", token=token)


def reminder(registration: Registration, *, token: str, days: int) -> None:
    _send(registration, "reminder", token=token, days=days)
