"""The calendar file attached to a registrant's confirmation: their event, with where to go."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils.translation import gettext as _

from chorus.core import ical
from chorus.events.models import Registration, RegistrationSettings


def registration_calendar(registration: Registration, *, manage_url: str) -> str:
    """One event in the registrant's language (call inside their language)."""
    activity = registration.activity
    settings_: RegistrationSettings = activity.registration_settings
    language = registration.language
    if settings_.mode == RegistrationSettings.Mode.ONLINE:
        location = settings_.joining_link
    elif activity.place:
        location = ", ".join(part for part in (activity.place.name, activity.place.address) if part)
    else:
        location = ""
    description = "\n\n".join(
        part
        for part in (
            activity.summary_for(language),
            _("Join online: %(link)s") % {"link": settings_.joining_link}
            if settings_.mode == RegistrationSettings.Mode.ONLINE
            else "",
            _("Change or cancel your registration: %(url)s") % {"url": manage_url},
        )
        if part
    )
    host = settings.CHORUS_BASE_URL.split("//")[-1].split("/")[0].split(":")[0] or "chorus"
    return ical.calendar_text(
        [
            ical.event(
                uid=f"registration-{registration.code}@{host}",
                starts=activity.starts_at,
                ends=activity.ends_at or activity.starts_at + timedelta(hours=1),
                summary=activity.title_for(language),
                description=description,
                location=location,
                url=manage_url,
            )
        ],
        product="Event registration",
    )
