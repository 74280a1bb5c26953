"""Sentiment is right out of the box, and analysts' corrections still teach it (#23).

Runs without ../shared/data: the training tests make their own small files."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from chorus.analysis.engine import embedder_for
from chorus.analysis.engine import sentiment as sentiment_
from chorus.analysis.engine import sentiment_training as training
from chorus.analysis.engine.sentiment import LABELS, SentimentModel

POSITIVE = ["The staff were wonderful and kind", "Brilliant care, thank you so much"]
NEGATIVE = ["Terrible, rude and slow, I am furious", "Nobody answered the phone for two hours"]
NEUTRAL = ["I filled in the form", "Please send the letter to my new address"]


@pytest.fixture(scope="module")
def fast():
    return embedder_for("fast")


class Renamed:
    """The fast embedder under another name, or with its vectors scrambled."""

    def __init__(self, inner, name: str, scramble: bool = False) -> None:
        self.inner, self.name, self.scramble = inner, name, scramble

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        rows = self.inner.encode(texts)
        return rows[:, ::-1].copy() if self.scramble else rows


def test_the_shipped_weights_hold_a_head_for_each_local_embedder() -> None:
    weights = json.loads(sentiment_.WEIGHTS.read_text(encoding="utf-8"))
    assert set(weights["heads"]) == {"accurate", "fast"}
    for head in weights["heads"].values():
        assert head["classes"] == list(LABELS)
        dimensions = len(head["probe"])
        assert np.asarray(head["coef"]).shape == (3, dimensions + 4)
        assert set(head["trained_on"]) == {"nhs", "reviews", "seed", "plain"}
    # TweetEval may be measured on, never trained on (research use only).
    assert not any("tweeteval" in source for source in weights["sources"])


def test_the_fast_model_uses_the_shipped_head_and_reads_plain_comments(fast) -> None:
    model = SentimentModel(fast)
    assert model.source == "shipped"
    labels, scores = model.predict(POSITIVE + NEGATIVE + NEUTRAL)
    assert labels == ["positive"] * 2 + ["negative"] * 2 + ["neutral"] * 2
    assert all(0.34 < s <= 1.0 for s in scores)


@pytest.mark.slow
def test_the_accurate_model_uses_its_own_head_and_reads_plain_comments() -> None:
    model = SentimentModel(embedder_for("accurate"))
    assert model.source == "shipped"
    assert model.coef.shape == (3, 384 + 4)
    assert (
        model.predict(POSITIVE + NEGATIVE + NEUTRAL)[0]
        == ["positive"] * 2 + ["negative"] * 2 + ["neutral"] * 2
    )


def test_vectors_alone_are_enough_to_score(fast) -> None:
    model = SentimentModel(fast)
    labels, _ = model.predict_vectors(fast.encode(POSITIVE + NEGATIVE))
    assert labels == ["positive"] * 2 + ["negative"] * 2
    assert model.predict_vectors(np.zeros((0, 256))) == ([], pytest.approx(np.zeros(0)))


def test_analysts_corrections_move_the_shipped_head(fast) -> None:
    """An organisation whose "on hold" comments are complaints teaches the model so,
    among its other corrections, without it forgetting what plain praise and plain
    facts read as."""
    on_hold = [
        "I was put on hold",
        "They put me on hold again",
        "On hold for a while",
        "Kept on hold",
        "Held on hold by the switchboard",
        "Put on hold twice",
        "They kept me on hold",
        "On hold, then transferred",
        "I was on hold",
        "Placed on hold when I called",
        "On hold again today",
        "Left on hold",
    ]
    corrections = [(text, "negative") for text in on_hold] + [
        ("The receptionist was lovely", "positive"),
        ("I posted the form on Monday", "neutral"),
        ("I called on Tuesday morning", "neutral"),
        ("The appointment was at ten", "neutral"),
        ("I came with my daughter", "neutral"),
    ]
    before = SentimentModel(fast)
    after = SentimentModel(fast, corrections)
    unseen = ["Put on hold when I rang"]
    negative = LABELS.index("negative")
    assert (
        after.probabilities(fast.encode(unseen), unseen)[0, negative]
        > before.probabilities(fast.encode(unseen), unseen)[0, negative] + 0.1
    )
    assert after.predict(unseen)[0] == ["negative"]
    assert after.predict(POSITIVE + NEUTRAL)[0] == ["positive"] * 2 + ["neutral"] * 2


def test_an_embedder_without_a_head_learns_from_the_seed_examples(fast) -> None:
    model = SentimentModel(Renamed(fast, "remote"))
    assert model.source == "seed"
    assert model.predict(POSITIVE[:1] + NEGATIVE[:1] + NEUTRAL[:1])[0] == ["positive", "negative", "neutral"]
    # Corrections still count there, as before.
    taught = SentimentModel(Renamed(fast, "remote"), [("Put on hold", "negative")] * 5)
    assert taught.predict(["Put on hold"])[0] == ["negative"]


def test_a_head_is_not_used_on_vectors_it_was_not_trained_for(fast) -> None:
    assert SentimentModel(Renamed(fast, "fast", scramble=True)).source == "seed"


def test_unknown_labels_are_refused(fast) -> None:
    with pytest.raises(ValueError, match="Unknown sentiment labels \\['great'\\]"):
        SentimentModel(fast, [("Lovely", "great")])


# Training ---------------------------------------------------------------------------------


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *rows])


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A few rows in the layout of the shared NHS v6 and review-sentence files."""
    nhs_rows = [
        ["1", "NEAS", "FFT Why?", "The crew were kind and quick", "1"],
        ["2", "NEAS", "FFT Why?", "Friendly staff, thank you", "2"],
        ["3", "NHFT", "What could we do better?", "Waited far too long, nobody told us why", "5"],
        ["4", "NHFT", "What could we do better?", "Rude on the phone", "4"],
        ["5", "NHFT", "What was good?", "Some good, some bad", "3"],
        ["6", "NEAS", "FFT Why?", "Nothing.", "1"],  # a non-answer: left out
        ["7", "NEAS", "FFT Why?", "Not labelled", ""],  # no label: left out
        ["8", "Care Opinion", "", "A story from another licence", "1"],  # not the trusts' own
    ]
    _write(
        tmp_path / training.NHS_FILE,
        ["Comment ID", "Trust", "FFT question", "FFT answer", "Comment sentiment", "Not assigned"],
        [[*r, "0"] for r in nhs_rows],
    )
    _write(
        tmp_path / training.REVIEWS_FILE,
        ["text", "sentiment", "label", "source"],
        [
            ["Great phone, works well", "positive", "1", "amazon"],
            ["Broke after a day", "negative", "0", "amazon"],
            ["Loved the food", "positive", "1", "yelp"],
            ["Cold food and slow service", "negative", "0", "yelp"],
        ],
    )
    return tmp_path


