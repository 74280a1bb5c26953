"""The analysis engine on its own: no database, the real offline models."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import adjusted_mutual_info_score

from chorus.analysis.engine import analyse, embedder_for, emerging, framework, pii, themes
from chorus.analysis.engine.campaigns import find_groups
from chorus.analysis.engine.framework import CodedTheme, FrameworkError, FrameworkModel, check
from tests.analysis.corpus import TOPICS, corpus


@pytest.fixture(scope="module")
def fast():
    return embedder_for("fast")


def test_the_engine_imports_no_django() -> None:
    import subprocess
    import sys

    code = (
        "import sys, chorus.analysis.engine.pipeline, chorus.analysis.engine.emerging;"
        "sys.exit(1 if any(m == 'django' or m.startswith('django.') for m in sys.modules) else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0  # noqa: S603


def test_fast_embeddings_are_unit_rows_and_close_for_alike_texts(fast) -> None:
    rows = fast.encode(["the phone line was busy", "nobody answered the telephone", "the usher was kind"])
    assert rows.shape[0] == 3
    assert abs(float((rows[0] ** 2).sum()) - 1.0) < 1e-3
    assert rows[0] @ rows[1] > rows[0] @ rows[2]


def test_it_finds_the_topics_without_being_told_how_many(fast) -> None:
    texts, labels = corpus()
    texts += ["N/A", "Nothing", "did not answer"]
    labels += ["none", "none", "none"]
    result = analyse(texts, embedder=fast, min_size=5)
    first = []
    for item in result.items:
        first.append(item.themes[0][0] if item.themes else -1)
    assert adjusted_mutual_info_score(labels, first) > 0.6
    assert result.outlier_share <= 0.1, "few responses are left outside every theme"
    no_answer = [t for t in result.fine if t.special == "no_answer"]
    assert no_answer and no_answer[0].size == 3
    broad_keys = {t.key for t in result.broad}
    assert all(t.parent in broad_keys for t in result.fine)
    for theme in result.fine:
        if not theme.special:
            assert theme.label and theme.description and theme.quotes
    assert 0.85 <= sum(t.share for t in result.broad) <= 1.0 + 1e-6


def test_a_campaign_is_grouped_and_counted_once(fast) -> None:
    texts, _ = corpus(per_topic=20)
    campaign = (
        "I strongly object to closing the county court because families will have to travel much further"
    )
    copies = [
        campaign,
        campaign.upper(),
        campaign + " Please think again.",
        campaign.replace("strongly ", ""),
    ]
    result = analyse(texts + copies * 5, embedder=fast, min_size=5)
    groups = [g for g in result.campaigns if len(g) >= 20]
    assert len(groups) == 1 and set(groups[0]) == set(range(len(texts), len(texts) + 20))
    theme = next(t for t in result.fine if t.key == result.items[len(texts)].themes[0][0])
    assert theme.size - theme.counted >= 19


def test_near_duplicates_need_long_alike_texts() -> None:
    texts = [
        "Very good",
        "Very good",
        "The court should stay open because people on low incomes cannot afford to travel",
        "The court must stay open because people on low incomes cannot afford the travel",
        "Parking at the court is too expensive and there are not enough spaces for visitors",
    ]
    assert find_groups(texts) == [[2, 3]]


def test_a_few_different_comments_have_no_near_duplicates() -> None:
    """Long enough to compare, but no two alike: no bucket holds two texts (this raised
    IndexError, failing every analysis of a handful of comments, such as an event's evaluation)."""
    texts = [
        "The speakers were clear and the room was easy to find from the station car park",
        "More time for questions at the end would have helped everyone who travelled far",
        "Please send the slides before the meeting so that we can read them in advance",
        "The hearing loop did not work in the back rows and I missed half of what was said",
        "Lunch was late and the afternoon session started without any break at all today",
        "I would like the next forum to be held online so that carers can join it too",
        "Thank you for listening; it felt as though our views were taken seriously here",
    ]
    assert find_groups(texts) == []


def test_sentiment_is_scored_for_every_response(fast) -> None:
    result = analyse(
        ["The staff were wonderful and kind", "Terrible, rude and slow, I am furious", "I filled in the form"]
        * 3,
        embedder=fast,
    )
    assert [i.sentiment for i in result.items[:3]] == ["positive", "negative", "neutral"]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("write to jo.bloggs@example.com please", "email"),
        ("call me on 07700 900123", "phone"),
        ("the office is on (01632) 960123", "phone"),
        ("ring +44 (0)20 7946 0123 after six", "phone"),
        ("I live at SW1A 1AA", "postcode"),
        ("my NI number is AB 12 34 56 C", "ni_number"),
        ("case number KB-2024-000123 is still open", "reference"),
        ("Dr Patel was very rude", "name"),
    ],
)
def test_personal_data_is_found_and_redacted(text: str, kind: str) -> None:
    assert kind in pii.kinds(text)
    assert pii.LABELS[kind] in pii.redact(text)


