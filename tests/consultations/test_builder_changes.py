"""Changing and reordering questions and sections in the builder, and the lock once anyone
has responded."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.consultations.models import Consultation, Question, Section
from tests.factories import ConsultationFactory, QuestionFactory, ResponseFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation() -> Consultation:
    return ConsultationFactory(title="Court fees", opens_at=timezone.now() + timedelta(days=1))


@pytest.fixture
def sections(consultation) -> tuple[Section, Section]:
    return (
        SectionFactory(consultation=consultation, title="The proposal", order=1),
        SectionFactory(consultation=consultation, title="About you", order=2),
    )


def _url(name: str, consultation: Consultation, *more: object) -> str:
    return reverse(f"consultations:{name}", args=[consultation.code, *more])


def _question_form(section: Section, **fields: object) -> dict[str, object]:
    return {"section": section.pk, "kind": "text", "text": "A question", **fields}


def test_an_officer_changes_every_part_of_a_question_in_both_languages(
    officer_client: Client, consultation, sections
) -> None:
    first, second = sections
    question = QuestionFactory(
        section=first, kind="single", text="How often?", options=[{"value": "often", "label": "Often"}]
    )
    url = _url("question_edit", consultation, question.code)
    form = officer_client.get(url).content.decode()
    assert 'value="How often?"' in form and ">Often</textarea>" in form
    officer_client.post(
        url,
        _question_form(
            second,
            kind="multiple",
            text="Which courts do you use?",
            text_cy="Pa lysoedd ydych chi'n eu defnyddio?",
            help_text="Choose all that apply",
            help_text_cy="Dewiswch bob un sy'n berthnasol",
            required="on",
            options="Cardiff | Caerdydd\nSwansea | Abertawe",
        ),
    )
    question.refresh_from_db()
    assert (question.section, question.kind, question.text_cy, question.help_text_cy, question.required) == (
        second,
        "multiple",
        "Pa lysoedd ydych chi'n eu defnyddio?",
        "Dewiswch bob un sy'n berthnasol",
        True,
    )
    assert question.options == [
        {"value": "cardiff", "label": "Cardiff", "label_cy": "Caerdydd"},
        {"value": "swansea", "label": "Swansea", "label_cy": "Abertawe"},
    ]


def test_a_number_question_takes_a_range_and_refuses_a_least_above_the_greatest(
    officer_client: Client, consultation, sections
) -> None:
    first, _second = sections
    url = _url("questions", consultation)
    refused = officer_client.post(
        url, {"add": "question", **_question_form(first, kind="number", min_value="10", max_value="2")}
    ).content.decode()
    assert "The greatest number must be the same as or more than the least number" in refused
    assert not Question.objects.exists()
    officer_client.post(
        url, {"add": "question", **_question_form(first, kind="number", min_value="0", max_value="365")}
    )
    assert Question.objects.values_list("min_value", "max_value").get() == (Decimal(0), Decimal(365))


def test_a_rating_takes_end_labels_in_english_and_welsh(
    officer_client: Client, consultation, sections
) -> None:
    first, _second = sections
    officer_client.post(
        _url("questions", consultation),
        {
            "add": "question",
            **_question_form(
                first,
                kind="rating",
                low_label="Very dissatisfied",
                low_label_cy="Anfodlon iawn",
                high_label="Very satisfied",
                high_label_cy="Bodlon iawn",
            ),
        },
    )
    assert Question.objects.values_list("low_label", "low_label_cy", "high_label", "high_label_cy").get() == (
        "Very dissatisfied",
        "Anfodlon iawn",
        "Very satisfied",
        "Bodlon iawn",
    )


def test_questions_and_sections_move_up_and_down(officer_client: Client, consultation, sections) -> None:
    first, second = sections
    one = QuestionFactory(section=first, text="One", order=1)
    two = QuestionFactory(section=first, text="Two", order=2)
    three = QuestionFactory(section=first, text="Three", order=3)
    officer_client.post(_url("question_move", consultation, three.code), {"move": "up"})
    assert list(first.questions.values_list("text", flat=True)) == ["One", "Three", "Two"]
    officer_client.post(_url("question_move", consultation, one.code), {"move": "down"})
    assert list(first.questions.values_list("text", flat=True)) == ["Three", "One", "Two"]
    officer_client.post(_url("question_move", consultation, two.code), {"move": "down"})  # last: stays
    assert list(first.questions.values_list("text", flat=True)) == ["Three", "One", "Two"]
    officer_client.post(_url("section_move", consultation, second.code), {"move": "up"})
    assert list(consultation.sections.values_list("title", flat=True)) == ["About you", "The proposal"]
    page = officer_client.get(_url("questions", consultation)).content.decode()
    assert page.index("About you") < page.index("The proposal")


def test_a_section_is_renamed_in_both_languages(officer_client: Client, consultation, sections) -> None:
    first, _second = sections
    officer_client.post(
        _url("section_edit", consultation, first.code), {"title": "Fees", "title_cy": "Ffioedd"}
    )
    first.refresh_from_db()
    assert (first.title, first.title_cy) == ("Fees", "Ffioedd")


def test_a_move_that_puts_a_follow_up_before_its_question_is_refused(
    officer_client: Client, consultation, sections
) -> None:
    first, _second = sections
    used = QuestionFactory(section=first, kind="yes_no", text="Have you used it?", order=1)
    why = QuestionFactory(section=first, text="Why?", follows=used, shown_for=["yes"], order=2)
    page = officer_client.post(_url("question_move", consultation, why.code), {"move": "up"}, follow=True)
    assert "“Why?” follows “Have you used it?”, so it must come after it." in page.content.decode()
    assert list(first.questions.values_list("text", flat=True)) == ["Have you used it?", "Why?"]


def test_an_option_a_follow_up_needs_cannot_be_taken_away(
    officer_client: Client, consultation, sections
) -> None:
    first, _second = sections
    used = QuestionFactory(
        section=first,
        kind="single",
        text="Used it?",
        order=1,
        options=[
            {"value": "often", "label": "Often"},
            {"value": "never", "label": "Never"},
        ],
    )
    QuestionFactory(section=first, text="Why never?", follows=used, shown_for=["never"], order=2)
    page = officer_client.post(
        _url("question_edit", consultation, used.code),
        _question_form(first, kind="single", text="Used it?", options="Often\nSometimes"),
    ).content.decode()
    assert "The follow-up “Why never?” is asked after an answer this change removes." in page
    used.refresh_from_db()
    assert [o["value"] for o in used.options] == ["often", "never"]


def test_once_anyone_has_responded_the_questions_cannot_change(
    officer_client: Client, consultation, sections
) -> None:
    first, second = sections
    one = QuestionFactory(section=first, text="One", order=1)
    QuestionFactory(section=first, text="Two", order=2)
    ResponseFactory(consultation=consultation)
    reason = "People have already responded, so its questions cannot change"
    builder = officer_client.get(_url("questions", consultation)).content.decode()
    assert reason in builder and "Copy as a new consultation" in builder
    assert _url("question_edit", consultation, one.code) not in builder
    edit = officer_client.get(_url("question_edit", consultation, one.code)).content.decode()
    assert reason in edit and "Copy as a new consultation" in edit
    attempts = [
        (_url("question_edit", consultation, one.code), _question_form(first, text="Changed")),
        (_url("question_move", consultation, one.code), {"move": "down"}),
        (_url("question_delete", consultation, one.code), {}),
        (_url("section_edit", consultation, first.code), {"title": "Changed"}),
        (_url("section_move", consultation, second.code), {"move": "up"}),
        (_url("questions", consultation), {"add": "section", "title": "More"}),
        (_url("questions", consultation), {"add": "question", **_question_form(first, text="More")}),
    ]
    for url, data in attempts:
        officer_client.post(url, data)
    assert list(Question.objects.order_by("order").values_list("text", flat=True)) == ["One", "Two"]
    assert list(consultation.sections.values_list("title", flat=True)) == ["The proposal", "About you"]
    refused = officer_client.post(
        _url("question_delete", consultation, one.code), follow=True
    ).content.decode()
    assert reason in refused
