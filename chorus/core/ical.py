"""iCalendar (RFC 5545) text: the escaping, line folding and layout every calendar file shares.

The public calendar's feed and an event registration's attachment are both written with it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime


def escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
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


def when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def event(
    *,
    uid: str,
    starts: datetime,
    ends: datetime,
    summary: str,
    description: str,
    location: str | None = None,
    url: str | None = None,
    stamp: datetime | None = None,
) -> list[str]:
    """The lines of one VEVENT; ``location`` and ``url`` only when given."""
    return [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{when(stamp or datetime.now(UTC))}",
        f"DTSTART:{when(starts)}",
        f"DTEND:{when(ends)}",
        f"SUMMARY:{escape(summary)}",
        f"DESCRIPTION:{escape(description)}",
        *([f"LOCATION:{escape(location)}"] if location is not None else []),
        *([f"URL:{url}"] if url is not None else []),
        "END:VEVENT",
    ]


def calendar_text(events: Iterable[list[str]], *, product: str, name: str = "") -> str:
    """A whole calendar file of ``events`` (from ``event``), folded, with CRLF line ends."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//Chorus//{product}//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        *([f"X-WR-CALNAME:{escape(name)}"] if name else []),
    ]
    for lines_of_event in events:
        lines += lines_of_event
    lines.append("END:VCALENDAR")
    return "\r\n".join(fold(line) for line in lines) + "\r\n"
