from __future__ import annotations

import csv
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.consultations.journey import response_submit
from chorus.consultations.models import (
    Answer,
    Consultation,
    Question,
    Response,
    ResponseDraft,
    SubmissionAttempt,
)
from chorus.core.ratelimit import record
from tests.factories import (
    AnswerFactory,
    ConsultationFactory,
    QuestionFactory,
    ResponseDraftFactory,
    ResponseFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation() -> Consultation:
    now = timezone.now()
    consultation = ConsultationFactory(
        title="Changes to court fees",
        summary="We propose to change some court fees.",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
        is_published=True,
    )
    first = SectionFactory(consultation=consultation, title="The proposal", order=1)
    second = SectionFactory(consultation=consultation, title="Why", order=2)
    stance = QuestionFactory(
        section=first, kind="scale", text="Do you agree with the proposal?", required=True
    )
    QuestionFactory(section=first, kind="text", text="Anything else?", max_length=20)
    QuestionFactory(
        section=second,
        kind="text",
        text="Why do you disagree?",
        follows=stance,
        shown_for=["disagree", "strongly_disagree"],
        required=True,
    )
    return consultation


def _q(consultation: Consultation, text: str) -> str:
    return f"q_{Question.objects.get(section__consultation=consultation, text=text).code.hex}"


def _begin(client: Client, consultation: Consultation) -> None:
    client.post(reverse("consultations:respond_start", args=[consultation.code]))
    client.post(
        reverse("consultations:respond_about", args=[consultation.code]),
        {
            "respondent_type": "individual",
            "name": "Alys",
            "email": "alys@example.org",
            "publish": "anonymous",
        },
    )
    ResponseDraft.objects.update(created_at=timezone.now() - timedelta(minutes=5))


def test_a_respondent_answers_checks_and_sends_once(
    client: Client, consultation, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    page = client.get(reverse("consultations:public_consultation", args=[consultation.code])).content.decode()
    assert "Respond online" in page
    _begin(client, consultation)
    section = reverse("consultations:respond_section", args=[consultation.code, 1])
    bad = client.post(section, {_q(consultation, "Anything else?"): "x" * 21}).content.decode()
    assert "Select an answer to “Do you agree with the proposal?”" in bad
    assert "Your answer must be 20 characters or fewer" in bad
    response = client.post(
        section,
        {
            _q(consultation, "Do you agree with the proposal?"): "disagree",
            _q(consultation, "Anything else?"): "",
        },
    )
    # The follow-up is asked because they disagreed.
    assert response.url == reverse("consultations:respond_section", args=[consultation.code, 2])
    follow_up = client.get(response.url).content.decode()
    assert "Why do you disagree?" in follow_up
    client.post(response.url, {_q(consultation, "Why do you disagree?"): "The fee is too high"})
    check = client.get(reverse("consultations:respond_check", args=[consultation.code])).content.decode()
    assert "Disagree" in check and "The fee is too high" in check and "Publish it without my name" in check

    url = reverse("consultations:respond_check", args=[consultation.code])
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url)
        second = client.post(url)  # a double click or a resubmitted form
    assert first.url == second.url == reverse("consultations:respond_done", args=[consultation.code])
    stored = Response.objects.get()
    assert Response.objects.count() == 1 and stored.publish == "anonymous" and stored.channel == "online"
    assert {a.question.text: a.value for a in Answer.objects.all()} == {
        "Do you agree with the proposal?": "disagree",
        "Why do you disagree?": "The fee is too high",
    }
    done = client.get(first.url).content.decode()
    assert stored.reference in done
    assert len(mailoutbox) == 1 and stored.reference in mailoutbox[0].body


def test_the_follow_up_is_skipped_for_other_answers(client: Client, consultation) -> None:
    _begin(client, consultation)
    response = client.post(
        reverse("consultations:respond_section", args=[consultation.code, 1]),
        {_q(consultation, "Do you agree with the proposal?"): "agree"},
    )
    assert response.url == reverse("consultations:respond_check", args=[consultation.code])
    client.post(response.url)
    assert list(Answer.objects.values_list("value", flat=True)) == ["agree"]


def test_submitting_twice_at_once_stores_one_response(consultation) -> None:
    draft = ResponseDraftFactory(
        consultation=consultation,
        expires_at=timezone.now() + timedelta(days=1),
        answers={str(Question.objects.get(text="Do you agree with the proposal?").code): "agree"},
    )
    first, new = response_submit(draft=draft, language="en")
    again, new_again = response_submit(draft=draft, language="en")
    assert (new, new_again) == (True, False) and first.pk == again.pk
    assert Response.objects.count() == 1


def test_required_answers_block_sending(client: Client, consultation) -> None:
    _begin(client, consultation)
    page = client.post(reverse("consultations:respond_check", args=[consultation.code])).content.decode()
    assert "Answer “Do you agree with the proposal?”: it is required" in page
    assert not Response.objects.exists()


def test_a_closed_consultation_refuses_answers(client: Client, consultation) -> None:
    _begin(client, consultation)
    Consultation.objects.update(
        closes_at=timezone.now() - timedelta(minutes=1), opens_at=timezone.now() - timedelta(days=2)
    )
    response = client.post(reverse("consultations:respond_check", args=[consultation.code]))
    assert response.status_code == 410 and "This consultation has closed" in response.content.decode()
    assert not Response.objects.exists()


def test_spam_is_turned_away_and_logged(client: Client, consultation) -> None:
    _begin(client, consultation)
    client.post(
        reverse("consultations:respond_section", args=[consultation.code, 1]),
        {_q(consultation, "Do you agree with the proposal?"): "agree"},
    )
    url = reverse("consultations:respond_check", args=[consultation.code])
    trap = client.post(url, {"website": "http://spam.example"})
    assert trap.status_code == 302 and not Response.objects.exists()
    ResponseDraft.objects.update(created_at=timezone.now())
    too_fast = client.post(url)
    assert too_fast.status_code == 429 and not Response.objects.exists()
    assert set(SubmissionAttempt.objects.values_list("rejected_because", flat=True)) == {
        "honeypot",
        "too fast",
    }
    ResponseDraft.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    for _i in range(10):
        record("respond", "127.0.0.1", per=timedelta(minutes=10))
    limited = client.post(url)
    assert limited.status_code == 429 and "Please wait before sending" in limited.content.decode()
    assert not Response.objects.exists()


def test_save_and_return_by_email(
    client: Client, consultation, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    _begin(client, consultation)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("consultations:respond_section", args=[consultation.code, 1]),
            {_q(consultation, "Do you agree with the proposal?"): "agree", "save": "later"},
        )
        bad = client.post(reverse("consultations:respond_save", args=[consultation.code]), {"email": "nope"})
        assert "Enter an email address in the correct format" in bad.content.decode()
        client.post(
            reverse("consultations:respond_save", args=[consultation.code]), {"email": "alys@example.org"}
        )
    link = next(line for line in mailoutbox[0].body.splitlines() if "/respond/return/" in line).strip()
    other = Client()
    resumed = other.get(link)
    # They saved on the first page of questions without finishing it: back to it.
    assert resumed.url == reverse("consultations:respond_section", args=[consultation.code, 1])
    assert 'value="agree" checked' in other.get(resumed.url).content.decode()
    ResponseDraft.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client().get(link).status_code == 410


def test_published_responses_appear_after_closing_redacted(client: Client, consultation) -> None:
    stance = Question.objects.get(text="Do you agree with the proposal?")
    other = Question.objects.get(text="Anything else?")
    named = ResponseFactory(
        consultation=consultation, reference="AAAA1111", name="Alys Jones", publish="named"
    )
    anonymous = ResponseFactory(
        consultation=consultation, reference="BBBB2222", name="Bryn Hughes", publish="anonymous"
    )
    private = ResponseFactory(
        consultation=consultation, reference="CCCC3333", name="Ceri Lloyd", publish="no"
    )
    AnswerFactory(response=named, question=stance, value="agree")
    AnswerFactory(response=anonymous, question=other, value="Ring me on 01632 960001")
    AnswerFactory(response=private, question=other, value="Private view")
    from chorus.consultations.moderation import response_decide
    from tests.factories import UserFactory

    moderator = UserFactory(role="engagement_officer")
    for response in (named, anonymous):  # nothing is published until a moderator decides
        response_decide(response=response, publish=True, actor=moderator)
    url = reverse("consultations:public_responses", args=[consultation.code])
    assert client.get(url).status_code == 404  # not until it closes
    Consultation.objects.update(closes_at=timezone.now() - timedelta(minutes=1))
    page = client.get(url).content.decode()
    assert "Alys Jones" in page and "Agree" in page
    assert "Bryn Hughes" not in page and "Anonymous" in page and "Ring me on [phone]" in page
    assert "Ceri Lloyd" not in page and "Private view" not in page
    download = reverse("consultations:public_responses_download", args=[consultation.code])
    assert download in page
    rows = list(csv.reader(b"".join(client.get(download).streaming_content).decode().splitlines()))
    assert rows[0][:3] == ["Response", "Respondent", "Responding as"]
    assert "Do you agree with the proposal?" in rows[0]
    assert [row[1] for row in rows[1:]] == ["Alys Jones", "Anonymous"]
    assert "Agree" in rows[1] and "Ring me on [phone]" in rows[2]
    flat = "\n".join(",".join(row) for row in rows)
    assert "Bryn Hughes" not in flat and "Ceri Lloyd" not in flat and "Private view" not in flat
    assert "01632" not in flat


def test_an_option_with_no_welsh_is_marked_as_english_on_the_welsh_page(client: Client, consultation) -> None:
    from django.utils import translation

    section = consultation.sections.get(order=1)
    QuestionFactory(
        section=section,
        kind="single",
        text="How often do you come to court?",
        options=[
            {"value": "often", "label": "Often", "label_cy": "Yn aml"},
            {"value": "rarely", "label": "Rarely", "label_cy": ""},
        ],
    )
    _begin(client, consultation)
    with translation.override("cy"):
        url = reverse("consultations:respond_section", args=[consultation.code, 1])
    page = client.get(url).content.decode()
    assert '<span lang="en">Rarely</span>' in page
    assert ">Yn aml<" in page and '<span lang="en">Yn aml' not in page
    # In English the options are plain text.
    from chorus.consultations.journey import marked_choices

    question = Question.objects.get(text="How often do you come to court?")
    assert marked_choices(question, "en") == [("often", "Often"), ("rarely", "Rarely")]
