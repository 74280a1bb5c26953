"""A respondent gets a copy of their answers: in the receipt email, in the language they
answered in and never with their equality monitoring answers, and as a PDF that only
the browser session that sent the response can download."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from chorus.consultations.answers_copy import answers_pdf
from chorus.consultations.models import Consultation, Question, Response, ResponseDraft
from chorus.core.audit_text import audit_sentences
from chorus.core.models import AuditAction, AuditEntry
from tests.factories import (
    AnswerFactory,
    ConsultationFactory,
    QuestionFactory,
    ResponseFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db

EQUALITY = {"age_band": "35_44", "ethnic_group": "mixed", "religion": "sikh", "caring": "20_34"}


@pytest.fixture
def consultation() -> Consultation:
    now = timezone.now()
    consultation = ConsultationFactory(
        title="Changes to court fees",
        title_cy="Newidiadau i ffioedd llys",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
        is_published=True,
        equality_monitoring=True,
    )
    section = SectionFactory(consultation=consultation, title="The proposal", title_cy="Y cynnig", order=1)
    QuestionFactory(
        section=section,
        kind="scale",
        text="Do you agree with the proposal?",
        text_cy="Ydych chi'n cytuno â'r cynnig?",
        required=True,
    )
    QuestionFactory(section=section, kind="text", text="Why?", text_cy="Pam?")
    return consultation


def _q(consultation: Consultation, text: str) -> str:
    return f"q_{Question.objects.get(section__consultation=consultation, text=text).code.hex}"


def _respond(client: Client, consultation: Consultation, why: str = "Fees are too high") -> None:
    def url(name: str, *more: int) -> str:
        return reverse(f"consultations:{name}", args=[consultation.code, *more])

    client.post(url("respond_start"))
    client.post(
        url("respond_about"),
        {"respondent_type": "individual", "name": "Alys", "email": "alys@example.org", "publish": "no"},
    )
    ResponseDraft.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    client.post(
        url("respond_section", 1),
        {_q(consultation, "Do you agree with the proposal?"): "disagree", _q(consultation, "Why?"): why},
    )
    client.post(url("respond_equality"), EQUALITY)
    client.post(url("respond_check"))


def test_the_receipt_has_the_answers_but_never_the_equality_answers(
    client: Client, consultation, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _respond(client, consultation)
    assert Response.objects.get().equality_key is not None  # equality answers were given
    body = mailoutbox[0].body
    assert "Your answers" in body
    assert "The proposal" in body
    assert "Do you agree with the proposal?\nDisagree" in body
    assert "Why?\nFees are too high" in body
    for equality_answer in ("35 to 44", "Sikh", "Mixed", "35_44", "sikh", "20_34", "Age", "Religion"):
        assert equality_answer not in body


def test_a_welsh_respondent_gets_their_answers_in_welsh(
    client: Client, consultation, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True), translation.override("cy"):
        _respond(client, consultation)  # at /cy/ addresses
    assert Response.objects.get().language == "cy"
    body = mailoutbox[0].body
    assert "Y cynnig" in body and "Ydych chi'n cytuno â'r cynnig?" in body
    assert "Do you agree with the proposal?" not in body


def test_the_session_that_sent_the_response_downloads_its_answers_as_a_pdf(
    client: Client, consultation
) -> None:
    _respond(client, consultation, why="Mae'r ffioedd yn rhy uchel i'r rhai ŵyr ŷd")
    response = Response.objects.get()
    done = client.get(reverse("consultations:respond_done", args=[consultation.code])).content.decode()
    url = reverse("consultations:respond_answers_pdf", args=[consultation.code])
    assert "Download a copy of your answers (PDF)" in done and f'href="{url}"' in done
    download = client.get(url)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert "no-store" in download["Cache-Control"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(download.content)).pages)
    assert response.reference in text
    assert "Do you agree with the proposal?" in text and "Disagree" in text
    assert "ŵyr ŷd" in text  # Welsh letters drawn, not dropped
    assert "Sikh" not in text and "35 to 44" not in text
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT, object_id=str(response.code))
    assert entry.actor is None
    assert audit_sentences(entry) == ["The respondent downloaded a copy of their answers."]


def test_any_other_browser_gets_not_found(client: Client, consultation) -> None:
    _respond(client, consultation)
    url = reverse("consultations:respond_answers_pdf", args=[consultation.code])
    assert Client().get(url).status_code == 404
    assert Client().get(reverse("consultations:respond_done", args=[consultation.code])).status_code == 200
    assert (
        "Download a copy"
        not in Client().get(reverse("consultations:respond_done", args=[consultation.code])).content.decode()
    )
    # A session that sent a response to another consultation gets nothing for this one.
    other = ConsultationFactory(is_published=True)
    assert client.get(reverse("consultations:respond_answers_pdf", args=[other.code])).status_code == 404


def test_a_pdf_copy_of_a_welsh_response_is_in_welsh() -> None:
    response = ResponseFactory(
        consultation=ConsultationFactory(title="Parking", title_cy="Parcio", is_published=True),
        language="cy",
    )
    question = QuestionFactory(
        section=SectionFactory(consultation=response.consultation, title="Ceir"),
        text="Where do you park?",
        text_cy="Ble ydych chi'n parcio?",
    )
    AnswerFactory(response=response, question=question, value="Ar y stryd")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(answers_pdf(response))).pages)
    assert "Parcio" in text and "Ble ydych chi'n parcio?" in text and "Ar y stryd" in text
    assert "Where do you park?" not in text