def test_only_the_trusts_own_labelled_answers_are_read(data: Path) -> None:
    nhs = training.nhs(data)
    assert nhs.texts == [
        "The crew were kind and quick",
        "Friendly staff, thank you",
        "Waited far too long, nobody told us why",
        "Rude on the phone",
        "Some good, some bad",
    ]
    assert nhs.labels == ["positive", "positive", "negative", "negative", "neutral"]
    assert nhs.groups == ["NEAS", "NEAS", "NHFT", "NHFT", "NHFT"]


def test_a_small_source_counts_as_much_as_a_large_one_and_every_label_the_same() -> None:
    big = training.LabelledSet("big", ["a"] * 60, ["positive"] * 30 + ["negative"] * 30, ["x"] * 60)
    small = training.LabelledSet("small", ["b"] * 3, ["neutral", "positive", "negative"], ["y"] * 3)
    weights = training.source_weights([big, small])
    labels = np.array(big.labels + small.labels)
    totals = [weights[labels == label].sum() for label in LABELS]
    assert totals == pytest.approx([totals[0]] * 3)
    # Three examples are not drowned by sixty.
    assert weights[60:].sum() > weights[:60].sum() / 2


def test_the_command_rebuilds_the_weights_from_a_folder(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "weights.json"
    monkeypatch.setattr(training, "WEIGHTS", target)
    call_command("train_sentiment", str(data), "--modes", "fast")
    weights = json.loads(target.read_text(encoding="utf-8"))
    head = weights["heads"]["fast"]
    assert head["trained_on"]["nhs"] == 5 and head["trained_on"]["reviews"] == 4
    assert head["trained_on"]["seed"] == sum(len(v) for v in sentiment_.SEED.values())
    assert set(weights["sources"]) == {training.NHS_FILE, training.REVIEWS_FILE, "special_negatives.json"}


def test_the_command_says_which_file_is_missing(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=training.NHS_FILE):
        call_command("train_sentiment", str(tmp_path), "--modes", "fast")
    with pytest.raises(CommandError, match="--modes"):
        call_command("train_sentiment", str(tmp_path), "--modes", "remote")


def test_a_fit_on_two_labels_never_chooses_the_third() -> None:
    x = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]])
    coef, intercept = sentiment_.fit(x, ["positive", "positive", "negative", "negative"])
    scores = x @ coef.T + intercept
    assert [LABELS[i] for i in scores.argmax(axis=1)] == ["positive", "positive", "negative", "negative"]
    assert coef.shape == (3, 2)
