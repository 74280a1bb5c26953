"""A published consultation keeps every version of its documents, but a file uploaded by
mistake (with someone's personal data in it, say) must still be able to go: an
administrator may delete one version's file for good, with a reason. The version stays
as a placeholder that says when, by whom and why; everyone else is refused."""

from __future__ import annotations

import csv
import html
import io
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from chorus.accounts.models import User
from chorus.consultations import services
from chorus.consultations.models import Consultation, SupportingDocument
from chorus.core.audit_text import audit_sentences
from chorus.core.models import AuditEntry
from tests.conftest import sign_in
from tests.factories import ConsultationFactory

pytestmark = pytest.mark.django_db

FIRST = b"%PDF-1.4\nfirst version, with a respondent's address in it\n%%EOF\n"
SECOND = b"%PDF-1.4\nsecond version\n%%EOF\n"
REASON = "It held a respondent's home address"


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def consultation(team) -> Consultation:
    return ConsultationFactory(title="Court fees review", team=team, is_published=True)


def _versions(consultation: Consultation, officer: User) -> tuple[SupportingDocument, SupportingDocument]:
    """A document replaced once: the first version and the current one."""
    request = RequestFactory().post("/")
    first = services.document_add(
        actor=officer,
        request=request,
        consultation=consultation,
        title="The full proposal",
        title_cy="Y cynnig llawn",
        file=SimpleUploadedFile("proposal.pdf", FIRST),
    )
    second = services.document_replace(
        actor=officer,
        request=request,
        document=first,
        title="The full proposal, corrected",
        title_cy="Y cynnig llawn",
        file=SimpleUploadedFile("proposal-v2.pdf", SECOND),
    )
    first.refresh_from_db()
    return first, second


def _url(document: SupportingDocument) -> str:
    return reverse("consultations:document_file_delete", args=[document.consultation.code, document.code])


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


def _public_page(consultation: Consultation) -> str:
    return (
        Client().get(reverse("consultations:public_consultation", args=[consultation.code])).content.decode()
    )


def test_an_administrator_deletes_a_replaced_versions_file_and_the_version_stays(
    admin_client: Client, admin, officer, consultation, django_capture_on_commit_callbacks
) -> None:
    first, second = _versions(consultation, officer)
    stored = first.file.name
    storage = first.file.storage
    detail = admin_client.get(reverse("consultations:consultation_detail", args=[consultation.code]))
    assert _url(first) in detail.content.decode()

    confirm = admin_client.get(_url(first))
    assert confirm.status_code == 200
    assert "Delete this version's file" in _text(confirm)
    with django_capture_on_commit_callbacks(execute=True):
        page = admin_client.post(_url(first), {"reason": REASON}, follow=True)

    assert page.status_code == 200
    assert not storage.exists(stored)
    first.refresh_from_db()
    assert first.file_deleted_at is not None
    assert (first.file_deleted_by, first.file_deleted_reason) == (admin, REASON)
    assert not first.file
    # A replaced version was not current: nothing is withdrawn, the new one stays offered.
    assert first.withdrawn_at is None
    assert list(consultation.documents.current()) == [second]
    text = page.content.decode()
    assert "File deleted on" in text and f"by Ada Admin: {REASON}" in text.replace("&#x27;", "'")
    assert reverse("consultations:document_staff_download", args=[consultation.code, first.code]) not in text
    assert "None" not in text and "T00:" not in text and "None" not in _text(confirm)
    entry = AuditEntry.objects.get(detail__has_key="document file deleted")
    assert entry.actor == admin and entry.object_id == str(consultation.code)
    assert audit_sentences(entry) == [
        "A version's file deleted for good: The full proposal.",
        f"Reason: {REASON}",
    ]


def test_deleting_the_current_versions_file_withdraws_the_document(
    admin_client: Client, admin, officer, django_capture_on_commit_callbacks
) -> None:
    consultation = ConsultationFactory(title="Court fees review", is_published=True)  # open to everyone
    _, second = _versions(consultation, officer)
    assert "The full proposal, corrected" in _public_page(consultation)

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(_url(second), {"reason": REASON})

    second.refresh_from_db()
    assert second.file_deleted_at is not None
    assert second.withdrawn_at is not None and second.withdrawn_by == admin
    assert not consultation.documents.current().exists()
    assert "The full proposal" not in _public_page(consultation)
    public = Client().get(reverse("consultations:document_download", args=[consultation.code, second.code]))
    assert public.status_code == 404


