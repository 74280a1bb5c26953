"""iCalendar (RFC 5545) feeds of public events and consultations, for calendar apps to subscribe to."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from django.utils.translation import gettext as _

from chorus.consultations.models import Consultation
from chorus.core import ical
from chorus.engagement.models import Activity


def _description(activity: Activity, language: str) -> str:
    """The event's summary, then what changed because of it ("you said, we did"), once published."""
    parts = [activity.summary_for(language)]
    for record in getattr(activity, "published_impact", []):
        parts.append(
            _("You said: %(said)s\nWe did: %(did)s")
            % {"said": record.you_said_for(language), "did": record.we_did_for(language)}
        )
    return "\n\n".join(part for part in parts if part)


def calendar(
    activities: Iterable[Activity],
    *,
    name: str,
    host: str,
    url_for: Callable[[Activity], str],
    language: str = "en",
    consultations: Iterable[Consultation] = (),
    consultation_url_for: Callable[[Consultation], str] | None = None,
) -> str:
    now = datetime.now(UTC)
    events: list[list[str]] = []
    for activity in activities:
        ends = activity.ends_at or activity.starts_at + timedelta(hours=1)
        location = activity.place.name if activity.place else (activity.online_link or "")
        events.append(
            ical.event(
                uid=f"{activity.code}@{host}",
                starts=activity.starts_at,
                ends=ends,
                summary=activity.title_for(language),
                description=_description(activity, language),
                location=location,
                url=url_for(activity),
                stamp=now,
            )
        )
    for consultation in consultations:
        # A consultation is an event that lasts from its opening to its closing.
        events.append(
            ical.event(
                uid=f"consultation-{consultation.code}@{host}",
                starts=consultation.opens_at,
                ends=consultation.closes_at,
                summary=_("Consultation: %(title)s") % {"title": consultation.title_for(language)},
                description=consultation.summary_for(language),
                url=consultation_url_for(consultation) if consultation_url_for else None,
                stamp=now,
            )
        )
    return ical.calendar_text(events, product="Engagement calendar", name=name)