def test_directory_names_are_found() -> None:
    names = pii.NameList(["Jonathan Smith", "Priya Patel"])
    assert pii.redact("jonathan  smith helped me", names) == "[name] helped me"
    assert pii.kinds("Waited 2 hours in 2024 for a COVID19 test") == []


def test_a_coding_framework_assigns_to_its_themes(fast) -> None:
    texts, labels = corpus(per_topic=20)
    framework = [
        CodedTheme("Delays", "Waiting for hearings to start", [TOPICS["waiting"][0].format(n=3)]),
        CodedTheme("Telephone", "Getting through on the phone", [TOPICS["phone"][0].format(n=10)]),
        CodedTheme("Staff manner", "How staff treated people", [TOPICS["staff"][0]]),
    ]
    result = analyse(texts, embedder=fast, framework=framework)
    names = {"waiting": "Delays", "phone": "Telephone", "staff": "Staff manner"}
    by_key = {t.key: t.label for t in result.themes}
    right = sum(
        1
        for item, label in zip(result.items, labels, strict=True)
        if by_key[item.themes[0][0]] == names[label]
    )
    assert right / len(labels) > 0.9
    new = result.assign_new("On hold for an hour, nobody picked up the phone. Call me on 07700 900123")
    assert by_key[new.themes[0][0]] == "Telephone"
    assert new.personal_data == ["phone"] and "[phone]" in new.redacted


def test_non_answers_go_to_the_frameworks_own_theme_for_them_when_it_has_one(fast) -> None:
    texts, _ = corpus(per_topic=10)
    texts += ["N/A", "Nothing", "no comment", "Did not answer"]
    delays = CodedTheme("Delays", "Waiting for hearings to start", [TOPICS["waiting"][0].format(n=3)])
    phone = CodedTheme("Telephone", "Getting through on the phone", [TOPICS["phone"][0].format(n=10)])
    staff = CodedTheme("Staff manner", "How staff treated people", [TOPICS["staff"][0]])
    no_reason = CodedTheme("No reason given", "", ["Nothing", "n/a", "None thanks"])

    result = analyse(texts, embedder=fast, framework=[delays, no_reason, phone, staff])
    by_key = {t.key: t.label for t in result.themes}
    assert [by_key[item.themes[0][0]] for item in result.items[-4:]] == ["No reason given"] * 4
    assert all(item.no_answer for item in result.items[-4:])
    assert len(result.themes) == 4  # no second bucket beside the framework's own
    assert by_key[result.assign_new("nothing to add").themes[0][0]] == "No reason given"
    assert not any(by_key[i.themes[0][0]] == "No reason given" for i in result.items[:-4])

    without = analyse(texts, embedder=fast, framework=[delays, phone, staff])
    labels = {t.key: t.label for t in without.themes}
    assert [labels[item.themes[0][0]] for item in without.items[-4:]] == ["No answer given"] * 4


def test_a_theme_counts_as_the_non_answer_code_only_if_most_of_its_examples_say_nothing() -> None:
    from chorus.analysis.engine.pipeline import is_non_answer

    mixed = CodedTheme("Other", "", ["Nothing", "The car park was full", "Parking costs too much"])
    said = CodedTheme("Parking", "", ["No spaces left", "Parking was hard"])
    assert framework.non_answer_code([said, mixed], is_non_answer) is None
    blank = CodedTheme("Blank", "", ["N/A", "none", "The form was blank"])
    assert framework.non_answer_code([said, mixed, blank], is_non_answer) == 2


def _coded_by_spelling(model: FrameworkModel, texts: list[str]) -> list[int]:
    return [row[0][0] for row in model.predict(texts, np.zeros((len(texts), 8), dtype=np.float32))]


