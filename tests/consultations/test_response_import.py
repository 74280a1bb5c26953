from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.consultations.models import Answer, Consultation, Question, Response, ResponseImport, Section

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation() -> Consultation:
    now = timezone.now()
    consultation = Consultation.objects.create(
        title="Court fees",
        summary="Fees.",
        opens_at=now - timedelta(days=5),
        closes_at=now + timedelta(days=30),
    )
    section = Section.objects.create(consultation=consultation, title="Questions", order=1)
    Question.objects.create(section=section, kind="scale", text="Do you agree?", order=1)
    Question.objects.create(
        section=section,
        kind="multiple",
        text="Which services?",
        order=2,
        options=[{"value": "probate", "label": "Probate"}, {"value": "divorce", "label": "Divorce"}],
    )
    Question.objects.create(section=section, kind="text", text="Why?", order=3, max_length=30)
    return consultation


FILE = (
    "channel,received,name,Q1,Which services?,Q3 Why?\n"
    "post,2026-10-01,Alys,Agree,Probate; Divorce,Because it is fair\n"
    "pigeon,2026-10-02,Bryn,Agree,,\n"
    "email,01/10/2026,Ceri,Maybe,Probate,This reason is far too long for the limit\n"
    "phone,2026-10-03,Dai,,,\n"
)


def test_responses_are_imported_from_a_spreadsheet_after_a_check(
    officer_client: Client, consultation
) -> None:
    url = reverse("consultations:response_import", args=[consultation.code])
    response = officer_client.post(
        url, {"file": SimpleUploadedFile("paper.csv", FILE.encode(), content_type="text/csv")}
    )
    job = ResponseImport.objects.get()
    check = officer_client.get(response.url).content.decode()
    assert "1 row ready to import, 3 with problems" in check
    assert "Channel “pigeon” is not email, post, phone, face to face or assisted digital." in check
    assert "“Do you agree?”: “Maybe” is not one of: Strongly agree" in check
    assert "“Why?”: longer than 30 characters." in check
    assert "The row answers no question." in check
    assert not Response.objects.exists()
    fix = b"".join(
        officer_client.get(
            reverse("consultations:response_import_problems", args=[consultation.code, job.code])
        )
    ).decode()
    assert fix.splitlines()[0].startswith("line,channel,received") and "pigeon" in fix

    officer_client.post(response.url)
    officer_client.post(response.url)  # confirmed twice: imported once
    stored = Response.objects.get()
    assert (stored.channel, stored.name, stored.submitted_at.date().isoformat()) == (
        "post",
        "Alys",
        "2026-10-01",
    )
    assert {a.question.text: a.value for a in Answer.objects.all()} == {
        "Do you agree?": "agree",
        "Which services?": ["probate", "divorce"],
        "Why?": "Because it is fair",
    }


def test_a_file_without_question_columns_is_explained(officer_client: Client, consultation) -> None:
    response = officer_client.post(
        reverse("consultations:response_import", args=[consultation.code]),
        {"file": SimpleUploadedFile("x.csv", b"name,colour\nAlys,blue\n", content_type="text/csv")},
    )
    assert "No column is named after a question" in response.content.decode()
    assert not ResponseImport.objects.exists()
