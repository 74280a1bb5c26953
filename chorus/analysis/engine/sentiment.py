"""Positive, neutral or negative, for every comment.

A logistic regression over the sentence embedding and VADER's four lexicon scores
(negative, neutral, positive, compound). Its weights are trained once, on labelled data
whose licences allow it, and shipped in ``chorus/analysis/data/sentiment_weights.json``:
one head for each embedder whose vectors it knows (``accurate``, ``fast``). See
``docs/decisions/0008-sentiment-head.md`` for the data, and rebuild the weights with
``chorus train_sentiment PATH`` (``chorus.analysis.engine.sentiment_training``).

Analysts' corrections still teach the model: with a shipped head, it is refitted on the
corrections with the shipped weights as the prior (an L2 pull towards them), so the
corrections move it without it starting again from nothing. An embedder with no shipped head (a team's own
embeddings service) learns from the seed examples below (written for Chorus, about public
services) and the corrections, on first use. Scores are probabilities.

Django-free, like the rest of the engine.
"""

from __future__ import annotations

import json
import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from chorus.analysis.engine.embed import Embedder

POSITIVE = "positive"
NEUTRAL = "neutral"
NEGATIVE = "negative"
# Sorted, as scikit-learn orders its classes, so rows of weights line up with it.
LABELS = (NEGATIVE, NEUTRAL, POSITIVE)

WEIGHTS = Path(__file__).resolve().parents[1] / "data" / "sentiment_weights.json"
# Encoded when a head is loaded: an embedder whose vector for it is not the one the head
# was trained with (another model behind the same name) gets no head.
PROBE = "The staff were kind but the wait was far too long."
PROBE_MIN_COSINE = 0.98
# How much one analyst's correction counts beside one training example, and how firmly
# a refit keeps to the shipped weights (the L2 prior's strength, as scikit-learn's 1 / C).
CORRECTION_WEIGHT = 2.0
PRIOR_STRENGTH = 10.0
SEED_C = 2.0

SEED: dict[str, list[str]] = {
    POSITIVE: [
        "The staff were friendly and helpful",
        "Really easy to use, thank you",
        "Excellent service from start to finish",
        "Everything was explained clearly",
        "I was seen quickly and treated with respect",
        "Very good, no complaints",
        "The online form was simple and quick",
        "Thank you for listening to us",
        "Great experience, well organised",
        "The clerk was kind and patient with me",
        "Professional and caring team",
        "I am very happy with the outcome",
        "Quick response and clear information",
        "Nothing to improve, it was perfect",
        "Keep doing what you are doing",
        "Brilliant support from the helpline",
        "The event was informative and well run",
        "Lovely staff, made me feel at ease",
        "It worked first time",
        "Much better than the old paper form",
        "Good communication throughout",
        "The judge explained everything in plain English",
        "Helpful advice and a fast reply",
        "I felt listened to",
        "Very satisfied with the service",
        "Easy to find what I needed",
        "The webinar was excellent and useful",
        "All good",
        "Fantastic, thanks so much",
        "Well done to everyone involved",
        "Staff went above and beyond",
        "Simple, clear and fast",
        "I support this proposal",
        "A sensible change that will help people",
        "Polite and efficient",
        "Couldn't have asked for more",
        "The guidance was clear and easy to follow",
        "Prompt and courteous",
        "Superb care",
        "Everything was fine, thank you",
    ],
    NEUTRAL: [
        "I used the service to pay a fine",
        "I applied online last week",
        "No comment",
        "Not sure",
        "I would like more information about the timetable",
        "Can you send the form by post",
        "I attended the hearing on Tuesday",
        "It was ok",
        "Average",
        "Some parts were fine, others less so",
        "I had to ask someone to help me fill it in",
        "Please add a Welsh version of the letter",
        "I have no strong view either way",
        "Depends on the case",
        "I rang the helpline",
        "The form asks for my address",
        "Could the page show opening hours",
        "I needed to upload two documents",
        "It took about twenty minutes",
        "My daughter filled it in for me",
        "N/A",
        "Nothing to add",
        "I came to update my details",
        "The proposal covers courts in Wales",
        "Maybe a reminder by text would help",
        "Neither good nor bad",
        "It was fine but could be quicker",
        "I don't know yet, the case is still going on",
        "First time using it",
        "Please consider evening appointments",
        "I read the consultation document",
        "The building is on the high street",
        "Some of the questions were about my income",
        "As expected",
        "I was referred by my solicitor",
        "I would like a copy of the decision",
        "It asked for a reference number",
        "Reasonable",
        "I have a question about fees",
        "Would prefer to speak to someone",
    ],
    NEGATIVE: [
        "I waited over an hour and nobody told me why",
        "The website kept crashing",
        "Rude and unhelpful staff",
        "Nobody answered the phone",
        "The form lost my answers twice",
        "Far too complicated",
        "I am very disappointed with how I was treated",
        "It took months to get a reply",
        "The letter was confusing and wrong",
        "Terrible experience",
        "I was not listened to at all",
        "The car park was full and expensive",
        "Too long, too many questions",
        "I could not upload my documents",
        "Poor communication throughout",
        "The building was dirty and cold",
        "My appointment was cancelled without notice",
        "I oppose this proposal",
        "This change will make things worse for disabled people",
        "Impossible to get through to anyone",
        "The hearing was delayed again",
        "Staff were dismissive",
        "I felt ignored and rushed",
        "The payment page failed",
        "Awful",
        "Waste of time",
        "Nothing works on a phone",
        "Nobody explained what would happen next",
        "Long waiting times",
        "I had to repeat my story to five people",
        "The fees are unfair",
        "Not good enough",
        "Very slow service",
        "The information was out of date",
        "I was given the wrong advice",
        "They lost my file",
        "Unhelpful and unfriendly",
        "It was stressful and upsetting",
        "Could be much better, very poor",
        "Still waiting for a response",
    ],
}