FRAMEWORK_BY_SPELLING = [
    CodedTheme("Appointments", "", ["My appointment was cancelled", "They moved my appointment twice"]),
    CodedTheme("Medication", "", ["The prescription was wrong", "My medication arrived late"]),
]


def test_a_framework_codes_misspelt_responses_by_the_word_parts_they_share() -> None:
    # Vectors that say nothing (all zero), so only the text's own letters can decide.
    examples = [text for t in FRAMEWORK_BY_SPELLING for text in [f"{t.name}.", *t.examples]]
    model = FrameworkModel(
        FRAMEWORK_BY_SPELLING,
        example_vectors=np.zeros((len(examples), 8), dtype=np.float32),
        corpus=[],
        corpus_vectors=np.zeros((0, 8), dtype=np.float32),
        self_training=0,
    )
    coded = _coded_by_spelling(model, ["apointmnts cancelld", "perscriptions medicaton"])
    assert coded == [0, 1]


def test_a_large_corpus_is_sampled_for_the_framework_and_every_response_is_still_coded(monkeypatch) -> None:
    monkeypatch.setattr(framework, "VOCABULARY_SAMPLE", 30)
    monkeypatch.setattr(framework, "POOL_SAMPLE", 40)
    corpus_texts = [f"appointment number {i} was cancelled" for i in range(60)] + [
        f"prescription {i} was wrong" for i in range(60)
    ]
    model = FrameworkModel(
        FRAMEWORK_BY_SPELLING,
        example_vectors=np.zeros((6, 8), dtype=np.float32),
        corpus=corpus_texts,
        corpus_vectors=np.zeros((len(corpus_texts), 8), dtype=np.float32),
    )
    assert _coded_by_spelling(model, corpus_texts) == [0] * 60 + [1] * 60


def test_a_framework_weights_its_themes_by_how_often_the_responses_need_them() -> None:
    corpus_texts = [f"appointment number {i} was cancelled" for i in range(90)] + [
        f"prescription {i} was wrong" for i in range(10)
    ]
    zeros = np.zeros((len(corpus_texts), 8), dtype=np.float32)
    examples = np.zeros((6, 8), dtype=np.float32)
    model = FrameworkModel(
        FRAMEWORK_BY_SPELLING, example_vectors=examples, corpus=corpus_texts, corpus_vectors=zeros
    )
    assert model.shares == pytest.approx([91 / 102, 11 / 102])
    even = FrameworkModel(
        FRAMEWORK_BY_SPELLING,
        example_vectors=examples,
        corpus=corpus_texts,
        corpus_vectors=zeros,
        shares=[1, 1],
    )
    # A response that is about neither leans to the theme most responses are about.
    unclear = ["it was a poor day"]
    weighted = dict(model.predict(unclear, zeros[:1], also=0)[0])
    plain = dict(even.predict(unclear, zeros[:1], also=0)[0])
    assert weighted[0] > plain[0] and weighted[0] + weighted[1] == pytest.approx(1)
    with pytest.raises(FrameworkError, match="2 positive theme shares"):
        FrameworkModel(
            FRAMEWORK_BY_SPELLING, example_vectors=examples, corpus=[], corpus_vectors=zeros, shares=[1]
        )


def test_the_consensus_of_many_starts_finds_the_same_groups_whatever_the_seed() -> None:
    rng = np.random.default_rng(3)
    middles = rng.normal(size=(6, 10)) * 4
    truth = np.repeat(np.arange(6), 40)
    space = middles[truth] + rng.normal(size=(240, 10))
    for seed in range(3):
        labels = themes.consensus(space, 6, seed)
        assert adjusted_mutual_info_score(truth, labels) > 0.99


def test_a_framework_needs_two_named_themes_with_something_to_go_on() -> None:
    with pytest.raises(FrameworkError, match="at least two"):
        check([CodedTheme("Only", "one")])
    with pytest.raises(FrameworkError, match="needs a description or at least one example"):
        check([CodedTheme("A", "a"), CodedTheme("B")])


def test_new_comments_are_assigned_to_discovered_themes(fast) -> None:
    texts, _ = corpus()
    result = analyse(texts, embedder=fast, min_size=5)
    reference = analyse([TOPICS["phone"][1].format(n=5)], embedder=fast)  # warm; unrelated result
    assert reference.items
    new = result.assign_new("Nobody answered the phone, on hold for 40 minutes")
    # The theme of the responses it nearly repeats (a topic may be split into finer themes).
    alike = [i for i, t in enumerate(texts) if t.startswith("Nobody answered the phone line")]
    themes_of_alike = {result.items[i].themes[0][0] for i in alike if result.items[i].themes}
    assert new.themes[0][0] in themes_of_alike


