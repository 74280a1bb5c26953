"""The consultation record holds every version of its documents and every change to its
questions, with dates, in the page, the PDF and the ZIP file."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from chorus.consultations import services
from chorus.consultations.models import Consultation, SupportingDocument
from chorus.core.dates import date_and_time
from chorus.core.models import AuditEntry
from chorus.insights.consultation_record import consultation_record
from chorus.insights.record_pdf import record_pdf_bytes
from tests.factories import ConsultationFactory, QuestionFactory, SectionFactory

pytestmark = pytest.mark.django_db

FIRST = b"%PDF-1.4 first version"
SECOND = b"%PDF-1.4 second version"


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def consultation(team, officer, rf) -> Consultation:
    """Published and open, with a document replaced once and another withdrawn."""
    opens = timezone.now() - timedelta(weeks=2)
    consultation = ConsultationFactory(
        title="Court fees review",
        team=team,
        is_published=True,
        opens_at=opens,
        closes_at=opens + timedelta(weeks=12),
    )
    request = rf.post("/")
    first = services.document_add(
        actor=officer,
        request=request,
        consultation=consultation,
        title="The full proposal",
        title_cy="Y cynnig llawn",
        file=SimpleUploadedFile("proposal.pdf", FIRST),
    )
    services.document_replace(
        actor=officer,
        request=request,
        document=first,
        title="The full proposal, corrected",
        title_cy="Y cynnig llawn",
        # The same file name as the first: both must fit in the ZIP file.
        file=SimpleUploadedFile("proposal.pdf", SECOND),
    )
    annex = services.document_add(
        actor=officer,
        request=request,
        consultation=consultation,
        title="Annex",
        title_cy="",
        file=SimpleUploadedFile("annex.pdf", b"%PDF-1.4 annex"),
    )
    services.document_remove(actor=officer, request=request, document=annex)
    return consultation


def _question_changed(consultation: Consultation, officer, rf) -> None:
    question = QuestionFactory(section=SectionFactory(consultation=consultation), text="Are the fees fair?")
    services.question_update(
        actor=officer,
        request=rf.post("/"),
        question=question,
        section=question.section,
        text="Are the new fees fair?",
    )


def test_the_page_shows_both_versions_and_the_withdrawn_document(
    officer_client: Client, consultation: Consultation
) -> None:
    page = officer_client.get(reverse("insights:consultation_record", args=[consultation.code]))
    text = page.content.decode()

    assert "The full proposal" in text and "The full proposal, corrected" in text
    assert "Replaced by a new version on" in text
    assert "Withdrawn on" in text and "Annex" in text
    for document in SupportingDocument.objects.all():
        staff = reverse("consultations:document_staff_download", args=[consultation.code, document.code])
        assert staff in text
    assert "T00:" not in text and "None" not in text


def test_the_page_shows_a_question_as_it_was_before_it_changed(
    officer_client: Client, consultation: Consultation, officer, rf
) -> None:
    _question_changed(consultation, officer, rf)
    entry = AuditEntry.objects.get(detail__has_key="question changed")
    assert entry.detail["question was"] == "Are the fees fair?"

    text = officer_client.get(
        reverse("insights:consultation_record", args=[consultation.code])
    ).content.decode()

    assert "Question changed: Are the new fees fair?. Before the change it read: Are the fees fair?." in text
    assert "After it opened" in text
    assert "Its questions as they stand now (they were changed after it opened" in text


def test_the_page_dates_read_as_words_in_welsh_too(
    officer_client: Client, consultation: Consultation
) -> None:
    body = officer_client.get(f"/cy/staff/data/consultations/{consultation.code}/record/").content.decode()
    added = SupportingDocument.objects.order_by("created_at").first()
    assert added is not None
    with translation.override("cy"):
        when = date_and_time(added.created_at)
    assert " am " in when  # "5 Rhagfyr 2026 am 11:03yh"
    assert when in body
    assert added.created_at.isoformat()[:10] not in body


def test_the_pdf_lists_every_version_and_the_question_change(consultation: Consultation, officer, rf) -> None:
    _question_changed(consultation, officer, rf)
    record = consultation_record(consultation, officer)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(record_pdf_bytes(record))).pages)
    flat = " ".join(text.split())

    assert "Documents: every version" in flat
    assert "The full proposal, corrected" in flat
    assert "Replaced on" in flat and "Withdrawn on" in flat
    assert "Are the fees fair?" in flat
    assert "None" not in flat and "T00:" not in flat


def test_the_zip_holds_every_version_in_a_folder_per_document(
    officer_client: Client, consultation: Consultation
) -> None:
    download = officer_client.get(reverse("insights:consultation_record_zip", args=[consultation.code]))
    with zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))) as archive:
        names = set(archive.namelist())
        assert {
            "documents/01-the-full-proposal/v1-proposal.pdf",
            "documents/01-the-full-proposal/v2-proposal.pdf",
            "documents/02-annex/v1-annex.pdf",
        } <= names
        assert archive.read("documents/01-the-full-proposal/v1-proposal.pdf") == FIRST
        assert archive.read("documents/01-the-full-proposal/v2-proposal.pdf") == SECOND
        rows = list(csv.reader(io.StringIO(archive.read("documents-every-version.csv").decode())))
    assert [row[:2] for row in rows[1:]] == [
        ["The full proposal", "1"],
        ["The full proposal, corrected", "2"],
        ["Annex", "1"],
    ]
    assert rows[3][4].startswith("Withdrawn on")


def test_the_checklist_counts_only_the_documents_people_are_given_now(
    consultation: Consultation, officer
) -> None:
    record = consultation_record(consultation, officer)
    assert [d.title for d in record.documents] == ["The full proposal, corrected"]
    assert [len(h.versions) for h in record.document_histories] == [2, 1]
