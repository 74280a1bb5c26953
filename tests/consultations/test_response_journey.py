"""Walking the response journey as people do: saving half-done pages, coming back from
the email link, changing an answer from "check your answers", reloading and bookmarking."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.consultations.models import Answer, Consultation, Question, Response, ResponseDraft
from tests.factories import ConsultationFactory, QuestionFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation() -> Consultation:
    now = timezone.now()
    consultation = ConsultationFactory(
        title="Changes to court fees",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
        is_published=True,
    )
    first = SectionFactory(consultation=consultation, title="The proposal", order=1)
    second = SectionFactory(consultation=consultation, title="Why", order=2)
    third = SectionFactory(consultation=consultation, title="About the court", order=3)
    stance = QuestionFactory(
        section=first, kind="scale", text="Do you agree with the proposal?", required=True
    )
    QuestionFactory(section=first, kind="number", text="How many visits a year?")
    QuestionFactory(
        section=second,
        kind="text",
        text="Why do you disagree?",
        follows=stance,
        shown_for=["disagree", "strongly_disagree"],
        required=True,
    )
    QuestionFactory(section=third, kind="text", text="Which court do you use?", required=True)
    return consultation


def _q(text: str) -> str:
    return f"q_{Question.objects.get(text=text).code.hex}"


def _url(name: str, consultation: Consultation, *more: int) -> str:
    return reverse(f"consultations:{name}", args=[consultation.code, *more])


def _begin(client: Client, consultation: Consultation) -> None:
    client.post(_url("respond_start", consultation))
    client.post(
        _url("respond_about", consultation),
        {"respondent_type": "individual", "email": "alys@example.org", "publish": "no"},
    )
    ResponseDraft.objects.update(created_at=timezone.now() - timedelta(minutes=5))


def _answer_all(client: Client, consultation: Consultation) -> None:
    client.post(_url("respond_section", consultation, 1), {_q("Do you agree with the proposal?"): "agree"})
    client.post(_url("respond_section", consultation, 2), {_q("Which court do you use?"): "Cardiff"})


def test_saving_for_later_keeps_what_was_typed_without_checking_it(
    client: Client, consultation, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    _begin(client, consultation)
    # The required question is left empty and the number is not a number: saved anyway.
    saved = client.post(
        _url("respond_section", consultation, 1),
        {_q("How many visits a year?"): "about six", "save": "later"},
    )
    assert saved.status_code == 302 and saved.url == _url("respond_save", consultation)
    save_page = client.get(saved.url).content.decode()
    assert 'value="alys@example.org"' in save_page  # the address they gave is offered
    with django_capture_on_commit_callbacks(execute=True):
        client.post(saved.url, {"email": "alys@example.org"})
    assert len(mailoutbox) == 1
    link = next(line for line in mailoutbox[0].body.splitlines() if "/respond/return/" in line).strip()

    # A day later, on another computer: back on the page where they stopped, as they left it.
    later = Client()
    resumed = later.get(link)
    assert resumed.url == _url("respond_section", consultation, 1)
    page = later.get(resumed.url).content.decode()
    assert 'value="about six"' in page
    # Check your answers says what is left to do, links to it, and will not send.
    check = later.post(_url("respond_check", consultation)).content.decode()
    assert "You cannot send your response yet" in check
    assert "Answer “Do you agree with the proposal?”: it is required" in check
    assert "Correct your answer to “How many visits a year?”" in check
    assert "Answer “Which court do you use?”: it is required" in check
    assert f'href="{_url("respond_section", consultation, 1)}?return=check"' in check
    assert "Not answered yet" in check
    assert not Response.objects.exists()


def test_the_return_link_goes_to_the_first_page_not_finished(client: Client, consultation) -> None:
    _begin(client, consultation)
    client.post(_url("respond_section", consultation, 1), {_q("Do you agree with the proposal?"): "agree"})
    client.post(_url("respond_section", consultation, 2), {"save": "later"})
    draft = ResponseDraft.objects.get()
    resumed = Client().get(reverse("consultations:respond_resume", args=[consultation.code, draft.code]))
    assert resumed.url == _url("respond_section", consultation, 2)


def test_a_finished_draft_returns_to_check_your_answers_and_sends(client: Client, consultation) -> None:
    _begin(client, consultation)
    _answer_all(client, consultation)
    draft = ResponseDraft.objects.get()
    other = Client()
    resumed = other.get(reverse("consultations:respond_resume", args=[consultation.code, draft.code]))
    assert resumed.url == _url("respond_check", consultation)
    check = other.get(resumed.url).content.decode()
    assert "You cannot send your response yet" not in check and "Cardiff" in check
    assert other.post(resumed.url).url == _url("respond_done", consultation)
    assert Response.objects.count() == 1


def test_a_page_never_reached_says_so_and_stops_sending_only_for_required_answers(
    client: Client, consultation
) -> None:
    _begin(client, consultation)
    client.post(_url("respond_section", consultation, 1), {_q("Do you agree with the proposal?"): "agree"})
    check = client.post(_url("respond_check", consultation)).content.decode()
    assert "Answer “Which court do you use?”: it is required" in check and "Not answered yet" in check
    assert not Response.objects.exists()
    Question.objects.filter(text="Which court do you use?").update(required=False)
    assert client.post(_url("respond_check", consultation)).url == _url("respond_done", consultation)


def test_change_returns_to_check_your_answers(client: Client, consultation) -> None:
    _begin(client, consultation)
    _answer_all(client, consultation)
    check = client.get(_url("respond_check", consultation)).content.decode()
    assert 'class="govuk-back-link"' in check and _url("respond_section", consultation, 2) in check
    change = f"{_url('respond_section', consultation, 1)}?return=check"
    assert change in check
    page = client.get(change).content.decode()
    assert f'href="{_url("respond_check", consultation)}" class="govuk-back-link"' in page
    after = client.post(
        change, {_q("Do you agree with the proposal?"): "strongly_agree", _q("How many visits a year?"): "2"}
    )
    assert after.url == _url("respond_check", consultation)
    about = client.post(
        f"{_url('respond_about', consultation)}?return=check",
        {"respondent_type": "individual", "name": "Alys", "publish": "anonymous"},
    )
    assert about.url == _url("respond_check", consultation)
    assert "Strongly agree" in client.get(about.url).content.decode()


def test_a_change_that_opens_a_follow_up_asks_it_then_returns_to_check(client: Client, consultation) -> None:
    _begin(client, consultation)
    _answer_all(client, consultation)
    change = f"{_url('respond_section', consultation, 1)}?return=check"
    after = client.post(change, {_q("Do you agree with the proposal?"): "disagree"})
    follow_up = f"{_url('respond_section', consultation, 2)}?return=check"
    assert after.url == follow_up
    assert "Why do you disagree?" in client.get(follow_up).content.decode()
    # Not answered yet: the check page will not send.
    assert client.post(_url("respond_check", consultation)).status_code == 200
    assert not Response.objects.exists()
    back = client.post(follow_up, {_q("Why do you disagree?"): "Too dear"})
    assert back.url == _url("respond_check", consultation)
    client.post(back.url)
    assert set(Answer.objects.values_list("value", flat=True)) == {"disagree", "Too dear", "Cardiff"}


def test_reloading_or_bookmarking_the_start_goes_on_with_the_response(client: Client, consultation) -> None:
    start = _url("respond_start", consultation)
    assert client.get(start).url == _url("public_consultation", consultation)
    assert not ResponseDraft.objects.exists()  # a GET starts nothing
    _begin(client, consultation)
    assert client.get(start).url == _url("respond_section", consultation, 1)
    assert client.head(start).status_code == 302
    _answer_all(client, consultation)
    assert client.get(start).url == _url("respond_check", consultation)


def test_every_journey_page_answers_head(client: Client, consultation) -> None:
    _begin(client, consultation)
    for url in (
        _url("public_consultation", consultation),
        _url("respond_about", consultation),
        _url("respond_section", consultation, 1),
        _url("respond_check", consultation),
        _url("respond_save", consultation),
    ):
        response = client.head(url)
        assert response.status_code == 200, url
        assert response.content == b""
    assert client.head("/").status_code == 200


def test_a_get_to_a_post_only_address_shows_a_page_not_a_blank(client: Client) -> None:
    response = client.get(reverse("accounts:sign_out"))
    assert response.status_code == 405
    page = response.content.decode()
    assert "This page cannot be opened from a link" in page
    assert 'href="/"' in page and "POST" in response["Allow"]


def test_asking_to_hear_what_changed_needs_an_email_and_is_kept_with_the_response(
    client: Client, consultation
) -> None:
    client.post(_url("respond_start", consultation))
    refused = client.post(
        _url("respond_about", consultation),
        {"respondent_type": "individual", "email": "", "may_contact": "on", "publish": "no"},
    )
    assert refused.status_code == 200
    assert "Enter your email address so we can tell you what changed" in refused.content.decode()
    assert ResponseDraft.objects.get().about == {}
    client.post(
        _url("respond_about", consultation),
        {"respondent_type": "individual", "email": "alys@example.org", "may_contact": "on", "publish": "no"},
    )
    ResponseDraft.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    _answer_all(client, consultation)
    check = client.get(_url("respond_check", consultation)).content.decode()
    assert "Tell me what changed" in check and "Yes, by email" in check
    client.post(_url("respond_check", consultation))
    response = Response.objects.get()
    assert response.may_contact is True and response.email == "alys@example.org"
