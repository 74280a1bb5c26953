"""Importing social media posts from the export files of listening tools (CSV or JSON).

Chorus fetches nothing from the networks. Each row needs an author handle, a date and
the text; a link is optional. Column names are matched loosely (``author``, ``handle``,
``username`` and ``user`` all name the author). Every row is checked first; if any is
wrong, nothing is imported and each bad row is reported with its line and reason.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from chorus.analysis.models import SocialPost, SocialSource
from chorus.core.hooks import texts_received
from chorus.core.spreadsheets import CSV, Limits, SpreadsheetError, read_upload, too_big, too_many_rows

COLUMNS = {
    "handle": ("handle", "author", "author handle", "username", "user", "screen_name", "account"),
    "posted_at": ("date", "posted", "posted_at", "created_at", "timestamp", "time", "published"),
    "text": ("text", "content", "message", "body", "post", "full_text"),
    "link": ("link", "url", "permalink", "post url"),
    "platform": ("platform", "network", "source", "site"),
}


@dataclass
class Parsed:
    rows: list[dict[str, Any]]
    errors: list[str]


def _match(headers: list[str]) -> dict[str, str]:
    lowered = {h.strip().lower(): h for h in headers}
    found = {}
    for field, names in COLUMNS.items():
        for name in names:
            if name in lowered:
                found[field] = lowered[name]
                break
    return found


def _when(value: str) -> datetime | None:
    value = value.strip()
    parsed = parse_datetime(value.replace("Z", "+00:00")) if value else None
    if parsed is None and value:
        day = parse_date(value[:10])
        parsed = (
            datetime(day.year, day.month, day.day, tzinfo=timezone.get_current_timezone()) if day else None
        )
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_current_timezone())
    return parsed


def _json_records(upload: Any, limits: Limits) -> tuple[list[tuple[int, dict[str, Any]]], list[str]] | Parsed:
    """A JSON export's posts, numbered from 1, and the keys of the first; or, when the file
    cannot be read, a ``Parsed`` that says why."""
    if upload.size > limits.max_bytes:
        return Parsed([], [too_big(upload.size, limits).message])
    try:
        content = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        return Parsed(
            [], ["The file is not UTF-8 text. Save it as UTF-8 (CSV UTF-8 in Excel) and upload it again."]
        )
    try:
        loaded = json.loads(content)
    except json.JSONDecodeError as error:
        return Parsed([], [f"The JSON is not valid at line {error.lineno}: {error.msg}."])
    if isinstance(loaded, dict):
        loaded = loaded.get("posts") or loaded.get("data") or []
    if not isinstance(loaded, list) or not all(isinstance(r, dict) for r in loaded):
        return Parsed([], ["The JSON must be a list of posts, each an object with author, date and text."])
    if len(loaded) > limits.max_rows:
        return Parsed([], [too_many_rows(len(loaded), limits).message])
    return list(enumerate(loaded, start=1)), list(loaded[0].keys()) if loaded else []


def parse(upload: Any, filename: str) -> Parsed:
    """Read and check every row of an uploaded export, within the import limits. Nothing is written."""
    limits = Limits.from_settings()
    records: list[tuple[int, dict[str, Any]]]
    if filename.lower().endswith(".json"):
        read = _json_records(upload, limits)
        if isinstance(read, Parsed):
            return read
        records, headers = read
    else:
        try:
            headers, lines = read_upload(upload, limits=limits, formats=(CSV,))
        except SpreadsheetError as error:
            return Parsed([], [error.message])
        records = [(line, dict(zip(headers, row, strict=False))) for line, row in lines]
    if not records:
        return Parsed([], ["The file has no posts in it."])
    columns = _match(headers)
    missing = [f for f in ("handle", "posted_at", "text") if f not in columns]
    if missing:
        names = {"handle": "author handle", "posted_at": "date", "text": "text"}
        return Parsed(
            [],
            [f"The file has no {names[m]} column. Name it one of: {', '.join(COLUMNS[m])}." for m in missing],
        )
    rows: list[dict[str, Any]] = []
    errors: list[str] = []
    for line, record in records:
        values = {f: str(record.get(c) or "").strip() for f, c in columns.items()}
        handle, text, link = values["handle"], values["text"], values.get("link", "")
        when = _when(values["posted_at"])
        problems = []
        if not handle:
            problems.append("the author handle is empty")
        if not text:
            problems.append("the text is empty")
        if when is None:
            problems.append(
                f"the date “{values['posted_at']}” is not a date (use 2026-11-21 or 2026-11-21T14:30:00Z)"
            )
        if link and not link.startswith(("http://", "https://")):
            problems.append("the link must start with http:// or https://")
        if problems:
            errors.append(f"Line {line}: {'; '.join(problems)}.")
            continue
        rows.append(
            {
                "handle": handle[:200],
                "posted_at": when,
                "text": text,
                "link": link[:2000],
                "platform": values.get("platform", "")[:60],
            }
        )
    return Parsed(rows, errors)


def _fingerprint(row: dict[str, Any]) -> str:
    basis = row["link"] or f"{row['handle']}\n{row['posted_at'].isoformat()}\n{row['text']}"
    return hashlib.sha256(basis.encode()).hexdigest()


def posts_import(*, source: SocialSource, rows: list[dict[str, Any]]) -> int:
    """Store checked rows; posts already imported (same link, or same author, time and text) are skipped."""
    with transaction.atomic():
        fingerprints = [_fingerprint(r) for r in rows]
        have = set(
            SocialPost.objects.filter(source=source, fingerprint__in=fingerprints).values_list(
                "fingerprint", flat=True
            )
        )
        new = []
        for row, fingerprint in zip(rows, fingerprints, strict=True):
            if fingerprint in have:
                continue
            have.add(fingerprint)
            new.append(SocialPost(source=source, fingerprint=fingerprint, **row))
        created = SocialPost.objects.bulk_create(new, batch_size=2000)
        if created:
            texts_received(
                source="social", ids=[p.pk for p in created], subject="social", target_id=source.pk
            )
    return len(created)
