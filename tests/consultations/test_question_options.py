"""Number ranges, rating end labels and follow-ups revealed on their question's page, as a
respondent meets them in the journey and staff in the preview."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.consultations.models import Answer, Consultation, Question, Response, ResponseDraft
from tests.conftest import sign_in
from tests.factories import ConsultationFactory, QuestionFactory, SectionFactory

pytestmark = pytest.mark.django_db

DASH = "\N{EN DASH}"


@pytest.fixture
def consultation() -> Consultation:
    now = timezone.now()
    consultation = ConsultationFactory(
        title="Court visits",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
        is_published=True,
    )
    page = SectionFactory(consultation=consultation, title="Your visits", title_cy="Eich ymweliadau", order=1)
    QuestionFactory(
        section=page,
        kind="number",
        text="How many visits a year?",
        min_value=Decimal(0),
        max_value=Decimal(365),
        order=1,
    )
    QuestionFactory(
        section=page,
        kind="rating",
        text="How satisfied are you with the court?",
        low_label="Very dissatisfied",
        low_label_cy="Anfodlon iawn",
        high_label="Very satisfied",
        high_label_cy="Bodlon iawn",
        order=2,
    )
    used = QuestionFactory(section=page, kind="yes_no", text="Have you used the video link?", order=3)
    QuestionFactory(
        section=page,
        kind="text",
        text="What went wrong with it?",
        follows=used,
        shown_for=["yes"],
        required=True,
        order=4,
    )
    return consultation


def _q(text: str) -> str:
    return f"q_{Question.objects.get(text=text).code.hex}"


def _page_url(consultation: Consultation) -> str:
    return reverse("consultations:respond_section", args=[consultation.code, 1])


def _begin(client: Client, consultation: Consultation) -> None:
    client.post(reverse("consultations:respond_start", args=[consultation.code]))
    client.post(
        reverse("consultations:respond_about", args=[consultation.code]),
        {"respondent_type": "individual", "publish": "no"},
    )
    ResponseDraft.objects.update(created_at=timezone.now() - timedelta(minutes=5))


def test_a_number_outside_its_range_is_refused_with_a_message_that_says_the_range(
    client: Client, consultation
) -> None:
    _begin(client, consultation)
    page = client.post(_page_url(consultation), {_q("How many visits a year?"): "-5"}).content.decode()
    assert "Enter a number between 0 and 365 for “How many visits a year?”" in page
    assert "govuk-error-summary" in page
    page = client.post(_page_url(consultation), {_q("How many visits a year?"): "400"}).content.decode()
    assert "Enter a number between 0 and 365 for “How many visits a year?”" in page
    accepted = client.post(_page_url(consultation), {_q("How many visits a year?"): "0"})
    assert accepted.status_code == 302


def test_a_number_with_only_a_least_value_says_or_more(client: Client, consultation) -> None:
    Question.objects.filter(kind="number").update(max_value=None)
    _begin(client, consultation)
    page = client.post(_page_url(consultation), {_q("How many visits a year?"): "-5"}).content.decode()
    assert "Enter a number of 0 or more for “How many visits a year?”" in page


def test_a_rating_shows_what_its_ends_mean_in_english_and_welsh(
    client: Client, officer, consultation
) -> None:
    _begin(client, consultation)
    page = client.get(_page_url(consultation)).content.decode()
    assert f"1 {DASH} Very dissatisfied" in page and f"5 {DASH} Very satisfied" in page
    staff = sign_in(Client(), officer)
    preview = staff.get(reverse("consultations:preview", args=[consultation.code])).content.decode()
    assert f"1 {DASH} Very dissatisfied" in preview and f"5 {DASH} Very satisfied" in preview
    welsh = client.get("/cy" + _page_url(consultation)).content.decode()
    assert f"1 {DASH} Anfodlon iawn" in welsh and f"5 {DASH} Bodlon iawn" in welsh


def test_a_follow_up_on_its_questions_page_is_revealed_under_the_answer(client: Client, consultation) -> None:
    _begin(client, consultation)
    page = client.get(_page_url(consultation)).content.decode()
    follow_up = _q("What went wrong with it?")
    # The follow-up sits in the conditional reveal of "Yes", hidden until it is chosen.
    reveal_start = page.index('class="govuk-radios__conditional govuk-radios__conditional--hidden"')
    assert page.index('data-aria-controls="') < reveal_start < page.index(f'name="{follow_up}"')
    assert page.count(f'name="{follow_up}"') == 1


def test_a_revealed_follow_up_is_checked_only_when_its_answer_is_chosen(client: Client, consultation) -> None:
    _begin(client, consultation)
    used, follow_up = _q("Have you used the video link?"), _q("What went wrong with it?")
    # "No": the required follow-up is not asked, and what it held is dropped.
    not_asked = client.post(_page_url(consultation), {used: "no", follow_up: "left over"})
    assert not_asked.status_code == 302
    draft = ResponseDraft.objects.get()
    assert draft.answers[str(Question.objects.get(text="What went wrong with it?").code)] is None
    # "Yes" with the follow-up empty: it is required now.
    page = client.post(_page_url(consultation), {used: "yes"}).content.decode()
    assert "Enter your answer to “What went wrong with it?”" in page
    assert 'value="yes" checked' in page  # and so the follow-up is revealed
    answered = client.post(_page_url(consultation), {used: "yes", follow_up: "The sound kept dropping"})
    assert answered.status_code == 302
    check = client.get(reverse("consultations:respond_check", args=[consultation.code])).content.decode()
    assert "The sound kept dropping" in check
    client.post(reverse("consultations:respond_check", args=[consultation.code]))
    response = Response.objects.get()
    assert Answer.objects.get(response=response, question__text="What went wrong with it?").value == (
        "The sound kept dropping"
    )


def test_a_follow_up_not_revealed_is_not_on_check_your_answers_nor_stored(
    client: Client, consultation
) -> None:
    _begin(client, consultation)
    used = _q("Have you used the video link?")
    client.post(_page_url(consultation), {used: "no"})
    check = client.get(reverse("consultations:respond_check", args=[consultation.code])).content.decode()
    assert "What went wrong with it?" not in check
    client.post(reverse("consultations:respond_check", args=[consultation.code]))
    assert not Answer.objects.filter(question__text="What went wrong with it?").exists()
    assert Response.objects.count() == 1
