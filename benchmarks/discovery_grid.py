"""Theme discovery's settings chosen on some labelled sets and reported on the others.

Every labelled set in ../shared/data/feedback (see its README) is sampled (at most 3,000
rows, fixed seed), embedded once with the accurate embedder (all-MiniLM-L6-v2; cached
in /tmp/discovery_cache) and clustered by ``themes.discover`` with each setting of the
grid (the silhouette's choice of k, with the usual bound of 100 themes and with 300; HDBSCAN
in the spectral embedding, "density"; k-means with HDBSCAN's count as k, "count"), and by
BERTopic's default clustering (UMAP to 5 dimensions, HDBSCAN with clusters
of at least 10) on the same vectors. AMI is measured on the fine themes with "other"
(BERTopic's -1) as one more cluster, as benchmarks/analysis_quality.py does.

Leave one set out: for each set, the setting with the best mean AMI on the other sets
(the two CFPB label sets share their texts, so they are held out together) is scored on
it. The shipped default is the setting with the best mean AMI on all sets; its figures
are printed beside the held-out ones, with a mixed corpus (every set's rows together) to
show how many themes it finds there.

    python benchmarks/discovery_grid.py [--quick] [--data PATH] [--record]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from _common import SHARED_DATA, record, table
from _feedback import banking77, nhs, nhs_single

from chorus.analysis.engine import themes

CACHE = Path(tempfile.gettempdir()) / "discovery_cache"  # the embeddings, made once a set
PACKAGES = ("sentence-transformers", "scikit-learn", "scipy", "umap-learn", "hdbscan", "numpy")

Loaded = tuple[list[str], list[str]]


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _nhs(trust: str) -> Callable[[Path], Loaded]:
    def load(folder: Path) -> Loaded:
        rows = [r for r in nhs_single(nhs(folder), answers_only=True) if r.trust == trust]
        return [r.text for r in rows], [r.themes[0] for r in rows]

    return load


def _column(file: str, text: str, label: str) -> Callable[[Path], Loaded]:
    def load(folder: Path) -> Loaded:
        rows = [r for r in _csv(folder / file) if r[text].strip() and r[label].strip()]
        return [r[text] for r in rows], [r[label] for r in rows]

    return load


def _gambling(folder: Path) -> Loaded:
    """Both questions' responses; each labelled with its first theme (question-qualified)."""
    texts, labels = [], []
    for part in sorted((folder / "gambling_consultation").glob("question_part_*")):
        said = {}
        for line in (part / "responses.jsonl").read_text().splitlines():
            item = json.loads(line)
            said[item["response_id"]] = item["response"]
        for line in (part / "mapping.jsonl").read_text().splitlines():
            item = json.loads(line)
            if item["labels"] and said.get(item["response_id"], "").strip():
                texts.append(said[item["response_id"]])
                labels.append(f"{part.name}:{item['labels'][0]}")
    return texts, labels


# name -> (loader, group): sets in one group share their texts and are held out together.
SETS: dict[str, tuple[Callable[[Path], Loaded], str]] = {
    "NHS NEAS": (_nhs("NEAS"), "nhs-neas"),
    "NHS NHFT": (_nhs("NHFT"), "nhs-nhft"),
    "Banking77": (lambda folder: banking77(folder, "test"), "banking"),
    "HWU64": (_column("hwu64.csv", "text", "intent"), "hwu"),
    "StackOverflow20": (_column("stackoverflow20.csv", "text", "label"), "stackoverflow"),
    "GoogleNews-TS": (_column("googlenews_ts.csv", "text", "label"), "googlenews"),
    "CFPB products": (_column("cfpb_complaints_sample.csv", "text", "product"), "cfpb"),
    "CFPB issues": (_column("cfpb_complaints_sample.csv", "text", "issue"), "cfpb"),
    "Gambling consultation": (_gambling, "gambling"),
}


def sample(texts: list[str], labels: list[str], rows: int, seed: int = 0) -> Loaded:
    if len(texts) <= rows:
        return texts, labels
    picked = sorted(random.Random(seed).sample(range(len(texts)), rows))
    return [texts[i] for i in picked], [labels[i] for i in picked]


def _key(texts: list[str]) -> str:
    return hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]


def vectors_for(name: str, texts: list[str]) -> np.ndarray:
    path = CACHE / f"{name.replace(' ', '_')}-{_key(texts)}.npy"
    if path.exists():
        return np.load(path)
    from chorus.analysis.engine import embedder_for

    vectors = embedder_for("accurate").encode(texts)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def bertopic_labels(name: str, texts: list[str], vectors: np.ndarray) -> np.ndarray:
    """BERTopic's default clustering on the same vectors (UMAP's seed fixed)."""
    path = CACHE / f"{name.replace(' ', '_')}-{_key(texts)}-bertopic.npy"
    if path.exists():
        return np.load(path)
    import hdbscan  # dev dependency: the reference only
    from umap import UMAP

    reduced = UMAP(
        n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=42
    ).fit_transform(vectors)
    labels = hdbscan.HDBSCAN(
        min_cluster_size=10, metric="euclidean", cluster_selection_method="eom", prediction_data=True
    ).fit_predict(reduced)
    np.save(path, labels)
    return np.asarray(labels)


def ami(truth: list[str], labels: np.ndarray) -> float:
    from sklearn.metrics import adjusted_mutual_info_score

    return float(adjusted_mutual_info_score(truth, labels))


def grid(quick: bool) -> list[dict[str, object]]:
    """The settings tried: the silhouette choice of k (the engine before #23); HDBSCAN's
    clusters in the spectral embedding, outliers placed where close ("density"); and
    k-means consensus with HDBSCAN's count of clusters as k ("count")."""
    settings: list[dict[str, object]] = [{"method": "silhouette"}, {"method": "silhouette", "most": 300}]
    for method in ("density", "count"):
        for size in (5, 10) if quick else (5, 10, 20):
            for dims in (20, 40):
                settings.append({"method": method, "cluster_size": size, "dimensions": dims})
    return settings


