"""Do some groups fare worse? Outcomes compared across protected-characteristic groups,
only in aggregate, with confidence intervals and small groups suppressed.

Equality answers live apart (possibly in their own database) and are joined to outcomes
in memory: each response's random key is sealed with the equality secret
(``chorus.equality.services.sealed``) and matched to the record holding that hash. Only
released records count (the release rule in ``chorus.equality.services``), and group sizes
are rounded like the count pages; nothing here returns one person's answers.
For each question (age, sex, ...), each group is compared with everyone else who
answered it: Welch's t-test for a mean, a two-proportion test for a rate, with Holm's
adjustment for the several groups of one question.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any
from uuid import UUID

import numpy as np
from django.db.models import CharField
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from chorus.core.disclosure import suppress, threshold
from chorus.core.i18n import current_language
from chorus.core.stats import Summary, holm, mean_interval, two_proportion_p, welch_p, wilson
from chorus.equality.questions import QUESTIONS
from chorus.equality.services import latest_release, released, rounded, sealed


@dataclass
class GroupResult:
    label: Any
    n: int | None  # None when suppressed
    value: float | None
    low: float | None
    high: float | None
    p: float | None
    significant: bool
    direction: str  # "higher", "lower" or ""


@dataclass
class QuestionResult:
    heading: Any
    groups: list[GroupResult]
    too_small: list[Any]
    notes: list[str]


@dataclass
class Analysis:
    outcome: str
    kind: str  # "mean" or "rate"
    overall_n: int | None
    overall: float | None
    questions: list[QuestionResult]


def _key(value: Any) -> str:
    """A UUID as 32 hex digits, however the database returned it (text is far cheaper to
    read in bulk than UUID objects: tens of thousands of rows on the large data)."""
    return str(value).replace("-", "").lower()


def _outcomes_service(service: Any, outcome: str) -> dict[str, float]:
    from chorus.feedback.models import ExitSurveyResponse

    rows = (
        ExitSurveyResponse.objects.filter(
            service=service, equality_key__isnull=False, satisfaction__isnull=False
        )
        .annotate(key_text=Cast("equality_key", CharField()))
        .values_list("key_text", "satisfaction")
    )
    if outcome == "satisfaction":
        return {_key(k): float(v) for k, v in rows}
    return {_key(k): 1.0 if v >= 4 else 0.0 for k, v in rows}


def _outcomes_consultation(consultation: Any) -> dict[str, float]:
    """1 where the latest analysis scored any of the response's answers negative, else 0."""
    from chorus.analysis.models import Item
    from chorus.analysis.selectors import run_latest_finished
    from chorus.consultations.models import Answer

    run = run_latest_finished(consultation, whole_first=True)
    if run is None:
        return {}
    sentiment = dict(
        Item.objects.filter(run=run, source=Item.Source.ANSWER).values_list("source_id", "sentiment")
    )
    keys = (
        Answer.objects.filter(pk__in=list(sentiment), response__equality_key__isnull=False)
        .annotate(key_text=Cast("response__equality_key", CharField()))
        .values_list("pk", "key_text")
    )
    out: dict[str, float] = {}
    for answer, key in keys:
        plain = _key(key)
        out[plain] = max(out.get(plain, 0.0), 1.0 if sentiment[answer] == "negative" else 0.0)
    return out


OUTCOMES: dict[str, tuple[str, Callable[[Any], dict[str, float]]]] = {
    "satisfaction": ("mean", lambda subject: _outcomes_service(subject, "satisfaction")),
    "satisfied": ("rate", lambda subject: _outcomes_service(subject, "satisfied")),
    "negative": ("rate", _outcomes_consultation),
}


def analyse_as_released(*, subject: Any, asked_for: UUID, outcome: str) -> Analysis:
    """The analysis staff see: made once per equality release (in every language, from the
    outcomes of that moment) and shown unchanged until the next release."""
    from django.conf import settings
    from django.db import IntegrityError, transaction
    from django.utils import translation

    from chorus.insights.models import EqualityAnalysisSnapshot

    kind, collect = OUTCOMES[outcome]
    release = latest_release(asked_for)
    if release is None:  # nothing released yet: nothing to count
        return analyse(asked_for=asked_for, outcomes={}, kind=kind, outcome=outcome)
    lookup = {"asked_for": asked_for, "release": release.number, "outcome": outcome}
    snapshot = EqualityAnalysisSnapshot.objects.filter(**lookup).first()
    if snapshot is None:
        outcomes = collect(subject)
        result = {}
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                made = analyse(asked_for=asked_for, outcomes=outcomes, kind=kind, outcome=outcome)
                result[language] = json.loads(json.dumps(asdict(made), default=str))
        try:
            with transaction.atomic():
                snapshot = EqualityAnalysisSnapshot.objects.create(**lookup, result=result)
        except IntegrityError:  # made at the same moment by another request
            snapshot = EqualityAnalysisSnapshot.objects.get(**lookup)
    stored = snapshot.result.get(current_language()) or snapshot.result["en"]
    return Analysis(
        outcome=stored["outcome"],
        kind=stored["kind"],
        overall_n=stored["overall_n"],
        overall=stored["overall"],
        questions=[
            QuestionResult(
                heading=q["heading"],
                groups=[GroupResult(**g) for g in q["groups"]],
                too_small=q["too_small"],
                notes=q["notes"],
            )
            for q in stored["questions"]
        ],
    )


