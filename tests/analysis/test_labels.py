"""Theme labels a person would keep (#23): the rules, and labels made from real-sounding responses."""

from __future__ import annotations

import random

import numpy as np
import pytest

from chorus.analysis.engine import analyse, embedder_for, keyphrases, labels
from chorus.analysis.engine.labels import describe, label_breaks_rules, theme_labels
from tests.analysis.corpus import corpus

# A small consultation on a court service, written the way people answer: fillers,
# greetings, typos and capitals included.
RESPONSES = {
    "hearing dates": [
        "My hearing was listed months away and nobody could give us an earlier date",
        "Um, the hearing date was set {n} months after we applied, far too long",
        "We waited {n} months for a hearing date, it is ridiculous",
        "Hearings are listed months ahead, please offer earlier hearing dates",
        "The wait for a hearing date was {n} months and the letter came late",
        "I'm still waiting for a hearing date after {n} months",
    ],
    "paper forms": [
        "Please keep paper forms, my dad has no internet at home",
        "Not everyone can use the website, paper forms are needed",
        "I want a paper form I can post back, not an online one",
        "Thanks, but paper forms would be easier for older people",
        "Paper forms should still be sent out by post to those who ask",
        "My mum cannot fill in the online form, give us paper forms",
    ],
    "NHS app": [
        "The NHS app kept crashing when I tried to book",
        "Could not log in to the NHS app for {n} days",
        "The NHS app would not show my appointment",
        "Um i'm not sure, the NHS app is hard to use for booking",
        "NHS app crashed twice while I was booking, thanks",
        "Booking through the NHS app failed {n} times",
    ],
}


def consultation(per_theme: int = 25, seed: int = 3) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    texts, truth = [], []
    for theme, templates in RESPONSES.items():
        for _ in range(per_theme):
            texts.append(rng.choice(templates).format(n=rng.randint(2, 14)))
            truth.append(theme)
    return texts, truth


@pytest.fixture(scope="module")
def fast():
    return embedder_for("fast")


@pytest.mark.parametrize(
    "label",
    [
        "Listed months away / hearings listed",
        "Ai / say",
        "Um i'm / thanks",
        "Um i'm",
        "Thanks",
        "Waiting Months For A Hearing",
        "Waiting for the",
        "And the waiting",
        "Hearing hearing dates",
        "waiting months for a hearing",
        "Waiting months for a hearing at the county court",
        "Staff were helpful.",
        "My hearing date",
        "Mental Health",
        "STAFF WERE RUDE",
    ],
)
def test_the_rules_catch_labels_nobody_would_keep(label: str) -> None:
    assert label_breaks_rules(label)


@pytest.mark.parametrize(
    "label",
    [
        "Waiting months for a hearing",
        "Paper forms wanted",
        "NHS app not working",
        "Not enough staff",
        "Friendly and helpful staff",
        "Parking charges",
        "Staff at Leeds hospital",
        "GP appointments",
    ],
)
def test_the_rules_let_plain_labels_through(label: str) -> None:
    assert label_breaks_rules(label) == []


def test_each_broken_rule_is_said_in_words() -> None:
    broken = label_breaks_rules("Um i'm / thanks")
    assert any("punctuation" in b for b in broken)
    assert any("“um”" in b for b in broken)


def test_the_old_labels_broke_the_rules_and_are_still_made_for_comparison() -> None:
    assert (
        keyphrases.label_from(["listed months away", "hearings listed"])
        == "Listed months away / hearings listed"
    )
    assert label_breaks_rules(keyphrases.label_from(["listed months away", "hearings listed"]))


def test_no_label_from_a_small_consultation_breaks_the_rules(fast) -> None:
    texts, _ = consultation()
    result = analyse(texts, embedder=fast, min_size=5)
    found = [t for t in result.fine if not t.special]
    assert len(found) >= 2
    for theme in result.themes:
        assert label_breaks_rules(theme.label) == [], theme.label
    for level in (result.fine, result.broad):
        shown = [t.label.lower() for t in level]
        assert len(shown) == len(set(shown)), "themes at one level have different labels"


def test_labels_name_what_the_theme_is_about_with_the_capitals_people_use(fast) -> None:
    texts, truth = consultation()
    result = analyse(texts, embedder=fast, k=3, broad_themes=1, min_size=5)
    by_theme: dict[str, str] = {}
    for theme in result.fine:
        rows = [i for i, item in enumerate(result.items) if item.themes and item.themes[0][0] == theme.key]
        said = [truth[i] for i in rows]
        majority = max(set(said), key=said.count)
        by_theme[majority] = theme.label
    assert set(by_theme) == set(RESPONSES)
    assert "NHS" in by_theme["NHS app"] and "Nhs" not in by_theme["NHS app"]
    assert "paper" in by_theme["paper forms"].lower()
    assert "hearing" in by_theme["hearing dates"].lower()
    for label in by_theme.values():
        assert not {"um", "i'm", "thanks", "my"} & {w.lower() for w in label.split()}


