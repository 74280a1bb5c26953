"""iCalendar (RFC 5545) feeds of public events and consultations, for calendar apps to subscribe to."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from django.utils.translation import gettext as _

from chorus.consultations.models import Consultation
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


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return line
    parts, start = [], 0
    while start < len(encoded):
        end = min(start + (75 if start == 0 else 74), len(encoded))
        while end < len(encoded) and (encoded[end] & 0xC0) == 0x80:  # do not split a UTF-8 character
            end -= 1
        parts.append(encoded[start:end].decode())
        start = end
    return "\r\n ".join(parts)


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


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
    now = _when(datetime.now(UTC))
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Chorus//Engagement calendar//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(name)}",
    ]
    for activity in activities:
        ends = activity.ends_at or activity.starts_at + timedelta(hours=1)
        location = activity.place.name if activity.place else (activity.online_link or "")
        url = url_for(activity)
        lines += [
            "BEGIN:VEVENT",
            f"UID:{activity.code}@{host}",
            f"DTSTAMP:{now}",
            f"DTSTART:{_when(activity.starts_at)}",
            f"DTEND:{_when(ends)}",
            f"SUMMARY:{_escape(activity.title_for(language))}",
            f"DESCRIPTION:{_escape(_description(activity, language))}",
            f"LOCATION:{_escape(location)}",
            f"URL:{url}",
            "END:VEVENT",
        ]
    for consultation in consultations:
        # A consultation is an event that lasts from its opening to its closing.
        summary = _("Consultation: %(title)s") % {"title": consultation.title_for(language)}
        lines += [
            "BEGIN:VEVENT",
            f"UID:consultation-{consultation.code}@{host}",
            f"DTSTAMP:{now}",
            f"DTSTART:{_when(consultation.opens_at)}",
            f"DTEND:{_when(consultation.closes_at)}",
            f"SUMMARY:{_escape(summary)}",
            f"DESCRIPTION:{_escape(consultation.summary_for(language))}",
            *([f"URL:{consultation_url_for(consultation)}"] if consultation_url_for else []),
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
