"""English shown on a Welsh page because there is no Welsh version is marked lang="en"
(through chorus.core.i18n), and staff lists say which records have no Welsh version."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from chorus.core.i18n import in_language, text_in_language
from tests.factories import (
    ActivityFactory,
    BulletinFactory,
    ChallengeFactory,
    ConsultationFactory,
    QuestionFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db


def _cy(name: str, args: list[object]) -> str:
    with translation.override("cy"):
        return reverse(name, args=args)


def test_the_helper_marks_english_fallback_only_on_welsh_pages() -> None:
    consultation = ConsultationFactory.build(title="Court fees <2026>", title_cy="")
    assert str(in_language(consultation, "title", "cy")) == '<span lang="en">Court fees &lt;2026&gt;</span>'
    assert str(in_language(consultation, "title", "en")) == "Court fees &lt;2026&gt;"
    consultation.title_cy = "Ffioedd llys"
    assert str(in_language(consultation, "title", "cy")) == "Ffioedd llys"
    assert text_in_language(consultation, "title", "cy").language == "cy"


def test_a_welsh_consultation_page_marks_its_english_text(client: Client) -> None:
    consultation = ConsultationFactory(
        title="Changes to court fees",
        summary="What we propose.",
        body="We propose new fees.",
        is_published=True,
    )
    url = reverse("consultations:public_consultation", args=[consultation.code])
    welsh = client.get(f"/cy{url}").content.decode()
    assert '<h1 class="govuk-heading-xl"><span lang="en">Changes to court fees</span></h1>' in welsh
    assert '<p class="govuk-body-l" lang="en">What we propose.</p>' in welsh
    assert '<div lang="en"><p class="govuk-body">We propose new fees.</p></div>' in welsh
    english = client.get(url).content.decode()
    assert 'lang="en">Changes to court fees' not in english
    consultation.title_cy, consultation.summary_cy = "Newidiadau i ffioedd llys", "Ein cynnig."
    consultation.save()
    welsh = client.get(f"/cy{url}").content.decode()
    assert '<h1 class="govuk-heading-xl">Newidiadau i ffioedd llys</h1>' in welsh


def test_the_welsh_response_journey_marks_the_english_title_and_questions(client: Client) -> None:
    now = timezone.now()
    consultation = ConsultationFactory(
        title="Changes to court fees",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
        is_published=True,
    )
    section = SectionFactory(consultation=consultation, title="The proposal", title_cy="Y cynnig", order=1)
    QuestionFactory(section=section, kind="text", text="What do you think?")
    client.post(_cy("consultations:respond_start", args=[consultation.code]))
    client.post(
        _cy("consultations:respond_about", args=[consultation.code]),
        {"respondent_type": "individual", "email": "alys@example.org", "publish": "no"},
    )
    page = client.get(_cy("consultations:respond_section", args=[consultation.code, 1]))
    html = page.content.decode()
    assert '<span lang="en">Changes to court fees</span>' in html
    assert '<h1 class="govuk-heading-l">Y cynnig</h1>' in html
    assert '<span lang="en">What do you think?</span>' in html


def test_welsh_event_and_idea_pages_mark_their_english_text(client: Client) -> None:
    event = ActivityFactory(
        title="Open day", summary="Come along.", is_public=True, starts_at=timezone.now() + timedelta(days=3)
    )
    page = client.get(_cy("engagement:public_event", args=[event.code])).content.decode()
    assert '<span lang="en">Open day</span>' in page
    assert '<p class="govuk-body" lang="en">Come along.</p>' in page
    challenge = ChallengeFactory(title="Easier courts", title_cy="")
    page = client.get(_cy("ideas:challenge_detail", args=[challenge.code])).content.decode()
    assert '<span lang="en">Easier courts</span>' in page


def test_staff_lists_say_which_records_have_no_welsh_version(officer_client: Client) -> None:
    ConsultationFactory(title="Only English")
    ConsultationFactory(title="Both", title_cy="Y ddau", summary_cy="Ein cynnig.")
    page = officer_client.get(reverse("consultations:consultation_list")).content.decode()
    assert page.count("No Welsh version") == 1
    BulletinFactory(subject="News", body="Hello")
    page = officer_client.get(reverse("bulletins:bulletin_list")).content.decode()
    assert "No Welsh version" in page
