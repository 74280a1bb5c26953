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


# Census 2021, rounded: each area's usual residents and the share of each group (percent),
# so the equity of reach page has a population to compare with.
CENSUS_TOTALS = {"W92000004": 3_107_500, "E12000002": 7_417_300, "E12000007": 8_799_800}
CENSUS_SHARES: dict[str, dict[str, dict[str, float]]] = {
    "sex": {
        "W92000004": {"female": 51.1, "male": 48.9},
        "E12000002": {"female": 50.9, "male": 49.1},
        "E12000007": {"female": 51.3, "male": 48.7},
    },
    "ethnic_group": {
        "W92000004": {"white": 93.8, "asian": 2.9, "black": 0.9, "mixed": 1.6, "other": 0.8},
        "E12000002": {"white": 85.6, "asian": 8.7, "black": 2.1, "mixed": 2.1, "other": 1.5},
        "E12000007": {"white": 53.8, "asian": 20.7, "black": 13.5, "mixed": 5.7, "other": 6.3},
    },
    "disability": {
        "W92000004": {"yes_a_lot": 10.1, "yes_a_little": 11.5, "yes_not_at_all": 7.0, "no": 71.4},
        "E12000002": {"yes_a_lot": 8.9, "yes_a_little": 10.4, "yes_not_at_all": 6.8, "no": 73.9},
        "E12000007": {"yes_a_lot": 6.0, "yes_a_little": 7.6, "yes_not_at_all": 5.5, "no": 80.9},
    },
    "welsh": {"W92000004": {"yes": 17.8, "no": 82.2}},
}
# England and Wales by five-year band (percent); Wales is a little older, London younger.
AGES = [5.4, 5.9, 6.0, 5.6, 6.0, 6.6, 6.9, 6.6, 6.2, 6.3, 6.9, 6.7, 5.8, 5.0, 5.0, 3.6, 2.4, 2.4]
AGE_TILT = {"W92000004": (0.96, 1.0, 1.15), "E12000002": (1.0, 1.0, 1.0), "E12000007": (1.05, 1.2, 0.65)}


def _ages(code: str) -> dict[str, float]:
    young, working, old = AGE_TILT[code]
    keys = [f"{5 * n}_{5 * n + 4}" for n in range(17)] + ["85_over"]
    tilted = [
        share * (young if n < 5 else working if n < 9 else old if n >= 13 else 1.0)
        for n, share in enumerate(AGES)
    ]
    scale = 100 / sum(tilted)
    return {key: share * scale for key, share in zip(keys, tilted, strict=True)}


@demo_builder("population")
def demo_population(scale: Scale, rng: random.Random) -> dict[str, int]:
    """The population of Wales, the North West and London, as if imported from the Census."""
    from chorus.directory.models import Region
    from chorus.directory.reference import regions_ensure
    from chorus.insights.models import PopulationFigure
    from chorus.insights.population import TABLES, TOTAL

    regions_ensure()
    regions = {r.ons_code: r for r in Region.objects.filter(ons_code__in=list(CENSUS_TOTALS))}
    shares = {**CENSUS_SHARES, "age": {code: _ages(code) for code in CENSUS_TOTALS}}
    figures = []
    for dimension, by_region in shares.items():
        table = TABLES[dimension]
        for code, groups in by_region.items():
            people = CENSUS_TOTALS[code] * (0.97 if dimension == "welsh" else 1)  # aged 3 and over
            counts = {group: round(people * share / 100) for group, share in groups.items()}
            for category, count in [*counts.items(), (TOTAL, sum(counts.values()))]:
                figures.append(
                    PopulationFigure(
                        dimension=dimension,
                        category=category,
                        region=regions[code],
                        count=count,
                        source_file=f"census2021-{table.table_id.lower()}-rgn.csv",
                        source_table=table.table_id,
                        source_date="2021",
                    )
                )
    PopulationFigure.objects.bulk_create(figures)
    return {"population figures": len(figures)}