def lexicon_scores(texts: Sequence[str]) -> np.ndarray:
    """VADER's negative, neutral, positive and compound scores, one row per text."""
    analyser = _analyser()
    rows = []
    for text in texts:
        s = analyser.polarity_scores(text)
        rows.append([s["neg"], s["neu"], s["pos"], s["compound"]])
    return np.array(rows, dtype=np.float32).reshape(len(rows), 4)


@lru_cache(maxsize=1)
def _analyser() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def features(vectors: np.ndarray, lexicon: np.ndarray) -> np.ndarray:
    return np.hstack([np.asarray(vectors, dtype=np.float32), np.asarray(lexicon, dtype=np.float32)])


def seed_examples() -> tuple[list[str], list[str]]:
    texts = [t for label in LABELS for t in SEED[label]]
    return texts, [label for label in LABELS for _ in SEED[label]]


def fit(
    x: np.ndarray,
    labels: Sequence[str],
    weights: np.ndarray | None = None,
    *,
    c: float = 1.0,
    prior: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Multinomial logistic regression; coefficients and intercepts in ``LABELS`` order.

    With a ``prior`` (coefficients, intercepts), the L2 penalty pulls towards it instead of
    towards zero: the maximum a posteriori fit with the prior as the mean. Labels missing
    from the examples keep their prior rows, moved only by the softmax."""
    y = np.array([LABELS.index(label) for label in labels])
    w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=np.float64)
    if prior is None:
        from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

        model = LogisticRegression(C=c, max_iter=5000)
        model.fit(x, y, sample_weight=w)
        rows, offsets = model.coef_, model.intercept_
        if len(model.classes_) == 2:  # one row, for the second label: split it as softmax rows
            rows = np.vstack([-model.coef_[0], model.coef_[0]]) / 2
            offsets = np.array([-model.intercept_[0], model.intercept_[0]]) / 2
        # A label no example has gets no row from scikit-learn, and is never chosen.
        coef = np.zeros((len(LABELS), x.shape[1]))
        intercept = np.full(len(LABELS), -1e3)
        for row, label in enumerate(model.classes_):
            coef[label], intercept[label] = rows[row], offsets[row]
        return coef, intercept
    return _fit_to_prior(np.asarray(x, dtype=np.float64), y, w, prior, c)


def _fit_to_prior(
    x: np.ndarray, y: np.ndarray, w: np.ndarray, prior: tuple[np.ndarray, np.ndarray], c: float
) -> tuple[np.ndarray, np.ndarray]:
    from scipy.optimize import minimize  # type: ignore[import-untyped]

    coef0, intercept0 = (np.asarray(p, dtype=np.float64) for p in prior)
    k, d = coef0.shape
    onehot = np.zeros((len(y), k))
    onehot[np.arange(len(y)), y] = 1.0
    start = np.concatenate([coef0.ravel(), intercept0])

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        coef, intercept = theta[: k * d].reshape(k, d), theta[k * d :]
        scores = x @ coef.T + intercept
        scores -= scores.max(axis=1, keepdims=True)
        log_p = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
        # The intercepts are held to the prior too: unheld, corrections of one label alone
        # would move its intercept until every text read as that label.
        drift, shift = coef - coef0, intercept - intercept0
        value = -(w * (onehot * log_p).sum(axis=1)).sum() * c + 0.5 * ((drift**2).sum() + (shift**2).sum())
        error = (np.exp(log_p) - onehot) * w[:, None] * c
        grad = np.concatenate([(error.T @ x + drift).ravel(), error.sum(axis=0) + shift])
        return float(value), grad

    found = minimize(loss, start, jac=True, method="L-BFGS-B", options={"maxiter": 500})
    theta = found.x
    return theta[: k * d].reshape(k, d), theta[k * d :]


@dataclass(frozen=True)
class Head:
    coef: np.ndarray  # (labels, dimensions + 4)
    intercept: np.ndarray
    lexicon_mean: np.ndarray  # stands in for the lexicon scores when no texts are given


@lru_cache(maxsize=1)
def shipped_heads() -> dict[str, dict[str, Any]]:
    """The shipped weights by embedder name; empty when the file is missing."""
    if not WEIGHTS.exists():
        return {}
    data: dict[str, Any] = json.loads(WEIGHTS.read_text(encoding="utf-8"))
    heads: dict[str, dict[str, Any]] = data["heads"]
    return heads


# Whether each embedder's vectors matched the probe, checked once per embedder object.
_checked: weakref.WeakKeyDictionary[Any, bool] = weakref.WeakKeyDictionary()
_checked_lock = threading.Lock()


def shipped_head(embedder: Embedder) -> Head | None:
    """The shipped head for this embedder, if its vectors are the ones the head knows."""
    stored = shipped_heads().get(embedder.name)
    if stored is None or list(stored["classes"]) != list(LABELS):
        return None
    probe = np.asarray(stored["probe"], dtype=np.float32)
    with _checked_lock:
        known = _checked.get(embedder)
    if known is None:
        found = embedder.encode([PROBE])
        known = found.shape[1] == probe.shape[0] and float(found[0] @ probe) >= PROBE_MIN_COSINE
        with _checked_lock:
            _checked[embedder] = known
    if not known:
        return None
    return Head(
        coef=np.asarray(stored["coef"], dtype=np.float64),
        intercept=np.asarray(stored["intercept"], dtype=np.float64),
        lexicon_mean=np.asarray(stored["lexicon_mean"], dtype=np.float32),
    )


class SentimentModel:
    """The shipped head for the embedder (or the seed examples), plus analysts' corrections."""

    def __init__(self, embedder: Embedder, extra: Sequence[tuple[str, str]] = ()) -> None:
        labels = [label for _, label in extra]
        unknown = set(labels) - set(LABELS)
        if unknown:
            raise ValueError(
                f"Unknown sentiment labels {sorted(unknown)}: use positive, neutral or negative."
            )
        self.embedder = embedder
        self.classes = list(LABELS)
        texts = [t for t, _ in extra]
        head = shipped_head(embedder)
        if head is not None:
            self.source = "shipped"
            self.lexicon_mean = head.lexicon_mean
            self.coef, self.intercept = head.coef, head.intercept
            if extra:
                x = features(embedder.encode(texts), lexicon_scores(texts))
                weights = np.full(len(texts), CORRECTION_WEIGHT)
                self.coef, self.intercept = fit(
                    x, labels, weights, c=1.0 / PRIOR_STRENGTH, prior=(head.coef, head.intercept)
                )
            return
        self.source = "seed"
        seed_texts, seed_labels = seed_examples()
        texts = seed_texts + texts
        lexicon = lexicon_scores(texts)
        self.lexicon_mean = lexicon[: len(seed_texts)].mean(axis=0)
        weights = np.array([1.0] * len(seed_texts) + [CORRECTION_WEIGHT] * len(extra))
        balance = {
            label: len(seed_labels + labels) / (len(LABELS) * (seed_labels + labels).count(label))
            for label in set(seed_labels + labels)
        }
        weights = weights * np.array([balance[label] for label in seed_labels + labels])
        self.coef, self.intercept = fit(
            features(embedder.encode(texts), lexicon), seed_labels + labels, weights, c=SEED_C
        )

    def probabilities(self, vectors: np.ndarray, texts: Sequence[str] | None = None) -> np.ndarray:
        """One row per vector, columns in ``LABELS`` order. Without the texts, the
        lexicon scores are taken as the training average."""
        if texts is not None and len(texts) != len(vectors):
            raise ValueError("Give one text for each vector.")
        lexicon = (
            lexicon_scores(texts) if texts is not None else np.tile(self.lexicon_mean, (len(vectors), 1))
        )
        scores = features(vectors, lexicon) @ self.coef.T + self.intercept
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return np.asarray(exp / exp.sum(axis=1, keepdims=True))

    def predict_vectors(
        self, vectors: np.ndarray, texts: Sequence[str] | None = None
    ) -> tuple[list[str], np.ndarray]:
        """The most likely label of each vector and its probability; pass the texts too
        for VADER's scores to count."""
        if len(vectors) == 0:
            return [], np.zeros(0)
        probabilities = self.probabilities(vectors, texts)
        best = probabilities.argmax(axis=1)
        return [self.classes[i] for i in best], probabilities.max(axis=1)

    def predict(self, texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
        return self.predict_vectors(self.embedder.encode(texts), texts)
