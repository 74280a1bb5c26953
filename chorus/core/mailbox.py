"""Reading the email people send to one of Chorus's addresses (the case address now), and
handing each message once to the apps that registered for that mailbox.

A mailbox is named ("cases") and read from either a folder of ``.eml`` files
(``CHORUS_<NAME>_MAILBOX``, the embedded default: whatever delivers mail writes one file per
message there; a read file moves to ``done/``, an unreadable one to ``failed/`` beside a
note of why) or an IMAP mailbox over TLS (``CHORUS_<NAME>_IMAP_HOST`` and the rest; a read
message is marked read, or moved to ``CHORUS_<NAME>_IMAP_DONE_FOLDER``, only once it is
stored). Each message's Message-ID (or, without one, a digest of its bytes) is kept in
``MailboxMessage`` in the same transaction as what the apps stored from it, so reading the
same message again (after a crash between storing it and moving it, or from a second
reader) stores nothing twice.

Apps register with ``@mailbox_consumer("cases")`` in their ``AppConfig.ready``; core knows
nothing of what they make of a message.
"""

from __future__ import annotations

import hashlib
import imaplib
import logging
import os
import re
import ssl
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.parser import BytesParser
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import IntegrityError, transaction

from chorus.core.models import MailboxMessage
from chorus.core.uploads import EMAIL_MOST_ATTACHMENTS, attachment_problem

logger = logging.getLogger(__name__)

# Senders whose messages are reports about delivery, never a person writing.
DELIVERY_SENDERS = ("mailer-daemon", "postmaster")
# Precedence values that mark a message sent by a machine (RFC 3834 asks responders to set them).
AUTOMATIC_PRECEDENCE = ("bulk", "junk", "auto_reply")
# The longest Message-ID kept as it is; a longer one is kept as its digest.
KEY_MOST = 255


class UnreadableEmail(Exception):
    """A file or message that is not an email Chorus can read (no sender, not email at all)."""


@dataclass(frozen=True)
class EmailAttachment:
    name: str
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class IncomingEmail:
    """What Chorus reads from one message."""

    key: str  # what makes it the same message: its Message-ID, or a digest of its bytes
    message_id: str  # as the sender's system gave it ("" when it gave none)
    sender: str  # the From address
    sender_name: str
    to: list[str]
    cc: list[str]
    subject: str
    sent_at: datetime | None  # the Date header, when it could be read
    text: str  # the plain text, or the HTML version turned into text
    attachments: list[EmailAttachment] = field(default_factory=list)
    # Why a machine sent it (an out-of-office reply, a bounce); "" when a person did.
    automatic: str = ""
    language: str = ""  # Content-Language, lower case, when given


# What a consumer does with a message, in a few words kept with it ("opened CAS-2026-000012").
Consumer = Callable[[IncomingEmail], str]
CONSUMERS: dict[str, list[Consumer]] = {}


def mailbox_consumer(mailbox: str) -> Callable[[Consumer], Consumer]:
    """Register a function that stores what each message to ``mailbox`` holds. It runs inside
    the transaction that records the message as read, so what it stores and that record stand
    or fall together; it raises to leave the message to be read again."""

    def decorator(consumer: Consumer) -> Consumer:
        if consumer not in CONSUMERS.setdefault(mailbox, []):
            CONSUMERS[mailbox].append(consumer)
        return consumer

    return decorator


# Reading one message --------------------------------------------------------------------


