"""Small statistics used across Chorus: intervals and tests for rates and means."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

Z95 = 1.959964


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for a proportion (good with small n and rates near 0 or 1)."""
    if n == 0:
        return 0.0, 0.0
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Summary:
    """What a mean's interval and test need of a sample: its size, mean and variance (n - 1)."""

    n: int
    mean: float
    variance: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Summary:
        n = len(values)
        mean = sum(values) / n if n else 0.0
        variance = sum((v - mean) ** 2 for v in values) / (n - 1) if n > 1 else 0.0
        return cls(n, mean, variance)

    @classmethod
    def from_sums(cls, n: int, total: float, squares: float) -> Summary:
        """From the count, sum and sum of squares, as a database or numpy gives them."""
        mean = total / n if n else 0.0
        variance = max(0.0, (squares - n * mean * mean) / (n - 1)) if n > 1 else 0.0
        return cls(n, mean, variance)


def mean_interval(values: Sequence[float] | Summary) -> tuple[float, float, float]:
    """(mean, low, high): a t interval for the mean."""
    from scipy.stats import t

    s = values if isinstance(values, Summary) else Summary.of(values)
    if s.n < 2:
        return s.mean, s.mean, s.mean
    half = float(t.ppf(0.975, s.n - 1)) * math.sqrt(s.variance / s.n)
    return s.mean, s.mean - half, s.mean + half


def welch_p(a: Sequence[float] | Summary, b: Sequence[float] | Summary) -> float | None:
    """Two-sided Welch's t-test of two means (unequal variances)."""
    from scipy.stats import t

    x = a if isinstance(a, Summary) else Summary.of(a)
    y = b if isinstance(b, Summary) else Summary.of(b)
    if x.n < 2 or y.n < 2:
        return None
    vx, vy = x.variance / x.n, y.variance / y.n
    if vx + vy <= 1e-15 * max(1.0, x.mean * x.mean, y.mean * y.mean):
        return None  # no spread in either: the test is undefined
    statistic = (x.mean - y.mean) / math.sqrt(vx + vy)
    freedom = (vx + vy) ** 2 / (vx * vx / (x.n - 1) + vy * vy / (y.n - 1))
    p = float(2 * t.sf(abs(statistic), freedom))
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
