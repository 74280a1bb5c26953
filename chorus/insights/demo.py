"""Demo perception tracking: a stakeholder perception survey asked in three waves, with
views that improve on some questions and hold steady on others."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from chorus.core.registry import Scale, demo_builder

WAVES = [
    ("Stakeholder perception survey: spring 2025", "Arolwg canfyddiad rhanddeiliaid: gwanwyn 2025", 560),
    ("Stakeholder perception survey: autumn 2025", "Arolwg canfyddiad rhanddeiliaid: hydref 2025", 380),
    ("Stakeholder perception survey: spring 2026", "Arolwg canfyddiad rhanddeiliaid: gwanwyn 2026", 200),
]
# (kind, text, text_cy, options, chance of the favourable answer in each wave)
QUESTIONS = [
    (
        "scale",
        "We listen to what stakeholders tell us",
        "Rydym yn gwrando ar yr hyn y mae rhanddeiliaid yn ei ddweud wrthym",
        [],
        (0.40, 0.47, 0.56),
    ),
    (
        "scale",
        "We explain the reasons for our decisions",
        "Rydym yn esbonio'r rhesymau dros ein penderfyniadau",
        [],
        (0.45, 0.44, 0.46),
    ),
    (
        "rating",
        "How would you rate your working relationship with us?",
        "Sut fyddech chi'n graddio eich perthynas waith â ni?",
        [],
        (0.50, 0.52, 0.62),
    ),
    (
        "yes_no",
        "Have you taken part in any of our engagement in the last year?",
        "Ydych chi wedi cymryd rhan yn unrhyw un o'n gweithgareddau ymgysylltu yn ystod y flwyddyn "
        "ddiwethaf?",
        [],
        (0.30, 0.36, 0.45),
    ),
    (
        "single",
        "How do you prefer to hear from us?",
        "Sut mae'n well gennych glywed gennym ni?",
        [
            {"value": "email", "label": "Email bulletins", "label_cy": "Bwletinau e-bost"},
            {"value": "events", "label": "Events and forums", "label_cy": "Digwyddiadau a fforymau"},
            {"value": "website", "label": "Our website", "label_cy": "Ein gwefan"},
            {"value": "social", "label": "Social media", "label_cy": "Cyfryngau cymdeithasol"},
        ],
        (0.45, 0.50, 0.55),
    ),
]


def _answer(kind: str, favourable: float, rng: random.Random) -> object:
    good = rng.random() < favourable
    if kind == "scale":
        if rng.random() < 0.05:
            return "dont_know"
        return (
            rng.choice(["agree", "strongly_agree"])
            if good
            else rng.choice(["neither", "disagree", "strongly_disagree"])
        )
    if kind == "rating":
        return rng.choice(["4", "5"]) if good else rng.choice(["1", "2", "3", "3"])
    if kind == "yes_no":
        return "yes" if good else "no"
    return "email" if good else rng.choice(["events", "website", "social"])


@demo_builder("perception")
def build_perception(scale: Scale, rng: random.Random) -> dict[str, int]:
    from chorus.consultations.models import Answer, Consultation, Question, Response, Section
    from chorus.insights.models import PerceptionSeries

    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    per_wave = max(120, scale.people // 50)
    waves = []
    answers: list[Answer] = []
    responses_made = 0
    for number, (title, title_cy, days_ago) in enumerate(WAVES):
        opens = now - timedelta(days=days_ago)
        wave = Consultation.objects.create(
            kind=Consultation.Kind.SURVEY,
            title=title,
            title_cy=title_cy,
            summary="How well do we work with the organisations and people we serve? Tell us, once a season.",
            summary_cy="Pa mor dda ydym ni'n gweithio gyda'r sefydliadau a'r bobl rydym yn eu gwasanaethu? "
            "Dywedwch wrthym, unwaith y tymor.",
            body="We ask the same questions every wave, so that we can see what has changed.",
            opens_at=opens,
            closes_at=opens + timedelta(weeks=6),
            is_published=True,
        )
        section = Section.objects.create(
            consultation=wave, title="Working with us", title_cy="Gweithio gyda ni", order=1
        )
        questions = [
            Question.objects.create(
                section=section,
                kind=kind,
                text=text,
                text_cy=text_cy,
                options=options,
                required=True,
                order=order,
            )
            for order, (kind, text, text_cy, options, _chances) in enumerate(QUESTIONS, start=1)
        ]
        responses = Response.objects.bulk_create(
            Response(
                consultation=wave,
                reference=f"P{number}{i:06d}"[:12],
                channel=rng.choices(["online", "email", "phone"], [85, 10, 5])[0],
                respondent_type="organisation" if rng.random() < 0.6 else "individual",
                submitted_at=opens + timedelta(minutes=rng.randint(0, 6 * 7 * 24 * 60)),
            )
            for i in range(rng.randint(per_wave * 9 // 10, per_wave))
        )
        responses_made += len(responses)
        for response in responses:
            for question, (kind, _t, _c, _o, chances) in zip(questions, QUESTIONS, strict=True):
                answers.append(
                    Answer(response=response, question=question, value=_answer(kind, chances[number], rng))
                )
        waves.append(wave)
    Answer.objects.bulk_create(answers, batch_size=5000)
    series = PerceptionSeries.objects.create(
        name="Stakeholder perception",
        description="Our twice-yearly survey of the organisations and people we work with.",
        baseline=waves[0],
    )
    series.waves.set(waves)
    return {"perception waves": len(waves), "perception responses": responses_made}
