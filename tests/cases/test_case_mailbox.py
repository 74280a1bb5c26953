"""Email to the case address: a new email opens an enquiry, a reply carrying a case's
reference goes on that case, files pass the public form's checks, automatic replies open
nothing, and each message is stored once however often it is read."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from chorus.accounts.models import User
from chorus.cases.erasure import cases_anonymise
from chorus.cases.models import Case, CaseAttachment, CaseEmail, CaseNote, Channel, Kind, Status
from chorus.cases.services import case_close
from chorus.core.mailbox import mailbox_read
from chorus.core.models import AuditEntry, MailboxMessage
from tests.cases.conftest import open_case
from tests.conftest import sign_in
from tests.core.mail_fixtures import PDF, PNG, build, drop
from tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def folder(tmp_path: Path, settings: Any) -> Path:
    settings.CHORUS_CASES_IMAP_HOST = ""
    settings.CHORUS_CASES_MAILBOX = str(tmp_path / "cases")
    return tmp_path / "cases"


def read(folder: Path, *emails: bytes, capture: Any = None) -> None:
    for number, raw in enumerate(emails):
        drop(folder, f"message-{number}-{len(list(folder.glob('**/*.eml')))}", raw)
    if capture is None:
        mailbox_read("cases")
        return
    with capture(execute=True):
        mailbox_read("cases")


def test_a_new_email_opens_an_enquiry_by_email_and_tells_them_its_reference(
    folder: Path, django_capture_on_commit_callbacks: Any
) -> None:
    person = make_person(first_name="Carys", last_name="Jones", emails=["carys@contact.example"])
    read(folder, build(), capture=django_capture_on_commit_callbacks)
    case = Case.objects.get()
    assert (case.kind, case.channel, case.status) == (Kind.ENQUIRY, Channel.EMAIL, Status.OPEN)
    assert (case.name, case.email) == ("Carys Jones", "carys@contact.example")
    assert case.description == "The hearing loop in court 2 did not work on Monday."
    # Matched to the directory as every case is.
    assert case.person == person
    kept = CaseEmail.objects.get(case=case)
    assert (
        kept.subject == "The hearing loop in court 2" and kept.note is None and kept.to == "cases@chorus.test"
    )
    # The acknowledgement carries the reference, which their reply will too.
    [acknowledgement] = mail.outbox
    assert acknowledgement.to == ["carys@contact.example"] and case.reference in acknowledgement.subject
    entry = AuditEntry.objects.get(object_id=str(case.code), action="create")
    assert entry.actor is None and entry.actor_label == "the person, by email"
    assert entry.detail == {"kind": "enquiry", "channel": "email"}
    assert MailboxMessage.objects.get().outcome == f"opened {case.reference}"


def test_an_html_only_email_opens_a_case_with_its_words(folder: Path) -> None:
    read(folder, build(text=None, html="<p>The lift is broken.</p><script>steal()</script>"))
    assert Case.objects.get().description == "The lift is broken."


def test_an_email_in_welsh_opens_a_case_answered_in_welsh(folder: Path) -> None:
    read(folder, build(headers=(("Content-Language", "cy"),)))
    assert Case.objects.get().language == "cy"


def test_files_that_pass_the_forms_checks_are_kept_and_the_others_listed_with_why(folder: Path) -> None:
    attachments = (
        ("letter.pdf", PDF, "application/pdf"),
        ("photo.png", PNG, "image/png"),
        ("setup.exe", b"MZ\x90\x00", "application/octet-stream"),
        ("fake.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"),
    )
    read(folder, build(attachments=attachments))
    case = Case.objects.get()
    assert sorted(a.original_name for a in case.attachments.all()) == ["letter.pdf", "photo.png"]
    assert CaseEmail.objects.get().refused == [
        {"name": "setup.exe", "reason": "type"},
        {"name": "fake.pdf", "reason": "content"},
    ]


def test_a_reply_with_a_reference_goes_on_that_case_as_their_message(folder: Path) -> None:
    case = open_case(kind=Kind.ENQUIRY, channel="email", email="carys@contact.example")
    subject = f"RE: We have your enquiry: {case.reference.lower()}"
    read(
        folder,
        build(
            subject=subject,
            text="Thank you. It happened again today.",
            attachments=(("more.pdf", PDF, "application/pdf"),),
        ),
    )
    assert Case.objects.count() == 1
    note = case.notes.get(kind=CaseNote.Kind.EMAIL)
    assert note.text == "Thank you. It happened again today." and note.author is None
    assert note.email.subject == subject
    assert [a.original_name for a in CaseAttachment.objects.filter(case=case)] == ["more.pdf"]
    entry = AuditEntry.objects.filter(object_id=str(case.code), action="change").get()
    assert entry.actor_label == "the person, by email" and entry.detail["files kept"] == 1
    assert MailboxMessage.objects.get().outcome == f"added to {case.reference}"


def test_a_reply_to_a_closed_case_opens_it_again(folder: Path, admin: User) -> None:
    case = open_case(kind=Kind.ENQUIRY)
    case_close(actor=admin, case=case, outcome="", lesson_learned="")
    read(folder, build(subject=f"Re: {case.reference}", text="This is not fixed."))
    case.refresh_from_db()
    assert case.status == Status.OPEN
    kinds = list(case.notes.values_list("kind", flat=True))
    assert kinds[-2:] == [CaseNote.Kind.EMAIL, CaseNote.Kind.REOPENED]


def test_someone_else_quoting_a_closed_case_s_reference_does_not_reopen_it(folder: Path, admin: User) -> None:
    case = open_case(kind=Kind.ENQUIRY)
    case_close(actor=admin, case=case, outcome="", lesson_learned="")
    read(
        folder,
        build(subject=f"Fwd: {case.reference}", text="Forwarding this.", sender="someone@else.example"),
    )
    case.refresh_from_db()
    assert case.status == Status.CLOSED
    note = case.notes.get(kind=CaseNote.Kind.EMAIL)
    assert note.text == "Forwarding this." and note.email.sender == "someone@else.example"


def test_a_reference_chorus_does_not_hold_opens_a_new_case(folder: Path) -> None:
    read(folder, build(subject="About CAS-2019-999999"))
    assert Case.objects.get().channel == Channel.EMAIL


@pytest.mark.parametrize(
    ("headers", "sender"),
    [
        ((("Auto-Submitted", "auto-replied"),), "Carys <carys@contact.example>"),
        ((), "MAILER-DAEMON@mx.example"),
    ],
)
def test_an_automatic_reply_or_a_bounce_opens_no_case_but_is_recorded(
    folder: Path, headers: tuple[tuple[str, str], ...], sender: str
) -> None:
    case = open_case(kind=Kind.ENQUIRY)
    read(folder, build(headers=headers, sender=sender, subject=f"Out of office: {case.reference}"))
    assert Case.objects.count() == 1 and not case.notes.filter(kind=CaseNote.Kind.EMAIL).exists()
    assert MailboxMessage.objects.get().outcome.startswith("no case: ")
    assert len(list((folder / "done").iterdir())) == 1


def test_chorus_s_own_email_coming_back_opens_no_case(folder: Path, settings: Any) -> None:
    settings.DEFAULT_FROM_EMAIL = "Courts <no-reply@chorus.test>"
    read(folder, build(sender="no-reply@chorus.test", subject="We have your enquiry"))
    assert not Case.objects.exists()
    assert MailboxMessage.objects.get().outcome == "no case: sent by Chorus"


def test_the_same_message_read_twice_opens_one_case(folder: Path) -> None:
    raw = build(message_id="<twice@contact.example>")
    read(folder, raw)
    read(folder, raw)
    assert Case.objects.count() == 1 and CaseEmail.objects.count() == 1


def test_a_malformed_file_opens_nothing_and_is_put_aside(folder: Path) -> None:
    read(folder, b"From nowhere\x00\x01\x02")
    assert not Case.objects.exists()
    assert len([p for p in (folder / "failed").iterdir() if p.suffix == ".eml"]) == 1


def test_a_sender_address_django_would_refuse_still_opens_a_case_without_a_reply_address(
    folder: Path,
) -> None:
    read(folder, build(sender="someone@localhost.invalid_tld_"))
    case = Case.objects.get()
    assert case.email == "" and case.name == "someone@localhost.invalid_tld_"


def test_the_case_page_shows_it_came_by_email_and_the_emails_details(
    folder: Path, admin_client: Client
) -> None:
    read(folder, build(attachments=(("setup.exe", b"MZ", "application/octet-stream"),)))
    case = Case.objects.get()
    read(folder, build(subject=f"Re: {case.reference}", text="Any news?"))
    page = admin_client.get(reverse("cases:case_detail", args=[case.code])).content.decode()
    assert "Email, " in page  # how it came to us
    assert "The email it came in" in page and "The hearing loop in court 2" in page
    assert "Carys Jones &lt;carys@contact.example&gt;" in page
    assert "7 December 2026 at 9:30am" in page
    assert "setup.exe: The file must be a PDF, Word, OpenDocument, text, JPEG or PNG file" in page
    assert "Email received" in page and "Any news?" in page
    assert "None" not in page
    assert not re.search(r">[^<]*\d{4}-\d\d-\d\dT", page), "an ISO timestamp shown as text"


def test_their_emails_words_are_marked_with_the_cases_language_on_a_page_in_the_other(
    folder: Path, admin_client: Client
) -> None:
    read(folder, build())
    case = Case.objects.get()
    read(folder, build(subject=f"Re: {case.reference}", text="Any news?"))
    read(folder, build(subject=f"Re: {case.reference}", text=""))
    english = admin_client.get(reverse("cases:case_detail", args=[case.code])).content.decode()
    assert 'lang="en"' not in english.split("<main", 1)[1]
    welsh = admin_client.get("/cy" + reverse("cases:case_detail", args=[case.code])).content.decode()
    assert '<span lang="en">The hearing loop in court 2</span>' in welsh  # the email it came in
    assert f'lang="en">Re: {case.reference}</p>' in welsh
    assert '<div lang="en">Any news?</div>' in welsh
    # What Chorus writes for an email with no words is in the page's language, not marked.
    assert 'lang="en">Nid oedd' not in welsh and '<div lang="en">The email had no text' not in welsh


def test_a_viewer_sees_the_email_but_not_who_it_was_from(folder: Path, client: Client, viewer: User) -> None:
    read(folder, build())
    sign_in(client, viewer)
    page = client.get(reverse("cases:case_detail", args=[Case.objects.get().code])).content.decode()
    assert "The email it came in" in page and "carys@contact.example" not in page


def test_what_email_writes_on_the_timeline_is_shown_in_the_readers_language(
    folder: Path, admin_client: Client, admin: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = open_case(kind=Kind.ENQUIRY)
    case_close(actor=admin, case=case, outcome="", lesson_learned="")
    read(folder, build(subject=f"Re: {case.reference}", text=""))
    # Kept in English, shown through the catalogue (here one that shouts).
    monkeypatch.setattr("chorus.cases.views._", lambda text: str(text).upper())
    page = admin_client.get(reverse("cases:case_detail", args=[case.code])).content.decode()
    assert "THEY EMAILED ABOUT IT AGAIN." in page
    assert "THE EMAIL HAD NO TEXT." in page


def test_erasure_takes_the_person_out_of_their_emails(folder: Path) -> None:
    read(folder, build())
    case = Case.objects.get()
    read(folder, build(subject=f"Re: {case.reference}", text="My address is 1 High Street."))
    cases_anonymise(Case.objects.all())
    assert set(CaseEmail.objects.values_list("sender", "sender_name", "to", "subject")) == {
        ("", "", "", "(removed)")
    }
    assert case.notes.get(kind=CaseNote.Kind.EMAIL).text == "(removed)"
