"""Made-up equality answers, for the demo builders of the apps that ask for them.

Equality knows nothing of what asks: the consultations and feedback builders choose
who answered and call ``demo_answers``, then ``chorus.equality.services.release_due``.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence

from chorus.core.demo import rows_load
from chorus.equality.models import EqualityRecord
from chorus.equality.questions import QUESTIONS
from chorus.equality.services import sealed


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


def demo_answers(rng: random.Random, *, asked_for: Sequence[uuid.UUID]) -> list[uuid.UUID]:
    """Store one submitted set of answers for each code in ``asked_for`` (the code of the
    consultation or service that asked), and return their random keys, in the same order,
    for the responses to hold."""
    keys: list[uuid.UUID] = []
    names = [question.name for question in QUESTIONS]
    rows = []
    for code in asked_for:
        key = uuid.UUID(int=rng.getrandbits(128), version=4)
        keys.append(key)
        answers = _answers(rng)
        rows.append((sealed(key), code, True, *(answers.get(name, "") for name in names)))
    # Plain rows (chorus.core.demo): a large build stores a couple of hundred thousand.
    rows_load(EqualityRecord, ["key", "asked_for", "submitted", *names], rows)
    return keys