def test_a_rise_beyond_history_is_flagged_and_ordinary_days_are_not() -> None:
    steady = [4, 5, 3, 4, 6, 5, 4] * 8
    series = {
        "/pay": emerging.Series(counts=[*steady, 30], negatives=[1] * len(steady) + [25]),
        "/apply": emerging.Series(counts=[*steady, 5], negatives=[1] * len(steady) + [1]),
    }
    alerts = emerging.detect(series, window=1)
    assert {(a.key, a.kind) for a in alerts} == {("/pay", "volume"), ("/pay", "negative")}


def test_discovery_ties_in_a_group_that_only_neighbours_itself() -> None:
    """Twenty near-copies are each other's nearest neighbours and nobody else's: discovery
    still runs on the whole graph, and they come out as one theme of their own."""
    rng = np.random.default_rng(0)
    spread = np.hstack([rng.normal(size=(300, 16)), np.zeros((300, 16))])
    copies = np.hstack([np.zeros((20, 16)), 1 + rng.normal(scale=0.01, size=(20, 16))])
    vectors = np.vstack([spread, copies]).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    labels = themes.discover(vectors, min_size=5).labels
    assert len(set(labels[300:])) == 1
    assert labels[300] not in set(labels[:300])


def test_each_side_of_a_paired_answer_has_themes_of_its_own(fast) -> None:
    # Both sides talk about every topic: found together, a theme would hold both sides.
    texts, labels = corpus(per_topic=40)
    sides = ["Strongly agree" if i % 2 else "Disagree" for i in range(len(texts))]
    sides[0] = "Agree"  # the same side as "Strongly agree"
    sides[1] = "Don't know"  # too rare to be a side: its response goes to its nearest theme
    result = analyse(texts, embedder=fast, stances=sides, min_size=5)
    fine = [t for t in result.fine if not t.special]
    agree = [t for t in fine if set(t.stance) <= {"Strongly agree", "Agree"}]
    disagree = [t for t in fine if set(t.stance) == {"Disagree"}]
    assert agree and disagree
    assert {t.key for t in agree} | {t.key for t in disagree} | {
        t.key for t in fine if "Don't know" in t.stance
    } == {t.key for t in fine}
    for t in fine:  # one side each, the rare answer aside
        assert len(set(t.stance) - {"Don't know"} - {"Agree"}) == 1
    assert result.items[1].themes, "the rare answer's response has its nearest theme"
    assert result.outlier_share <= 0.1
    first = [item.themes[0][0] if item.themes else -1 for item in result.items]
    assert adjusted_mutual_info_score(labels, first) > 0.4  # still grouped by what they say
    broad_keys = {t.key for t in result.broad}
    assert all(t.parent in broad_keys for t in fine)
    # A new response is given a theme of its own side.
    new = "Nobody answered the phone line, I was on hold for 40 minutes"
    vectors = fast.encode([new, new, new])
    found = result.assign_vectors([new] * 3, vectors, ["Disagree", "Agree", None])
    sides = {t.key: set(t.stance) - {"Don't know"} for t in fine}
    assert sides[found[0].themes[0][0]] == {"Disagree"}
    assert sides[found[1].themes[0][0]] <= {"Strongly agree", "Agree"}
    assert found[2].themes  # no side: the nearest theme of any


def test_sides_need_enough_responses_and_a_fixed_count_is_not_split(fast) -> None:
    from chorus.analysis.engine.pipeline import SIDE_LEAST, stance_sides

    answered = np.arange(30)
    few = ["Agree"] * 25 + ["Disagree"] * 5
    assert stance_sides(few, answered, SIDE_LEAST) is None
    both = ["Tend to agree"] * 15 + ["disagree "] * 14 + [None]
    sides = stance_sides(both, answered, SIDE_LEAST)
    assert sides is not None and set(sides[:15]) == {0} and set(sides[15:29]) == {1} and sides[29] == -1
    texts, _ = corpus(per_topic=12)
    result = analyse(texts, embedder=fast, stances=["Agree", "Disagree"] * 18, k=3)
    assert len([t for t in result.fine if not t.special]) <= 3  # the analyst's count stands
