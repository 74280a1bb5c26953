"""Intervals and tests agree with scipy's reference implementations, from raw values and from
the sums a database returns alike."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import t, ttest_ind

from chorus.core.stats import Summary, mean_interval, welch_p

ratings = st.lists(st.integers(min_value=1, max_value=5), min_size=2, max_size=60)


@pytest.mark.filterwarnings("ignore:Precision loss:RuntimeWarning")  # scipy, on near-identical samples
@given(ratings, ratings)
def test_welch_matches_scipy_from_values_and_from_sums(a: list[int], b: list[int]) -> None:
    expected = float(ttest_ind(a, b, equal_var=False).pvalue)
    found = welch_p(a, b)
    from_sums = welch_p(
        Summary.from_sums(len(a), sum(a), sum(x * x for x in a)),
        Summary.from_sums(len(b), sum(b), sum(x * x for x in b)),
    )
    if len(set(a)) == 1 and len(set(b)) == 1:
        assert found is None and from_sums is None  # no spread: undefined, not "significant"
    else:
        assert found == pytest.approx(expected, abs=1e-9)
        assert from_sums == pytest.approx(expected, abs=1e-9)


@given(ratings)
def test_mean_interval_is_the_t_interval(values: list[int]) -> None:
    n = len(values)
    mean = sum(values) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    half = float(t.ppf(0.975, n - 1)) * sd / math.sqrt(n)
    assert mean_interval(values) == pytest.approx((mean, mean - half, mean + half))
    summary = Summary.from_sums(n, sum(values), sum(v * v for v in values))
    assert mean_interval(summary) == pytest.approx((mean, mean - half, mean + half), abs=1e-9)


def test_too_few_values_give_no_test() -> None:
    assert welch_p([3], [1, 2, 3]) is None
    assert mean_interval([4]) == (4, 4, 4)
