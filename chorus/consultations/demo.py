"""Demo consultations: two years of them across the demo projects, some open now."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.utils import timezone

from chorus.consultations.models import Consultation
from chorus.core.demo import column_update, ids_reserve, rows_load
from chorus.core.registry import Scale, demo_builder
from chorus.directory.models import Region, Topic
from chorus.engagement.models import ImpactRecord, Project
from chorus.equality.demo import demo_answers
from chorus.equality.services import release_due

SUBJECTS = [
    ("Changes to {project}", "Newidiadau i {project}"),
    ("Your experience of {project}", "Eich profiad o {project}"),
    ("Proposals for the future of {project}", "Cynigion ar gyfer dyfodol {project}"),
    ("Making {project} easier to use", "Gwneud {project} yn haws i'w ddefnyddio"),
]
BODY = (
    "## What we propose\n\n"
    "We want to make {project} simpler, faster and fairer for the people who use it.\n\n"
    "## Who we want to hear from\n\n- people who have used {project}\n- the organisations that support them\n"
    "- legal professionals and the judiciary"
)


@demo_builder("consultations", after=["directory", "engagement", "impact"])
def build_consultations(scale: Scale, rng: random.Random) -> dict[str, int]:
    projects = list(Project.objects.all())
    if not projects:
        return {"consultations": 0}
    topics = list(Topic.objects.all())
    regions = list(Region.objects.all())
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    made = []
    for number in range(scale.consultations):
        project = rng.choice(projects)
        title, title_cy = rng.choice(SUBJECTS)
        # Spread over two years; the last few open now or soon.
        opens = (
            now - timedelta(days=rng.randint(-40, 720)) if number >= 3 else now - timedelta(days=10 * number)
        )
        made.append(
            Consultation(
                kind=rng.choice(["consultation", "consultation", "survey"]),
                title=title.format(project=project.name),
                title_cy=title_cy.format(project=project.name),
                summary=f"Tell us what you think about our proposals for {project.name}.",
                summary_cy=f"Dywedwch wrthym beth yw eich barn am ein cynigion ar gyfer {project.name}.",
                body=BODY.format(project=project.name),
                opens_at=opens,
                closes_at=opens + timedelta(weeks=rng.choice((6, 8, 12))),
                project=project,
                is_published=rng.random() < 0.9,
                # What publishing's checklist asks for (see publishing.py).
                privacy_url="https://www.example.gov.uk/privacy",
                contact_email="consultations@example.gov.uk",
            )
        )
    created = Consultation.objects.bulk_create(made)
    for consultation in created:
        if topics:
            consultation.topics.add(rng.choice(topics))
        if regions and rng.random() < 0.5:
            consultation.regions.add(rng.choice(regions))
    linked = 0
    for record in ImpactRecord.objects.filter(consultations__isnull=True).select_related("project"):
        closed = [c for c in created if c.project_id == record.project_id and c.closes_at < now]
        if closed and rng.random() < 0.5:
            record.consultations.add(rng.choice(closed))
            linked += 1
    return {"consultations": len(created), "impact records linked to consultations": linked}


# Free-text reasons are composed from these parts, so that the demo's answers vary as real
# ones do: several themes in different words, some answers on two themes, a copy-paste
# campaign with small edits, a few non-answers and a few answers in Welsh.
REASONS = {
    "cost": [
        "fees are already too high for people on low incomes",
        "I cannot afford to pay any more to go to court",
        "the cost of applying has gone up every year",
        "people on benefits will be priced out of justice",
        "the fee remission scheme is too hard to qualify for",
    ],
    "travel": [
        "the nearest court is two buses and an hour away",
        "travelling to a hearing means losing a day's pay",
        "I would not have to travel so far with my children",
        "closing local courts leaves rural areas with nothing",
        "the trains to the court centre are unreliable",
    ],
    "digital": [
        "not everyone can use the internet",
        "my mother has no computer and needs a paper form",
        "the online form kept timing out and I lost my answers",
        "there must always be a paper option and a phone line",
        "the online service was quick and easy to use",
    ],
    "welsh": [
        "the Welsh language service must be kept",
        "I want to deal with the court in Welsh",
        "Welsh forms arrive weeks after the English ones",
    ],
    "waiting": [
        "waiting times are the biggest problem and this does nothing about them",
        "my case has already taken over a year",
        "hearings are listed months away",
        "nobody tells you how long anything will take",
    ],
    "video": [
        "video hearings worked well for me and saved a day off work",
        "the video link dropped twice during my hearing",
        "a remote hearing is less frightening than a courtroom",
        "you cannot judge whether someone is telling the truth over video",
    ],
    "advice": [
        "advice services will have to pick up the extra work without any funding",
        "the local advice centre already has a waiting list",
        "there is no free legal advice left in my area",
    ],
}
AGREE = ["I agree because", "Yes, because", "I support this:", "A good idea, as", "Agree -"]
DISAGREE = ["I disagree because", "No, because", "I am against this:", "This will not work, as", "Disagree -"]
UNSURE = ["I am not sure:", "It depends.", "Hard to say, but", ""]
CONTEXTS = [
    "I live in a rural area.",
    "I am a single parent.",
    "I work shifts.",
    "I have been to court twice this year.",
    "I care for my father.",
    "I run a small business.",
    "I have a disability.",
    "I volunteer at an advice centre.",
]
ENDINGS = [""] * 8 + [" Please think again.", " This matters to a lot of people."]
CAMPAIGN = (
    "As a member of the Court Users Forum I object to these proposals. They will cut access to "
    "justice for people who cannot travel or go online, and they were drawn up without asking "
    "the people who use the courts."
)
NON_ANSWERS = ["N/A", "Nothing to add", "No comment", "none"]
WELSH = [
    "Rhaid cadw'r gwasanaeth Cymraeg.",
    "Mae'r ffioedd yn rhy uchel i bobl ar incwm isel.",
    "Mae'r llys agosaf yn rhy bell i deithio iddo.",
    "Nid yw pawb yn gallu defnyddio'r rhyngrwyd.",
]


def opinion(rng: random.Random, stance: str, language: str = "en") -> str:
    """A reason for ``stance`` (a SCALE value) as a respondent might write it."""
    roll = rng.random()
    if roll < 0.03:
        return rng.choice(NON_ANSWERS)
    if roll < 0.11:  # the campaign, sometimes lightly edited
        return CAMPAIGN + rng.choice(["", "", " Please listen.", " Signed, a court user."])
    if language == "cy" and rng.random() < 0.6:
        return rng.choice(WELSH)
    themes = rng.sample(sorted(REASONS), 2)
    reason = rng.choice(REASONS[themes[0]])
    if rng.random() < 0.3:
        reason += rng.choice([" and ", ", and also ", "; also "]) + rng.choice(REASONS[themes[1]])
    opener = rng.choice(
        AGREE if stance in ("agree", "strongly_agree") else DISAGREE if "disagree" in stance else UNSURE
    )
    text = f"{opener} {reason}" if opener else reason[0].upper() + reason[1:]
    if rng.random() < 0.5:
        text = f"{rng.choice(CONTEXTS)} {text}"
    return text + "." + rng.choice(ENDINGS)


def _shares(total: int, consultations: list[Consultation], rng: random.Random) -> dict[int, int]:
    """Split exactly ``total`` responses among the consultations that have opened, unevenly
    (some draw twice as many as others), so the scale's number is what is made."""
    if not consultations:
        return {}
    weights = [rng.uniform(1.0, 2.0) for _ in consultations]
    counts = [int(total * w / sum(weights)) for w in weights]
    for i in range(total - sum(counts)):
        counts[i % len(counts)] += 1
    return {c.pk: n for c, n in zip(consultations, counts, strict=True)}


