"""The summary report of a consultation as a PDF: a page a closed question with its chart and
counts, in the page's language, audited, for staff who may view the consultation only."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from chorus.accounts.models import Team, User
from chorus.consultations.models import Consultation
from chorus.core.models import AuditAction, AuditEntry
from tests.conftest import sign_in
from tests.factories import (
    AnswerFactory,
    ConsultationFactory,
    QuestionFactory,
    ResponseFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation(team: Team) -> Consultation:
    now = timezone.now()
    consultation = ConsultationFactory(
        title="Court fees",
        title_cy="Ffioedd llys",
        opens_at=now - timedelta(days=30),
        closes_at=now - timedelta(days=1),
        team=team,
    )
    section = SectionFactory(consultation=consultation, title="Questions", order=1)
    agree = QuestionFactory(
        section=section,
        kind="yes_no",
        text="Do you agree?",
        text_cy="Ydych chi'n cytuno â'r cynnig?",
        order=1,
    )
    services = QuestionFactory(
        section=section,
        kind="multiple",
        text="Which services do you use?",
        text_cy="Pa wasanaethau ydych chi'n eu defnyddio?",
        order=2,
        options=[
            {"value": "probate", "label": "Probate", "label_cy": "Profiant"},
            {"value": "divorce", "label": "Divorce", "label_cy": "Ysgariad"},
        ],
    )
    rating = QuestionFactory(section=section, kind="rating", text="How easy was it?", order=3)
    QuestionFactory(section=section, kind="text", text="Anything else?", order=4)
    for number, (yes_no, used, easy) in enumerate(
        [("yes", ["probate"], "5"), ("yes", ["probate", "divorce"], "4"), ("no", ["divorce"], "1")]
    ):
        response = ResponseFactory(
            consultation=consultation, reference=f"REPORT{number}", channel="post" if number else "online"
        )
        AnswerFactory(response=response, question=agree, value=yes_no)
        AnswerFactory(response=response, question=services, value=used)
        AnswerFactory(response=response, question=rating, value=easy)
    return consultation


def _pdf(client: Client, url: str) -> tuple[list[str], bytes]:
    reply = client.get(url)
    assert reply.status_code == 200 and reply["Content-Type"] == "application/pdf"
    assert "attachment" in reply["Content-Disposition"]
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(reply.content)).pages]
    return pages, reply.content


def test_the_report_has_a_page_with_chart_and_counts_for_each_closed_question(
    officer_client: Client, consultation: Consultation
) -> None:
    pages, _content = _pdf(officer_client, f"/staff/consultations/{consultation.code}/summary.pdf")
    assert "Court fees" in pages[0] and "For internal use" in pages[0]
    assert "Post" in pages[0] and "Online" in pages[0]
    assert len(pages) == 4  # the cover, then one page a closed question; free text has none
    assert "Do you agree?" in pages[1] and "67%" in pages[1] and "33%" in pages[1]
    assert "Which services do you use?" in pages[2] and "Probate" in pages[2]
    assert "How easy was it?" in pages[3]
    assert not any("Anything else?" in page for page in pages)
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, object_id=str(consultation.code)).exists()


def test_the_report_is_in_welsh_on_welsh_pages(officer_client: Client, consultation: Consultation) -> None:
    detail = officer_client.get(f"/cy/staff/consultations/{consultation.code}/").content.decode()
    link = f"/cy/staff/consultations/{consultation.code}/summary.pdf"
    assert link in detail
    pages, _content = _pdf(officer_client, link)
    assert "Ffioedd llys" in pages[0]
    assert "Ydych chi'n cytuno â'r cynnig?" in pages[1]
    assert "Profiant" in pages[2]


def test_the_report_is_linked_from_the_staff_pages(
    officer_client: Client, consultation: Consultation
) -> None:
    link = reverse("consultations:summary_report_pdf", args=[consultation.code])
    for name in ("consultation_detail", "response_list"):
        page = officer_client.get(reverse(f"consultations:{name}", args=[consultation.code])).content.decode()
        assert link in page and "Download a summary report (PDF)" in page
    dashboard = officer_client.get(
        reverse("insights:consultations_dashboard"), {"consultation": str(consultation.code)}
    ).content.decode()
    assert link in dashboard


def test_a_viewer_of_the_team_may_download_it_but_staff_of_other_teams_may_not(
    viewer: User, outsider: User, consultation: Consultation
) -> None:
    url = reverse("consultations:summary_report_pdf", args=[consultation.code])
    assert sign_in(Client(), viewer).get(url).status_code == 200
    assert sign_in(Client(), outsider).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to sign in


def test_a_question_with_many_answers_goes_on_over_the_page(
    officer_client: Client, consultation: Consultation
) -> None:
    section = consultation.sections.get()
    options = [{"value": f"o{n}", "label": f"Place number {n}"} for n in range(40)]
    QuestionFactory(section=section, kind="single", text="Where do you live?", order=5, options=options)
    pages, _content = _pdf(officer_client, f"/staff/consultations/{consultation.code}/summary.pdf")
    text = "\n".join(pages)
    assert len(pages) > 5
    assert all(f"Place number {n}" in text for n in range(40))
