"""The consultation record's "you said, we did" part names the themes each record answers (#24)."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from chorus.consultations.models import Consultation
from chorus.engagement.models import ImpactRecord
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
def consultation(team) -> Consultation:
    return ConsultationFactory(title="Court fees review", team=team, project=ProjectFactory(team=team))


@pytest.fixture
def record(consultation: Consultation, team) -> ImpactRecord:
    run = AnalysisRunFactory(consultation=consultation, subject="consultation", team=team, status="done")
    impact = ImpactRecordFactory(project=consultation.project, we_did="We froze the fees for a year")
    impact.consultations.add(consultation)
    for label in ("Cost of applying", "Fairness"):
        impact.themes.add(ThemeFactory(run=run, label=label))
    return impact


def test_the_page_names_the_themes_each_record_answers(
    officer_client: Client, consultation: Consultation, record: ImpactRecord
) -> None:
    url = reverse("insights:consultation_record", args=[consultation.code])
    page = officer_client.get(url).content.decode()
    assert "We froze the fees for a year" in page
    assert "Themes it answers: Cost of applying; Fairness" in page


def test_the_pdf_names_them_too(consultation: Consultation, record: ImpactRecord, officer) -> None:
    pdf = PdfReader(io.BytesIO(record_pdf_bytes(consultation_record(consultation, officer))))
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "Themes it answers" in text and "Cost of applying; Fairness" in text


def test_the_themes_take_one_query_however_many_records_answer_them(
    consultation: Consultation, record: ImpactRecord, officer
) -> None:
    with CaptureQueriesContext(connection) as first:
        consultation_record(consultation, officer)
    for n in range(3):
        more = ImpactRecordFactory(project=consultation.project, we_did=f"Change {n}")
        more.consultations.add(consultation)
        more.themes.add(*record.themes.all())
    with CaptureQueriesContext(connection) as second:
        assert len(consultation_record(consultation, officer).impact) == 4
    assert len(second) == len(first)
