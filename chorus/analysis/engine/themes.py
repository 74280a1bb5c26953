"""Theme discovery: clusters found without being told how many, and a two-level hierarchy.

1. Map the distinct responses (a sample of 8,000 where there are more) into a spectral
   embedding of their nearest-neighbour graph: 20 coordinates in which responses linked
   through chains of close neighbours sit together, so a theme that curves through the
   embedding space is still one cluster (the step that UMAP takes in BERTopic, done
   here with SciPy alone).
2. Fit k-means there for a range of k and keep the k whose themes have the best cosine
   silhouette in the embedding space: the number of themes is chosen by the data. The
   themes for that k are the consensus of 20 k-means runs from different starts, so
   they do not hang on one start's luck. Each theme's centroid is the mean of its
   responses' embeddings; responses outside the sample, and those arriving later, go to
   the nearest centroid.
3. Clusters smaller than ``min_size`` go to "other": they are too small to call a theme.
   Their rows join the nearest kept theme when they are about as close to it as its own
   rows are; at most ``OTHER_SHARE`` (a tenth) of the rows are left in "other".
4. Broad themes: Ward clustering of the fine themes' centroids, so each broad theme is a
   set of fine ones (analysts switch between about 10 broad and the fine ones; the
   silhouette picks from 3 to 100 fine themes, as many as the data holds; ``most``
   lets it look further, up to 300).

Two other ways of finding the fine themes stay beside it for benchmarks/discovery_grid.py
to compare, leave one labelled set out: "density" (HDBSCAN's clusters in the spectral
embedding, the rows in none placed as in step 3) and "count" (k-means consensus with
HDBSCAN's number of clusters as k). On nine labelled sets neither beat the silhouette's
choice on the sets held out (docs/benchmarks.md, "Theme discovery, leave one set out").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from chorus.analysis.engine.embed import _unit


@dataclass
class Clustering:
    labels: np.ndarray  # fine theme per row, -1 for "other"
    centroids: np.ndarray  # one unit row per fine theme
    parents: np.ndarray  # broad theme per fine theme
    broad_centroids: np.ndarray
    chosen_k: int


SPECTRAL_ROWS = 8000  # distinct rows mapped at most: finding neighbours costs the square of it
SPECTRAL_DIMENSIONS = 20
NEIGHBOURS = 15
CANDIDATE_KS = (3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 30, 36, 42, 50, 60, 70, 80, 100, 125, 150, 200, 250, 300)
CONSENSUS_RUNS = 20
METHOD = "silhouette"  # chosen by benchmarks/discovery_grid.py, leave one set out
CLUSTER_SIZE = 8  # rows in the smallest theme HDBSCAN finds (benchmarks/discovery_grid.py)
OTHER_SHARE = 0.10  # the most of the rows left in "other"


def default_min_size(n: int) -> int:
    return int(min(25, max(3, math.ceil(0.004 * n))))


def kmeans(vectors: np.ndarray, k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Cluster unit ``vectors`` into ``k`` groups: each row's label and the unit centroids."""
    from sklearn.cluster import KMeans, MiniBatchKMeans  # type: ignore[import-untyped]

    if len(vectors) > 20000:
        model = MiniBatchKMeans(k, random_state=seed, n_init=3, batch_size=4096)
    else:
        model = KMeans(k, random_state=seed, n_init=2)
    labels = model.fit_predict(vectors)
    return labels, _unit(model.cluster_centers_)


def consensus(space: np.ndarray, k: int, seed: int) -> np.ndarray:
    """Labels for k clusters on which many k-means runs agree: each row is described by the
    cluster it fell in on each of ``CONSENSUS_RUNS`` runs from different starts, and k-means
    on that description (reduced to k coordinates by SVD) groups the rows that usually fall
    together. One run's result moves with its start (AMI 0.443 to 0.454 on the NHS
    benchmark over six seeds); the consensus moved from 0.447 to 0.451 and was higher on
    average (docs/benchmarks.md)."""
    from scipy import sparse  # type: ignore[import-untyped]
    from sklearn.decomposition import TruncatedSVD  # type: ignore[import-untyped]

    n = len(space)
    runs = np.stack([kmeans(space, k, seed + 1000 * r)[0] + r * k for r in range(CONSENSUS_RUNS)], axis=1)
    membership = sparse.csr_matrix(
        (np.ones(runs.size), (np.repeat(np.arange(n), CONSENSUS_RUNS), runs.ravel())),
        shape=(n, CONSENSUS_RUNS * k),
    )
    described = TruncatedSVD(n_components=k, random_state=seed).fit_transform(membership)
    return kmeans(_unit(described), k, seed)[0]


