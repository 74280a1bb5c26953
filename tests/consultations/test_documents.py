from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from chorus.consultations import forms as consultation_forms
from chorus.consultations.models import Consultation, SupportingDocument
from chorus.core.models import AuditEntry
from tests.conftest import sign_in
from tests.factories import ConsultationFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def consultation(team) -> Consultation:
    return ConsultationFactory(is_published=True)


def _upload(
    client: Client, consultation: Consultation, name: str, content: bytes, title: str = "The proposal"
):
    return client.post(
        reverse("consultations:document_add", args=[consultation.code]),
        {"title": title, "title_cy": "Y cynnig", "file": SimpleUploadedFile(name, content)},
        follow=True,
    )


def test_an_officer_adds_a_document_that_the_public_can_download(
    officer_client: Client, consultation, client: Client
) -> None:
    _upload(officer_client, consultation, "proposal.pdf", PDF)
    document = SupportingDocument.objects.get()
    assert (document.original_name, document.size, document.extension) == ("proposal.pdf", len(PDF), "PDF")
    assert AuditEntry.objects.filter(
        object_id=str(consultation.code), detail__has_key="document added"
    ).exists()
    public = Client()
    page = public.get(reverse("consultations:public_consultation", args=[consultation.code])).content.decode()
    url = reverse("consultations:document_download", args=[consultation.code, document.code])
    assert url in page and "The proposal" in page and "PDF" in page
    download = public.get(url)
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF
    welsh = public.get(f"/cy/consultations/{consultation.code}/").content.decode()
    assert "Y cynnig" in welsh


def test_bad_files_are_refused_and_nothing_is_stored(
    officer_client: Client, consultation, monkeypatch
) -> None:
    page = _upload(officer_client, consultation, "run.exe", b"MZ").content.decode()
    assert "The file must be a PDF, Word, OpenDocument, Excel, PowerPoint, CSV or text file" in page
    page = _upload(officer_client, consultation, "empty.pdf", b"").content.decode()
    assert "The file is empty" in page
    monkeypatch.setattr(consultation_forms, "DOCUMENT_MOST_BYTES", 10)
    page = _upload(officer_client, consultation, "big.pdf", PDF).content.decode()
    assert "The file must be smaller than 25 MB" in page
    page = _upload(officer_client, consultation, "proposal.pdf", PDF, title="").content.decode()
    assert "Enter a title" in page
    assert not SupportingDocument.objects.exists()


def test_documents_of_unpublished_consultations_stay_private(
    officer_client: Client, consultation, outsider
) -> None:
    _upload(officer_client, consultation, "notes.docx", b"PK\x03\x04 not really")
    document = SupportingDocument.objects.get()
    Consultation.objects.update(is_published=False)
    assert (
        Client()
        .get(reverse("consultations:document_download", args=[consultation.code, document.code]))
        .status_code
        == 404
    )
    staff = officer_client.get(
        reverse("consultations:document_staff_download", args=[consultation.code, document.code])
    )
    assert staff.status_code == 200 and "attachment" in staff["Content-Disposition"]
    Consultation.objects.update(team=outsider.teams.first())
    other = Client()
    sign_in(other, outsider)
    officer_client.post(reverse("consultations:document_remove", args=[consultation.code, document.code]))
    assert SupportingDocument.objects.exists()  # the officer's team no longer sees it
    other.post(reverse("consultations:document_remove", args=[consultation.code, document.code]))
    assert not SupportingDocument.objects.exists()
