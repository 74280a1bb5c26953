"""Demo data for analysis: a stream of social media posts, and analyses queued for the
worker to run (of a consultation question, a service's feedback and the posts)."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from chorus.analysis.models import AnalysisRun, SocialPost, SocialSource
from chorus.analysis.services import run_create
from chorus.consultations.models import Question
from chorus.core.registry import Scale, demo_builder
from chorus.feedback.models import Service

POSTS = [
    "Waited three hours at the county court today and nobody told us why the hearing was late",
    "The online divorce service was so much easier than I expected, done in twenty minutes",
    "Can't get through on the phone line, on hold for 50 minutes again",
    "Really helpful usher at the magistrates court this morning, explained everything",
    "Why does the claim form keep timing out? Lost my answers twice",
    "Court building was freezing and the toilets were out of order",
    "Got my hearing date by text message, very handy",
    "The fee remission form is impossible to understand",
    "Thanks to the staff at the tribunal for being so patient with my dad",
    "Parking near the court is a nightmare, had to pay 15 pounds",
    "Video hearing kept dropping out, had to rejoin four times",
    "Finally had my case heard after eight months of delays",
    "Great that the forms are available in Welsh now",
    "Nobody replied to my email for three weeks",
    "The new website is clear and easy to find things on",
]


@demo_builder("analysis", after=["accounts", "consultation-questions", "service-feedback"])
def build_analysis(scale: Scale, rng: random.Random) -> dict[str, int]:
    source, _created = SocialSource.objects.get_or_create(
        name="Mentions of the courts service",
        defaults={"description": "Posts exported from our listening tool."},
    )
    if not source.posts.exists():
        now = timezone.now()
        posts = []
        for i in range(max(60, scale.feedback // 10)):
            text = rng.choice(POSTS)
            if rng.random() < 0.3:
                text += rng.choice(
                    [" #courts", " - really not good enough", " :)", " again!", " @courtsservice"]
                )
            posts.append(
                SocialPost(
                    source=source,
                    handle=f"@user{rng.randint(1, 5000)}",
                    posted_at=now - timedelta(hours=rng.randint(1, 24 * 60)),
                    text=text,
                    platform=rng.choice(["X", "Bluesky", "Facebook"]),
                    fingerprint=f"demo-{i}",
                )
            )
        SocialPost.objects.bulk_create(posts)
    if AnalysisRun.objects.exists():
        return {"analyses": 0, "posts": source.posts.count()}
    from chorus.accounts.models import User

    actor = (
        User.objects.filter(is_active=True, role="analyst").first()
        or User.objects.filter(is_active=True).first()
    )
    targets: list[tuple[str, object]] = [("social", source)]
    # A published consultation's, so that its themes can appear in the open data too.
    question = (
        Question.objects.filter(
            kind=Question.Kind.TEXT,
            answers__isnull=False,
            section__consultation__is_published=True,
            section__consultation__team__isnull=True,
        )
        .distinct()
        .first()
    )
    if question is not None:
        targets.insert(0, ("question", question))
    service = Service.objects.filter(page_feedback__isnull=False).distinct().first()
    if service is not None:
        targets.append(("service", service))
    if actor is None:
        return {"analyses": 0, "posts": source.posts.count()}
    for subject, target in targets:
        run_create(actor=actor, subject=subject, target=target, mode=AnalysisRun.Mode.FAST, framework=[])
    return {"analyses": len(targets), "posts": source.posts.count()}
