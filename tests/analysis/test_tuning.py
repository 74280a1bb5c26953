"""Sentiment fine-tuned on an organisation's own labelled comments: what it needs, that it
learns, that it saves and loads, and the command-line option that uses it."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from chorus.analysis.engine.tuning import TunedSentiment, TuningError, check, tune_sentiment
from chorus.cli import main

GOOD = [
    "The staff were {} kind and helpful",
    "Brilliant {} service, thank you so much",
    "Really quick and {} easy, very happy",
    "Lovely {} people who explained everything",
]
MIDDLE = [
    "I went to the {} office on Tuesday",
    "The form asked for my {} address",
    "I phoned the {} helpline about my case",
    "My hearing is {} next month",
]
BAD = [
    "Awful, the {} staff were rude",
    "I waited {} hours and nobody helped, terrible",
    "The website {} kept crashing, useless",
    "Very poor and {} slow, so disappointed",
]
WORDS = ["", "really", "very", "court", "local"]


def examples() -> list[tuple[str, str]]:
    made = []
    for label, patterns in (("positive", GOOD), ("neutral", MIDDLE), ("negative", BAD)):
        made += [(p.format(w).replace("  ", " "), label) for p in patterns for w in WORDS]
    return made


def test_it_says_what_the_examples_lack() -> None:
    with pytest.raises(TuningError, match="Unknown sentiment labels \\['happy'\\]"):
        check([("fine", "happy")])
    with pytest.raises(
        TuningError,
        match="at least 20 labelled comments of each sentiment; found 0 negative, 0 neutral, 20 positive",
    ):
        check([(f"good {i}", "positive") for i in range(20)])


@pytest.mark.slow
def test_it_learns_from_the_examples_and_saves_what_it_learnt(tmp_path: Path) -> None:
    tuned = tune_sentiment(examples(), epochs=3, batch_size=16)
    found, confidence = tuned.predict(
        ["Thank you, the staff were so kind", "I sent the form by post", "Rude staff and an awful wait"]
    )
    assert found == ["positive", "neutral", "negative"]
    assert all(0.34 < c <= 1 for c in confidence)
    tuned.save(tmp_path / "model")
    again = TunedSentiment.load(tmp_path / "model")
    assert again.predict(["Rude staff and an awful wait"])[0] == ["negative"]


def test_the_command_line_checks_the_training_file(tmp_path: Path, capsys) -> None:
    responses = tmp_path / "responses.csv"
    responses.write_text("text\nThe staff were kind\n", encoding="utf-8")
    few = tmp_path / "few.csv"
    with few.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["text", "sentiment"], ["Lovely", "positive"], ["Bad", "negative"]])
    out = tmp_path / "out"
    arguments = ["analyse", str(responses), "--text-column", "text", "--out", str(out), "--quiet"]
    assert main([*arguments, "--sentiment-training", str(few)]) == 2
    assert "found 1 negative, 0 neutral, 1 positive" in capsys.readouterr().err
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("text,sentiment\nLovely,great\n", encoding="utf-8")
    assert main([*arguments, "--sentiment-training", str(wrong)]) == 2
    assert 'line 2: the sentiment "great" is not positive, neutral or negative' in capsys.readouterr().err
    assert not out.exists()


def test_the_command_line_scores_with_the_tuned_model(tmp_path: Path) -> None:
    training = tmp_path / "labelled.csv"
    with training.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["text", "sentiment"], *examples()])
    responses = tmp_path / "responses.csv"
    with responses.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(
            [["text"], ["The staff were so kind and helpful"], ["Awful, rude staff, terrible wait"]] * 5
        )
    out = tmp_path / "out"
    code = main(
        [
            "analyse",
            str(responses),
            "--text-column",
            "text",
            "--sentiment-training",
            str(training),
            "--out",
            str(out),
            "--quiet",
        ]
    )
    assert code == 0
    with (out / "assignments.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["sentiment"] for r in rows[:2]] == ["positive", "negative"]


def test_a_framework_can_be_learnt_by_tuning_the_model_first() -> None:
    from chorus.analysis.engine import analyse, embedder_for
    from chorus.analysis.engine.framework import CodedTheme
    from tests.analysis.corpus import TOPICS, corpus

    texts, labels = corpus(per_topic=8)
    framework = [
        CodedTheme("Delays", "Waiting for hearings to start", [TOPICS["waiting"][0].format(n=3)]),
        CodedTheme("Telephone", "Getting through on the phone", [TOPICS["phone"][0].format(n=10)]),
        CodedTheme("Staff manner", "How staff treated people", [TOPICS["staff"][0]]),
    ]
    result = analyse(texts, embedder=embedder_for("fast"), framework=framework, tune_framework=True)
    assert result.framework_embedder is not None and result.framework_embedder.name == "accurate-tuned"
    names = {"waiting": "Delays", "phone": "Telephone", "staff": "Staff manner"}
    by_key = {t.key: t.label for t in result.themes}
    right = sum(
        1
        for item, label in zip(result.items, labels, strict=True)
        if by_key[item.themes[0][0]] == names[label]
    )
    assert right / len(labels) > 0.9
    new = result.assign_new("On hold for an hour, nobody picked up the phone")
    assert by_key[new.themes[0][0]] == "Telephone"