def describe(setting: dict[str, object]) -> str:
    return ", ".join(f"{k}={v}" for k, v in setting.items())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=SHARED_DATA / "feedback")
    parser.add_argument("--quick", action="store_true", help="1,000 rows a set and a smaller grid")
    parser.add_argument("--rows", type=int, default=0, help="rows a set (default 3,000; 1,000 with --quick)")
    parser.add_argument("--sets", default="", help="comma-separated set names (default: all)")
    parser.add_argument("--record", action="store_true", help="append the table to docs/benchmarks.md")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="reuse scores saved by an earlier run with this code (while tuning)",
    )
    args = parser.parse_args()
    rows = args.rows or (1000 if args.quick else 3000)
    names = [s for s in args.sets.split(",") if s] or list(SETS)
    started = time.perf_counter()

    data: dict[str, tuple[list[str], np.ndarray, np.ndarray]] = {}
    keys: dict[str, str] = {}
    for name in names:
        loader, _ = SETS[name]
        texts, truth = sample(*loader(args.data), rows)
        vectors = vectors_for(name, texts)
        data[name] = (truth, vectors, bertopic_labels(name, texts, vectors))
        keys[name] = f"{name.replace(' ', '_')}-{_key(texts)}"
        print(f"{name}: {len(texts)} rows, {len(set(truth))} labels", flush=True)

    settings = grid(args.quick)
    scores: dict[tuple[str, int], tuple[float, float, int]] = {}  # (set, setting) -> AMI, other, themes
    for s, setting in enumerate(settings):
        for name in names:
            truth, vectors, _ = data[name]
            saved = CACHE / f"{keys[name]}-{hashlib.sha256(describe(setting).encode()).hexdigest()[:12]}.json"
            if args.reuse and saved.exists():
                scores[name, s] = tuple(json.loads(saved.read_text()))  # type: ignore[assignment]
                continue
            found = themes.discover(vectors, **setting, seed=0)  # type: ignore[arg-type]
            labels = found.labels
            scores[name, s] = (ami(truth, labels), float((labels == -1).mean()), len(found.centroids))
            saved.write_text(json.dumps(scores[name, s]))
        mean = np.mean([scores[n, s][0] for n in names])
        print(f"{describe(setting)}: mean AMI {mean:.3f}", flush=True)

    def best(on: list[str]) -> int:
        return max(range(len(settings)), key=lambda s: np.mean([scores[n, s][0] for n in on]))

    shipped = best(names)
    table_rows: list[list[object]] = []
    margins, shipped_margins = [], []
    for name in names:
        truth, vectors, reference = data[name]
        group = SETS[name][1]
        chosen = best([n for n in names if SETS[n][1] != group])
        held, other, count = scores[name, chosen]
        ship, ship_other, ship_count = scores[name, shipped]
        ref = ami(truth, reference)
        margins.append(held - ref)
        shipped_margins.append(ship - ref)
        table_rows.append(
            [
                name,
                len(truth),
                len(set(truth)),
                describe(settings[chosen]),
                f"{held:.3f}",
                f"{other:.1%}",
                count,
                f"{ship:.3f}",
                f"{ship_other:.1%}",
                ship_count,
                f"{ref:.3f}",
                f"{(reference == -1).mean():.1%}",
                len(set(reference.tolist()) - {-1}),
                f"{held - ref:+.3f}",
            ]
        )
    headers = [
        "set",
        "rows",
        "true themes",
        "setting chosen without it",
        "AMI held out",
        "other",
        "themes",
        "AMI shipped",
        "other",
        "themes",
        "BERTopic AMI",
        "outliers",
        "topics",
        "margin held out",
    ]
    text = table(headers, table_rows)
    summary = (
        f"Shipped default (best mean AMI on all sets): {describe(settings[shipped])}. "
        f"Mean margin over BERTopic: held out {np.mean(margins):+.3f}, shipped {np.mean(shipped_margins):+.3f}; "
        f"sets where the held-out AMI is below BERTopic's: {sum(m < 0 for m in margins)} of {len(names)}. "
        f"{len(settings)} settings; {rows} rows a set at most; took {time.perf_counter() - started:.0f} s."
    )
    # A mixed corpus: every set's rows together (the CFPB texts once), labels qualified by
    # their set. It must not collapse to a theme or two per source.
    mixed = [n for n in names if n != "CFPB issues"]
    truth_mixed = [f"{n}:{label}" for n in mixed for label in data[n][0]]
    found = themes.discover(np.vstack([data[n][1] for n in mixed]), **settings[shipped], seed=0)  # type: ignore[arg-type]
    silhouette = themes.discover(np.vstack([data[n][1] for n in mixed]), method="silhouette", seed=0)
    summary += (
        f" Mixed corpus ({len(truth_mixed)} rows from {len(mixed)} sets, {len(set(truth_mixed))} labels): "
        f"shipped default {len(found.centroids)} fine / {len(found.broad_centroids)} broad themes, "
        f"AMI {ami(truth_mixed, found.labels):.3f}, other {(found.labels == -1).mean():.1%}; "
        f"silhouette choice {len(silhouette.centroids)} themes, AMI {ami(truth_mixed, silhouette.labels):.3f}."
    )
    print(text)
    print(summary)
    result = f"RESULT loo_margin={np.mean(margins):.3f} shipped_margin={np.mean(shipped_margins):.3f}"
    print(result)
    if args.record:
        record("Theme discovery (leave one set out)", PACKAGES, text, summary, result=result)


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    main()