RESPONSE_COLUMNS = [
    "id",
    "consultation",
    "reference",
    "email",
    "may_contact",
    "channel",
    "respondent_type",
    "publish",
    "language",
    "submitted_at",
]


@demo_builder("consultation-questions", after=["consultations"])
def build_questions_and_responses(scale: Scale, rng: random.Random) -> dict[str, int]:
    from chorus.consultations.journey import SCALE
    from chorus.consultations.linking import responses_link
    from chorus.consultations.models import Answer, Question, Response, Section

    consultations = list(Consultation.objects.filter(sections__isnull=True))
    if not consultations:
        return {}
    now = timezone.now()
    how_many = _shares(scale.responses, [c for c in consultations if c.opens_at <= now], rng)
    made = 0
    for consultation in consultations:
        proposal = Section.objects.create(
            consultation=consultation, title="The proposal", title_cy="Y cynnig", order=1
        )
        why = Section.objects.create(
            consultation=consultation, title="Your reasons", title_cy="Eich rhesymau", order=2
        )
        stance = Question.objects.create(
            section=proposal,
            kind="scale",
            text="Do you agree with the proposal?",
            text_cy="Ydych chi'n cytuno â'r cynnig?",
            required=True,
            order=1,
        )
        used = Question.objects.create(
            section=proposal,
            kind="multiple",
            text="Which services have you used?",
            text_cy="Pa wasanaethau ydych chi wedi'u defnyddio?",
            options=[
                {"value": "online", "label": "Online", "label_cy": "Ar-lein"},
                {"value": "phone", "label": "Phone", "label_cy": "Ffôn"},
                {"value": "court", "label": "At a court", "label_cy": "Mewn llys"},
            ],
            order=2,
        )
        reasons = Question.objects.create(
            section=why,
            kind="text",
            text="Why do you say that?",
            text_cy="Pam ydych chi'n dweud hynny?",
            max_length=5000,
            order=1,
        )
        if consultation.opens_at > now:
            continue
        closes = min(consultation.closes_at, now)
        span = max(1, int((closes - consultation.opens_at).total_seconds()))
        # Its own generator, so the other demo figures stay as they were: about half give an
        # email address, and about two in five of those ask to be told what changed.
        contact = random.Random(f"contact-{consultation.pk}")  # noqa: S311  (demo data, not secrets)
        emails = [
            f"respondent.{consultation.pk}.{n}@example.org" if contact.random() < 0.5 else ""
            for n in range(how_many[consultation.pk])
        ]
        # Plain rows rather than model instances (chorus.core.demo): a million responses and
        # two and a half million answers are most of a large build. The random draws are the
        # same, in the same order, as when they were model instances.
        ids = ids_reserve(Response, how_many[consultation.pk])
        response_rows = []
        for number, pk in enumerate(ids):
            email = emails[number]
            response_rows.append(
                (
                    pk,
                    consultation.pk,
                    f"D{consultation.pk:03d}{number:05d}"[:12],
                    email,
                    bool(email) and contact.random() < 0.4,
                    rng.choices(["online", "email", "post", "phone", "assisted"], [80, 8, 5, 4, 3])[0],
                    "organisation" if rng.random() < 0.1 else "individual",
                    rng.choice(["no", "anonymous", "named"]),
                    "cy" if rng.random() < 0.08 else "en",
                    consultation.opens_at + timedelta(seconds=rng.randint(0, span)),
                )
            )
        made += rows_load(Response, RESPONSE_COLUMNS, response_rows)
        # As the journey does when it stores one: from whom in the directory, if anyone.
        responses_link(Response.objects.filter(consultation=consultation).exclude(email=""))
        answer_rows: list[tuple[int, int, object]] = []
        for pk, *_, language, _submitted in response_rows:
            chosen = rng.choice(SCALE)[0]
            answer_rows.append((pk, stance.pk, chosen))
            answer_rows.append((pk, used.pk, rng.sample(["online", "phone", "court"], rng.randint(1, 2))))
            if rng.random() < 0.7:
                answer_rows.append((pk, reasons.pk, opinion(rng, chosen, language)))
        rows_load(Answer, ["response", "question", "value"], answer_rows)
    return {"consultation responses": made}


