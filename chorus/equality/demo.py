"""Demo equality answers for about half the people who responded online where monitoring is on."""

from __future__ import annotations

import random
import uuid

from chorus.consultations.models import Consultation, Response
from chorus.core.registry import Scale, demo_builder
from chorus.equality.models import EqualityRecord
from chorus.equality.questions import QUESTIONS
from chorus.equality.services import release_due, sealed
from chorus.feedback.models import ExitSurveyResponse


def _answers(rng: random.Random) -> dict[str, str]:
    answers = {}
    for question in QUESTIONS:
        values = [value for value, _label in question.choices]
        if rng.random() < 0.1:
            continue  # left blank
        # The first options are the most common; "prefer not to say" about one in twelve.
        weights = [max(1, len(values) - i) ** 2 for i in range(len(values) - 1)] + [
            sum(range(len(values))) // 4 + 1
        ]
        answers[question.name] = rng.choices(values, weights)[0]
    return answers


@demo_builder("equality", order=38)
def build_equality(scale: Scale, rng: random.Random) -> dict[str, int]:
    monitored = list(Consultation.objects.filter(is_published=True).order_by("pk")[::2])
    Consultation.objects.filter(pk__in=[c.pk for c in monitored]).update(equality_monitoring=True)
    records: list[EqualityRecord] = []
    for consultation in monitored:
        chosen = []
        for response in Response.objects.filter(consultation=consultation, channel="online").only("pk"):
            if rng.random() < 0.5:
                key = uuid.UUID(int=rng.getrandbits(128), version=4)
                chosen.append((response.pk, key))
                records.append(
                    EqualityRecord(
                        key=sealed(key), asked_for=consultation.code, submitted=True, **_answers(rng)
                    )
                )
        for pk, key in chosen:
            Response.objects.filter(pk=pk).update(equality_key=key)
    for answer in ExitSurveyResponse.objects.filter(service__equality_monitoring=True).select_related(
        "service"
    ):
        if rng.random() < 0.4:
            key = uuid.UUID(int=rng.getrandbits(128), version=4)
            answer.equality_key = key
            answer.save(update_fields=["equality_key"])
            records.append(
                EqualityRecord(
                    key=sealed(key), asked_for=answer.service.code, submitted=True, **_answers(rng)
                )
            )
    EqualityRecord.objects.bulk_create(records, batch_size=5000)
    # The first release, as the hourly job would make it.
    return {"equality monitoring records": len(records), "equality releases": release_due()}
