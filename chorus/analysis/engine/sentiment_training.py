"""Train the sentiment heads that Chorus ships, from labelled data whose licences allow it.

Reads the copies in ``shared/data/feedback`` (see its README), never downloads:

- ``nhs_patient_feedback_v6.csv``: Friends and Family Test answers from two NHS trusts,
  ``Comment sentiment`` 1-2 positive, 3 neutral (mixed), 4-5 negative. The Strategy Unit's
  ``pxtextmining`` repository, MIT. Its Care Opinion data (CC BY-NC-SA 4.0) lives in other
  files there and carries the organisation "Care Opinion"; only rows from the two trusts'
  own surveys (``Trust`` NEAS or NHFT, with an ``FFT question``) are read, so none is used.
- ``sentiment_labelled_sentences.csv``: review sentences, positive or negative (Kotzias et
  al. 2015, UCI, CC BY 4.0).

and, from the project itself, the seed examples in ``sentiment.SEED`` and the ordinary
customer queries and commands in ``data/special_negatives.json`` (Banking77 and HWU64,
CC BY 4.0) that VADER finds no sentiment in, as more neutral examples.

Every source weighs the same in training and the labels weigh the same within each
source, so no one kind of writing decides where "neutral" lies; then the three labels'
totals are made equal, as scikit-learn's balanced class weights would. TweetEval
(``tweeteval_sentiment.csv``) is read only to measure: its terms allow research use only.

Django-free; ``chorus train_sentiment ../shared/data/feedback`` runs it.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from chorus.analysis.engine.embed import Embedder
from chorus.analysis.engine.pipeline import is_non_answer
from chorus.analysis.engine.sentiment import (
    LABELS,
    NEGATIVE,
    NEUTRAL,
    POSITIVE,
    PROBE,
    WEIGHTS,
    features,
    fit,
    lexicon_scores,
    seed_examples,
)

NHS_FILE = "nhs_patient_feedback_v6.csv"
REVIEWS_FILE = "sentiment_labelled_sentences.csv"
TWEETS_FILE = "tweeteval_sentiment.csv"
NHS_TRUSTS = ("NEAS", "NHFT")  # the trusts that published their survey answers under MIT
PLAIN_FILE = Path(__file__).resolve().parents[1] / "data" / "special_negatives.json"
PLAIN_GROUPS = ("banking77", "hwu64")
# scikit-learn's C over the source-balanced weights (which average 1 per example).
C = 1.0
# The sets the shipped heads learn from; TweetEval is for measuring only.
SHIPPED_SETS = ("nhs", "reviews")


@dataclass
class LabelledSet:
    name: str
    texts: list[str]
    labels: list[str]
    groups: list[str]  # the trust, review site or split of each row
    vectors: np.ndarray | None = None
    lexicon: np.ndarray | None = None

    def features(self, embedder: Embedder | None = None) -> np.ndarray:
        if self.vectors is None:
            if embedder is None:
                raise ValueError(f"{self.name}: no vectors and no embedder to make them.")
            self.vectors = embedder.encode(self.texts)
        if self.lexicon is None:
            self.lexicon = lexicon_scores(self.texts)
        return features(self.vectors, self.lexicon)


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: give the folder that holds {path.name}.")
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def nhs_label(score: str) -> str | None:
    """The three-way label of a ``Comment sentiment`` score (1 very positive to 5)."""
    if not score.strip():
        return None
    value = int(float(score))
    return POSITIVE if value <= 2 else NEUTRAL if value == 3 else NEGATIVE


def nhs(folder: Path) -> LabelledSet:
    """Labelled answers from the two trusts' surveys, non-answers ("Nothing.") left out."""
    out = LabelledSet("nhs", [], [], [])
    for row in _rows(folder / NHS_FILE):
        text = (row.get("FFT answer") or "").strip()
        label = nhs_label(row.get("Comment sentiment") or "")
        trust = row.get("Trust", "")
        if label is None or not text or is_non_answer(text):
            continue
        if trust not in NHS_TRUSTS or not (row.get("FFT question") or "").strip():
            continue
        out.texts.append(text)
        out.labels.append(label)
        out.groups.append(trust)
    return out


