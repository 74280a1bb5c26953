"""Positive, neutral or negative, for every comment.

A logistic regression over the sentence embeddings, trained on first use from the
seed examples below (written for Chorus, about public services; no outside data) and
from any examples the analysts have corrected. Scores are probabilities.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from chorus.analysis.engine.embed import Embedder

POSITIVE = "positive"
NEUTRAL = "neutral"
NEGATIVE = "negative"
LABELS = (NEGATIVE, NEUTRAL, POSITIVE)

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


class SentimentModel:
    def __init__(self, embedder: Embedder, extra: Sequence[tuple[str, str]] = ()) -> None:
        from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

        texts = [t for label in LABELS for t in SEED[label]] + [t for t, _ in extra]
        labels = [label for label in LABELS for _ in SEED[label]] + [lab for _, lab in extra]
        unknown = set(labels) - set(LABELS)
        if unknown:
            raise ValueError(
                f"Unknown sentiment labels {sorted(unknown)}: use positive, neutral or negative."
            )
        weights = np.array([1.0] * (len(labels) - len(extra)) + [2.0] * len(extra))
        self.embedder = embedder
        self.model = LogisticRegression(C=2.0, max_iter=2000, class_weight="balanced")
        self.model.fit(embedder.encode(texts), labels, sample_weight=weights)
        self.classes = list(self.model.classes_)

    def predict_vectors(self, vectors: np.ndarray) -> tuple[list[str], np.ndarray]:
        if len(vectors) == 0:
            return [], np.zeros(0)
        probabilities = self.model.predict_proba(vectors)
        best = probabilities.argmax(axis=1)
        return [self.classes[i] for i in best], probabilities.max(axis=1)

    def predict(self, texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
        return self.predict_vectors(self.embedder.encode(texts))
