"""Publishing runs a checklist: a draft stays a draft until it has what it needs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.consultations.models import Consultation, Question
from chorus.directory.models import Region
from chorus.directory.reference import regions_ensure
from tests.factories import ConsultationFactory, QuestionFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft() -> Consultation:
    now = timezone.now()
    return ConsultationFactory(
        title="Court fees", opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=85)
    )


def _publish(client: Client, consultation: Consultation) -> str:
    return client.post(reverse("consultations:publish", args=[consultation.code])).content.decode()


def test_a_consultation_without_questions_is_not_published_and_the_list_says_what_is_missing(
    officer_client: Client, draft
) -> None:
    page = _publish(officer_client, draft)
    draft.refresh_from_db()
    assert not draft.is_published and draft.status() == "draft"
    assert "There is a problem" in page
    edit = reverse("consultations:consultation_edit", args=[draft.code])
    builder = reverse("consultations:questions", args=[draft.code])
    assert f'<a href="{builder}">It has no questions yet</a>' in page
    assert f'<a href="{edit}#id_privacy_url">There is no link to a privacy notice</a>' in page
    assert "There is no email address or phone number for questions" in page
    assert page.count("Incomplete") == 3
    assert client_sees_no_public_page(draft)


def client_sees_no_public_page(consultation: Consultation) -> bool:
    return (
        Client().get(reverse("consultations:public_consultation", args=[consultation.code])).status_code
        == 404
    )


def test_once_every_task_is_done_it_publishes(officer_client: Client, draft) -> None:
    QuestionFactory(section=SectionFactory(consultation=draft), text="Do you agree?")
    draft.privacy_url = "https://www.example.gov.uk/privacy"
    draft.contact_email = "consultations@example.gov.uk"
    draft.save()
    checklist = officer_client.get(reverse("consultations:publish", args=[draft.code])).content.decode()
    assert checklist.count("Completed") == 4 and "Incomplete" not in checklist
    response = officer_client.post(reverse("consultations:publish", args=[draft.code]))
    assert response.url == reverse("consultations:consultation_detail", args=[draft.code])
    draft.refresh_from_db()
    assert draft.is_published and draft.status() == "forthcoming"


def test_a_closing_date_in_the_past_is_on_the_list(officer_client: Client, draft) -> None:
    Consultation.objects.filter(pk=draft.pk).update(
        opens_at=timezone.now() - timedelta(days=30), closes_at=timezone.now() - timedelta(days=1)
    )
    page = _publish(officer_client, draft)
    assert "The closing date has passed: set a closing date in the future" in page


def test_a_consultation_for_wales_needs_its_welsh_texts(officer_client: Client, draft) -> None:
    regions_ensure()
    draft.regions.add(Region.objects.get(name_en="Wales"))
    section = SectionFactory(consultation=draft, title="The proposal", title_cy="")
    QuestionFactory(section=section, text="Do you agree?", text_cy="")
    draft.privacy_url = "https://www.example.gov.uk/privacy"
    draft.contact_phone = "01632 960 001"
    draft.save()
    page = _publish(officer_client, draft)
    for missing in (
        "The title in Welsh",
        "The summary in Welsh",
        "The title of section “The proposal” in Welsh",
        "“Do you agree?”: 1 text in Welsh",
    ):
        assert missing in page
    draft.refresh_from_db()
    assert not draft.is_published


def test_saving_the_consultation_form_never_publishes(officer_client: Client, draft) -> None:
    officer_client.post(
        reverse("consultations:consultation_edit", args=[draft.code]),
        {
            "kind": "consultation",
            "title": "Court fees in 2027",
            "summary": "Fees",
            "opens_at": "2027-01-01 09:00",
            "closes_at": "2027-03-01 09:00",
            "is_published": "on",
        },
    )
    draft.refresh_from_db()
    assert draft.title == "Court fees in 2027" and not draft.is_published


def test_a_published_consultation_keeps_at_least_one_question(officer_client: Client, draft) -> None:
    only = QuestionFactory(section=SectionFactory(consultation=draft), text="Do you agree?")
    Consultation.objects.filter(pk=draft.pk).update(is_published=True)
    page = officer_client.post(
        reverse("consultations:question_delete", args=[draft.code, only.code]), follow=True
    ).content.decode()
    assert "It is published, so it needs at least one question: add another first" in page
    assert Question.objects.filter(pk=only.pk).exists()