def test_a_description_is_one_plain_sentence_about_the_responses(fast) -> None:
    texts, _ = consultation()
    result = analyse(texts, embedder=fast, k=3, broad_themes=1, min_size=5)
    for theme in result.fine:
        assert theme.description.startswith("Responses about ")
        assert theme.description.endswith(".") and theme.description.count(". ") == 0
        assert " / " not in theme.description


def test_the_three_topics_of_the_test_corpus_get_labels_of_their_own(fast) -> None:
    texts, _ = corpus()
    result = analyse(texts, embedder=fast, k=3, broad_themes=1, min_size=5)
    shown = [t.label for t in result.fine]
    assert len(set(shown)) == 3
    assert all(label_breaks_rules(label) == [] for label in shown)


def test_without_vectors_labels_come_from_counts_alone() -> None:
    texts, truth = consultation(per_theme=12)
    groups = [[i for i, t in enumerate(truth) if t == name] for name in RESPONSES]
    made = theme_labels(texts, groups, None, None, None)
    assert [label_breaks_rules(m.label) for m in made] == [[], [], []]
    assert "NHS" in made[2].label


def test_without_spacy_a_keyphrase_stands_in_as_people_wrote_it(monkeypatch) -> None:
    monkeypatch.setattr(labels, "_parser", lambda: None)
    texts = ["The parking charges are too high", "Parking charges went up again", "Staff friendly parking"]
    made = theme_labels(
        texts, [[0, 1, 2]], None, None, None, keyphrases=[["charges high", "parking charges"]]
    )
    assert made[0].label == "Parking charges"


def test_a_theme_of_short_answers_is_labelled_with_one_of_them_but_never_a_name() -> None:
    texts = ["Perfect.", "Ask for Joanna Bloggs", "All fine", "Perfect", "fine"]
    made = theme_labels(texts, [[0, 1, 2, 3, 4]], None, None, None)
    assert made[0].label == "All fine"


def test_themes_with_nothing_usable_get_plain_labels_of_their_own() -> None:
    texts = ["um", "ok thanks", "yes", "Thank you!", "ok"]
    made = theme_labels(texts, [[0, 1, 2], [3, 4]], None, None, None, keyphrases=[["um ok"], ["thank"]])
    shown = [m.label for m in made]
    assert shown[0] == labels.FALLBACK_LABEL and len(set(shown)) == 2
    assert all(label_breaks_rules(label) == [] for label in shown)


def test_labels_are_made_from_a_sample_of_each_theme_not_every_response(monkeypatch, fast) -> None:
    parsed: list[str] = []
    nlp = labels._parser()
    real_pipe = nlp.pipe

    def counting(texts, **kwargs):  # type: ignore[no-untyped-def]
        texts = list(texts)
        parsed.extend(texts)
        return real_pipe(texts, **kwargs)

    monkeypatch.setattr(nlp, "pipe", counting)
    texts = [f"The hearing date was {n} months away, far too long" for n in range(200)]
    texts += [f"Paper forms please, version {n}" for n in range(200)]
    groups = [list(range(200)), list(range(200, 400))]
    vectors = fast.encode(texts)
    centroids = np.stack([vectors[:200].mean(axis=0), vectors[200:].mean(axis=0)])
    centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
    theme_labels(texts, groups, centroids, vectors, fast, sample=20)
    assert len(parsed) == 40


def test_the_description_keeps_acronyms_and_the_sentiment_mix() -> None:
    line = describe("NHS app not working", ["booking appointments"], {"negative": 0.8, "neutral": 0.2})
    said = "Responses about NHS app not working, often mentioning booking appointments"
    assert line == said + "; mostly negative (80%)."


WELSH = [
    "Roedd angen mwy o amser i drafod y cynllun gyda'r staff",
    "Mae angen i chi drafod y ffioedd gyda ni cyn penderfynu",
    "Hoffwn drafod y newidiadau yn Gymraeg gyda rhywun",
    "Doedd dim amser i drafod y cwestiynau yn y cyfarfod",
    "Roedd y sesiwn yn ddefnyddiol iawn, diolch",
    "Sesiwn dda iawn, roedd y siaradwyr yn glir",
    "Roedd y sesiwn yn rhy fyr ond yn ddefnyddiol",
]


def test_welsh_responses_are_told_from_english_ones() -> None:
    assert all(labels.written_in_welsh(text) for text in WELSH)
    english = [t.format(n=3) for templates in RESPONSES.values() for t in templates]
    assert not any(labels.written_in_welsh(text) for text in english)


def test_english_grammar_never_garbles_a_welsh_label() -> None:
    """An English parse of Welsh made "Sesiwning yn" of "sesiwn" ("session")."""
    made = theme_labels(WELSH, [[0, 1, 2, 3], [4, 5, 6]], None, None, None)
    for theme in made:
        assert not any(word.endswith("ing") for word in theme.label.lower().split()), theme.label
