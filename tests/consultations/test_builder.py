from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.consultations.models import Consultation, Question, Section
from tests.factories import ConsultationFactory, QuestionFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation() -> Consultation:
    return ConsultationFactory(title="Court fees", opens_at=timezone.now() + timedelta(days=1))


def test_an_officer_builds_questions_with_a_follow_up(officer_client: Client, consultation) -> None:
    url = reverse("consultations:questions", args=[consultation.code])
    assert (
        "Enter the section&#x27;s title"
        in officer_client.post(url, {"add": "section", "title": ""}).content.decode()
    )
    officer_client.post(url, {"add": "section", "title": "The proposal", "title_cy": "Y cynnig"})
    officer_client.post(url, {"add": "section", "title": "Why"})
    first, second = Section.objects.order_by("order")
    bad = officer_client.post(
        url,
        {"add": "question", "section": first.pk, "kind": "single", "text": "How often?", "options": "Often"},
    ).content.decode()
    assert "Add at least two options, one a line" in bad
    officer_client.post(
        url,
        {
            "add": "question",
            "section": first.pk,
            "kind": "single",
            "text": "How often do you use the service?",
            "options": "Often | Yn aml\nRarely | Anaml",
            "required": "on",
        },
    )
    often = Question.objects.get()
    assert often.options == [
        {"value": "often", "label": "Often", "label_cy": "Yn aml"},
        {"value": "rarely", "label": "Rarely", "label_cy": "Anaml"},
    ]
    same_section = officer_client.post(
        url,
        {
            "add": "question",
            "section": first.pk,
            "kind": "text",
            "text": "Why?",
            "follows": often.pk,
            "shown_for": "Rarely\nOften",
        },
    ).content.decode()
    assert "A follow-up on the same page as its question is shown under one answer." in same_section
    unknown = officer_client.post(
        url,
        {
            "add": "question",
            "section": second.pk,
            "kind": "text",
            "text": "Why?",
            "follows": often.pk,
            "shown_for": "Never",
        },
    ).content.decode()
    assert "“never” is not an answer to “How often do you use the service?”. Use: Often, Rarely." in unknown
    officer_client.post(
        url,
        {
            "add": "question",
            "section": second.pk,
            "kind": "text",
            "text": "Why rarely?",
            "follows": often.pk,
            "shown_for": "rarely",
            "max_length": "500",
        },
    )
    why = Question.objects.get(text="Why rarely?")
    assert (why.follows, why.shown_for, why.max_length) == (often, ["rarely"], 500)

    preview = officer_client.get(reverse("consultations:preview", args=[consultation.code])).content.decode()
    assert "How often do you use the service?" in preview and "Nothing you enter is sent" in preview
    welsh = officer_client.get(
        "/cy" + reverse("consultations:preview", args=[consultation.code])
    ).content.decode()
    assert "Yn aml" in welsh


def test_a_consultation_is_duplicated_as_a_template(officer_client: Client, consultation) -> None:
    section = SectionFactory(consultation=consultation, title="One", order=1)
    later = SectionFactory(consultation=consultation, title="Two", order=2)
    parent = QuestionFactory(section=section, kind="yes_no", text="Do you use it?")
    QuestionFactory(section=later, kind="text", text="Why not?", follows=parent, shown_for=["no"])
    officer_client.post(reverse("consultations:duplicate", args=[consultation.code]))
    copy = Consultation.objects.exclude(pk=consultation.pk).get()
    assert copy.title == "Copy of Court fees" and not copy.is_published
    copied = Question.objects.filter(section__consultation=copy)
    assert copied.count() == 2
    assert copied.get(text="Why not?").follows == copied.get(text="Do you use it?")


def test_viewers_cannot_build(client: Client, viewer, consultation) -> None:
    from tests.conftest import sign_in

    response = sign_in(client, viewer).post(
        reverse("consultations:questions", args=[consultation.code]), {"add": "section", "title": "x"}
    )
    assert response.status_code == 403 and not Section.objects.exists()
