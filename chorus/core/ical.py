"""iCalendar (RFC 5545) text: the escaping, line folding and layout every calendar file shares.

The public calendar's feed and an event registration's attachment are both written with it;
an invitation emailed to Chorus (an email logged to people) is read with ``invitation_read``,
the standard library only (the icalendar package is a test dependency, not an installed one).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


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


# Reading an invitation ---------------------------------------------------------------------

# Time zones as Outlook and Exchange name them (TZID), for the zones Chorus's users meet in;
# any other name that is not an IANA one is read in the organisation's own time zone.
WINDOWS_ZONES = {
    "gmt standard time": "Europe/London",
    "greenwich standard time": "Atlantic/Reykjavik",
    "w. europe standard time": "Europe/Berlin",
    "romance standard time": "Europe/Paris",
    "central europe standard time": "Europe/Budapest",
    "utc": "UTC",
    "coordinated universal time": "UTC",
}


@dataclass(frozen=True)
class Attendee:
    email: str
    name: str
    # What they answered (PARTSTAT, upper case): "NEEDS-ACTION", "ACCEPTED", "DECLINED"...
    answer: str


@dataclass(frozen=True)
class Invitation:
    """The first event of an iCalendar invitation (``METHOD:REQUEST``), as Chorus keeps it."""

    uid: str
    summary: str
    description: str
    location: str
    starts: datetime
    ends: datetime | None
    organiser: str  # their email address, lower case ("" when not given)
    attendees: list[Attendee] = field(default_factory=list)


def unescape(text: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), text)


def _unfolded(text: str) -> list[str]:
    return re.sub(r"\r?\n[ \t]", "", text).replace("\r\n", "\n").split("\n")


def _property(line: str) -> tuple[str, dict[str, str], str]:
    """A content line's name, parameters (upper-case names, unquoted values) and value."""
    head, value = line, ""
    quoted = False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            head, value = line[:index], line[index + 1 :]
            break
    name, *parts = re.split(r';(?=(?:[^"]*"[^"]*")*[^"]*$)', head)
    params: dict[str, str] = {}
    for part in parts:
        key, _, raw = part.partition("=")
        params[key.upper()] = raw.strip('"')
    return name.upper(), params, value


def _zone(tzid: str, default: tzinfo) -> tzinfo:
    if not tzid:
        return default
    name = WINDOWS_ZONES.get(tzid.strip().lower(), tzid.strip())
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return default


def _moment(value: str, params: dict[str, str], default: tzinfo) -> datetime | None:
    """A DATE-TIME (UTC with Z, in its TZID, or floating: the organisation's zone) or a
    DATE (the start of that day in the organisation's zone)."""
    value = value.strip()
    try:
        if params.get("VALUE", "").upper() == "DATE" or re.fullmatch(r"\d{8}", value):
            return datetime.strptime(value[:8], "%Y%m%d").replace(tzinfo=default)
        if value.endswith("Z"):
            return datetime.strptime(value[:-1], "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
        return datetime.strptime(value[:15], "%Y%m%dT%H%M%S").replace(
            tzinfo=_zone(params.get("TZID", ""), default)
        )
    except ValueError:
        return None


def _mailto(value: str) -> str:
    value = value.strip()
    return value[7:].strip().lower() if value.lower().startswith("mailto:") else ""


def _first_event(text: str) -> tuple[str, dict[str, tuple[dict[str, str], str]], list[Attendee]]:
    """The calendar's METHOD, the first VEVENT's properties (the first of each name) and its
    attendees."""
    method = ""
    event: dict[str, tuple[dict[str, str], str]] = {}
    attendees: list[Attendee] = []
    depth: list[str] = []
    seen_event = False
    for line in _unfolded(text):
        if not line.strip():
            continue
        name, params, value = _property(line)
        if name in ("BEGIN", "END"):
            if name == "BEGIN":
                depth.append(value.strip().upper())
            elif depth:
                seen_event = seen_event or depth.pop() == "VEVENT"
        elif depth == ["VCALENDAR"] and name == "METHOD":
            method = value.strip().upper()
        elif depth == ["VCALENDAR", "VEVENT"] and not seen_event:
            if name == "ATTENDEE" and (address := _mailto(value)):
                answer = params.get("PARTSTAT", "NEEDS-ACTION").upper()
                attendees.append(Attendee(email=address, name=params.get("CN", ""), answer=answer))
            else:
                event.setdefault(name, (params, value))
    return method, event, attendees


def invitation_read(text: str, default_zone: tzinfo = UTC) -> Invitation | None:
    """The invitation in iCalendar ``text``; None unless it is a request (``METHOD:REQUEST``)
    with an event that has a start. Times without a zone are read in ``default_zone``."""
    method, event, attendees = _first_event(text)
    if method != "REQUEST" or "DTSTART" not in event:
        return None
    starts = _moment(event["DTSTART"][1], event["DTSTART"][0], default_zone)
    if starts is None:
        return None
    ends = _moment(event["DTEND"][1], event["DTEND"][0], default_zone) if "DTEND" in event else None
    if ends is not None and ends < starts:
        ends = None

    def text_of(name: str) -> str:
        return unescape(event.get(name, ({}, ""))[1]).strip()

    return Invitation(
        uid=text_of("UID")[:255],
        summary=text_of("SUMMARY"),
        description=text_of("DESCRIPTION"),
        location=text_of("LOCATION"),
        starts=starts,
        ends=ends,
        organiser=_mailto(event.get("ORGANIZER", ({}, ""))[1]),
        attendees=attendees,
    )
