"""Assignment to an analysts' coding framework: theme names, descriptions and examples.

A logistic regression over the sentence embedding joined with word and 2-word TF-IDF,
trained on the examples (and each theme's name and description as one more example),
then refitted twice with its most confident predictions on the texts being coded
(self-training), which helps most when examples are few.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse  # type: ignore[import-untyped]


@dataclass
class CodedTheme:
    name: str
    description: str = ""
    examples: list[str] = field(default_factory=list)


class FrameworkError(ValueError):
    pass


def check(themes: Sequence[CodedTheme]) -> None:
    if len(themes) < 2:
        raise FrameworkError("A coding framework needs at least two themes.")
    names = [t.name.strip().lower() for t in themes]
    if len(set(names)) != len(names):
        raise FrameworkError("Each theme in a coding framework needs a different name.")
    for theme in themes:
        if not theme.name.strip():
            raise FrameworkError("Every theme in a coding framework needs a name.")
        if not theme.examples and not theme.description.strip():
            raise FrameworkError(
                f"Theme {theme.name!r} needs a description or at least one example response."
            )


class FrameworkModel:
    def __init__(
        self,
        themes: Sequence[CodedTheme],
        *,
        example_vectors: np.ndarray,
        corpus: Sequence[str],
        corpus_vectors: np.ndarray,
        self_training: int = 2,
    ) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]
        from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

        check(themes)
        self.themes = list(themes)
        texts, labels = self._examples()
        self.tfidf = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=1, max_features=50000)
        self.tfidf.fit(list(corpus) + texts)
        x = self._features(texts, example_vectors)
        y = np.array(labels)
        self.model = LogisticRegression(C=10, max_iter=3000)
        self.model.fit(x, y)
        if self_training and len(corpus) >= 4 * len(themes):
            pool = self._features(corpus, corpus_vectors)
            for _ in range(self_training):
                probabilities = self.model.predict_proba(pool)
                confidence = probabilities.max(axis=1)
                picked = np.where(confidence >= np.quantile(confidence, 0.5))[0]
                guessed = self.model.classes_[probabilities[picked].argmax(axis=1)]
                weights = np.concatenate([np.full(len(y), 3.0), np.ones(len(picked))])
                self.model = LogisticRegression(C=10, max_iter=3000).fit(
                    sparse.vstack([x, pool[picked]]), np.concatenate([y, guessed]), sample_weight=weights
                )

    def _examples(self) -> tuple[list[str], list[int]]:
        texts: list[str] = []
        labels: list[int] = []
        for i, theme in enumerate(self.themes):
            for text in [f"{theme.name}. {theme.description}".strip(), *theme.examples]:
                texts.append(text)
                labels.append(i)
        return texts, labels

    def example_texts(self) -> list[str]:
        return self._examples()[0]

    def _features(self, texts: Sequence[str], vectors: np.ndarray) -> sparse.csr_matrix:
        return sparse.hstack([sparse.csr_matrix(vectors), 0.5 * self.tfidf.transform(texts)]).tocsr()

    def predict(
        self, texts: Sequence[str], vectors: np.ndarray, *, also: float = 0.6
    ) -> list[list[tuple[int, float]]]:
        """For each text, the themes it belongs to with a confidence: the most likely, and
        any other at least ``also`` times as likely."""
        if len(texts) == 0:
            return []
        probabilities = self.model.predict_proba(self._features(texts, vectors))
        classes = [int(c) for c in self.model.classes_]
        out: list[list[tuple[int, float]]] = []
        for row in probabilities:
            top = row.max()
            picked = [(classes[j], float(row[j])) for j in np.argsort(-row) if row[j] >= also * top]
            out.append(picked[:3])
        return out
