"""Security read of #24: the consultation record names only the themes of analyses the
reader may see; a theme of another team's analysis stays out of the page and the PDF."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from chorus.insights.consultation_record import consultation_record
from chorus.insights.record_pdf import record_pdf_bytes
from tests.factories import (
    AnalysisRunFactory,
    ConsultationFactory,
    ImpactRecordFactory,
    ProjectFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation(team, other_team):
    consultation = ConsultationFactory(
        title="Court fees review", team=team, project=ProjectFactory(team=team)
    )
    ours = AnalysisRunFactory(consultation=consultation, subject="consultation", team=team, status="done")
    theirs = AnalysisRunFactory(
        consultation=consultation, subject="consultation", team=other_team, status="done"
    )
    impact = ImpactRecordFactory(project=consultation.project, we_did="We froze the fees for a year")
    impact.consultations.add(consultation)
    impact.themes.add(ThemeFactory(run=ours, label="Cost of applying"))
    impact.themes.add(ThemeFactory(run=theirs, label="Complaints about one named clerk"))
    return consultation


def test_the_record_page_leaves_out_themes_of_analyses_the_reader_may_not_see(
    officer_client: Client, consultation
) -> None:
    page = officer_client.get(
        reverse("insights:consultation_record", args=[consultation.code])
    ).content.decode()
    assert "Themes it answers: Cost of applying" in page
    assert "named clerk" not in page


def _pdf_text(consultation, user) -> str:
    pdf = PdfReader(io.BytesIO(record_pdf_bytes(consultation_record(consultation, user))))
    return " ".join(" ".join(page.extract_text() for page in pdf.pages).split())


def test_the_record_pdf_leaves_them_out_too(consultation, officer, admin) -> None:
    text = _pdf_text(consultation, officer)
    assert "Cost of applying" in text and "named clerk" not in text
    # An administrator sees every analysis, so every theme.
    assert "named clerk" in _pdf_text(consultation, admin)
