from __future__ import annotations

import csv
import io
import uuid
from datetime import timedelta

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.consultations.models import Consultation, Question, Response
from chorus.core.models import AuditEntry
from tests.conftest import sign_in
from tests.core.export_helpers import exported_bytes
from tests.factories import (
    AnswerFactory,
    ConsultationFactory,
    QuestionFactory,
    ResponseFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation() -> Consultation:
    now = timezone.now()
    consultation = ConsultationFactory(
        title="Court fees",
        summary="Fees.",
        opens_at=now - timedelta(days=5),
        closes_at=now + timedelta(days=30),
    )
    section = SectionFactory(consultation=consultation, title="Questions", order=1)
    QuestionFactory(section=section, kind="text", text="Your view", order=1)
    QuestionFactory(
        section=section,
        kind="multiple",
        text="Which services?",
        order=2,
        options=[{"value": "probate", "label": "Probate"}, {"value": "divorce", "label": "Divorce"}],
    )
    return consultation


def _q(text: str) -> str:
    return f"q_{Question.objects.get(text=text).code.hex}"


def test_staff_enter_a_postal_response_once(officer_client: Client, consultation) -> None:
    url = reverse("consultations:response_enter", args=[consultation.code])
    form = {
        "channel": "post",
        "received_on": "2099-01-01",
        "respondent_type": "individual",
        "publish": "no",
        "submission_key": str(uuid.uuid4()),
        _q("Your view"): '=HYPERLINK("http://evil.example")',
        _q("Which services?"): ["probate"],
    }
    assert "The date received cannot be in the future" in officer_client.post(url, form).content.decode()
    assert not Response.objects.exists()
    form["received_on"] = timezone.localdate().isoformat()
    officer_client.post(url, form)
    again = officer_client.post(url, form)  # a double click
    assert again.url == reverse("consultations:response_list", args=[consultation.code])
    response = Response.objects.get()
    assert response.channel == "post" and response.entered_by is not None

    rows = list(
        csv.reader(
            io.StringIO(
                exported_bytes(
                    officer_client, reverse("consultations:response_export", args=[consultation.code, "csv"])
                ).decode()
            )
        )
    )
    header, row = rows
    assert header[-3:] == ["Q1 Your view", "Q2 Which services?: Probate", "Q2 Which services?: Divorce"]
    assert row[-3:] == ['\'=HYPERLINK("http://evil.example")', "1", "0"]
    assert "name" in header  # an officer may see contact details
    workbook = openpyxl.load_workbook(
        io.BytesIO(
            exported_bytes(
                officer_client, reverse("consultations:response_export", args=[consultation.code, "xlsx"])
            )
        )
    )
    cells = [c.value for c in next(workbook.active.iter_rows(min_row=2, max_row=2))]
    assert cells[-3:] == ['\'=HYPERLINK("http://evil.example")', 1, 0]
    assert AuditEntry.objects.filter(action="export").count() == 4  # each asked for, then downloaded
    assert (
        officer_client.get(
            reverse("consultations:response_export", args=[consultation.code, "pdf"])
        ).status_code
        == 404
    )


def test_viewers_export_without_contact_details(client: Client, consultation, viewer) -> None:
    ResponseFactory(consultation=consultation, reference="ABCDEFGH", name="Alys", email="a@example.org")
    rows = exported_bytes(
        sign_in(client, viewer), reverse("consultations:response_export", args=[consultation.code, "csv"])
    ).decode()
    assert "Alys" not in rows and "a@example.org" not in rows and "ABCDEFGH" in rows


def test_closed_questions_are_summarised_while_open(officer_client: Client, consultation) -> None:

    services = Question.objects.get(text="Which services?")
    for number, chosen in enumerate([["probate"], ["probate", "divorce"], ["divorce"], ["probate"]]):
        response = ResponseFactory(consultation=consultation, reference=f"REF{number}")
        AnswerFactory(response=response, question=services, value=chosen)
    page = officer_client.get(
        reverse("consultations:response_list", args=[consultation.code])
    ).content.decode()
    assert "Which services? (4 answers)" in page
    probate = page[page.index('<th scope="row" class="govuk-table__header">Probate</th>') :]
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">3</td>' in probate[:200]
    assert "75%" in probate[:300]


def test_on_a_welsh_page_staff_see_the_questions_in_welsh(officer_client: Client, consultation) -> None:
    question = Question.objects.get(text="Which services?")
    question.text_cy = "Pa wasanaethau?"
    question.options = [{"value": "probate", "label": "Probate", "label_cy": "Profiant"}]
    question.save()
    url = reverse("consultations:response_enter", args=[consultation.code])
    page = officer_client.get("/cy" + url).content.decode()
    assert "Pa wasanaethau?" in page and "Profiant" in page
    assert "Which services?" not in officer_client.get("/cy" + url).content.decode()
