"""Demo digital services with in-page feedback and exit survey answers over four months."""

from __future__ import annotations

import random
import uuid
from datetime import timedelta

from django.utils import timezone

from chorus.core.registry import Scale, demo_builder
from chorus.equality.demo import demo_answers
from chorus.equality.services import release_due
from chorus.feedback.models import ExitSurveyResponse, PageFeedback, Service

SERVICES = [
    (
        "Apply for probate",
        "Gwneud cais am brofiant",
        "apply-for-probate",
        ["start", "will", "executors", "upload", "pay", "check"],
    ),
    (
        "Pay a court fine",
        "Talu dirwy llys",
        "pay-a-court-fine",
        ["start", "find-fine", "pay", "confirmation"],
    ),
    (
        "Make a money claim",
        "Gwneud hawliad am arian",
        "money-claim",
        ["start", "claimant", "defendant", "amount", "fee", "submit"],
    ),
    (
        "Apply for a divorce",
        "Gwneud cais am ysgariad",
        "apply-for-divorce",
        ["start", "marriage", "reasons", "documents", "pay"],
    ),
]
NOT_USEFUL = [
    "I could not find how much it costs",
    "Too much legal language, I did not understand it",
    "The page did not say how long it takes",
    "It does not explain what happens next",
    "I wanted to speak to someone but there is no phone number",
    "The guidance contradicts the letter I was sent",
]
PROBLEMS = [
    "The upload button does nothing when I choose a PDF",
    "I was signed out and lost my answers",
    "The payment page timed out twice",
    "The page would not accept my postcode",
    "Error message says something went wrong but not what",
    "Date field does not accept 01/02/2026",
    "The Welsh version switches back to English halfway",
    "The continue button is hidden behind the cookie banner on my phone",
]
IDEAS = [
    "Let me save my progress and come back later",
    "Tell me how long each step will take",
    "Send me a text when my case moves on",
    "Explain the fees before I start, not at the end",
    "A phone number on every page",
    "Plainer words, please",
    "Let me upload photos from my phone",
    "",
    "",
    "",
]


@demo_builder("service-feedback")
def build_service_feedback(scale: Scale, rng: random.Random) -> dict[str, int]:
    services = []
    for number, (name, name_cy, slug, _pages) in enumerate(SERVICES):
        services.append(
            Service.objects.get_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "name_cy": name_cy,
                    "allowed_origins": f"https://{slug}.service.gov.uk",
                    "equality_monitoring": number % 2 == 0,
                },
            )[0]
        )
    now = timezone.now()
    feedback: list[PageFeedback] = []
    exits: list[ExitSurveyResponse] = []
    for number in range(scale.feedback):
        index = rng.choices(range(len(SERVICES)), [40, 25, 25, 10])[0]
        service, pages = services[index], SERVICES[index][3]
        page = f"https://{service.slug}.service.gov.uk/{rng.choice(pages)}"
        at = now - timedelta(minutes=rng.randint(0, 120 * 24 * 60))
        kind = rng.choices(["useful", "not_useful", "problem"], [60, 25, 15])[0]
        text = rng.choice(NOT_USEFUL) if kind == "not_useful" and rng.random() < 0.7 else ""
        if kind == "problem":
            text = rng.choice(PROBLEMS)
        feedback.append(
            PageFeedback(
                service=service,
                kind=kind,
                page=page,
                text=text,
                language="cy" if rng.random() < 0.06 else "en",
                submission_id=uuid.UUID(int=rng.getrandbits(128), version=4),
                created_at=at,
            )
        )
        if number % 4 == 0:
            satisfaction = rng.choices([5, 4, 3, 2, 1], [30, 35, 15, 12, 8])[0]
            needed = rng.random() < 0.3
            exits.append(
                ExitSurveyResponse(
                    service=service,
                    satisfaction=satisfaction,
                    effort=max(1, min(5, 6 - satisfaction + rng.choice([-1, 0, 0, 1]))),
                    needed_help=needed,
                    help_from=rng.sample(
                        ["family", "charity", "helpline", "staff", "adviser"], rng.randint(1, 2)
                    )
                    if needed
                    else [],
                    improvement=rng.choice(IDEAS),
                    came_from=f"https://{service.slug}.service.gov.uk/confirmation",
                    language="cy" if rng.random() < 0.06 else "en",
                    submission_key=uuid.UUID(int=rng.getrandbits(128), version=4),
                    created_at=at,
                )
            )
    PageFeedback.objects.bulk_create(feedback, batch_size=5000)
    ExitSurveyResponse.objects.bulk_create(exits, batch_size=5000)
    return {"services": len(services), "page feedback": len(feedback), "exit survey answers": len(exits)}


@demo_builder("service-feedback-equality", after=["service-feedback"])
def build_equality_answers(scale: Scale, rng: random.Random) -> dict[str, int]:
    """About two in five exit survey answers to a service that monitors equality came with
    answers to the equality questions."""
    chosen = [
        answer
        for answer in ExitSurveyResponse.objects.filter(
            service__equality_monitoring=True, equality_key__isnull=True
        )
        .select_related("service")
        .order_by("pk")
        if rng.random() < 0.4
    ]
    keys = demo_answers(rng, asked_for=[answer.service.code for answer in chosen])
    for answer, key in zip(chosen, keys, strict=True):
        answer.equality_key = key
    ExitSurveyResponse.objects.bulk_update(chosen, ["equality_key"], batch_size=5000)
    # The first release, as the hourly job would make it.
    return {"equality monitoring records": len(keys), "equality releases": release_due()}
