"""Emerging issues in a feedback stream: counts that rise beyond what their history predicts.

For each key (a theme, a page or a service) we have daily counts of comments and of
negative comments. The recent window (the last day or week) is compared with the same
length of window over the history before it:

- volume: the window's count against a Poisson with the historical mean (plus a
  floor so a quiet key does not alarm on two comments); flagged when the chance of
  seeing so many is under ``alpha``.
- negative share: the window's negative share against the historical share, by a
  one-sided binomial test; flagged when it rises by at least ``min_rise`` and the
  chance is under ``alpha``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from scipy import stats  # type: ignore[import-untyped]


@dataclass(frozen=True)
class Series:
    counts: Sequence[int]  # oldest first; the last `window` days are the recent window
    negatives: Sequence[int]


@dataclass(frozen=True)
class Alert:
    key: str
    kind: str  # "volume" or "negative"
    recent: float
    expected: float
    p_value: float
    recent_count: int


def detect(
    series: Mapping[str, Series],
    *,
    window: int,
    alpha: float = 0.01,
    min_count: int = 5,
    min_rise: float = 0.15,
) -> list[Alert]:
    alerts: list[Alert] = []
    for key, s in series.items():
        if len(s.counts) <= window:
            continue
        history_counts = s.counts[:-window]
        recent_count = int(sum(s.counts[-window:]))
        recent_negative = int(sum(s.negatives[-window:]))
        windows = len(history_counts) / window
        expected = max(sum(history_counts) / windows, 1.0)
        if recent_count >= min_count:
            p = float(stats.poisson.sf(recent_count - 1, expected))
            if p < alpha:
                alerts.append(Alert(key, "volume", recent_count, round(expected, 2), p, recent_count))
        history_total = sum(history_counts)
        if recent_count >= min_count and history_total >= min_count:
            base = (sum(s.negatives[:-window]) + 1) / (history_total + 2)
            share = recent_negative / recent_count
            if share - base >= min_rise:
                p = float(stats.binomtest(recent_negative, recent_count, base, alternative="greater").pvalue)
                if p < alpha:
                    alerts.append(Alert(key, "negative", round(share, 3), round(base, 3), p, recent_count))
    return sorted(alerts, key=lambda a: a.p_value)
