"""The mailbox reader: reading an email's parts, a folder of .eml files and an IMAP mailbox
(a real TLS connection to a small IMAP server on loopback), each message handed on once."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from chorus.core import mailbox as reader
from chorus.core.mailbox import (
    CONSUMERS,
    IncomingEmail,
    UnreadableEmail,
    email_parse,
    html_to_text,
    mailbox_read,
    mailboxes_read,
)
from chorus.core.models import MailboxMessage
from chorus.core.schedule import PERIODIC
from tests.core.fake_imap import FakeImapServer, Mailbox, make_certificate
from tests.core.mail_fixtures import PDF, SENT, build, drop

BOX = "testbox"


class Received:
    """A consumer that keeps what it is given, and fails when told to."""

    def __init__(self) -> None:
        self.messages: list[IncomingEmail] = []
        self.fail = False

    def __call__(self, message: IncomingEmail) -> str:
        if self.fail:
            raise RuntimeError("the database went away")
        self.messages.append(message)
        return f"kept {message.subject}"


@pytest.fixture
def received() -> Iterator[Received]:
    consumer = Received()
    CONSUMERS[BOX] = [consumer]
    yield consumer
    CONSUMERS.pop(BOX, None)


@pytest.fixture
def folder(tmp_path: Path, settings: Any) -> Path:
    settings.CHORUS_TESTBOX_MAILBOX = str(tmp_path / "mailbox")
    return tmp_path / "mailbox"


# Reading one email -----------------------------------------------------------------------


def test_it_reads_who_sent_it_to_whom_when_and_what_it_says() -> None:
    raw = build(cc="Team <team@chorus.test>", message_id="<abc.123@contact.example>")
    message = email_parse(raw)
    assert message.sender == "carys@contact.example"
    assert message.sender_name == "Carys Jones"
    assert message.to == ["cases@chorus.test"] and message.cc == ["team@chorus.test"]
    assert message.subject == "The hearing loop in court 2"
    assert message.sent_at == SENT
    assert message.text == "The hearing loop in court 2 did not work on Monday."
    assert message.message_id == message.key == "abc.123@contact.example"
    assert message.attachments == [] and message.automatic == ""


def test_the_plain_text_is_preferred_and_the_html_version_is_not_an_attachment() -> None:
    message = email_parse(build(text="Plain words", html="<p>HTML words</p>"))
    assert message.text == "Plain words"
    assert message.attachments == []


def test_an_html_only_email_is_read_as_text_without_its_scripts_or_styles() -> None:
    html = (
        "<html><head><style>p{color:red}</style><title>Hi</title></head><body>"
        "<p>Dear team,</p><p>The <b>loop</b> &amp; the lift<br>were broken.</p>"
        "<script>alert('x')</script><ul><li>court 2</li><li>court 3</li></ul></body></html>"
    )
    message = email_parse(build(text=None, html=html))
    assert message.text == "Dear team,\n\nThe loop & the lift\nwere broken.\n\n- court 2\n\n- court 3"
    assert "alert" not in message.text and "color" not in message.text


def test_html_to_text_leaves_no_markup() -> None:
    assert html_to_text('<div onclick="x()">a &lt;b&gt; <img src=x onerror=y>c</div>') == "a <b> c"


def test_attachments_are_read_with_their_names_and_contents() -> None:
    message = email_parse(build(attachments=(("letter.pdf", PDF, "application/pdf"),)))
    [attachment] = message.attachments
    assert (attachment.name, attachment.content_type, attachment.data) == (
        "letter.pdf",
        "application/pdf",
        PDF,
    )


def test_an_attachment_name_cannot_climb_out_of_a_folder_and_is_kept_short() -> None:
    files = (
        ("../../etc/passwd.pdf", PDF, "application/pdf"),
        ("C:\\Users\\me\\letter.pdf", PDF, "application/pdf"),
        ("x" * 300 + ".pdf", PDF, "application/pdf"),
    )
    names = [a.name for a in email_parse(build(attachments=files)).attachments]
    assert names[:2] == ["passwd.pdf", "letter.pdf"]
    assert len(names[2]) == 200 and names[2].endswith("x.pdf")


@pytest.mark.parametrize(
    ("headers", "sender", "why"),
    [
        (
            (("Auto-Submitted", "auto-replied"),),
            "Carys <carys@contact.example>",
            "Auto-Submitted: auto-replied",
        ),
        ((), "Mail Delivery System <MAILER-DAEMON@mx.example>", "a delivery report"),
        ((), "postmaster@mx.example", "a delivery report"),
        ((("X-Autoreply", "yes"),), "Carys <carys@contact.example>", "an automatic reply"),
        ((("Precedence", "bulk"),), "News <news@example.org>", "sent in bulk"),
    ],
)
def test_automatic_messages_say_why(headers: tuple[tuple[str, str], ...], sender: str, why: str) -> None:
    assert email_parse(build(headers=headers, sender=sender)).automatic == why


def test_auto_submitted_no_is_a_person_writing() -> None:
    assert email_parse(build(headers=(("Auto-Submitted", "no"),))).automatic == ""


@pytest.mark.parametrize(
    "raw", [b"", b"   \n", b"\x00\x01\x02 not an email at all", b"Subject: no sender\n\nHello"]
)
def test_what_is_not_an_email_is_unreadable(raw: bytes) -> None:
    with pytest.raises(UnreadableEmail):
        email_parse(raw)


def test_without_a_message_id_the_same_bytes_are_the_same_message() -> None:
    raw = build().replace(b"Message-ID:", b"X-Old-ID:")
    assert email_parse(raw).message_id == ""
    assert email_parse(raw).key == email_parse(raw).key
    assert email_parse(raw).key.startswith("sha256:")


def test_an_unknown_charset_is_read_as_well_as_it_can_be() -> None:
    raw = build(text="caf\u00e9").replace(b'charset="utf-8"', b'charset="x-unknown"')
    assert email_parse(raw).text.startswith("caf")


# A folder of .eml files --------------------------------------------------------------------


@pytest.mark.django_db
def test_each_file_is_handed_on_once_and_moved_to_done(folder: Path, received: Received) -> None:
    drop(folder, "one", build(subject="First"))
    drop(folder, "two", build(subject="Second"))
    (folder / ".three.part").write_bytes(b"still being written")
    report = mailbox_read(BOX)
    assert report is not None and (report.stored, report.already, report.failed) == (2, 0, 0)
    assert [m.subject for m in received.messages] == ["First", "Second"]
    assert sorted(p.name for p in (folder / "done").iterdir()) == ["one.eml", "two.eml"]
    assert not list(folder.glob("*.eml")) and (folder / ".three.part").exists()
    assert set(MailboxMessage.objects.values_list("outcome", flat=True)) == {"kept First", "kept Second"}
    report = mailbox_read(BOX)
    assert report is not None and report.stored == 0 and len(received.messages) == 2


@pytest.mark.django_db
def test_an_unreadable_file_goes_to_failed_with_why(
    folder: Path, received: Received, caplog: pytest.LogCaptureFixture
) -> None:
    drop(folder, "broken", b"\x00\x01 this is not an email")
    with caplog.at_level(logging.WARNING, logger="chorus.core.mailbox"):
        report = mailbox_read(BOX)
    assert report is not None and report.failed == 1 and received.messages == []
    assert (folder / "failed" / "broken.eml").read_bytes() == b"\x00\x01 this is not an email"
    assert "no sender" in (folder / "failed" / "broken.eml.reason.txt").read_text()
    assert "broken.eml" in caplog.text and "failed/" in caplog.text


@pytest.mark.django_db
def test_the_same_message_id_twice_is_handed_on_once(folder: Path, received: Received) -> None:
    drop(folder, "a", build(message_id="<same@contact.example>"))
    drop(folder, "b", build(message_id="<same@contact.example>", subject="Sent again"))
    report = mailbox_read(BOX)
    assert report is not None and (report.stored, report.already) == (1, 1)
    assert len(received.messages) == 1
    assert len(list((folder / "done").iterdir())) == 2


@pytest.mark.django_db
def test_a_file_of_the_same_name_in_done_is_not_overwritten(folder: Path, received: Received) -> None:
    drop(folder, "a", build(subject="First"))
    mailbox_read(BOX)
    drop(folder, "a", build(subject="Second"))
    mailbox_read(BOX)
    assert sorted(p.name for p in (folder / "done").iterdir()) == ["a-1.eml", "a.eml"]


@pytest.mark.django_db
def test_a_crash_between_storing_and_moving_stores_nothing_twice(
    folder: Path, received: Received, monkeypatch: pytest.MonkeyPatch
) -> None:
    drop(folder, "a", build())

    def power_cut(path: Path, to: Path) -> None:
        raise SystemExit("the machine stopped")

    monkeypatch.setattr(reader, "_move", power_cut)
    with pytest.raises(SystemExit):
        mailbox_read(BOX)
    assert len(received.messages) == 1 and (folder / "a.eml").exists()
    monkeypatch.undo()
    report = mailbox_read(BOX)
    assert report is not None and (report.stored, report.already) == (0, 1)
    assert len(received.messages) == 1
    assert (folder / "done" / "a.eml").exists() and not (folder / "a.eml").exists()


@pytest.mark.django_db
def test_a_message_that_could_not_be_stored_is_left_to_try_again(folder: Path, received: Received) -> None:
    drop(folder, "a", build())
    received.fail = True
    report = mailbox_read(BOX)
    assert report is not None and report.left == 1
    assert (folder / "a.eml").exists() and not MailboxMessage.objects.exists()
    received.fail = False
    report = mailbox_read(BOX)
    assert report is not None and report.stored == 1


@pytest.mark.django_db
def test_a_mailbox_not_set_up_is_not_read(received: Received, settings: Any) -> None:
    settings.CHORUS_TESTBOX_MAILBOX = ""
    assert mailbox_read(BOX) is None
    assert BOX not in mailboxes_read()


@pytest.mark.django_db
def test_the_command_reads_a_mailbox_and_says_what_it_did(folder: Path, received: Received) -> None:
    from io import StringIO

    drop(folder, "a", build())
    out = StringIO()
    call_command("mailbox_read", BOX, stdout=out)
    assert out.getvalue().strip() == "testbox: 1 stored, 0 already read, 0 unreadable, 0 left to try again"


def test_the_command_names_the_mailboxes_there_are(received: Received) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No mailbox called nowhere"):
        call_command("mailbox_read", "nowhere")


def test_the_mailboxes_are_read_every_five_minutes() -> None:
    from datetime import timedelta

    assert PERIODIC["chorus.core.jobs.mailboxes_read_job"].every == timedelta(minutes=5)


# IMAP over TLS -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def imap(certificate: tuple[Path, Path], settings: Any) -> Iterator[Mailbox]:
    cert, key = certificate
    with FakeImapServer(cert, key) as server:
        settings.CHORUS_TESTBOX_IMAP_HOST = "127.0.0.1"
        settings.CHORUS_TESTBOX_IMAP_PORT = server.port
        settings.CHORUS_TESTBOX_IMAP_USER = server.mailbox.user
        settings.CHORUS_TESTBOX_IMAP_PASSWORD = server.mailbox.password
        settings.CHORUS_TESTBOX_IMAP_FOLDER = "INBOX"
        settings.CHORUS_TESTBOX_IMAP_CA_FILE = str(cert)
        yield server.mailbox


@pytest.mark.django_db
def test_unread_messages_are_read_and_marked_read_once_stored(imap: Mailbox, received: Received) -> None:
    imap.deliver(build(subject="First"))
    imap.deliver(build(subject="Second"))
    seen = imap.deliver(build(subject="Read before"))
    imap.folders["INBOX"][-1].flags.add("\\Seen")
    report = mailbox_read(BOX)
    assert report is not None and report.stored == 2
    assert [m.subject for m in received.messages] == ["First", "Second"]
    assert all("\\Seen" in m.flags for m in imap.folders["INBOX"])
    # Fetched without marking read (PEEK), marked read only after storing.
    assert any("BODY.PEEK[]" in c for c in imap.commands)
    assert not any(f"FETCH {seen} " in c for c in imap.commands)
    assert mailbox_read(BOX) is not None and len(received.messages) == 2


@pytest.mark.django_db
@pytest.mark.parametrize("can_move", [True, False])
def test_read_messages_move_to_the_done_folder_when_one_is_named(
    imap: Mailbox, received: Received, settings: Any, can_move: bool
) -> None:
    imap.can_move = can_move
    settings.CHORUS_TESTBOX_IMAP_DONE_FOLDER = "Done"
    imap.deliver(build(subject="First"))
    report = mailbox_read(BOX)
    assert report is not None and report.stored == 1
    assert imap.folders["INBOX"] == [] and len(imap.folders["Done"]) == 1


@pytest.mark.django_db
def test_a_message_marked_unread_again_is_not_stored_twice(imap: Mailbox, received: Received) -> None:
    imap.deliver(build(message_id="<once@contact.example>"))
    mailbox_read(BOX)
    imap.folders["INBOX"][0].flags.clear()  # a crash before marking it, or someone marked it unread
    report = mailbox_read(BOX)
    assert report is not None and (report.stored, report.already) == (0, 1)
    assert len(received.messages) == 1 and "\\Seen" in imap.folders["INBOX"][0].flags


@pytest.mark.django_db
def test_an_unreadable_message_is_flagged_and_read_once(imap: Mailbox, received: Received) -> None:
    imap.deliver(b"Subject: no sender\r\n\r\nHello")
    report = mailbox_read(BOX)
    assert report is not None and report.failed == 1
    assert imap.folders["INBOX"][0].flags == {"\\Flagged", "\\Seen"}
    assert received.messages == []


@pytest.mark.django_db
def test_a_message_that_could_not_be_stored_stays_unread(imap: Mailbox, received: Received) -> None:
    imap.deliver(build())
    received.fail = True
    report = mailbox_read(BOX)
    assert report is not None and report.left == 1
    assert imap.folders["INBOX"][0].flags == set()


@pytest.mark.django_db
def test_a_wrong_password_or_an_untrusted_server_is_logged_and_tried_later(
    imap: Mailbox, received: Received, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    imap.deliver(build())
    settings.CHORUS_TESTBOX_IMAP_PASSWORD = "wrong"
    with caplog.at_level(logging.ERROR, logger="chorus.core.mailbox"):
        assert BOX not in mailboxes_read()
    assert "could not be read" in caplog.text
    settings.CHORUS_TESTBOX_IMAP_PASSWORD = imap.password
    settings.CHORUS_TESTBOX_IMAP_CA_FILE = ""  # the system's CAs do not trust the test certificate
    assert BOX not in mailboxes_read()
    assert received.messages == [] and imap.folders["INBOX"][0].flags == set()


@pytest.mark.django_db
def test_the_command_says_why_a_mailbox_could_not_be_read(
    imap: Mailbox, received: Received, settings: Any
) -> None:
    from django.core.management.base import CommandError

    settings.CHORUS_TESTBOX_IMAP_PASSWORD = "wrong"
    with pytest.raises(CommandError, match="testbox: the mailbox could not be read"):
        call_command("mailbox_read", BOX)
