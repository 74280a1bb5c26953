"""Sentences that disclose special-category data, found by meaning, not by keyword.

The moderation detector (``chorus.core.sensitive``) finds special-category passages
through lexicons and rules. Wording its lexicons lack ("I was sectioned in 2021", "when
I was inside") slips through, so this module adds a second reader: a logistic
regression over all-MiniLM-L6-v2 sentence embeddings that says, for each sentence the
rules left alone, whether it reads as the writer's health, religion, sexual life,
ethnicity or criminal record, or someone else's private details.

It learns from ``chorus/analysis/data/special_training.json`` (sentences written for
Chorus: see the README beside it) and ``special_negatives.json`` (real ordinary texts).
The weights are trained once, here, and shipped in ``special_weights.json`` with the
training files' hash, so nothing is trained at run time; a test checks the hash.
Retrain after editing either file:

    python -m chorus.analysis.engine.special

Django-free, like the rest of the engine.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from chorus.analysis.engine.embed import Embedder, SentenceEmbedder

DATA = Path(__file__).resolve().parents[1] / "data"
TRAINING = DATA / "special_training.json"
# Real short texts with nothing special in them (bank customers' queries, commands to a
# home assistant; CC BY 4.0, see the README): they teach "none" what ordinary writing is.
NEGATIVES = DATA / "special_negatives.json"
WEIGHTS = DATA / "special_weights.json"
NONE = "none"
KINDS = ("health", "religion", "sexual_life", "ethnicity", "criminal", "third_party")
# A sentence is flagged when its most likely kind is special with at least its kind's
# probability in KIND_THRESHOLDS (THRESHOLD where a kind has none).
#
# Chosen on 2026-12-07 by one rule, on the development sets of benchmarks/moderation.py
# (dev 3 to dev 9 and held out 2) and 2,000 unlabelled NHS comments, never on a held-out
# set: for each kind, the lowest of 0.5, 0.55, ... 0.9 at which (a) the classifier alone,
# on the development sets' special sentences and decoys, is right in at least 9 of 10 of
# its flags of that kind (the rules' own mistakes come on top, and the goal is 0.8), and
# (b) the share of the NHS comments it flags as that kind rises by at most one percentage
# point over the thresholds before. The classifier alone stands in for wording nobody has
# tuned on: its training sentences were written blind to every set, while the word lists
# were written from the development sets' misses. Classifier alone on the development
# sets, recall / precision, before -> after:
#   health       0.70 -> 0.65  0.795 / 0.936 -> 0.818 / 0.928  (NHS comments flagged 6.6% -> 7.3%)
#   religion     0.80 -> 0.70  0.791 / 0.941 -> 0.818 / 0.914  (0.3% -> 0.4%)
#   sexual_life  0.70 -> 0.50  0.814 / 0.957 -> 0.836 / 0.915  (0.7% -> 1.0%)
#   ethnicity    0.70 -> 0.50  0.941 / 0.950 -> 0.950 / 0.913  (0.1% -> 0.4%)
#   criminal     0.85 -> 0.70  0.759 / 0.977 -> 0.814 / 0.942  (1.2% -> 2.0%)
#   third_party  0.80 -> 0.70  0.800 / 0.962 -> 0.836 / 0.953  (2.1% -> 2.9%)
# In all, the classifier flags 12.4% of the NHS comments, against 9.8% before.
# Earlier thresholds (0.7 for all, then criminal 0.85, third party and religion 0.8) were
# raised for false flags on patient-transport comments ("it took me home on time" read as
# criminal) and ordinary sentences about relatives; the training sentences added since for
# those (README beside the training file) are why lower thresholds now pass (b).
THRESHOLD = 0.5
KIND_THRESHOLDS = {
    "health": 0.65,
    "religion": 0.7,
    "sexual_life": 0.5,
    "ethnicity": 0.5,
    "criminal": 0.7,
    "third_party": 0.7,
}
# Shorter than this, a sentence says too little to read ("Thanks.", "Not really").
MIN_WORDS = 4


def training_hash() -> str:
    return hashlib.sha256(TRAINING.read_bytes() + NEGATIVES.read_bytes()).hexdigest()


def training_examples() -> tuple[list[str], list[str]]:
    data: dict[str, list[str]] = json.loads(TRAINING.read_text(encoding="utf-8"))
    texts: list[str] = []
    labels: list[str] = []
    for label in (*KINDS, NONE):
        for sentence in data.get(label, []):
            texts.append(sentence)
            labels.append(label)
    negatives: dict[str, list[str]] = json.loads(NEGATIVES.read_text(encoding="utf-8"))
    for sentences in negatives.values():
        texts.extend(sentences)
        labels.extend([NONE] * len(sentences))
    return texts, labels


def train(embedder: Embedder | None = None, c: float = 16.0) -> dict[str, object]:
    """Fit the classifier on the training file; returns what ``WEIGHTS`` holds."""
    from sklearn.linear_model import LogisticRegression

    texts, labels = training_examples()
    embedder = embedder or SentenceEmbedder()
    model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
    model.fit(embedder.encode(texts), labels)
    return {
        "embedder": embedder.name,
        "training_sha256": training_hash(),
        "classes": [str(k) for k in model.classes_],
        "coef": np.round(model.coef_, 6).tolist(),
        "intercept": np.round(model.intercept_, 6).tolist(),
    }


class SpecialClassifier:
    """Reads sentences; thread-safe; loads MiniLM on first use."""

    def __init__(self, weights: dict[str, object], embedder: Embedder | None = None) -> None:
        self.classes = list(weights["classes"])  # type: ignore[call-overload]
        self.coef = np.asarray(weights["coef"], dtype=np.float32)
        self.intercept = np.asarray(weights["intercept"], dtype=np.float32)
        self._embedder = embedder
        self._lock = threading.Lock()

    @property
    def embedder(self) -> Embedder:
        with self._lock:
            if self._embedder is None:
                self._embedder = SentenceEmbedder()
            return self._embedder

    def probabilities(self, sentences: Sequence[str]) -> np.ndarray:
        if not sentences:
            return np.zeros((0, len(self.classes)), dtype=np.float32)
        scores = self.embedder.encode(list(sentences)) @ self.coef.T + self.intercept
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return np.asarray(exp / exp.sum(axis=1, keepdims=True), dtype=np.float32)

    def classify(self, sentences: Sequence[str], threshold: float = THRESHOLD) -> list[str | None]:
        """The special kind each sentence reads as, or None."""
        out: list[str | None] = [None] * len(sentences)
        todo = [i for i, s in enumerate(sentences) if len(s.split()) >= MIN_WORDS]
        probs = self.probabilities([sentences[i] for i in todo])
        for row, i in zip(probs, todo, strict=True):
            best = int(row.argmax())
            kind = self.classes[best]
            if kind != NONE and row[best] >= max(threshold, KIND_THRESHOLDS.get(kind, 0.0)):
                out[i] = kind
        return out


@lru_cache(maxsize=1)
def shipped() -> SpecialClassifier:
    return SpecialClassifier(json.loads(WEIGHTS.read_text(encoding="utf-8")))


_cache_lock = threading.Lock()
_cache: dict[str, str | None] = {}
_CACHE_SIZE = 20_000


def classify_sentences(sentences: Sequence[str]) -> list[str | None]:
    """The shipped classifier, remembering sentences it has read (moderators reopen cards)."""
    with _cache_lock:
        todo = [s for s in dict.fromkeys(sentences) if s not in _cache]
    if todo:
        found = dict(zip(todo, shipped().classify(todo), strict=True))
        with _cache_lock:
            if len(_cache) + len(found) > _CACHE_SIZE:
                _cache.clear()
            _cache.update(found)
    with _cache_lock:
        return [_cache.get(s) for s in sentences]


def main() -> None:
    weights = train()
    WEIGHTS.write_text(json.dumps(weights, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"Wrote {WEIGHTS} from {len(training_examples()[0])} sentences.")


if __name__ == "__main__":
    main()
