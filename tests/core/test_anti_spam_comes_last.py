"""Public forms check for robots (the hidden field, too quick a reply, too many from one
connection) only once the form is otherwise valid: a person who left something out sees
what to fix, never a message meant for robots."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.bulletins.models import Subscriber
from chorus.consultations.models import Consultation, Response, ResponseDraft
from chorus.core.ratelimit import HONEYPOT
from chorus.feedback.models import ExitSurveyResponse
from chorus.ideas.models import Idea
from chorus.ideas.views.public import SALT as IDEAS_SALT
from chorus.insights.models import DataAccessRequest
from tests.factories import (
    ChallengeFactory,
    ConsultationFactory,
    ParticipantFactory,
    QuestionFactory,
    SectionFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db

QUICK = "That was very quick"


def test_an_empty_idea_shows_only_what_to_fix(client: Client, settings) -> None:
    settings.CHORUS_RESPOND_LEAST_SECONDS = 60
    challenge = ChallengeFactory()
    participant = ParticipantFactory(name="Sam", confirmed_at=timezone.now())
    client.post(reverse("ideas:participant_confirm", args=[participant.token]))
    url = reverse("ideas:idea_propose", args=[challenge.code])
    just_now = signing.dumps(str(timezone.now().timestamp()), salt=IDEAS_SALT)
    page = client.post(url, {"title": "", "body": "", "started": just_now}).content.decode()
    assert "Enter a title for your idea" in page and QUICK not in page
    page = client.post(url, {"title": "Ramps", "body": "At the door", "name": "Sam", "started": just_now})
    assert QUICK in page.content.decode() and not Idea.objects.exists()


def test_asking_to_take_part_with_no_email_shows_the_error_even_from_a_filled_trap(client: Client) -> None:
    page = client.post(reverse("ideas:take_part"), {"email": "", HONEYPOT: "x"}).content.decode()
    assert "Enter your email address" in page


def test_a_response_with_required_answers_missing_shows_them_not_a_refusal(client: Client) -> None:
    now = timezone.now()
    consultation: Consultation = ConsultationFactory(
        opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=30), is_published=True
    )
    QuestionFactory(
        section=SectionFactory(consultation=consultation, order=1),
        kind="text",
        text="What do you think?",
        required=True,
    )
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
    ResponseDraft.objects.update(created_at=timezone.now())  # too quick, were it complete
    page = client.post(reverse("consultations:respond_check", args=[consultation.code]), {HONEYPOT: ""})
    assert page.status_code == 200 and "What do you think?" in page.content.decode()
    assert not Response.objects.exists()


def test_an_empty_exit_survey_shows_its_errors_even_with_the_trap_filled(client: Client) -> None:
    service = ServiceFactory(slug="apply", allowed_origins="https://apply.example.gov.uk")
    url = reverse("feedback:exit_survey", args=[service.slug])
    form = client.get(url).context["form"]
    page = client.post(url, {"submission_key": str(form.initial["submission_key"]), HONEYPOT: "x"})
    assert page.status_code == 200 and "Select how you felt about the service" in page.content.decode()
    assert not ExitSurveyResponse.objects.exists()


def test_a_bulletin_sign_up_with_no_email_shows_the_error_even_with_the_trap_filled(client: Client) -> None:
    page = client.post(reverse("bulletins:subscribe"), {"email": "", HONEYPOT: "x"}).content.decode()
    assert "Enter your email address" in page and not Subscriber.objects.exists()


def test_a_data_request_with_errors_is_never_refused_as_too_many(client: Client) -> None:
    url = reverse("insights:request_new")
    for _attempt in range(7):
        page = client.post(url, {"name": "Ann", HONEYPOT: "x"})
        assert page.status_code == 200 and "Say how you will keep the data safe" in page.content.decode()
    assert not DataAccessRequest.objects.exists()
