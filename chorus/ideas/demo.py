"""Demo data for ideas: an open challenge with ideas, supports, comments, one idea held
for a moderator, and answered ideas; and a closed challenge with its summary."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from chorus.core.registry import Scale, demo_builder
from chorus.ideas.models import Challenge, Comment, Idea, Moderation, Participant, Support

IDEAS = [
    (
        "Text reminders before hearings",
        "Send a text the day before a hearing with the time, the courtroom and what to bring.",
    ),
    (
        "Hearing reminders by text message",
        "A text message reminder of the hearing time and place would stop people missing hearings.",
    ),
    (
        "Quiet rooms for vulnerable witnesses",
        "Every court should have a quiet room where vulnerable witnesses can wait away from the other side.",
    ),
    (
        "Plain English letters",
        "Letters are full of legal words. Write them in plain English and say clearly what happens next.",
    ),
    (
        "Free wifi in waiting areas",
        "People wait for hours. Free wifi would let them work or keep in touch with family.",
    ),
    (
        "Show waiting times on a screen",
        "A screen in the waiting area showing which case is next and how long the wait is.",
    ),
    (
        "Video hearings for short matters",
        "Short procedural hearings could be held by video so people do not take a day off work.",
    ),
    (
        "Better signs to courtrooms",
        "The signs inside the building are confusing. Number the courtrooms clearly on every floor.",
    ),
    ("Welsh language help desk", "A help desk where people can speak Welsh when they arrive at court."),
    (
        "Online tracker for my case",
        "Let people see where their case is up to online, like tracking a parcel.",
    ),
    (
        "Childcare space at family courts",
        "Parents bring children because they have no childcare. A supervised play space would help.",
    ),
    (
        "Water fountains in waiting rooms",
        "There is nowhere to get water while waiting. Put in water fountains.",
    ),
]
COMMENTS = [
    "Yes, I missed my first hearing because the letter went to my old address.",
    "This would help my mum, who finds the building very confusing.",
    "Good idea, but it must work for people without smartphones too.",
    "Agree. The waiting is the worst part.",
]


@demo_builder("ideas")
def build_ideas(scale: Scale, rng: random.Random) -> dict[str, int]:
    if Challenge.objects.exists():
        return {"challenges": 0, "ideas": 0}
    now = timezone.now()
    challenge = Challenge.objects.create(
        title="How could we make our courts easier to use?",
        title_cy="Sut gallem wneud ein llysoedd yn haws eu defnyddio?",
        description=(
            "Tell us your ideas for making courts and tribunals easier to find, understand and use. "
            "We will read every idea and answer each one."
        ),
        description_cy=(
            "Dywedwch wrthym eich syniadau am wneud llysoedd a thribiwnlysoedd yn haws dod o hyd iddynt, "
            "eu deall a'u defnyddio. Byddwn yn darllen pob syniad ac yn ateb pob un."
        ),
        opens_at=now - timedelta(days=21),
        closes_at=now + timedelta(days=40),
    )
    people = [
        Participant.objects.create(
            email=f"participant{i}@example.org",
            name=rng.choice(["", "Sam", "Priya", "Gareth", "Alys", "Tom"]),
            confirmed_at=now - timedelta(days=rng.randint(1, 20)),
        )
        for i in range(max(40, scale.people // 50))
    ]
    ideas = []
    for title, body in IDEAS:
        ideas.append(
            Idea.objects.create(challenge=challenge, participant=rng.choice(people), title=title, body=body)
        )
    held = Idea.objects.create(
        challenge=challenge,
        participant=rng.choice(people),
        title="The usher on Tuesday",
        body="The usher was rude to me, call me on 07700 900123 and I will tell you more.",
        moderation=Moderation.HELD,
        hold_reason="It may contain personal data (phone).",
    )
    supports = []
    for idea in ideas:
        for person in rng.sample(people, rng.randint(0, min(len(people), 25))):
            supports.append(Support(idea=idea, participant=person))
    Support.objects.bulk_create(supports, ignore_conflicts=True)
    for idea in ideas:
        idea.support_count = idea.supports.count()
        idea.save(update_fields=["support_count"])
        for _ in range(rng.randint(0, 3)):
            Comment.objects.create(idea=idea, participant=rng.choice(people), body=rng.choice(COMMENTS))
    answered = ideas[3]
    answered.status = Idea.Status.TAKEN_FORWARD
    answered.response = (
        "We are rewriting our standard letters with a plain English editor; the first ones go out in March."
    )
    answered.responded_at = now - timedelta(days=2)
    answered.save()
    Challenge.objects.create(
        title="What should our new online service do first?",
        description="We asked what the new online service should do first.",
        opens_at=now - timedelta(days=120),
        closes_at=now - timedelta(days=60),
        closed_at=now - timedelta(days=60),
        summary="You told us case tracking mattered most. We are building it first, for release next spring.",
    )
    return {"challenges": 2, "ideas": len(ideas) + 1, "held": 1 if held else 0}
