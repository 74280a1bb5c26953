"""A finished analysis with the evidence a theme needs: responses from individuals and
organisations, by several channels and regions, with vectors, sentiment and quotes."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
from django.utils import timezone

from chorus.accounts.models import Team
from chorus.analysis.models import AnalysisRun, Item, Theme
from chorus.consultations.models import Response
from tests.factories import (
    AnalysisRunFactory,
    AnswerFactory,
    AssignmentFactory,
    ConsultationFactory,
    ItemFactory,
    QuestionFactory,
    ResponseFactory,
    SectionFactory,
    ThemeFactory,
)

# (respondent type, organisation, channel, region, sentiment, text, vector) for each response
ROWS = (
    [
        ("individual", "", "online", "Wales", "negative", f"The queue at court was long {n}", (1, 0, 0, 0))
        for n in range(12)
    ]
    + [
        ("individual", "", "post", "Wales", "negative", "Nobody answered the phone at all", (0.8, 0.6, 0, 0))
        for _n in range(2)
    ]
    + [
        (
            "organisation",
            "Citizens Advice",
            "email",
            "North East",
            "neutral",
            "Our clients wait months for a hearing date",
            (0.7, 0, 0.7, 0),
        )
    ]
    + [
        (
            "organisation",
            "Law Society",
            "email",
            "",
            "positive",
            "Staff were helpful once the case was listed",
            (0.6, 0, 0, 0.8),
        )
    ]
)


def unit(vector: tuple[float, ...]) -> np.ndarray:
    v = np.asarray(vector, dtype=np.float32)
    return v / np.linalg.norm(v)


def evidence_run(team: Team) -> tuple[AnalysisRun, Theme]:
    """The run, and its one broad theme ("Waiting") holding every response."""
    now = timezone.now()
    consultation = ConsultationFactory(
        title="Court visits", summary="Tell us.", opens_at=now - timedelta(days=5), closes_at=now, team=team
    )
    section = SectionFactory(consultation=consultation, title="Questions", order=1)
    question = QuestionFactory(section=section, kind="text", text="What happened?", order=1)
    run = AnalysisRunFactory(
        title="Court visits",
        subject=AnalysisRun.Subject.CONSULTATION,
        consultation=consultation,
        team=team,
        status=AnalysisRun.Status.DONE,
        item_count=len(ROWS),
    )
    items = []
    for kind, organisation, channel, region, sentiment, text, vector in ROWS:
        response = ResponseFactory(
            consultation=consultation,
            respondent_type=kind,
            organisation=organisation,
            channel=channel,
            email="" if organisation else "someone@example.com",
        )
        answer = AnswerFactory(response=response, question=question, value=text)
        items.append(
            ItemFactory(
                run=run,
                source=Item.Source.ANSWER,
                source_id=answer.pk,
                text=text + " call 07700 900123",
                redacted=text,
                sentiment=sentiment,
                region=region,
                channel=Response.Channel(channel).label,
                vector=unit(vector).astype(np.float16).tobytes(),
            )
        )
    broad = ThemeFactory(
        run=run,
        key=1,
        level="broad",
        label="Waiting",
        description="Delays before and at court.",
        share=0.75,
        size=len(items),
        quotes=[items[0].pk, items[1].pk, items[2].pk],
        centroid=unit((1, 0.1, 0.1, 0.1)).tobytes(),
    )
    fine = ThemeFactory(
        run=run,
        key=2,
        level="fine",
        parent=broad,
        label="Queues",
        share=0.75,
        size=len(items),
        quotes=[items[0].pk],
    )
    for item in items:
        AssignmentFactory(item=item, theme=fine)
    return run, broad
