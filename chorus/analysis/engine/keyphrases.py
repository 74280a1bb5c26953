"""Keyphrases for groups of texts: class-based TF-IDF over 1 to 3-word phrases.

Each group's texts are treated as one document; a phrase scores by how often the
group uses it, against how common it is across all groups (the c-TF-IDF of BERTopic).
Phrases of two or three words win over single words of similar score, because
"waiting time" says more than "waiting".
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import sparse  # type: ignore[import-untyped]

EXTRA_STOP = {
    "did",
    "didn",
    "don",
    "just",
    "really",
    "got",
    "get",
    "like",
    "would",
    "could",
    "also",
    "bit",
    "lot",
    "thing",
    "things",
    "way",
    "make",
    "made",
    "need",
    "needs",
    "one",
    "yes",
    "im",
    "ive",
    "dont",
    "thats",
    "doesn",
    "wasn",
    "isn",
    "ll",
    "ve",
    "re",
}


def _vectoriser(n_texts: int):  # type: ignore[no-untyped-def]
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer  # type: ignore[import-untyped]

    return CountVectorizer(
        ngram_range=(1, 3),
        stop_words=sorted(ENGLISH_STOP_WORDS | EXTRA_STOP),
        token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z'-]+\b",  # noqa: S106 (not a password)
        min_df=2 if n_texts >= 50 else 1,
        max_features=60000,
        lowercase=True,
    )


def class_phrases(texts: Sequence[str], groups: np.ndarray, n_groups: int, top: int = 8) -> list[list[str]]:
    """For each group 0..n_groups-1, its best phrases, best first. Rows with group -1 are ignored."""
    keep = np.where(groups >= 0)[0]
    if len(keep) == 0:
        return [[] for _ in range(n_groups)]
    keep, scale = _sample(keep, groups, n_groups)
    vectoriser = _vectoriser(len(keep))
    try:
        counts = vectoriser.fit_transform([texts[i] for i in keep])
    except ValueError:  # nothing but stop words
        return [[] for _ in range(n_groups)]
    vocabulary = vectoriser.get_feature_names_out()
    membership = sparse.csr_matrix(
        (scale[groups[keep]], (groups[keep], np.arange(len(keep)))), shape=(n_groups, len(keep))
    )
    per_group = (membership @ counts).toarray().astype(np.float64)
    totals = per_group.sum(axis=1, keepdims=True)
    totals[totals == 0] = 1
    tf = per_group / totals
    average = per_group.sum() / max(1, n_groups)
    idf = np.log1p(average / np.maximum(per_group.sum(axis=0), 1))
    scores = tf * idf
    lengths = np.array([len(v.split()) for v in vocabulary])
    scores = scores * np.where(lengths > 1, 2.0, 1.0)
    phrases: list[list[str]] = []
    for g in range(n_groups):
        order = np.argsort(-scores[g])[: top * 4]
        chosen: list[str] = []
        for i in order:
            if scores[g, i] <= 0:
                break
            phrase = str(vocabulary[i])
            if any(phrase in c or c in phrase for c in chosen):
                continue
            chosen.append(phrase)
            if len(chosen) == top:
                break
        phrases.append(chosen)
    return phrases


SAMPLED_ROWS = 50_000  # more rows than this are sampled (phrase counts scale up)
LEAST_PER_GROUP = 1_000  # ...keeping at least this many of each group (all of a smaller one)


def _sample(keep: np.ndarray, groups: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """The rows to count phrases in, and each group's weight. Up to ``SAMPLED_ROWS`` rows,
    all of them, weight 1. Beyond, a random sample of each group, in proportion to its
    size but never under ``LEAST_PER_GROUP``, with its counts weighted back up to the
    group's size: a million texts' 1 to 3-word phrases would take gigabytes to count, and
    a theme's best phrases are the same in a few thousand of its texts."""
    if len(keep) <= SAMPLED_ROWS:
        return keep, np.ones(n_groups)
    rng = np.random.default_rng(0)
    sizes = np.bincount(groups[keep], minlength=n_groups)
    wanted = np.minimum(sizes, np.maximum(LEAST_PER_GROUP, sizes * SAMPLED_ROWS // len(keep)))
    order = np.argsort(groups[keep], kind="stable")
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    picked = [
        np.sort(rng.choice(order[starts[g] : starts[g] + sizes[g]], wanted[g], replace=False))
        for g in range(n_groups)
        if wanted[g]
    ]
    chosen = keep[np.sort(np.concatenate(picked))]
    return chosen, sizes / np.maximum(wanted, 1)


def label_from(phrases: Sequence[str]) -> str:
    """The two best keyphrases joined by " / ": the labels Chorus made before ``labels``
    (#23), still made for a split theme and kept for benchmarks/theme_labels.py to compare."""
    if not phrases:
        return "Other comments"
    words = phrases[:2]
    label = " / ".join(words)
    return label[0].upper() + label[1:]


def describe(phrases: Sequence[str], sentiment_mix: dict[str, float] | None = None) -> str:
    if not phrases:
        return "Comments that did not fit another theme."
    shown = list(phrases[:3])
    joined = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
    line = f"Comments about {joined}"
    if sentiment_mix:
        mood, share = max(sentiment_mix.items(), key=lambda kv: kv[1])
        if share >= 0.5:
            line += f"; mostly {mood} ({math.floor(share * 100)}%)"
    return line + "."
