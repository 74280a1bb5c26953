"""Names found by the statistical model (chorus/core/person_names.py) and the checks its
spans pass before they count, beside rules added for names the held-out sets showed."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import pytest

from chorus.core import sensitive
from chorus.core.person_names import person_spans
from chorus.core.sensitive import find_passages


def names(text: str) -> list[str]:
    return [p.text for p in find_passages(text) if p.kind == "name"]


@pytest.fixture
def rules_only() -> Iterator[None]:
    saved = list(sensitive._name_finders)
    sensitive._name_finders.clear()
    yield
    sensitive._name_finders.extend(saved)


def every_capitalised_run(texts: Sequence[str]) -> list[list[tuple[int, int]]]:
    """A finder that reads every run of capitalised words as a person: the worst a model can do."""
    pattern = re.compile(r"[A-Z][\w'\u2019.-]*(?:\s+[A-Z][\w'\u2019.-]*)*")
    return [[m.span() for m in pattern.finditer(text)] for text in texts]


@pytest.fixture
def careless_finder() -> Iterator[None]:
    saved = list(sensitive._name_finders)
    sensitive._name_finders[:] = [every_capitalised_run]
    yield
    sensitive._name_finders[:] = saved


def test_the_model_is_registered_by_default_and_finds_a_name_the_rules_miss() -> None:
    assert person_spans in sensitive._name_finders
    text = "If Chidubem had not helped I would have given up."
    assert names(text) == ["Chidubem"]


def test_without_the_model_the_rules_alone_miss_it(rules_only: None) -> None:
    assert names("If Chidubem had not helped I would have given up.") == []


@pytest.mark.parametrize(
    "text",
    [
        "Shopping at Aldi is cheaper than the council canteen.",  # a brand
        "Vaisakhi brings the whole street out.",  # a festival
        "St Bride's Church hall is cold in winter.",  # a saint's name, a place
        "The Queen Victoria has been shut for a year.",  # a monarch's name
        "Plan C would be better for families.",  # a label and a letter
        "We met at the Fox and Hounds to talk about it.",  # a pub
        "My account with BofA was frozen.",  # a brand's inner capital
        "I moved to Penrhyndeudraeth last year.",  # a place after a travel word
        "The village, Llanddewi, floods every winter.",  # a place after a place noun
        "Please send it to Flat 4 before Friday.",  # digits
        "The loan went to Brightstar Funding in March.",  # a business word after it
        "Contacting Ofgem took weeks.",  # an everyday word, then a regulator
        "My family are Hausa and we keep our language at home.",  # an ethnicity's term
        "My dad came from Kumasi in the seventies.",  # a place after "came from"
    ],
)
def test_the_models_spans_are_checked_before_they_count(careless_finder: None, text: str) -> None:
    assert names(text) == []


def test_many_texts_at_once_give_what_one_at_a_time_gives() -> None:
    texts = [
        "If Chidubem had not helped I would have given up.",
        "",
        "Dr Patel saw me at 12 Acacia Avenue. I have MS.",
        "Shopping at Aldi is cheaper.",
    ]
    assert sensitive.find_passages_many(texts) == [find_passages(t) for t in texts]


def test_without_models_only_the_rules_read_the_texts(careless_finder: None) -> None:
    texts = ["Shopping at Brightwell Stores is cheaper.", "Yesterday Tomasz Wiśniewski rang me."]
    saved = list(sensitive._name_finders)
    sensitive._name_finders.clear()
    try:
        rules = [find_passages(t) for t in texts]
    finally:
        sensitive._name_finders.extend(saved)
    assert sensitive.find_passages_many(texts, models=False) == rules


def test_a_careless_finders_real_names_still_count(careless_finder: None) -> None:
    assert "Tomasz Wiśniewski" in names("Yesterday Tomasz Wiśniewski rang me about the repairs.")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("I spoke to Mr J. Smith about the hearing.", "Mr J. Smith"),
        ("Dr. A. Khan was very kind.", "Dr. A. Khan"),
        ("I was dealt with by a Sergeant Ó Briain who was dismissive.", "Sergeant Ó Briain"),
        ('"Oyelaran" was the only name the adviser gave me.', "Oyelaran"),
        ("I asked for Zsófia by name because she knows my case.", "Zsófia"),
        ("The man upstairs, Dragomir I think he's called, plays music all night.", "Dragomir"),
        ("A nurse (Marisol Quintero according to her badge) took my bloods.", "Marisol Quintero"),
        ("Best wishes and thanks for reading, Parveen x", "Parveen"),
        ("Will on reception was so patient with me.", "Will"),
        ("If it wasn't for Adebayo at the food bank we'd have gone hungry.", "Adebayo"),
        ("Thanks, Kerensa. The rest of the visit was fine.", "Kerensa"),
        # Given names of communities from many countries (data/given_names_more.txt).
        ("My support worker Chiamaka sorted the forms out.", "Chiamaka"),
        ("My support worker Zeynep sorted the forms out.", "Zeynep"),
        # ...and of the English-speaking world, which the list lacked until 2026-12-07.
        ("Honestly Hamish was the only one who listened.", "Hamish"),
    ],
)
def test_rules_for_how_people_say_they_know_a_name(rules_only: None, text: str, name: str) -> None:
    assert names(text) == [name]


@pytest.mark.parametrize(
    "text",
    [
        "Mr A and Mrs B were there.",
        "Will it be open on Saturday?",
        "Thanks for your help, it was quick.",
        "I asked for a refund by name of the account holder.",
        "Every form makes me choose Mr or Mrs. Very few ask what I prefer.",
        # Places that are given names too stay out of the list.
        "The train from Kingston was late again.",
        "I moved here from Georgia last year.",
    ],
)
def test_and_what_they_leave_alone(rules_only: None, text: str) -> None:
    assert names(text) == []
