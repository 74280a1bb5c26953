"""Theme discovery: clusters found without being told how many, and a two-level hierarchy.

1. Fit k-means for a range of k on (a sample of) the embeddings and keep the k with the
   best cosine silhouette: the number of themes is chosen by the data.
2. Clusters smaller than ``min_size`` go to "other": they are too small to call a theme.
3. Broad themes: Ward clustering of the fine themes' centroids, so each broad theme is a
   set of fine ones (analysts switch between about 10 broad and the fine ones; the
   silhouette picks from 8 to 100 fine themes, as many as the data holds).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from chorus.analysis.engine.embed import _unit


@dataclass
class Clustering:
    labels: np.ndarray  # fine theme per row, -1 for "other"
    centroids: np.ndarray  # one unit row per fine theme
    parents: np.ndarray  # broad theme per fine theme
    broad_centroids: np.ndarray
    chosen_k: int


def default_min_size(n: int) -> int:
    return int(min(25, max(3, math.ceil(0.004 * n))))


def _kmeans(vectors: np.ndarray, k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.cluster import KMeans, MiniBatchKMeans  # type: ignore[import-untyped]

    if len(vectors) > 20000:
        model = MiniBatchKMeans(k, random_state=seed, n_init=3, batch_size=4096)
    else:
        model = KMeans(k, random_state=seed, n_init=2)
    labels = model.fit_predict(vectors)
    return labels, _unit(model.cluster_centers_)


def choose_k(vectors: np.ndarray, *, most: int, seed: int) -> int:
    """The number of clusters with the best silhouette, on a sample of at most 4,000 rows."""
    from sklearn.metrics import silhouette_score  # type: ignore[import-untyped]

    n = len(vectors)
    rng = np.random.default_rng(seed)
    sample = vectors if n <= 4000 else vectors[rng.choice(n, 4000, replace=False)]
    tried = (8, 10, 12, 16, 20, 24, 30, 36, 42, 50, 60, 70, 80, 100)
    candidates = sorted({k for k in tried if 2 <= k <= most})
    if not candidates:
        return max(1, min(2, n))
    best_k, best = candidates[0], -2.0
    for k in candidates:
        labels, _ = _kmeans(sample, k, seed)
        if len(set(labels)) < 2:
            continue
        score = float(silhouette_score(sample, labels, metric="cosine", random_state=seed))
        if score > best + 0.002:
            best_k, best = k, score
    return best_k


def discover(
    vectors: np.ndarray,
    *,
    min_size: int | None = None,
    most: int = 100,
    broad: int | None = None,
    k: int | None = None,
    seed: int = 0,
    fit_on: int = 30000,
) -> Clustering:
    n = len(vectors)
    min_size = min_size or default_min_size(n)
    if n < max(2 * min_size, 4):
        return Clustering(
            labels=np.full(n, -1),
            centroids=np.zeros((0, vectors.shape[1]), np.float32),
            parents=np.zeros(0, int),
            broad_centroids=np.zeros((0, vectors.shape[1]), np.float32),
            chosen_k=0,
        )
    most = max(2, min(most, n // min_size))
    rng = np.random.default_rng(seed)
    fit_rows = np.arange(n) if n <= fit_on else rng.choice(n, fit_on, replace=False)
    chosen = k or choose_k(vectors[fit_rows], most=most, seed=seed)
    _, centroids = _kmeans(vectors[fit_rows], chosen, seed)
    similarity = vectors @ centroids.T
    labels = similarity.argmax(axis=1)
    sizes = np.bincount(labels, minlength=len(centroids))
    kept = np.where(sizes >= min_size)[0]
    if len(kept) == 0:
        kept = np.array([int(sizes.argmax())])
    # Rows of dropped clusters go to the nearest kept theme when it is close, else to "other".
    similarity = similarity[:, kept]
    best = similarity.argmax(axis=1)
    best_sim = similarity[np.arange(n), best]
    in_kept = np.isin(labels, kept)
    floor = np.quantile(best_sim[in_kept], 0.05) if in_kept.any() else 0.0
    labels = np.where(in_kept | (best_sim >= floor), best, -1)
    centroids = np.stack(
        [
            _unit(vectors[labels == i].mean(axis=0))[0] if (labels == i).any() else centroids[kept[i]]
            for i in range(len(kept))
        ]
    )
    parents, broad_centroids = _broad(centroids, labels, broad)
    return Clustering(
        labels=labels, centroids=centroids, parents=parents, broad_centroids=broad_centroids, chosen_k=chosen
    )


def _broad(centroids: np.ndarray, labels: np.ndarray, broad: int | None) -> tuple[np.ndarray, np.ndarray]:
    fine = len(centroids)
    if fine <= 3:
        return np.arange(fine), centroids.copy()
    from sklearn.cluster import AgglomerativeClustering

    wanted = broad or int(min(10, max(2, round(fine / 3))))
    wanted = min(wanted, fine)
    parents = AgglomerativeClustering(n_clusters=wanted, linkage="ward").fit_predict(centroids)
    weights = np.bincount(labels[labels >= 0], minlength=fine).astype(np.float64)
    broad_centroids = np.stack(
        [_unit((centroids[parents == b] * weights[parents == b, None]).sum(axis=0))[0] for b in range(wanted)]
    )
    return parents, broad_centroids