def spectral(vectors: np.ndarray, *, seed: int, dimensions: int = SPECTRAL_DIMENSIONS) -> np.ndarray | None:
    """The spectral embedding of the rows' symmetric nearest-neighbour graph (cosine),
    most telling coordinate first; None when there are too few rows for a graph.

    The coordinates are the leading eigenvectors of the normalised adjacency
    D^-1/2 A D^-1/2 (the smallest of the normalised Laplacian, as Laplacian eigenmaps
    take them), less the first, which only reflects each row's degree. Asking ARPACK for
    the largest eigenvalues needs no matrix factorisation: 1 to 2 s for 8,000 rows where
    scikit-learn's shift-invert mode takes 7 to 9."""
    from scipy import sparse  # type: ignore[import-untyped]
    from scipy.sparse.linalg import ArpackNoConvergence, eigsh  # type: ignore[import-untyped]

    n = len(vectors)
    if n <= 3 * NEIGHBOURS:
        return None
    dimensions = min(dimensions, n // 10)
    graph = _neighbour_graph(vectors)
    scale = 1.0 / np.sqrt(np.asarray(graph.sum(axis=1)).ravel())
    normalised = sparse.diags(scale) @ graph @ sparse.diags(scale)
    start = np.random.default_rng(seed).uniform(-1, 1, n)
    try:
        values, eigenvectors = eigsh(normalised, k=dimensions + 1, which="LA", v0=start, tol=1e-4)
    except ArpackNoConvergence:
        return None  # k-means in the embedding space itself: a little less apt, never stuck
    order = np.argsort(-values)[1:]
    return np.asarray(eigenvectors[:, order] * scale[:, None])


def _neighbour_graph(vectors: np.ndarray) -> Any:
    from scipy import sparse  # type: ignore[import-untyped]
    from scipy.sparse.csgraph import connected_components  # type: ignore[import-untyped]

    n = len(vectors)
    nearest = np.empty((n, NEIGHBOURS), dtype=np.int64)
    for start in range(0, n, 2048):
        similarity = vectors[start : start + 2048] @ vectors.T
        nearest[start : start + 2048] = np.argpartition(-similarity, NEIGHBOURS - 1, axis=1)[:, :NEIGHBOURS]
    rows, columns = np.repeat(np.arange(n), NEIGHBOURS), nearest.ravel()
    weights = np.ones(n * NEIGHBOURS)
    # A group of responses that are only each other's neighbours is a component of its
    # own, and the eigensolver finds one vector per eigenvalue, not one per component:
    # each smaller component is tied by one weak edge to its closest row outside it.
    count, component = connected_components(sparse.csr_matrix((weights, (rows, columns)), shape=(n, n)))
    if count > 1:
        largest = np.bincount(component).argmax()
        bridges = []
        for c in range(count):
            if c == largest:
                continue
            inside, outside = np.where(component == c)[0], np.where(component != c)[0]
            similarity = vectors[inside] @ vectors[outside].T
            i, j = np.unravel_index(similarity.argmax(), similarity.shape)
            bridges.append((inside[i], outside[j]))
        rows = np.concatenate([rows, [a for a, _ in bridges]])
        columns = np.concatenate([columns, [b for _, b in bridges]])
        weights = np.concatenate([weights, np.full(len(bridges), 0.1)])
    graph = sparse.csr_matrix((weights, (rows, columns)), shape=(n, n))
    return 0.5 * (graph + graph.T)


def choose_k(space: np.ndarray, vectors: np.ndarray, *, most: int, seed: int) -> int:
    """The number of clusters found by k-means in ``space`` (the spectral embedding) whose
    partition of ``vectors`` (the same rows' embeddings) has the best cosine silhouette,
    on a sample of at most 4,000 rows."""
    from sklearn.metrics import silhouette_score  # type: ignore[import-untyped]

    n = len(vectors)
    rng = np.random.default_rng(seed)
    sample = np.arange(n) if n <= 4000 else rng.choice(n, 4000, replace=False)
    candidates = sorted({k for k in CANDIDATE_KS if 2 <= k <= most})
    if not candidates:
        return max(1, min(2, n))
    best_k, best = candidates[0], -2.0
    for k in candidates:
        labels, _ = kmeans(space[sample], k, seed)
        if len(set(labels)) < 2:
            continue
        score = float(silhouette_score(vectors[sample], labels, metric="cosine", random_state=seed))
        if score > best + 0.002:
            best_k, best = k, score
    return best_k


def density(space: np.ndarray, *, cluster_size: int) -> np.ndarray:
    """Clusters of ``space`` (the spectral embedding) where rows crowd together, found by
    HDBSCAN without being told how many, -1 for rows in no crowd. The number of clusters
    grows with what the data holds, where the silhouette's choice stopped short."""
    from sklearn.cluster import HDBSCAN  # type: ignore[import-untyped]

    if len(space) < 2 * cluster_size:
        return np.full(len(space), -1)
    return np.asarray(HDBSCAN(min_cluster_size=cluster_size, copy=True).fit_predict(space))


def discover(
    vectors: np.ndarray,
    *,
    min_size: int | None = None,
    most: int = 100,
    broad: int | None = None,
    k: int | None = None,
    seed: int = 0,
    method: str = METHOD,
    cluster_size: int = CLUSTER_SIZE,
    dimensions: int = SPECTRAL_DIMENSIONS,
    other_share: float = OTHER_SHARE,
) -> Clustering:
    """Fine themes (``k`` of them when given, else as many as the data holds) and broad
    themes over them, at most ``other_share`` of the rows left in "other".

    ``method`` "silhouette" (the default) is steps 2 to 4 of the module's description;
    ``most`` bounds its search. "density" finds the themes by HDBSCAN in the spectral
    embedding with clusters of at least ``cluster_size`` mapped rows (``min_size`` when
    given) and puts the rows in no cluster into the nearest theme when they are about as
    close to it as its own rows are; "count" runs the consensus k-means with HDBSCAN's
    number of clusters as k. Both ignore ``most``."""
    n = len(vectors)
    if method in ("density", "count") and not k:
        cluster_size = min_size or cluster_size
        min_size = cluster_size
    min_size = min_size or default_min_size(n)
    if n < max(2 * min_size, 4):
        return Clustering(
            labels=np.full(n, -1),
            centroids=np.zeros((0, vectors.shape[1]), np.float32),
            parents=np.zeros(0, int),
            broad_centroids=np.zeros((0, vectors.shape[1]), np.float32),
            chosen_k=0,
        )
    # Copies (campaigns, "Very good" a hundred times) would form cliques in the graph that
    # the spectral embedding sets apart: each distinct vector is mapped once.
    same_as = _first_copies(vectors)
    distinct = np.flatnonzero(same_as == np.arange(n))
    rng = np.random.default_rng(seed)
    mapped = (
        distinct if len(distinct) <= SPECTRAL_ROWS else np.sort(rng.choice(distinct, SPECTRAL_ROWS, False))
    )
    sought = vectors[mapped]
    # One thread for the many small k-means fits: OpenMP's threads wait for each other
    # by spinning, and on a busy machine (the web server beside this worker, another
    # analysis) 39 fits on 8,000 rows took 45 s with two threads and about 4 with one.
    with threadpool_limits(limits=1):
        coordinates = spectral(sought, seed=seed, dimensions=dimensions)
        space = sought if coordinates is None else _unit(coordinates)
        found = np.full(len(mapped), -1)
        if method in ("density", "count") and not k:
            # The smallest crowd is counted in the rows mapped: where they are a sample, a
            # theme must hold that many of the sample's rows, a share of the whole.
            found = density(space, cluster_size=cluster_size)
            if method == "count" and found.max() >= 0:
                found = consensus(space, int(found.max()) + 1, seed)
        if found.max() < 0:
            most = max(2, min(most, n // min_size, len(mapped) // 2))
            chosen = k or choose_k(space, sought, most=most, seed=seed)
            found = consensus(space, chosen, seed)
        found = np.where(found >= 0, np.unique(found, return_inverse=True)[1] - (found.min() < 0), -1)
        chosen = int(found.max()) + 1
    centroids = np.stack([_unit(sought[found == c].mean(axis=0))[0] for c in range(chosen)])
    labels = np.concatenate(
        [(vectors[i : i + BLOCK] @ centroids.T).argmax(axis=1) for i in range(0, n, BLOCK)]
    )
    # Rows found in the spectral embedding (and their copies) keep the cluster they were
    # found in; those in no cluster are placed below, with the rows outside the sample.
    found_at = np.full(n, -2)
    found_at[mapped] = found
    placed = found_at[same_as]
    labels = np.where(placed >= 0, placed, labels)
    unplaced = placed == -1
    sizes = np.bincount(labels, minlength=len(centroids))
    kept = np.where(sizes >= min_size)[0]
    if len(kept) == 0:
        kept = np.array([int(sizes.argmax())])
    # Rows of dropped clusters go to the nearest kept theme when it is close, else to "other".
    position = np.full(len(centroids), -1)
    position[kept] = np.arange(len(kept))
    best = np.empty(n, dtype=np.int64)
    best_sim = np.empty(n, dtype=vectors.dtype)
    for i in range(0, n, BLOCK):
        similarity = vectors[i : i + BLOCK] @ centroids[kept].T
        best[i : i + BLOCK] = similarity.argmax(axis=1)
        best_sim[i : i + BLOCK] = similarity[np.arange(len(similarity)), best[i : i + BLOCK]]
    in_kept = (position[labels] >= 0) & ~unplaced
    floor = float(np.quantile(best_sim[in_kept], 0.05)) if in_kept.any() else 0.0
    # "Other" is kept small: where more than other_share of the rows are further than the
    # floor, the floor comes down until only other_share are.
    outside = ~in_kept
    if outside.sum() > other_share * n:
        floor = min(floor, float(np.quantile(best_sim[outside], other_share * n / outside.sum())))
    labels = np.where(in_kept, position[labels], np.where(best_sim >= floor, best, -1))
    centroids = _means(vectors, labels, centroids[kept])
    parents, broad_centroids = _broad(centroids, labels, broad)
    return Clustering(
        labels=labels, centroids=centroids, parents=parents, broad_centroids=broad_centroids, chosen_k=chosen
    )


BLOCK = 65536  # rows compared with the centroids at once


def _first_copies(vectors: np.ndarray) -> np.ndarray:
    """For each row, the first row with the same vector (itself, for most): rows are
    grouped by a 64-bit hash of their bytes and the groups checked, so a million rows
    need no million keys of a kilobyte each."""
    n = len(vectors)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    words = np.ascontiguousarray(vectors).view(np.uint8).reshape(n, -1)
    pad = (-words.shape[1]) % 8
    weights = np.random.default_rng(7).integers(1, 1 << 63, size=(words.shape[1] + pad) // 8, dtype=np.uint64)
    hashes = np.empty(n, dtype=np.uint64)
    for i in range(0, n, BLOCK):
        block = words[i : i + BLOCK]
        if pad:
            block = np.pad(block, ((0, 0), (0, pad)))
        with np.errstate(over="ignore"):
            hashes[i : i + BLOCK] = (np.ascontiguousarray(block).view(np.uint64) * weights).sum(
                axis=1, dtype=np.uint64
            )
    _, first, inverse = np.unique(hashes, return_index=True, return_inverse=True)
    same_as = first[inverse.ravel()]
    for i in range(0, n, BLOCK):
        if not np.array_equal(vectors[i : i + BLOCK], vectors[same_as[i : i + BLOCK]]):
            # Two vectors hashed alike (never seen): compare them byte for byte instead.
            first_of: dict[bytes, int] = {}
            return np.fromiter(
                (first_of.setdefault(row.tobytes(), j) for j, row in enumerate(vectors)), np.int64, n
            )
    return np.asarray(same_as, dtype=np.int64)


def _means(vectors: np.ndarray, labels: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """The unit mean of each label's rows (``fallback``'s row for a label with none),
    summed block by block."""
    from scipy import sparse  # type: ignore[import-untyped]

    k = len(fallback)
    sums = np.zeros((k, vectors.shape[1]))
    for i in range(0, len(vectors), BLOCK):
        part = labels[i : i + BLOCK]
        inside = np.flatnonzero(part >= 0)
        members = sparse.csr_matrix((np.ones(len(inside)), (part[inside], inside)), shape=(k, len(part)))
        sums += members @ vectors[i : i + BLOCK].astype(np.float64)
    counts = np.bincount(labels[labels >= 0], minlength=k)
    return np.stack([_unit(sums[c] / counts[c])[0] if counts[c] else fallback[c] for c in range(k)])


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