def analyse(*, asked_for: UUID, outcomes: dict[str, float], kind: str, outcome: str) -> Analysis:
    """``outcomes`` maps each response's equality key (32 hex digits) to the person's outcome."""
    below = threshold()
    outcomes = {_key(sealed(UUID(key))): value for key, value in outcomes.items()}
    names = [q.name for q in QUESTIONS]
    values: list[float] = []
    answers: list[tuple[str, ...]] = []
    for key, *answered in (
        released(asked_for)
        .annotate(key_text=Cast("key", CharField()))
        .values_list("key_text", *names)
        .iterator(chunk_size=5000)
    ):
        found = outcomes.get(_key(key))
        if found is not None:
            values.append(found)
            answers.append(tuple(answered))
    y = np.array(values, dtype=float)
    overall_n = rounded(len(y)) if len(y) >= below else None
    overall = float(y.mean()) if overall_n else None
    by_question = np.array(answers, dtype=object).reshape(len(answers), len(names))
    results = []
    for column, question in enumerate(QUESTIONS):
        given = by_question[:, column]
        answered = np.array([bool(v) for v in given], dtype=bool)
        sums = {
            value: _sums(y[given == value]) for value, _label in question.choices
        }  # (n, sum, sum of squares) of each group
        everyone = _sums(y[answered])
        counts = {value: sums[value][0] for value, _label in question.choices}
        cells, _total = suppress(counts, below=below)
        labels = dict(question.choices)
        shown = [c.key for c in cells if not c.suppressed and c.key != "prefer_not"]
        raw_p: list[float | None] = []
        pending: list[tuple[str, tuple[int, float, float], tuple[int, float, float]]] = []
        for value in shown:
            mine = sums[value]
            rest = (everyone[0] - mine[0], everyone[1] - mine[1], everyone[2] - mine[2])
            pending.append((value, mine, rest))
            if kind == "mean":
                raw_p.append(welch_p(Summary.from_sums(*mine), Summary.from_sums(*rest)))
            else:
                raw_p.append(two_proportion_p(round(mine[1]), mine[0], round(rest[1]), rest[0]))
        adjusted = holm(raw_p)
        groups: list[GroupResult] = []
        notes: list[str] = []
        for (value, mine, rest), p in zip(pending, adjusted, strict=True):
            if kind == "mean":
                centre, low, high = mean_interval(Summary.from_sums(*mine))
            else:
                centre = mine[1] / mine[0]
                low, high = wilson(round(mine[1]), mine[0])
            rest_value = rest[1] / rest[0] if rest[0] else None
            significant = p is not None and p < 0.05
            direction = "" if rest_value is None else ("higher" if centre > rest_value else "lower")
            groups.append(
                GroupResult(
                    labels[value],
                    rounded(mine[0]),
                    centre,
                    low,
                    high,
                    p,
                    significant,
                    direction if significant else "",
                )
            )
            if significant and rest_value is not None:
                notes.append(
                    _note(
                        question.heading,
                        labels[value],
                        kind,
                        outcome,
                        centre,
                        rest_value,
                        low,
                        high,
                        direction,
                    )
                )
        too_small = [
            labels[c.key] for c in cells if c.suppressed and c.key != "prefer_not" and counts[c.key] > 0
        ]
        for c in cells:
            if c.suppressed and c.key != "prefer_not":
                groups.append(GroupResult(labels[c.key], None, None, None, None, None, False, ""))
        if not notes and groups:
            notes.append(
                _("%(heading)s: no group differs from the others by more than chance would explain.")
                % {"heading": question.heading}
            )
        results.append(QuestionResult(question.heading, groups, too_small, notes))
    return Analysis(outcome=outcome, kind=kind, overall_n=overall_n, overall=overall, questions=results)


def _sums(values: np.ndarray) -> tuple[int, float, float]:
    return len(values), float(values.sum()), float((values * values).sum())


def _note(
    heading: Any,
    group: Any,
    kind: str,
    outcome: str,
    value: float,
    rest: float,
    low: float,
    high: float,
    direction: str,
) -> str:
    if kind == "mean":
        parts = {"value": f"{value:.2f}", "low": f"{low:.2f}", "high": f"{high:.2f}", "rest": f"{rest:.2f}"}
    else:
        parts = {
            "value": f"{100 * value:.0f}%",
            "low": f"{100 * low:.0f}%",
            "high": f"{100 * high:.0f}%",
            "rest": f"{100 * rest:.0f}%",
        }
    shown = _("%(value)s (95%% confidence interval %(low)s to %(high)s), others %(rest)s") % parts
    if direction == "higher":
        return _(
            "%(heading)s: %(group)s scored higher than others: %(shown)s. This is statistically significant."
        ) % {
            "heading": heading,
            "group": group,
            "shown": shown,
        }
    return _(
        "%(heading)s: %(group)s scored lower than others: %(shown)s. This is statistically significant."
    ) % {
        "heading": heading,
        "group": group,
        "shown": shown,
    }
