"""Demo digital services with in-page feedback and exit survey answers over four months."""

from __future__ import annotations

import random
import uuid
from datetime import timedelta

from django.utils import timezone

from chorus.core.demo import column_update, rows_load
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


EXIT_COLUMNS = [
    "service",
    "satisfaction",
    "effort",
    "needed_help",
    "help_from",
    "improvement",
    "came_from",
    "language",
    "submission_key",
    "created_at",
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
    # Plain rows (chorus.core.demo): a large build writes 300,000 of them. The random draws
    # are the same, in the same order, as when they were model instances.
    feedback: list[tuple[object, ...]] = []
    exits: list[tuple[object, ...]] = []
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
            (
                service.pk,
                kind,
                page,
                text,
                "cy" if rng.random() < 0.06 else "en",
                uuid.UUID(int=rng.getrandbits(128), version=4),
                at,
            )
        )
        if number % 4 == 0:
            satisfaction = rng.choices([5, 4, 3, 2, 1], [30, 35, 15, 12, 8])[0]
            needed = rng.random() < 0.3
            exits.append(
                (
                    service.pk,
                    satisfaction,
                    max(1, min(5, 6 - satisfaction + rng.choice([-1, 0, 0, 1]))),
                    needed,
                    rng.sample(["family", "charity", "helpline", "staff", "adviser"], rng.randint(1, 2))
                    if needed
                    else [],
                    rng.choice(IDEAS),
                    f"https://{service.slug}.service.gov.uk/confirmation",
                    "cy" if rng.random() < 0.06 else "en",
                    uuid.UUID(int=rng.getrandbits(128), version=4),
                    at,
                )
            )
    rows_load(
        PageFeedback, ["service", "kind", "page", "text", "language", "submission_id", "created_at"], feedback
    )
    rows_load(ExitSurveyResponse, EXIT_COLUMNS, exits)
    return {"services": len(services), "page feedback": len(feedback), "exit survey answers": len(exits)}


@demo_builder("service-feedback-equality", after=["service-feedback"])
def build_equality_answers(scale: Scale, rng: random.Random) -> dict[str, int]:
    """About two in five exit survey answers to a service that monitors equality came with
    answers to the equality questions."""
    chosen = [
        (pk, service_code)
        for pk, service_code in ExitSurveyResponse.objects.filter(
            service__equality_monitoring=True, equality_key__isnull=True
        )
        .order_by("pk")
        .values_list("pk", "service__code")
        if rng.random() < 0.4
    ]
    keys = demo_answers(rng, asked_for=[service_code for _, service_code in chosen])
    column_update(ExitSurveyResponse, "equality_key", zip((pk for pk, _ in chosen), keys, strict=True))
    # The first release, as the hourly job would make it.
    return {"equality monitoring records": len(keys), "equality releases": release_due()}


@demo_builder("service-feedback-regions", after=["service-feedback", "places"])
def build_feedback_regions(scale: Scale, rng: random.Random) -> dict[str, int]:
    """About three in five pieces of feedback and exit answers came from a service that knew
    where the person was: a region, weighted roughly by population, Wales over-represented."""
    from chorus.directory.models import Region
    from chorus.directory.reference import regions_ensure

    regions_ensure()
    weights = {
        "E12000007": 14, "E12000008": 14, "E12000002": 11, "E12000006": 10, "E12000005": 9,
        "E12000009": 9, "E12000003": 8, "E12000004": 7, "E12000001": 4, "W92000004": 10,
    }  # fmt: skip
    regions = dict(Region.objects.filter(ons_code__in=weights).values_list("ons_code", "pk"))
    codes = [code for code in weights if code in regions]
    if not codes:
        return {}
    counted = {}
    for model in (PageFeedback, ExitSurveyResponse):
        pairs = [
            (pk, regions[rng.choices(codes, [weights[c] for c in codes])[0]])
            for pk in model.objects.filter(region__isnull=True).order_by("pk").values_list("pk", flat=True)
            if rng.random() < 0.6
        ]
        counted[str(model._meta.verbose_name_plural)] = column_update(model, "region", pairs)
    return {f"{what} with a region": n for what, n in counted.items()}
