"""A published consultation's documents keep every version: replacing one adds a version
that records what it replaced, removing one withdraws it and keeps its file. A draft's
documents are not evidence, so they are still deleted."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from chorus.consultations.models import Consultation, SupportingDocument
from chorus.core.models import AuditEntry
from tests.conftest import sign_in
from tests.factories import ConsultationFactory

pytestmark = pytest.mark.django_db

FIRST = b"%PDF-1.4\nfirst version\n%%EOF\n"
SECOND = b"%PDF-1.4\nsecond version\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


def _add(client: Client, consultation: Consultation) -> SupportingDocument:
    client.post(
        reverse("consultations:document_add", args=[consultation.code]),
        {"title": "The proposal", "title_cy": "Y cynnig", "file": SimpleUploadedFile("proposal.pdf", FIRST)},
    )
    return SupportingDocument.objects.get()


def _replace(client: Client, consultation: Consultation, document: SupportingDocument, **data: str):
    return client.post(
        reverse("consultations:document_replace", args=[consultation.code, document.code]),
        {
            "title": "The proposal, corrected",
            "title_cy": "Y cynnig",
            "file": SimpleUploadedFile("proposal-v2.pdf", SECOND),
        }
        | data,
        follow=True,
    )


def _public_page(consultation: Consultation) -> str:
    return (
        Client().get(reverse("consultations:public_consultation", args=[consultation.code])).content.decode()
    )


def test_replacing_a_published_document_keeps_the_old_version_and_offers_only_the_new(
    officer_client: Client, team
) -> None:
    consultation = ConsultationFactory(is_published=True)
    first = _add(officer_client, consultation)

    page = _replace(officer_client, consultation, first).content.decode()

    assert "New version uploaded." in page
    second = SupportingDocument.objects.exclude(pk=first.pk).get()
    assert (second.replaces, second.version, second.original_name) == (first, 2, "proposal-v2.pdf")
    first.refresh_from_db()
    assert first.file.read() == FIRST and first.withdrawn_at is None
    assert list(consultation.documents.current()) == [second]
    public = _public_page(consultation)
    assert "The proposal, corrected" in public
    assert str(first.code) not in public
    old = Client().get(reverse("consultations:document_download", args=[consultation.code, first.code]))
    assert old.status_code == 404
    staff_old = officer_client.get(
        reverse("consultations:document_staff_download", args=[consultation.code, first.code])
    )
    assert b"".join(staff_old.streaming_content) == FIRST
    assert AuditEntry.objects.filter(
        object_id=str(consultation.code), detail__has_key="document replaced"
    ).exists()


def test_the_staff_page_shows_every_version_with_what_became_of_it(officer_client: Client, team) -> None:
    consultation = ConsultationFactory(is_published=True)
    first = _add(officer_client, consultation)
    _replace(officer_client, consultation, first)

    page = officer_client.get(reverse("consultations:consultation_detail", args=[consultation.code]))
    text = page.content.decode()

    assert "Document history" in text
    assert "proposal.pdf" in text and "proposal-v2.pdf" in text
    assert "Replaced by a new version on" in text
    # The replaced version can be neither replaced nor removed again.
    assert reverse("consultations:document_remove", args=[consultation.code, first.code]) not in text
    assert _replace(officer_client, consultation, first).status_code == 404


def test_removing_a_published_document_withdraws_it_and_keeps_its_file(
    officer_client: Client, officer, team
) -> None:
    consultation = ConsultationFactory(is_published=True)
    document = _add(officer_client, consultation)

    page = officer_client.post(
        reverse("consultations:document_remove", args=[consultation.code, document.code]), follow=True
    ).content.decode()

    assert "Document withdrawn. Its file is kept in its history." in page
    document.refresh_from_db()
    assert document.withdrawn_at is not None and document.withdrawn_by == officer
    assert document.file.read() == FIRST
    assert "The proposal" not in _public_page(consultation)
    assert (
        Client()
        .get(reverse("consultations:document_download", args=[consultation.code, document.code]))
        .status_code
        == 404
    )
    assert "Withdrawn on" in page
    assert AuditEntry.objects.filter(
        object_id=str(consultation.code), detail__has_key="document withdrawn"
    ).exists()


def test_a_drafts_documents_are_still_deleted(
    officer_client: Client, team, django_capture_on_commit_callbacks
) -> None:
    consultation = ConsultationFactory(is_published=False)
    first = _add(officer_client, consultation)
    with django_capture_on_commit_callbacks(execute=True):
        _replace(officer_client, consultation, first)
    second = SupportingDocument.objects.get()
    assert (second.version, second.replaces) == (1, None)
    assert not first.file.storage.exists(first.file.name)

    officer_client.post(reverse("consultations:document_remove", args=[consultation.code, second.code]))

    assert not SupportingDocument.objects.exists()


def test_a_replacement_is_checked_like_an_upload(officer_client: Client, team) -> None:
    consultation = ConsultationFactory(is_published=True)
    document = _add(officer_client, consultation)

    page = _replace(
        officer_client, consultation, document, file=SimpleUploadedFile("run.exe", b"MZ")
    ).content.decode()

    assert "The file must be a PDF" in page
    assert list(consultation.documents.all()) == [document]


def test_only_those_who_may_change_the_consultation_replace_its_documents(
    officer_client: Client, viewer, outsider, team
) -> None:
    consultation = ConsultationFactory(is_published=True, team=team)
    document = _add(officer_client, consultation)
    url = reverse("consultations:document_replace", args=[consultation.code, document.code])
    reader = sign_in(Client(), viewer)
    assert reader.get(url).status_code == 403
    assert sign_in(Client(), outsider).get(url).status_code == 404
    assert SupportingDocument.objects.count() == 1
