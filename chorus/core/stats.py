"""Small statistics used across Chorus: intervals and tests for rates and means."""

from __future__ import annotations

import math
from collections.abc import Sequence

Z95 = 1.959964


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for a proportion (good with small n and rates near 0 or 1)."""
    if n == 0:
        return 0.0, 0.0
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def mean_interval(values: Sequence[float]) -> tuple[float, float, float]:
    """(mean, low, high): a t interval for the mean."""
    from scipy.stats import t

    n = len(values)
    mean = sum(values) / n
    if n < 2:
        return mean, mean, mean
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    half = float(t.ppf(0.975, n - 1)) * sd / math.sqrt(n)
    return mean, mean - half, mean + half


def welch_p(a: Sequence[float], b: Sequence[float]) -> float | None:
    from scipy.stats import ttest_ind

    if len(a) < 2 or len(b) < 2:
        return None
    if len(set(a)) == 1 and len(set(b)) == 1:  # no spread in either: the test is undefined
        return None
    result = ttest_ind(a, b, equal_var=False)
    p = float(result.pvalue)
    return None if math.isnan(p) else p


def two_proportion_p(k1: int, n1: int, k2: int, n2: int) -> float | None:
    """Two-sided z-test of two proportions (pooled)."""
    from scipy.stats import norm

    if n1 == 0 or n2 == 0:
        return None
    if not (0 <= k1 <= n1 and 0 <= k2 <= n2):
        raise ValueError("Successes must be between 0 and the number of trials.")
    pooled = (k1 + k2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return None
    z = (k1 / n1 - k2 / n2) / se
    return float(2 * norm.sf(abs(z)))


def holm(p_values: Sequence[float | None]) -> list[float | None]:
    """Holm's adjustment for several comparisons at once."""
    indexed = sorted((p, i) for i, p in enumerate(p_values) if p is not None)
    m = len(indexed)
    adjusted: list[float | None] = [None] * len(p_values)
    running = 0.0
    for rank, (p, i) in enumerate(indexed):
        running = max(running, min(1.0, (m - rank) * p))
        adjusted[i] = running
    return adjusted