def test_the_staff_download_of_a_deleted_file_says_so(
    admin_client: Client, officer, consultation, django_capture_on_commit_callbacks
) -> None:
    first, _ = _versions(consultation, officer)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(_url(first), {"reason": REASON})

    download = admin_client.get(
        reverse("consultations:document_staff_download", args=[consultation.code, first.code])
    )

    assert download.status_code == 404
    assert "This version's file was deleted" in _text(download)
    # Asking again is not a second deletion.
    assert admin_client.get(_url(first)).status_code == 404


def test_the_record_and_its_zip_leave_the_file_out_and_say_why(
    admin_client: Client, officer, consultation, django_capture_on_commit_callbacks
) -> None:
    first, _ = _versions(consultation, officer)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(_url(first), {"reason": REASON})

    record = admin_client.get(reverse("insights:consultation_record", args=[consultation.code]))
    assert f"by Ada Admin: {REASON}" in _text(record)
    download = admin_client.get(reverse("insights:consultation_record_zip", args=[consultation.code]))
    with zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))) as archive:
        names = set(archive.namelist())
        rows = list(csv.reader(io.StringIO(archive.read("documents-every-version.csv").decode())))
        held = b"".join(archive.read(name) for name in names)

    assert "documents/01-the-full-proposal/v2-proposal-v2.pdf" in names
    assert not any(name.endswith("v1-proposal.pdf") for name in names)
    assert FIRST not in held
    assert [row[:2] for row in rows[1:]] == [
        ["The full proposal", "1"],
        ["The full proposal, corrected", "2"],
    ]
    assert rows[1][2].startswith("File deleted on") and rows[1][2].endswith(f"by Ada Admin: {REASON}")


def test_the_page_asks_in_welsh_too(admin_client: Client, officer, consultation) -> None:
    first, _ = _versions(consultation, officer)
    with translation.override("cy"):
        url = _url(first)
    assert url.startswith("/cy/")
    assert admin_client.get(url).status_code == 200


def test_an_empty_reason_is_refused_and_nothing_changes(
    admin_client: Client, officer, consultation, django_capture_on_commit_callbacks
) -> None:
    first, _ = _versions(consultation, officer)

    with django_capture_on_commit_callbacks(execute=True):
        page = admin_client.post(_url(first), {"reason": "   "})

    assert page.status_code == 200
    assert "Enter why the file is being deleted" in page.content.decode()
    first.refresh_from_db()
    assert first.file_deleted_at is None and first.file.read() == FIRST
    assert not AuditEntry.objects.filter(detail__has_key="document file deleted").exists()


def test_an_officer_of_its_team_is_refused_and_sees_no_button(
    officer_client: Client, officer, consultation
) -> None:
    first, _ = _versions(consultation, officer)

    detail = officer_client.get(reverse("consultations:consultation_detail", args=[consultation.code]))
    assert _url(first) not in detail.content.decode()
    assert officer_client.get(_url(first)).status_code == 403
    assert officer_client.post(_url(first), {"reason": REASON}).status_code == 403
    first.refresh_from_db()
    assert first.file_deleted_at is None and first.file.read() == FIRST


def test_another_teams_officer_finds_nothing(client: Client, officer, outsider, consultation) -> None:
    first, _ = _versions(consultation, officer)
    sign_in(client, outsider)

    assert client.get(_url(first)).status_code == 404
    assert client.post(_url(first), {"reason": REASON}).status_code == 404
    first.refresh_from_db()
    assert first.file_deleted_at is None


def test_a_drafts_document_is_removed_not_purged(admin_client: Client, officer, team) -> None:
    draft = ConsultationFactory(team=team, is_published=False)
    document = services.document_add(
        actor=officer,
        request=RequestFactory().post("/"),
        consultation=draft,
        title="Notes",
        title_cy="",
        file=SimpleUploadedFile("notes.pdf", FIRST),
    )
    assert admin_client.post(_url(document), {"reason": REASON}).status_code == 404
