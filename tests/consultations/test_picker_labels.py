"""Staff pickers name consultations and questions so that no two read alike: a question
with its number and its consultation, a consultation with when it closes."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.consultations.labels import consultation_label, question_label, question_numbers
from chorus.consultations.models import Consultation
from tests.factories import ConsultationFactory, QuestionFactory, SectionFactory

pytestmark = pytest.mark.django_db


def _claims(closes: datetime, *, kind: str = "consultation", **more) -> Consultation:
    return ConsultationFactory(
        title="Online money claims", kind=kind, opens_at=closes - timedelta(days=60), closes_at=closes, **more
    )


def _day(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 12, 0, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def twins() -> tuple[Consultation, Consultation]:
    """Two consultations with the same title, one closed, one still open, each asking the
    same free-text question third."""
    last_year = _claims(_day(2026, 3, 5))
    this_year = _claims(_day(2027, 3, 5))
    for consultation in (last_year, this_year):
        first = SectionFactory(consultation=consultation, title="About you", order=1)
        second = SectionFactory(consultation=consultation, title="Your claim", order=2)
        QuestionFactory(section=first, kind="yes_no", text="Have you claimed before?", order=1)
        QuestionFactory(section=first, kind="rating", text="How easy was it?", order=2)
        QuestionFactory(
            section=second,
            kind="text",
            text="How satisfied were you with the way we kept you informed about your claim?",
        )
    return last_year, this_year


def test_a_consultation_is_named_with_when_it_closes(twins) -> None:
    last_year, this_year = twins
    assert consultation_label(this_year) == "Online money claims (closes 5 March 2027)"
    assert consultation_label(last_year) == "Online money claims (closed 5 March 2026)"


def test_a_question_is_named_with_its_number_and_its_consultation(twins) -> None:
    _last_year, this_year = twins
    question = this_year.sections.get(order=2).questions.get()
    numbers = question_numbers([this_year])
    assert numbers[question.pk] == 3
    assert question_label(question, 3, consultation=this_year) == (
        "Q3 How satisfied were you with the way we kept you informed ab… — "
        "Online money claims (closes 5 March 2027)"
    )


def test_the_analysis_picker_tells_the_same_question_in_two_consultations_apart(
    admin_client: Client, twins
) -> None:
    page = admin_client.get(reverse("analysis:run_start")).content.decode()
    assert "Online money claims (closes 5 March 2027): every free-text question" in page
    assert "Online money claims (closed 5 March 2026): every free-text question" in page
    assert "Q3 How satisfied were you with the way we kept you informed ab… — " in page
    assert page.count("Q3 How satisfied") == 2
    assert ">Online money claims: How satisfied" not in page


def test_the_perception_picker_tells_surveys_with_one_title_apart(admin_client: Client) -> None:
    _claims(_day(2026, 3, 5), kind="survey")
    _claims(_day(2027, 3, 5), kind="survey")
    page = admin_client.get(reverse("insights:perception_create")).content.decode()
    assert "Online money claims (closes 5 March 2027)" in page
    assert "Online money claims (closed 5 March 2026)" in page


def test_the_consultation_dashboard_picker_tells_them_apart(admin_client: Client, twins) -> None:
    page = admin_client.get(reverse("insights:consultations_dashboard")).content.decode()
    assert "Online money claims (closes 5 March 2027)</option>" in page
    assert "Online money claims (closed 5 March 2026)</option>" in page


def test_the_equality_analysis_picker_tells_them_apart(admin_client: Client) -> None:
    _claims(_day(2026, 3, 5), equality_monitoring=True)
    _claims(_day(2027, 3, 5), equality_monitoring=True)
    page = admin_client.get(reverse("insights:equality")).content.decode()
    assert "Online money claims (closes 5 March 2027)</option>" in page
    assert "Online money claims (closed 5 March 2026)</option>" in page


def test_the_follow_up_picker_numbers_the_questions(admin_client: Client, twins) -> None:
    _last_year, this_year = twins
    page = admin_client.get(reverse("consultations:questions", args=[this_year.code])).content.decode()
    assert ">Q1 Have you claimed before?</option>" in page
    assert ">Q2 How easy was it?</option>" in page


def test_the_bulletin_trial_picker_tells_them_apart(admin_client: Client, twins) -> None:
    page = admin_client.get(reverse("bulletins:bulletin_create")).content.decode()
    assert "Online money claims (closes 5 March 2027)</option>" in page
    assert "Online money claims (closed 5 March 2026)</option>" in page