class _TextFromHtml(HTMLParser):
    """The words of an HTML body, with paragraphs and line breaks, and nothing else: no
    scripts, styles or markup survive (the result is shown as escaped text)."""

    SKIP = {"script", "style", "head", "title", "template", "noscript"}
    BLOCKS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "hr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")
            if tag == "li":
                self.parts.append("- ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping = max(self.skipping - 1, 0)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    """Plain text from an HTML email body."""
    parser = _TextFromHtml()
    parser.feed(html)
    parser.close()
    lines = [line.strip() for line in "".join(parser.parts).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _content(part: Message) -> str:
    try:
        content = part.get_content()  # type: ignore[attr-defined]
    except (LookupError, UnicodeError, ValueError, AssertionError):
        # A charset Python does not know, or bytes that are not in the one named.
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else ""
    return content if isinstance(content, str) else ""


def _leaves(part: Message) -> Iterator[Message]:
    """The parts that hold content, not descending into an attached email."""
    if part.is_multipart() and part.get_content_maintype() == "multipart":
        for child in part.get_payload():
            if isinstance(child, Message):
                yield from _leaves(child)
    else:
        yield part


def _attachments(message: EmailMessage, bodies: list[Message]) -> list[EmailAttachment]:
    found: list[EmailAttachment] = []
    for part in _leaves(message):
        if any(part is body for body in bodies):
            continue
        name = part.get_filename() or ""
        if (
            part.get_content_type() in ("text/plain", "text/html")
            and not name
            and part.get_content_disposition() != "attachment"
        ):
            continue  # the other version of the body
        if part.get_content_type() == "message/rfc822":
            inner = part.get_payload()
            data = (
                inner[0].as_bytes()
                if isinstance(inner, list) and inner and isinstance(inner[0], Message)
                else b""
            )
        else:
            payload = part.get_payload(decode=True)
            data = payload if isinstance(payload, bytes) else b""
        if not name:
            subtype = part.get_content_subtype() if part.get_content_type() != "message/rfc822" else "eml"
            name = f"attachment-{len(found) + 1}.{subtype}"
        # No folders in the name, and short enough to keep (the end, with its extension).
        name = Path(name.replace("\\", "/")).name[-200:] or f"attachment-{len(found) + 1}"
        found.append(EmailAttachment(name=name, content_type=part.get_content_type(), data=data))
    return found


def _automatic(message: EmailMessage, sender: str) -> str:
    auto = str(message.get("Auto-Submitted", "") or "").strip().lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    if sender.split("@")[0].lower() in DELIVERY_SENDERS:
        return "a delivery report"
    if message.get_content_type() == "multipart/report":
        return "a delivery report"
    if message.get("X-Autoreply") or message.get("X-Autorespond"):
        return "an automatic reply"
    if str(message.get("Precedence", "") or "").strip().lower() in AUTOMATIC_PRECEDENCE:
        return "sent in bulk"
    return ""


def _addresses(message: EmailMessage, name: str) -> list[Address]:
    header = message.get(name)
    return list(getattr(header, "addresses", ()) or ())


def _key(message_id: str, raw: bytes) -> str:
    if message_id and len(message_id) <= KEY_MOST:
        return message_id
    source = message_id.encode() if message_id else raw
    return "sha256:" + hashlib.sha256(source).hexdigest()


def email_parse(raw: bytes) -> IncomingEmail:
    """Read one message (RFC 5322 bytes); raise ``UnreadableEmail`` where it has no sender."""
    if not raw.strip():
        raise UnreadableEmail("the file is empty")
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
        assert isinstance(message, EmailMessage)  # noqa: S101  (policy.default makes one)
        senders = _addresses(message, "From")
    except Exception as error:  # a header too broken to read
        raise UnreadableEmail(f"its headers could not be read ({type(error).__name__})") from error
    if not senders or "@" not in senders[0].addr_spec:
        raise UnreadableEmail("it has no sender address (From)")
    sender = senders[0]
    try:
        sent_at = getattr(message.get("Date"), "datetime", None)
    except (TypeError, ValueError):
        sent_at = None
    if isinstance(sent_at, datetime) and sent_at.tzinfo is None:
        sent_at = sent_at.replace(tzinfo=UTC)
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    if plain is not None:
        text = _content(plain)
    elif html is not None:
        text = html_to_text(_content(html))
    else:
        text = ""
    message_id = str(message.get("Message-ID", "") or "").strip().strip("<>").strip()
    return IncomingEmail(
        key=_key(message_id, raw),
        message_id=message_id,
        sender=sender.addr_spec.strip(),
        sender_name=sender.display_name.strip(),
        to=[a.addr_spec for a in _addresses(message, "To")],
        cc=[a.addr_spec for a in _addresses(message, "Cc")],
        subject=" ".join(str(message.get("Subject", "") or "").split()),
        sent_at=sent_at if isinstance(sent_at, datetime) else None,
        text=text.replace("\r\n", "\n").strip(),
        attachments=_attachments(message, [p for p in (plain, html) if p is not None]),
        automatic=_automatic(message, sender.addr_spec),
        language=str(message.get("Content-Language", "") or "").strip().lower()[:2],
    )


def files_checked(
    attachments: Sequence[EmailAttachment],
) -> tuple[list[UploadedFile], list[dict[str, str]]]:
    """The files that may be kept (``uploads.attachment_problem``, at most
    ``EMAIL_MOST_ATTACHMENTS``), and those that may not with why ("type", "size", "content",
    "count")."""
    kept: list[UploadedFile] = []
    refused: list[dict[str, str]] = []
    for attachment in attachments:
        upload = SimpleUploadedFile(attachment.name, attachment.data, attachment.content_type)
        problem = "count" if len(kept) >= EMAIL_MOST_ATTACHMENTS else attachment_problem(upload)
        if problem:
            refused.append({"name": attachment.name[:255], "reason": problem})
        else:
            kept.append(upload)
    return kept, refused


# Handing it on, once ---------------------------------------------------------------------


def message_deliver(mailbox: str, message: IncomingEmail) -> bool:
    """Hand ``message`` to the mailbox's consumers unless it was handed on before; whether it
    was new. What they store and the record that it was read are one transaction."""
    if MailboxMessage.objects.filter(mailbox=mailbox, key=message.key).exists():
        return False
    try:
        with transaction.atomic():
            outcomes = [consumer(message) for consumer in CONSUMERS.get(mailbox, [])]
            MailboxMessage.objects.create(
                mailbox=mailbox, key=message.key, outcome="; ".join(o for o in outcomes if o)[:200]
            )
    except IntegrityError:
        # Another reader stored the same message at the same moment: its copy stands.
        if MailboxMessage.objects.filter(mailbox=mailbox, key=message.key).exists():
            return False
        raise
    return True


@dataclass
class MailboxReport:
    stored: int = 0  # new messages handed on
    already: int = 0  # read before (moved or marked now)
    failed: int = 0  # unreadable, put aside
    left: int = 0  # not handled this time (an error, logged): read again next time

    def __str__(self) -> str:
        return (
            f"{self.stored} stored, {self.already} already read, "
            f"{self.failed} unreadable, {self.left} left to try again"
        )


# A folder of .eml files --------------------------------------------------------------------


def _move(path: Path, folder: Path) -> Path | None:
    """Move ``path`` into ``folder`` under a name not yet used there."""
    target = folder / path.name
    number = 1
    while target.exists():
        target = folder / f"{path.stem}-{number}{path.suffix}"
        number += 1
    try:
        os.replace(path, target)
    except FileNotFoundError:
        return None  # another reader moved it
    return target


def folder_read(mailbox: str, folder: Path) -> MailboxReport:
    """Read each ``*.eml`` file in ``folder``, in name order. Whatever writes them should
    write under another name and rename to ``.eml`` when complete."""
    report = MailboxReport()
    done, failed = folder / "done", folder / "failed"
    done.mkdir(parents=True, exist_ok=True)
    failed.mkdir(parents=True, exist_ok=True)
    for path in sorted(folder.glob("*.eml")):
        if not path.is_file():
            continue
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            continue
        except OSError:
            logger.exception("Mailbox %s: could not read %s; it is left to try again", mailbox, path.name)
            report.left += 1
            continue
        try:
            message = email_parse(raw)
        except UnreadableEmail as error:
            moved = _move(path, failed)
            if moved is not None:
                moved.with_name(moved.name + ".reason.txt").write_text(f"Not read: {error}.\n")
            logger.warning(
                "Mailbox %s: %s is not an email Chorus can read (%s): moved to failed/",
                mailbox,
                path.name,
                error,
            )
            report.failed += 1
            continue
        try:
            new = message_deliver(mailbox, message)
        except Exception:
            logger.exception(
                "Mailbox %s: %s could not be stored; it is left to try again", mailbox, path.name
            )
            report.left += 1
            continue
        _move(path, done)
        if new:
            report.stored += 1
        else:
            report.already += 1
    return report


# IMAP over TLS ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int
    user: str
    password: str
    folder: str
    done_folder: str = ""
    ca_file: str = ""


def _check(result: tuple[str, Sequence[Any]], what: str) -> list[Any]:
    status, data = result
    if status != "OK":
        raise imaplib.IMAP4.error(f"{what} was refused: {data!r}")
    return list(data)


def _fetched_bytes(data: list[object]) -> bytes | None:
    for item in data:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            return item[1]
    return None


def _imap_done(imap: imaplib.IMAP4, uid: str, done_folder: str, *, can_move: bool) -> bool:
    """Mark a handled message read and move it where one was named; whether it still must be
    expunged (moved by copying)."""
    _check(imap.uid("STORE", uid, "+FLAGS", "(\\Seen)"), "Marking a message read")
    if not done_folder:
        return False
    if can_move:
        _check(imap.uid("MOVE", uid, _quoted(done_folder)), "Moving a message")
        return False
    _check(imap.uid("COPY", uid, _quoted(done_folder)), "Copying a message")
    _check(imap.uid("STORE", uid, "+FLAGS", "(\\Deleted)"), "Marking a copied message deleted")
    return True


def _quoted(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def imap_read(mailbox: str, config: ImapSettings) -> MailboxReport:
    """Read the unread messages of the IMAP folder. Each is fetched without marking it read,
    and marked read (or moved) only once stored; one that cannot be read is flagged and
    marked read, so that it is not read every few minutes, and logged."""
    report = MailboxReport()
    context = ssl.create_default_context(cafile=config.ca_file or None)
    with imaplib.IMAP4_SSL(config.host, config.port, ssl_context=context, timeout=60) as imap:
        imap.login(config.user, config.password)
        _check(imap.select(_quoted(config.folder)), f"Opening the folder {config.folder}")
        can_move = "MOVE" in imap.capabilities
        data = _check(imap.uid("SEARCH", "UNSEEN"), "Finding unread messages")
        uids = [uid.decode() for uid in (data[0] or b"").split()] if isinstance(data[0], bytes) else []
        expunge = False
        for uid in uids:
            raw = _fetched_bytes(_check(imap.uid("FETCH", uid, "(BODY.PEEK[])"), "Fetching a message"))
            if raw is None:
                report.left += 1
                continue
            try:
                message = email_parse(raw)
            except UnreadableEmail as error:
                _check(imap.uid("STORE", uid, "+FLAGS", "(\\Flagged \\Seen)"), "Flagging a message")
                logger.warning(
                    "Mailbox %s: message %s is not an email Chorus can read (%s): flagged",
                    mailbox,
                    uid,
                    error,
                )
                report.failed += 1
                continue
            try:
                new = message_deliver(mailbox, message)
            except Exception:
                logger.exception(
                    "Mailbox %s: message %s could not be stored; it is left unread", mailbox, uid
                )
                report.left += 1
                continue
            expunge = _imap_done(imap, uid, config.done_folder, can_move=can_move) or expunge
            if new:
                report.stored += 1
            else:
                report.already += 1
        if expunge:
            imap.expunge()
        imap.logout()
    return report


# Which mailboxes are set up, and reading them --------------------------------------------


def _setting(mailbox: str, name: str) -> str:
    return str(getattr(settings, f"CHORUS_{mailbox.upper()}_{name}", "") or "")


def mailbox_source(mailbox: str) -> Path | ImapSettings | None:
    """Where ``mailbox`` is read from, as the settings say; None when it is not set up."""
    host = _setting(mailbox, "IMAP_HOST")
    if host:
        return ImapSettings(
            host=host,
            port=int(_setting(mailbox, "IMAP_PORT") or 993),
            user=_setting(mailbox, "IMAP_USER"),
            password=_setting(mailbox, "IMAP_PASSWORD"),
            folder=_setting(mailbox, "IMAP_FOLDER") or "INBOX",
            done_folder=_setting(mailbox, "IMAP_DONE_FOLDER"),
            ca_file=_setting(mailbox, "IMAP_CA_FILE"),
        )
    folder = _setting(mailbox, "MAILBOX")
    return Path(folder) if folder else None


def mailbox_read(mailbox: str) -> MailboxReport | None:
    """Read ``mailbox`` from where it is set up; None when it is not."""
    source = mailbox_source(mailbox)
    if source is None:
        return None
    if isinstance(source, Path):
        return folder_read(mailbox, source)
    return imap_read(mailbox, source)


def mailboxes_read() -> dict[str, MailboxReport]:
    """Read every set-up mailbox an app reads messages from."""
    reports: dict[str, MailboxReport] = {}
    for mailbox in sorted(CONSUMERS):
        try:
            report = mailbox_read(mailbox)
        except (OSError, imaplib.IMAP4.error):
            # The mail server is away or refused the sign-in: tried again next time.
            logger.exception("Mailbox %s could not be read", mailbox)
            continue
        if report is not None:
            reports[mailbox] = report
    return reports