def reviews(folder: Path) -> LabelledSet:
    rows = _rows(folder / REVIEWS_FILE)
    return LabelledSet(
        "reviews", [r["text"] for r in rows], [r["sentiment"] for r in rows], [r["source"] for r in rows]
    )


def tweets(folder: Path) -> LabelledSet:
    """TweetEval's validation and test tweets: research use only, so never trained on."""
    rows = _rows(folder / TWEETS_FILE)
    return LabelledSet(
        "tweets", [r["text"] for r in rows], [r["sentiment"] for r in rows], [r["split"] for r in rows]
    )


def seed() -> LabelledSet:
    texts, labels = seed_examples()
    return LabelledSet("seed", texts, labels, ["seed"] * len(texts))


def plain() -> LabelledSet:
    """Ordinary queries and commands with no sentiment VADER can see: more neutral examples."""
    data: dict[str, list[str]] = json.loads(PLAIN_FILE.read_text(encoding="utf-8"))
    # The short real queries only: the written complaints there are ordinary for the
    # special-category classifier, but not neutral in tone.
    texts = [t for key in PLAIN_GROUPS for t in data[key]]
    lexicon = lexicon_scores(texts)
    keep = np.abs(lexicon[:, 3]) < 0.05
    chosen = [t for t, k in zip(texts, keep, strict=True) if k]
    labels = [NEUTRAL] * len(chosen)
    return LabelledSet("plain", chosen, labels, ["plain"] * len(chosen), lexicon=lexicon[keep])


def source_weights(sets: Sequence[LabelledSet]) -> np.ndarray:
    """Each set weighs the same and each label the same within a set; then each label's
    total is made the same, so a label is not favoured for the number of sets that hold
    it (every set has neutral examples but the review sentences). The mean weight is 1."""
    parts = []
    for s in sets:
        labels = np.array(s.labels)
        w = np.zeros(len(labels))
        present = sorted(set(s.labels))
        for label in present:
            w[labels == label] = 1.0 / ((labels == label).sum() * len(present))
        parts.append(w)
    weights = np.concatenate(parts)
    every = np.array([label for s in sets for label in s.labels])
    for label in set(every):
        weights[every == label] /= weights[every == label].sum()
    return np.asarray(weights / weights.mean())


def train_head(sets: Sequence[LabelledSet], embedder: Embedder) -> dict[str, Any]:
    """Fit one head on ``sets`` (vectors made with ``embedder`` where missing)."""
    unknown = {label for s in sets for label in s.labels} - set(LABELS)
    if unknown:
        raise ValueError(f"Unknown sentiment labels {sorted(unknown)}.")
    x = np.vstack([s.features(embedder) for s in sets])
    labels = [label for s in sets for label in s.labels]
    coef, intercept = fit(x, labels, source_weights(sets), c=C)
    lexicon = np.vstack([s.lexicon for s in sets if s.lexicon is not None])
    return {
        "classes": list(LABELS),
        "coef": np.round(coef, 6).tolist(),
        "intercept": np.round(intercept, 6).tolist(),
        "lexicon_mean": np.round(lexicon.mean(axis=0), 6).tolist(),
        "probe": np.round(embedder.encode([PROBE])[0], 6).tolist(),
        "trained_on": {s.name: len(s.texts) for s in sets},
    }


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(folder: Path, embedders: dict[str, Embedder]) -> dict[str, Any]:
    """What ``WEIGHTS`` holds: a head for each embedder, trained on every permitted set."""
    sets = [nhs(folder), reviews(folder), seed(), plain()]
    heads = {}
    for name, embedder in embedders.items():
        for s in sets:
            s.vectors = None
        heads[name] = train_head(sets, embedder)
    return {
        "features": "sentence embedding, then VADER's neg, neu, pos and compound scores",
        "sources": {
            NHS_FILE: _sha256(folder / NHS_FILE),
            REVIEWS_FILE: _sha256(folder / REVIEWS_FILE),
            PLAIN_FILE.name: _sha256(PLAIN_FILE),
        },
        "heads": heads,
    }


def write(weights: dict[str, Any], path: Path | None = None) -> Path:
    path = path or WEIGHTS
    path.write_text(json.dumps(weights, separators=(",", ":")) + "\n", encoding="utf-8")
    return path
