"""Demo cases: a few hundred enquiries, complaints, compliments and suggestions over the
last year, from every channel, about the demo places; some from people in the directory,
some anonymous; open ones assigned, some overdue; closed complaints with their outcomes
and lessons. Written in bulk (no emails, no matching tasks)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from chorus.accounts.models import Role, Team, User
from chorus.cases.models import (
    Case,
    CaseNote,
    Category,
    Channel,
    Kind,
    Outcome,
    ReplyTemplate,
    SatisfactionSurvey,
    Stage,
    Status,
)
from chorus.cases.satisfaction import survey_wanted
from chorus.cases.services import due_date, english
from chorus.core.registry import Scale, demo_builder
from chorus.directory.models import ContactPoint, Place

CATEGORIES = [
    ("Delays", "Oedi"),
    ("Staff conduct", "Ymddygiad staff"),
    ("Information and letters", "Gwybodaeth a llythyrau"),
    ("Accessibility", "Hygyrchedd"),
    ("Buildings and facilities", "Adeiladau a chyfleusterau"),
    ("Online services", "Gwasanaethau ar-lein"),
    ("Fees and payments", "Ffioedd a thaliadau"),
]
# Two of them named as the feedback demo names its digital services, so the service
# excellence dashboard shows their complaints and compliments beside their feedback.
SERVICES = [
    "Family court",
    "Make a money claim",
    "Tribunals",
    "Apply for probate",
    "Court and tribunal finder",
]
TEXTS = {
    Kind.ENQUIRY: [
        "Can you tell me when my hearing will be listed? I sent the forms three weeks ago.",
        "Is there step-free access at the building, and can I bring a support worker?",
        "How do I pay the fee if I do not have a bank card?",
        "Pa ddogfennau sydd angen i mi ddod gyda fi i'r gwrandawiad?",
    ],
    Kind.COMPLAINT: [
        "I waited two hours past my appointment time and nobody told me what was happening.",
        "The letter I received had the wrong date on it and I missed my hearing as a result.",
        "The hearing loop in court 2 was not working and I could not follow what was said.",
        "I have phoned five times and each time I was told someone would call back. No one has.",
        "Roedd y ffurflen ar-lein yn gwrthod fy nghod post dro ar ôl tro.",
    ],
    Kind.COMPLIMENT: [
        "The usher was very kind to my mother and found her a quiet room to wait in.",
        "Thank you to the counter staff who explained everything clearly.",
        "The online service was quick and easy to use.",
    ],
    Kind.SUGGESTION: [
        "It would help to have the building's opening times on the letters.",
        "Please add a text message reminder the day before a hearing.",
        "Could the waiting area have somewhere to charge a phone?",
    ],
}
LESSONS = [
    "Reception staff now tell people in the waiting area when hearings run late.",
    "Letters are now checked by a second person before they are sent.",
    "The hearing loops are tested every morning before the first hearing.",
    "",
]
TEMPLATES = [
    (
        "Acknowledgement",
        "",
        "Your reference {reference}",
        "Eich cyfeirnod {reference}",
        "Dear {name},\n\nThank you for contacting us. Your reference is {reference}. "
        "We aim to reply by {due_date}.\n\nCustomer service team",
        "Annwyl {name},\n\nDiolch am gysylltu â ni. Eich cyfeirnod yw {reference}. "
        "Ein nod yw ateb erbyn {due_date}.\n\nTîm gwasanaeth cwsmeriaid",
    ),
    (
        "Complaint: first response",
        Kind.COMPLAINT,
        "Your complaint {reference}",
        "Eich cwyn {reference}",
        "Dear {name},\n\nThank you for your complaint about {service}. We have looked into what "
        "happened and ...\n\nIf you are not satisfied with this reply, you can ask for a review.",
        "Annwyl {name},\n\nDiolch am eich cwyn am {service}. Rydym wedi edrych ar beth "
        "ddigwyddodd a ...\n\nOs nad ydych yn fodlon â'r ateb hwn, gallwch ofyn am adolygiad.",
    ),
]
PER_SCALE = {"small": 300, "medium": 2_000, "large": 10_000}


@demo_builder("cases", after=["directory", "places"])
def build(scale: Scale, rng: random.Random) -> dict[str, int]:
    saved = cases_add(PER_SCALE.get(scale.name, 300), rng)
    surveys = surveys_add(saved, rng)
    return {"cases": len(saved), "case categories": len(CATEGORIES), "satisfaction surveys": surveys}


def cases_add(total: int, rng: random.Random, *, days: int = 365, teams: Sequence[Team] = ()) -> list[Case]:
    """Add ``total`` cases received over the last ``days`` days (most of them recently), with
    their references and timelines; each given to one of ``teams`` or to none. Open ones are
    assigned and some overdue; those older than a year are nearly all closed. The demo adds a
    year's worth; benchmarks/cases.py adds three years' worth, in batches."""
    categories = [
        Category.objects.get_or_create(name_en=en, defaults={"name_cy": cy})[0] for en, cy in CATEGORIES
    ]
    for name, kind, subject_en, subject_cy, body_en, body_cy in TEMPLATES:
        ReplyTemplate.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "subject_en": subject_en,
                "subject_cy": subject_cy,
                "body_en": body_en,
                "body_cy": body_cy,
            },
        )
    places = list(Place.objects.order_by("id")[:40])
    staff = list(User.objects.filter(is_active=True, role=Role.ENGAGEMENT_OFFICER).order_by("id")[:10])
    people = list(
        ContactPoint.objects.filter(kind=ContactPoint.Kind.EMAIL, person__erased_at__isnull=True)
        .order_by("person_id")
        .values_list("person_id", "person__first_name", "person__last_name", "value")[:500]
    )
    today = timezone.localdate()
    kinds = [Kind.ENQUIRY] * 4 + [Kind.COMPLAINT] * 3 + [Kind.COMPLIMENT] * 2 + [Kind.SUGGESTION]
    channels = (
        [Channel.WEB] * 5
        + [Channel.EMAIL] * 3
        + [Channel.PHONE] * 2
        + [Channel.LETTER, Channel.IN_PERSON, Channel.SOCIAL]
    )
    # Due dates are worked out once per kind, stage and day, not once per case.
    due_cache: dict[tuple[str, str, date], date] = {}
    cases: list[Case] = []
    first_new = (Case.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    for number in range(total):
        kind = rng.choice(kinds)
        received = today - timedelta(days=int(rng.triangular(0, days, 10)))
        stage = Stage.NONE
        if kind == Kind.COMPLAINT:
            stage = rng.choice([Stage.FIRST_RESPONSE] * 6 + [Stage.REVIEW] * 3 + [Stage.OMBUDSMAN])
        key = (kind, stage, received)
        if key not in due_cache:
            due_cache[key] = due_date(kind, stage, received)
        due = due_cache[key]
        age = (today - received).days
        closed = age > 25 and (rng.random() < 0.9 or age > 365)
        anonymous = kind in (Kind.COMPLIMENT, Kind.SUGGESTION) and rng.random() < 0.3
        person = None if anonymous or not people or rng.random() < 0.4 else rng.choice(people)
        name = (
            ""
            if anonymous
            else (
                f"{person[1]} {person[2]}".strip()
                if person
                else rng.choice(
                    ["Sam Jones", "Priya Shah", "Gareth Evans", "Mary O'Neill", "Tomasz Nowak", "Aisha Bello"]
                )
            )
        )
        email = "" if anonymous else (person[3] if person else f"resident{number}@example.org")
        outcome = Outcome.NONE
        if closed and kind == Kind.COMPLAINT:
            outcome = rng.choice(
                [Outcome.UPHELD, Outcome.PARTLY_UPHELD, Outcome.NOT_UPHELD, Outcome.NOT_UPHELD]
            )
        case = Case(
            kind=kind,
            stage=stage,
            service=rng.choice(SERVICES),
            category=rng.choice(categories),
            place=rng.choice(places) if places and rng.random() < 0.8 else None,
            channel=rng.choice(channels),
            person_id=person[0] if person else None,
            name=name,
            email=email,
            description=rng.choice(TEXTS[kind]),
            language="cy" if rng.random() < 0.1 else "en",
            assignee=rng.choice(staff) if staff and rng.random() < 0.8 else None,
            team=rng.choice(teams) if teams and rng.random() < 0.7 else None,
            received_on=received,
            stage_started_on=received,
            due_on=due,
            status=Status.CLOSED if closed else Status.OPEN,
            outcome=outcome,
            lesson_learned=rng.choice(LESSONS) if outcome in (Outcome.UPHELD, Outcome.PARTLY_UPHELD) else "",
        )
        if closed:
            case.closed_at = timezone.make_aware(
                datetime.combine(received + timedelta(days=rng.randint(1, 25)), time(9))
            )
            case.closed_on = timezone.localdate(case.closed_at)  # bulk_create skips save()
        cases.append(case)
    Case.objects.bulk_create(cases, batch_size=1000)
    # References from the primary key, as ``case_open`` gives them, so later cases never clash.
    saved = list(Case.objects.filter(id__gte=first_new, reference__isnull=True))
    for case in saved:
        case.reference = f"CAS-{case.received_on.year}-{case.pk:06d}"
    Case.objects.bulk_update(saved, ["reference"], batch_size=1000)
    # The timeline as it happened: opened when the case came in, closed when it was closed,
    # in English as the services keep it (the case page shows it in the reader's language).
    notes = [
        CaseNote(
            case=case,
            kind=CaseNote.Kind.OPENED,
            text=english(Channel(case.channel).label),
            created_at=timezone.make_aware(datetime.combine(case.received_on, time(8, 30))),
        )
        for case in saved
    ]
    notes += [
        CaseNote(
            case=case,
            kind=CaseNote.Kind.CLOSED,
            text=english(Outcome(case.outcome).label if case.outcome else Status.CLOSED.label),
            created_at=case.closed_at,
        )
        for case in saved
        if case.closed_at is not None
    ]
    CaseNote.objects.bulk_create(notes, batch_size=1000)
    return saved


# What people wrote when asked what we could do better (most leave it empty).
BETTER = [
    "Reply sooner, even just to say you are looking into it.",
    "Tell me who is dealing with it.",
    "The letter was hard to follow.",
    "Ring back when you say you will.",
]


def surveys_add(cases: list[Case], rng: random.Random) -> int:
    """The satisfaction survey each closed enquiry and complaint with an email address was
    sent, about half of them answered: people are more often satisfied when their
    complaint was upheld and it was closed by its reply date."""
    surveys = []
    for case in cases:
        if case.closed_at is None or not survey_wanted(case):
            continue
        survey = SatisfactionSurvey(case=case, language=case.language, created_at=case.closed_at)
        if rng.random() < 0.45:
            on_time = case.closed_at.date() <= case.due_on
            upheld = case.kind != Kind.COMPLAINT or case.outcome != Outcome.NOT_UPHELD
            good = 0.35 + 0.25 * on_time + 0.2 * upheld
            choices = SatisfactionSurvey.Satisfaction
            survey.satisfaction = rng.choices(
                [
                    choices.VERY_SATISFIED,
                    choices.SATISFIED,
                    choices.NEITHER,
                    choices.DISSATISFIED,
                    choices.VERY_DISSATISFIED,
                ],
                weights=[good / 2, good / 2, 0.15, (1 - good) / 2, (1 - good) / 2],
            )[0]
            survey.resolved = rng.choice(["yes", "yes", "partly", "no"] if upheld else ["partly", "no", "no"])
            survey.timely = "yes" if on_time or rng.random() < 0.3 else "no"
            survey.improve = rng.choice(BETTER) if rng.random() < 0.3 else ""
            answered = case.closed_at + timedelta(days=rng.randint(0, 10), hours=3)
            survey.answered_at = min(answered, timezone.now())
        surveys.append(survey)
    SatisfactionSurvey.objects.bulk_create(surveys, batch_size=1000)
    return len(surveys)
