"""What lets an analysis scale to a million responses (#22): each distinct text searched
once, directory names looked up rather than scanned, clustering fitted on a sample with
every row assigned, phrases counted on a sample, and results stored in batches."""

from __future__ import annotations

import re

import numpy as np
import pytest

from chorus.analysis.engine import analyse, embedder_for, keyphrases, pii, themes
from chorus.analysis.engine.campaigns import find_groups
from tests.analysis.corpus import corpus


@pytest.fixture(scope="module")
def fast():
    return embedder_for("fast")


def test_personal_data_is_searched_once_per_distinct_text(fast, monkeypatch) -> None:
    searched: list[str] = []
    real = pii.find

    def counting(text: str, names: pii.NameList | None = None) -> list[pii.Found]:
        searched.append(text)
        return real(text, names)

    monkeypatch.setattr(pii, "find", counting)
    texts, _ = corpus(per_topic=8)
    copied = "Please call Jo Bloggs on 07700 900123 about the closure of the court"
    result = analyse([*texts, copied, copied, copied], embedder=fast, names=["Jo Bloggs"], min_size=3)
    assert sorted(searched) == sorted({*texts, copied})
    assert [i.redacted for i in result.items[-3:]] == [
        "Please call [name] on [phone] about the closure of the court"
    ] * 3
    assert result.items[-1].personal_data == ["name", "phone"]

    searched.clear()
    item = result.assign_new("Write to jo bloggs at jo@example.com")
    assert len(searched) == 1
    assert item.redacted == "Write to [name] at [email]" and item.personal_data == ["email", "name"]


def _scanned(names: list[str], text: str) -> list[tuple[int, int]]:
    """What one case-insensitive pattern of every name, longest first, finds."""
    cleaned = sorted({" ".join(n.split()) for n in names if len(n.split()) >= 2}, key=len, reverse=True)
    pattern = re.compile(
        r"\b(?:" + "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in cleaned) + r")\b", re.IGNORECASE
    )
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


@pytest.mark.parametrize(
    "text",
    [
        "I spoke to John Smith and jo  bloggs jr about it",
        "Jo-Ann Lee said so, and so did ANN LEE",
        "Gareth Smith's car was towed; Gareth Smithson's was not",
        "Mary-Jane O'Neil wrote, then Mary Jane O'Neil",
        "Seán Ó Briain and John\nSmith",
        "nobody by name at all",
        "Jo Bloggs Jr and Jo Bloggs",
    ],
)
def test_directory_names_are_found_as_one_pattern_of_them_all_would_find_them(text: str) -> None:
    names = [
        "John Smith",
        "Jo Bloggs",
        "Jo Bloggs Jr",
        "Ann Lee",
        "Gareth Smith",
        "Mary-Jane O'Neil",
        "Seán Ó Briain",
        "Single",
    ]
    listed = pii.NameList(names)
    assert [(m.start(), m.end()) for m in listed.finditer(text)] == _scanned(names, text)


def test_a_big_directory_costs_a_look_up_per_pair_of_words() -> None:
    names = [f"Person {i} Surname{i}" for i in range(50_000)] + ["Priya Patel"]
    listed = pii.NameList(names)
    assert len(listed) == 50_001
    assert (
        pii.redact("Thanks to priya patel and person 49999 surname49999", listed)
        == "Thanks to [name] and [name]"
    )
    # Only the names under a pair the text holds were ever compiled into a pattern.
    assert len(listed._patterns) == 2


def test_clustering_fitted_on_a_sample_assigns_every_text(fast, monkeypatch) -> None:
    monkeypatch.setattr(themes, "SPECTRAL_ROWS", 150)
    texts, _ = corpus(per_topic=40)
    vectors = fast.encode(texts + texts[:30])  # copies too
    found = themes.discover(vectors, min_size=5, seed=0)
    assert len(found.labels) == len(vectors)
    assert (found.labels >= 0).mean() > 0.9
    assert np.allclose(np.linalg.norm(found.centroids, axis=1), 1.0, atol=1e-4)
    # Copies are in their first's theme.
    assert list(found.labels[-30:]) == list(found.labels[:30])


def test_copies_are_found_by_their_vectors() -> None:
    rows = np.random.default_rng(0).normal(size=(6, 8)).astype(np.float32)
    vectors = rows[[0, 1, 0, 2, 1, 0]]
    assert list(themes._first_copies(vectors)) == [0, 1, 0, 3, 1, 0]


def test_phrases_are_counted_on_a_sample_of_many_rows(monkeypatch) -> None:
    texts = (
        ["the waiting time was far too long today"] * 300
        + ["parking charges at the hospital are too high"] * 150
        + ["the reception staff were very kind to me"] * 30
    )
    groups = np.array([0] * 300 + [1] * 150 + [2] * 30)
    whole = keyphrases.class_phrases(texts, groups, 3)
    monkeypatch.setattr(keyphrases, "SAMPLED_ROWS", 100)
    monkeypatch.setattr(keyphrases, "LEAST_PER_GROUP", 20)
    kept, scale = keyphrases._sample(np.arange(len(texts)), groups, 3)
    assert len(kept) < len(texts)
    assert np.allclose(np.bincount(groups[kept], minlength=3) * scale, [300, 150, 30])
    # Counts weighted back up to each group's size: the same phrases as counting every row.
    assert keyphrases.class_phrases(texts, groups, 3) == whole
    assert all(whole[g] for g in range(3))


def test_a_common_campaign_text_is_one_group_however_many_copies() -> None:
    base = "I strongly object to closing the county court because families will have to travel much further"
    copies = [base + f" Signed by resident number {i} of the town" for i in range(120)]
    others = ["The car park is full every morning and there is nowhere else to leave a car nearby"]
    groups = find_groups(copies + others)
    assert groups == [list(range(120))]


@pytest.mark.django_db
def test_results_are_stored_in_batches_with_every_assignment(team, monkeypatch) -> None:
    from chorus.analysis.models import Assignment, Item
    from chorus.analysis.services import runs
    from tests.factories import (
        AnalysisRunFactory,
        AnswerFactory,
        ConsultationFactory,
        QuestionFactory,
        ResponseFactory,
        SectionFactory,
    )

    consultation = ConsultationFactory(team=team)
    section = SectionFactory(consultation=consultation, order=1)
    question = QuestionFactory(section=section, kind="text", text="What happened?", order=1)
    texts, _ = corpus(per_topic=10)
    texts.append("Dr Jones was rude, call me on 07700 900123")
    for i, text in enumerate(texts):
        AnswerFactory(
            response=ResponseFactory(consultation=consultation, reference=f"S{i:06d}"),
            question=question,
            value=text,
        )

    def stored(batch: int) -> tuple[list[tuple[str, int]], list[list[str]]]:
        monkeypatch.setattr(runs, "STORE_BATCH", batch)
        run = AnalysisRunFactory(question=question, team=team, mode="fast")
        runs.run_execute(run)
        assert Item.objects.filter(run=run).count() == len(texts)
        quotes = [
            sorted(Item.objects.filter(pk__in=t.quotes, run=run).values_list("text", flat=True))
            for t in run.themes.order_by("key")
        ]
        assigned = Assignment.objects.filter(item__run=run).values_list("item__text", "theme__key")
        return sorted(assigned), quotes

    assert stored(7) == stored(10_000)
