"""Moderation reads sentences by meaning as well as by word lists (#20)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

import pytest

from chorus.analysis.engine import special
from chorus.core.sensitive import (
    find_passages,
    register_sentence_classifier,
    unregister_sentence_classifier,
)


def test_the_shipped_weights_were_trained_on_the_shipped_examples() -> None:
    weights = json.loads(special.WEIGHTS.read_text(encoding="utf-8"))
    assert weights["training_sha256"] == special.training_hash(), (
        "special_training.json or special_negatives.json changed: retrain with "
        "`python -m chorus.analysis.engine.special`"
    )
    assert weights["classes"] == sorted([*special.KINDS, special.NONE])
    texts, labels = special.training_examples()
    assert len(texts) == len(labels) and set(labels) == {*special.KINDS, special.NONE}


def test_the_analysis_app_registers_the_classifier_with_the_detector() -> None:
    from chorus.core import sensitive

    assert special.classify_sentences in sensitive._sentence_classifiers


@pytest.fixture
def only_fake_reader() -> Iterator[list[list[str]]]:
    """Swap the real classifier for one that flags sentences mentioning 'sectioned'."""
    from chorus.core import sensitive

    seen: list[list[str]] = []

    def fake(sentences: Sequence[str]) -> list[str | None]:
        seen.append(list(sentences))
        return ["health" if "sectioned" in s else None for s in sentences]

    saved = list(sensitive._sentence_classifiers)
    sensitive._sentence_classifiers.clear()
    register_sentence_classifier(fake)
    yield seen
    unregister_sentence_classifier(fake)
    sensitive._sentence_classifiers.extend(saved)


def test_a_sentence_the_word_lists_miss_is_flagged_when_a_reader_says_so(
    only_fake_reader: list[list[str]],
) -> None:
    text = "The letters were late. I was sectioned in 2021 and the aftercare was poor. Thanks."
    passages = find_passages(text)
    assert [(p.kind, p.text) for p in passages] == [
        ("health", "I was sectioned in 2021 and the aftercare was poor.")
    ]
    assert passages[0].reason
    assert passages[0].possible  # the classifier's alone: shown apart, as possible
    assert "May say" in passages[0].reason


def test_a_redaction_is_not_read_as_part_of_the_sentence(only_fake_reader: list[list[str]]) -> None:
    find_passages("I was sectioned [personal details removed] and then the bus was late.")
    assert only_fake_reader == [["I was sectioned   and then the bus was late."]]


def test_a_word_list_flag_is_not_marked_possible(only_fake_reader: list[list[str]]) -> None:
    (passage,) = find_passages("I have diabetes and need to eat on time.")
    assert passage.kind == "health" and not passage.possible


def test_sentences_the_word_lists_already_flag_are_not_read_again(
    only_fake_reader: list[list[str]],
) -> None:
    find_passages("I have diabetes and need to eat on time. The bus was late again today.")
    assert only_fake_reader == [["The bus was late again today."]]


def test_the_detector_works_without_any_reader() -> None:
    from chorus.core import sensitive

    saved = list(sensitive._sentence_classifiers)
    sensitive._sentence_classifiers.clear()
    try:
        assert find_passages("I was sectioned in 2021 and the aftercare was poor.") == []
    finally:
        sensitive._sentence_classifiers.extend(saved)


@pytest.mark.slow
def test_the_shipped_classifier_reads_disclosures_it_has_no_word_for() -> None:
    # Sentences written for this test, in none of the training or benchmark sets.
    found = special.classify_sentences(
        [
            "I have been on antipsychotics for years and they make me drowsy.",
            "I converted to Islam last year and now pray five times a day.",
            "My brother got six months for burglary and is out next week.",
            "The car park by the library is too small for Saturdays.",
        ]
    )
    assert found == ["health", "religion", "third_party", None]
