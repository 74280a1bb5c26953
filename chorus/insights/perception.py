"""Perception tracking: a stakeholder survey repeated in waves, each wave beside the baseline.

Questions are matched across waves by type and wording (a new wave is usually a copy of
the baseline survey, made with "Copy"). Each closed question becomes one or more
measures: the share who agree (agree or strongly agree, of those who gave a view), the
share who say yes, the mean rating, or the share choosing each option. Every wave's
measure is set beside the baseline's with the change, a 95% interval and a test (two
proportions, or Welch's t for a mean), Holm-adjusted over every comparison on the page.
Small numbers follow the disclosure rule: a share is hidden when either the people
counted or the people not counted are fewer than the threshold, a mean when fewer than
the threshold answered.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chorus.consultations.journey import choices_for
from chorus.consultations.models import Answer, Consultation, Question, Response
from chorus.core.disclosure import suppress, threshold
from chorus.core.stats import holm, mean_interval, two_proportion_p, welch_p, wilson

AGREE = {"agree", "strongly_agree"}
NO_VIEW = {"dont_know"}
TRACKED = (
    Question.Kind.SCALE,
    Question.Kind.YES_NO,
    Question.Kind.RATING,
    Question.Kind.SINGLE,
    Question.Kind.MULTIPLE,
)
SIGNIFICANCE = 0.05


def question_key(question: Question) -> tuple[str, str]:
    """What makes two questions in different waves the same question."""
    wording = re.sub(r"\s+", " ", question.text).strip().lower().rstrip("?.:! ")
    return question.kind, wording


@dataclass
class WaveValue:
    wave: Consultation
    asked: bool
    n: int | None = None  # people who answered; None when too few to show
    value: float | None = None  # a percentage, or a mean rating
    low: float | None = None
    high: float | None = None
    change: float | None = None  # from the baseline: percentage points, or rating points
    p: float | None = None
    significant: bool = False
    is_baseline: bool = False
    note: str = ""


@dataclass
class Measure:
    question: str
    label: str
    kind: str  # "share" or "mean"
    values: list[WaveValue] = field(default_factory=list)


@dataclass
class _Raw:
    """What one wave said to one measure, before anything is hidden."""

    n: int
    k: int = 0  # for shares
    ratings: list[float] = field(default_factory=list)  # for means


def _responses(wave: Consultation, filters: dict[str, str]) -> Any:
    responses = Response.objects.filter(consultation=wave)
    if filters.get("channel"):
        responses = responses.filter(channel=filters["channel"])
    if filters.get("respondent_type"):
        responses = responses.filter(respondent_type=filters["respondent_type"])
    return responses


def _answers(
    wave: Consultation, questions: Iterable[Question], filters: dict[str, str]
) -> dict[int, list[Any]]:
    """Every answer to the given questions in one query, by question."""
    by_question: dict[int, list[Any]] = defaultdict(list)
    rows = Answer.objects.filter(
        question__in=list(questions), response__in=_responses(wave, filters)
    ).values_list("question_id", "value")
    for question_id, value in rows.iterator(chunk_size=5000):
        by_question[question_id].append(value)
    return by_question


def _raw_measures(question: Question, values: list[Any], language: str) -> list[tuple[str, str, str, _Raw]]:
    """(key, label, kind, raw) for each measure one question gives, from one wave's answers.
    Options are keyed by their value, so a wave may list them in another order."""
    if question.kind == Question.Kind.SCALE:
        views = [v for v in values if v not in NO_VIEW]
        agreeing = sum(1 for v in views if v in AGREE)
        return [("agree", _("Agree or strongly agree"), "share", _Raw(len(views), agreeing))]
    if question.kind == Question.Kind.YES_NO:
        return [("yes", _("Yes"), "share", _Raw(len(values), sum(1 for v in values if v == "yes")))]
    if question.kind == Question.Kind.RATING:
        ratings = [float(v) for v in values if str(v) in {"1", "2", "3", "4", "5"}]
        return [("mean", _("Mean rating (1 to 5)"), "mean", _Raw(len(ratings), ratings=ratings))]
    chosen: Counter[str] = Counter()
    for value in values:
        for option in value if isinstance(value, list) else [value]:
            chosen[str(option)] += 1
    return [
        (f"option:{value}", str(label), "share", _Raw(len(values), chosen[value]))
        for value, label in choices_for(question, language)
    ]


def _shown(
    raw: _Raw, kind: str, below: int, hidden_by_secondary: bool
) -> tuple[float | None, float | None, float | None]:
    """(value, low, high) with the disclosure rule applied."""
    if raw.n < below:
        return None, None, None
    if kind == "mean":
        mean, low, high = mean_interval(raw.ratings)
        return mean, low, high
    if hidden_by_secondary or raw.k < below or raw.n - raw.k < below:
        return None, None, None
    low, high = wilson(raw.k, raw.n)
    return 100 * raw.k / raw.n, 100 * low, 100 * high


def _hidden_options(question: Question, raws: dict[str, _Raw], below: int) -> set[str]:
    """For a single-choice question the options add up to the total, so secondary
    suppression applies across them (``disclosure.suppress``)."""
    if question.kind != Question.Kind.SINGLE:
        return set()
    cells, _total = suppress({key: raw.k for key, raw in raws.items()}, below=below)
    return {cell.key for cell in cells if cell.suppressed}


Key = tuple[str, str]


def _questions_matched(
    waves: list[Consultation], baseline: Consultation, filters: dict[str, str]
) -> tuple[dict[Key, Question], dict[int, dict[Key, Question]], dict[int, dict[int, list[Any]]]]:
    """The baseline's tracked questions by key; for each wave, its questions with the same
    key, and their answers."""
    first: dict[Key, Question] = {}
    for question in Question.objects.filter(section__consultation=baseline, kind__in=TRACKED):
        first.setdefault(question_key(question), question)  # the same wording twice: the first
    by_wave: dict[int, dict[Key, Question]] = {}
    answers: dict[int, dict[int, list[Any]]] = {}
    for wave in waves:
        matched: dict[Key, Question] = {}
        for question in Question.objects.filter(section__consultation=wave, kind__in=TRACKED):
            if question_key(question) in first:
                matched.setdefault(question_key(question), question)
        by_wave[wave.pk] = matched
        answers[wave.pk] = _answers(wave, matched.values(), filters)
    return first, by_wave, answers


def _raws_by_wave(
    key: Key,
    waves: list[Consultation],
    by_wave: dict[int, dict[Key, Question]],
    answers: dict[int, dict[int, list[Any]]],
    language: str,
) -> dict[int, dict[str, _Raw] | None]:
    """What each wave said to one question, by measure; None for a wave that did not ask it."""
    per_wave: dict[int, dict[str, _Raw] | None] = {}
    for wave in waves:
        asked = by_wave[wave.pk].get(key)
        per_wave[wave.pk] = (
            None
            if asked is None
            else {
                measure_key: raw
                for measure_key, _l, _k, raw in _raw_measures(
                    asked, answers[wave.pk].get(asked.pk, []), language
                )
            }
        )
    return per_wave


def _p_value(raw: _Raw, base_raw: _Raw, kind: str) -> float | None:
    """How likely a difference this large from the baseline is by chance alone."""
    if kind == "mean":
        return welch_p(raw.ratings, base_raw.ratings)
    return two_proportion_p(raw.k, raw.n, base_raw.k, base_raw.n)


def _significance_mark(measures: list[Measure], comparisons: list[tuple[WaveValue, float | None]]) -> None:
    """Adjust the p-values for making many comparisons at once (Holm), then write each note."""
    adjusted = holm([p for _v, p in comparisons])
    for (shown, _p), p in zip(comparisons, adjusted, strict=True):
        shown.p = p
        shown.significant = p is not None and p < SIGNIFICANCE
    for measure in measures:
        for shown in measure.values:
            if shown.asked:
                shown.note = note(shown, measure.kind)


def compare(
    waves: list[Consultation], baseline: Consultation, language: str, filters: dict[str, str] | None = None
) -> list[Measure]:
    """Every tracked question of the baseline, measured in every wave."""
    below = threshold()
    if baseline not in waves:
        waves = [baseline, *waves]
    first, by_wave, answers = _questions_matched(waves, baseline, filters or {})
    measures: list[Measure] = []
    comparisons: list[tuple[WaveValue, float | None]] = []
    for key, question in first.items():
        per_wave = _raws_by_wave(key, waves, by_wave, answers, language)
        hidden = {
            wave.pk: _hidden_options(question, raws, below)
            for wave in waves
            if (raws := per_wave[wave.pk]) is not None
        }
        for measure_key, label, kind, base_raw in _raw_measures(
            question, answers[baseline.pk].get(question.pk, []), language
        ):
            measure = Measure(question=question.text_for(language), label=label, kind=kind)
            base_value, _bl, _bh = _shown(base_raw, kind, below, measure_key in hidden[baseline.pk])
            for wave in waves:
                raws = per_wave[wave.pk]
                if raws is None or measure_key not in raws:
                    measure.values.append(
                        WaveValue(wave=wave, asked=False, note=_("Not asked in this wave."))
                    )
                    continue
                raw = raws[measure_key]
                value, low, high = _shown(raw, kind, below, measure_key in hidden[wave.pk])
                shown = WaveValue(
                    wave=wave,
                    asked=True,
                    n=raw.n if raw.n >= below else None,
                    value=value,
                    low=low,
                    high=high,
                    is_baseline=wave.pk == baseline.pk,
                )
                measure.values.append(shown)
                if shown.is_baseline or value is None or base_value is None:
                    continue
                shown.change = value - base_value
                comparisons.append((shown, _p_value(raw, base_raw, kind)))
            measures.append(measure)
    _significance_mark(measures, comparisons)
    return measures


def note(shown: WaveValue, kind: str) -> str:
    """The plain-language reading of one wave's value."""
    if shown.is_baseline:
        return _("Baseline.") if shown.value is not None else _("Baseline; too few answers to show.")
    if shown.value is None:
        return _("Too few answers to say.")
    if shown.change is None:
        return _("The baseline has too few answers to compare with.")
    if shown.change == 0:
        return _("No change from the baseline.")
    size = abs(shown.change)
    if kind == "mean":
        amount = _("%(size).2f points") % {"size": size}
    else:
        amount = _("%(size).0f percentage points") % {"size": size}
    direction = _("Up") if shown.change > 0 else _("Down")
    if shown.significant:
        return _("%(direction)s %(amount)s on the baseline: a real change, unlikely to be chance.") % {
            "direction": direction,
            "amount": amount,
        }
    return _("%(direction)s %(amount)s on the baseline: could be chance, not a significant change.") % {
        "direction": direction,
        "amount": amount,
    }


def wave_sizes(waves: list[Consultation], filters: dict[str, str] | None = None) -> dict[int, int | None]:
    """How many responses each wave had (hidden below the threshold)."""
    below = threshold()
    sizes = {}
    for wave in waves:
        n = _responses(wave, filters or {}).count()
        sizes[wave.pk] = n if n >= below else None
    return sizes


FILTER_CHOICES = {
    "channel": (gettext_lazy("Channel"), Response.Channel.choices),
    "respondent_type": (gettext_lazy("Responding"), Response.RespondentType.choices),
}