@demo_builder("consultation-equality", after=["consultation-questions"])
def build_equality_answers(scale: Scale, rng: random.Random) -> dict[str, int]:
    """Every other published consultation monitors equality; about half the people who
    responded online to one answered the questions."""
    from chorus.consultations.models import Response

    monitored = list(Consultation.objects.filter(is_published=True).order_by("pk")[::2])
    Consultation.objects.filter(pk__in=[c.pk for c in monitored]).update(equality_monitoring=True)
    chosen: list[tuple[int, Consultation]] = []
    for consultation in monitored:
        for pk in (
            Response.objects.filter(consultation=consultation, channel="online", equality_key__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        ):
            if rng.random() < 0.5:
                chosen.append((pk, consultation))
    keys = demo_answers(rng, asked_for=[consultation.code for _, consultation in chosen])
    column_update(Response, "equality_key", zip((pk for pk, _ in chosen), keys, strict=True))
    # The first release, as the hourly job would make it.
    return {"equality monitoring records": len(keys), "equality releases": release_due()}


# Moderation: what a moderator would have decided. Most responses are published as written;
# those where Chorus finds something are published with the passages redacted; a few that say
# too much about someone's health are not published; and a moderator takes the sentence about
# caring for a parent out by hand (Chorus does not flag it, but it is about someone else).
# Open consultations keep about half their responses waiting, so the queue has work in it.
CARER = "I care for my father. "
DETECTOR_SAMPLE = 1_000
WITHHELD_REASON = "It says enough about the respondent's health and circumstances to identify them."


@demo_builder("consultation-moderation", after=["accounts", "consultation-questions"])
def build_moderation(scale: Scale, rng: random.Random) -> dict[str, int]:
    from chorus.accounts.models import User
    from chorus.consultations.models import Answer, Response, ResponseModeration
    from chorus.consultations.moderation import replacement_for
    from chorus.core.sensitive import find_passages_many

    moderator = User.objects.filter(email="officer@demo.chorus.test").first()
    now = timezone.now()
    found: dict[str, list[tuple[int, int, str]]] = {}
    texts: dict[int, list[tuple[str, str]]] = {}
    for response_id, question_code, value in (
        Answer.objects.filter(question__kind="text", response__moderation__isnull=True)
        .exclude(response__publish=Response.Publish.NO)
        .values_list("response_id", "question__code", "value")
        .iterator(chunk_size=5000)
    ):
        if isinstance(value, str):
            texts.setdefault(response_id, []).append((str(question_code), value))
    # Every distinct answer once, in batches. The detector's models (a sentence classifier and
    # a name finder) read the first DETECTOR_SAMPLE; past that the word lists and rules alone
    # decide, or the models would take most of a large build (the moderation pages still read
    # every text with the models when a moderator opens it).
    distinct = list(dict.fromkeys(text for answers in texts.values() for _, text in answers))
    for begin in range(0, len(distinct), DETECTOR_SAMPLE):
        part = distinct[begin : begin + DETECTOR_SAMPLE]
        for text, passages in zip(part, find_passages_many(part, models=begin == 0), strict=True):
            found[text] = [(p.start, p.end, p.kind) for p in passages]
    made: list[tuple[Any, ...]] = []
    counts = {str(status.label).lower(): 0 for status in ResponseModeration.Status}
    responses = (
        Response.objects.filter(moderation__isnull=True)
        .exclude(publish=Response.Publish.NO)
        .values_list("pk", "language", "submitted_at", "consultation__closes_at")
        .order_by("consultation_id", "submitted_at")
        .iterator(chunk_size=5000)
    )
    for pk, language, submitted_at, closes_at in responses:
        if closes_at > now and rng.random() < 0.5:
            counts[str(ResponseModeration.Status.PENDING.label).lower()] += 1
            continue
        moderated: dict[str, str] = {}
        withhold = False
        for key, text in texts.get(pk, []):
            changed = text
            for start, end, kind in reversed(found[text]):
                withhold = withhold or (kind == "health" and rng.random() < 0.15)
                changed = changed[:start] + replacement_for(kind, language) + changed[end:]
            changed = changed.replace(CARER, "")
            if changed != text:
                moderated[key] = changed
        decided_at = max(submitted_at, min(closes_at, now)) + timedelta(days=rng.randint(0, 5))
        status = (
            ResponseModeration.Status.NOT_PUBLISHED
            if withhold
            else ResponseModeration.Status.REDACTED
            if moderated
            else ResponseModeration.Status.PUBLISHED
        )
        counts[str(status.label).lower()] += 1
        made.append(
            (
                pk,
                status.value,
                WITHHELD_REASON if withhold else "",
                {} if withhold else moderated,
                moderator.pk if moderator else None,
                min(decided_at, now),
            )
        )
    rows_load(ResponseModeration, ["response", "status", "reason", "texts", "decided_by", "decided_at"], made)
    return {f"responses {label}": n for label, n in counts.items()}  # "responses waiting for a decision"
