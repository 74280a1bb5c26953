"""Theme discovery finds as many themes as the data holds and keeps "other" small (#23)."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import adjusted_mutual_info_score

from chorus.analysis.engine import themes


def _groups(
    count: int, per_group: int, *, seed: int = 0, spread: float = 0.35
) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    middles = rng.normal(size=(count, 48))
    truth = np.repeat(np.arange(count), per_group)
    vectors = middles[truth] + spread * rng.normal(size=(len(truth), 48))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors.astype(np.float32), truth


def test_the_number_of_themes_grows_with_what_the_data_holds() -> None:
    found = {}
    for count in (12, 60):
        vectors, truth = _groups(count, 30)
        clustering = themes.discover(vectors, seed=0)
        assert adjusted_mutual_info_score(truth, clustering.labels) > 0.9
        found[count] = len(clustering.centroids)
    assert 10 <= found[12] <= 15
    assert 50 <= found[60] <= 70


def test_a_mixed_corpus_is_split_by_theme_not_by_source() -> None:
    """Three sources of twenty themes each: many more than three themes come out."""
    parts = [_groups(20, 25, seed=seed) for seed in (1, 2, 3)]
    vectors = np.vstack([v for v, _ in parts])
    truth = np.concatenate([t + 100 * s for s, (_, t) in enumerate(parts)])
    clustering = themes.discover(vectors, seed=0)
    assert len(clustering.centroids) >= 45
    assert adjusted_mutual_info_score(truth, clustering.labels) > 0.85


def test_rows_in_no_crowd_join_a_close_theme_and_at_most_a_tenth_stay_other() -> None:
    vectors, _ = _groups(15, 40, seed=4)
    rng = np.random.default_rng(5)
    scattered = rng.normal(size=(300, 48)).astype(np.float32)
    scattered /= np.linalg.norm(scattered, axis=1, keepdims=True)
    both = np.vstack([vectors, scattered])
    for method in ("silhouette", "density"):
        clustering = themes.discover(both, method=method, seed=0)
        assert (clustering.labels == -1).mean() <= themes.OTHER_SHARE + 1e-9
        # The themes' own rows are placed; what is left over is the scattered rows.
        assert (clustering.labels[: len(vectors)] == -1).mean() < 0.02
    assert (clustering.labels[len(vectors) :] == -1).mean() > 0.2


def test_broad_themes_stay_over_the_fine_ones() -> None:
    vectors, _ = _groups(40, 25, seed=6)
    clustering = themes.discover(vectors, seed=0)
    fine, broad = len(clustering.centroids), len(clustering.broad_centroids)
    assert 2 <= broad < fine
    assert set(clustering.parents.tolist()) == set(range(broad))


def test_the_density_choices_the_benchmark_compares_find_the_groups() -> None:
    vectors, truth = _groups(30, 30, seed=7)
    for method in ("density", "count"):
        clustering = themes.discover(vectors, method=method, cluster_size=8, seed=0)
        assert adjusted_mutual_info_score(truth, clustering.labels) > 0.9
        assert 25 <= len(clustering.centroids) <= 35
