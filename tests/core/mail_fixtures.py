"""Emails for the mailbox tests, built with the standard library's ``email`` package."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
SENT = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)


def build(
    *,
    subject: str = "The hearing loop in court 2",
    text: str | None = "The hearing loop in court 2 did not work on Monday.",
    html: str | None = None,
    sender: str = "Carys Jones <carys@contact.example>",
    to: str = "cases@chorus.test",
    cc: str = "",
    message_id: str | None = None,
    attachments: tuple[tuple[str, bytes, str], ...] = (),
    headers: tuple[tuple[str, str], ...] = (),
) -> bytes:
    """One email as bytes; ``attachments`` are (file name, content, "maintype/subtype")."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    if cc:
        message["Cc"] = cc
    message["Subject"] = subject
    message["Date"] = format_datetime(SENT)
    message["Message-ID"] = message_id or make_msgid(domain="contact.example")
    if text is not None:
        message.set_content(text)
        if html is not None:
            message.add_alternative(html, subtype="html")
    elif html is not None:
        message.set_content(html, subtype="html")
    for name, data, kind in attachments:
        maintype, subtype = kind.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    for name, value in headers:  # after the content, which sets its own Content-* headers
        message[name] = value
    return message.as_bytes()


def drop(folder: Path, name: str, raw: bytes) -> Path:
    """Put a message in a mailbox folder as a mail system would: whole, then renamed to .eml."""
    folder.mkdir(parents=True, exist_ok=True)
    part = folder / f".{name}.part"
    part.write_bytes(raw)
    final = folder / f"{name}.eml"
    part.rename(final)
    return final
