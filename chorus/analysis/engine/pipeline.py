"""One analysis, start to finish: embed, find campaigns and personal data, discover
themes (or code to a framework), label them, score sentiment, and assign.

``analyse`` returns an ``Analysis``, which also assigns new comments to the themes it
found (``assign_new``) without running again.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from chorus.analysis.engine import campaigns as campaigns_
from chorus.analysis.engine import keyphrases, pii, themes, tuning
from chorus.analysis.engine import labels as labels_
from chorus.analysis.engine.embed import Embedder, _unit
from chorus.analysis.engine.framework import CodedTheme, FrameworkModel, non_answer_code
from chorus.analysis.engine.sentiment import SentimentModel
from chorus.analysis.engine.tuning import TunedSentiment

Progress = Callable[[str, float], None]

NO_ANSWER_LABEL = "No answer given"
_NON_ANSWERS = {
    "",
    "n a",
    "na",
    "none",
    "nothing",
    "no",
    "no comment",
    "no comments",
    "nil",
    "did not answer",
    "not applicable",
    "no answer",
    "nothing to say",
    "nothing to add",
    "none thanks",
    "no thanks",
    "nothing else",
    "dont know",
    "don t know",
    "not sure",
    "idk",
    "x",
    "test",
}
_NORM = re.compile(r"[^a-z ]+")


def is_non_answer(text: str) -> bool:
    return " ".join(_NORM.sub(" ", text.lower()).split()) in _NON_ANSWERS


@dataclass
class Theme:
    key: int
    level: str  # "broad" or "fine"
    label: str
    description: str
    keyphrases: list[str]
    size: int = 0  # every response in it
    counted: int = 0  # campaigns counted once
    share: float = 0.0  # of all counted responses
    quotes: list[int] = field(default_factory=list)  # indexes of representative responses
    parent: int | None = None
    centroid: np.ndarray | None = None
    sentiment: dict[str, int] = field(default_factory=dict)
    stance: dict[str, int] = field(default_factory=dict)
    special: str = ""  # "no_answer" for the bucket of non-answers


@dataclass(slots=True)  # a million of them in a big analysis
class Item:
    themes: list[tuple[int, float]]  # fine theme keys with confidence
    sentiment: str
    sentiment_score: float
    personal_data: list[str]
    redacted: str
    campaign: int | None = None  # index into Analysis.campaigns
    no_answer: bool = False


@dataclass
class Analysis:
    embedder: Embedder
    sentiment_model: SentimentModel
    themes: list[Theme]
    items: list[Item]
    campaigns: list[list[int]]
    names: pii.NameList | None = None
    framework: FrameworkModel | None = None
    framework_embedder: Embedder | None = None  # when tuned to the framework
    chosen_k: int = 0
    vectors: np.ndarray | None = None  # one unit row per text, for callers that store them
    tuned_sentiment: TunedSentiment | None = None  # scores sentiment instead, when given

    @property
    def broad(self) -> list[Theme]:
        return [t for t in self.themes if t.level == "broad"]

    @property
    def fine(self) -> list[Theme]:
        return [t for t in self.themes if t.level == "fine"]

    @property
    def outlier_share(self) -> float:
        if not self.items:
            return 0.0
        return sum(1 for i in self.items if not i.themes and not i.no_answer) / len(self.items)

    def assign_new(self, text: str) -> Item:
        """Themes, sentiment and personal data for one new comment, against this analysis."""
        vector = self.embedder.encode([text])
        return self.assign_vectors([text], vector)[0]

    def assign_vectors(
        self, texts: Sequence[str], vectors: np.ndarray, stances: Sequence[str | None] | None = None
    ) -> list[Item]:
        """Themes, sentiment and personal data for new comments. Where the themes were found
        apart for each side of a paired closed answer (``stances``), a comment with a side
        is given only that side's themes."""
        if self.tuned_sentiment is not None:
            labels, scores = self.tuned_sentiment.predict(list(texts))
        else:
            labels, scores = self.sentiment_model.predict_vectors(vectors, texts)
        fine = [t for t in self.fine if t.centroid is not None and not t.special]
        no_answer_theme = next((t.key for t in self.fine if t.special == "no_answer"), None)
        if self.framework is not None:
            coded = self.framework_embedder.encode(texts) if self.framework_embedder else vectors
            mapped = self.framework.predict(texts, coded)
        else:
            mapped = _nearest(vectors, fine)
            by_side = _themes_by_side(fine)
            rows_of: dict[str, list[int]] = {}
            for i, stance in enumerate(stances or ()):
                if (side := _side(stance)) in by_side:
                    rows_of.setdefault(side, []).append(i)
            for side, rows in rows_of.items():  # one pass over each side's themes
                for i, found in zip(rows, _nearest(vectors[rows], by_side[side]), strict=True):
                    mapped[i] = found
        out = []
        for i, text in enumerate(texts):
            silent = is_non_answer(text)
            personal_data, redacted = pii.scan(text, self.names)
            chosen = (
                [(no_answer_theme, 1.0)]
                if silent and no_answer_theme is not None
                else ([] if silent else mapped[i])
            )
            out.append(
                Item(
                    themes=[(k, c) for k, c in chosen if k is not None],
                    sentiment=labels[i],
                    sentiment_score=float(scores[i]),
                    personal_data=personal_data,
                    redacted=redacted,
                    no_answer=silent,
                )
            )
        return out


def _nearest(
    vectors: np.ndarray, fine: Sequence[Theme], *, temperature: float = 0.05
) -> list[list[tuple[int, float]]]:
    """Each row's nearest theme with its softmax confidence, and the second nearest too
    when it is close (confidence 0.35 and cosine 0.45 at least); in blocks of rows, so a
    million rows never need a million-by-themes matrix of each kind at once."""
    if not fine or len(vectors) == 0:
        return [[] for _ in range(len(vectors))]
    centroids = np.stack([t.centroid for t in fine if t.centroid is not None])
    keys = [t.key for t in fine]
    out: list[list[tuple[int, float]]] = []
    for start in range(0, len(vectors), 65536):
        similarity = vectors[start : start + 65536] @ centroids.T
        logits = (similarity - similarity.max(axis=1, keepdims=True)) / temperature
        probabilities = np.exp(logits)
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        rows = np.arange(len(similarity))
        first = probabilities.argmax(axis=1)
        first_p = probabilities[rows, first]
        if len(fine) > 1:
            probabilities[rows, first] = -1.0
            second = probabilities.argmax(axis=1)
            second_p = probabilities[rows, second]
            also = (second_p >= 0.35) & (similarity[rows, second] >= 0.45)
        else:
            second, second_p, also = first, first_p, np.zeros(len(rows), dtype=bool)
        for f, fp, s_, sp, both in zip(
            first.tolist(), first_p.tolist(), second.tolist(), second_p.tolist(), also.tolist(), strict=True
        ):
            out.append([(keys[f], fp), (keys[s_], sp)] if both else [(keys[f], fp)])
    return out


def _campaigns(texts: list[str], min_words: int) -> tuple[list[list[int]], np.ndarray, np.ndarray]:
    """The campaigns (groups of copied texts), each row's campaign (-1 for none), and each
    row's weight: a campaign counts once, one weight shared among its members."""
    n = len(texts)
    groups = campaigns_.find_groups(texts, min_words=min_words)
    campaign_of = np.full(n, -1)
    for g, members in enumerate(groups):
        campaign_of[members] = g
    weight = np.ones(n)
    for members in groups:
        weight[members] = 1.0 / len(members)
    return groups, campaign_of, weight


# A paired closed answer's degree words, so that "Strongly agree" and "Agree" are one side.
_DEGREE = re.compile(r"^(?:strongly|somewhat|slightly|mostly|partly|partially|tend to|completely)\s+")
SIDE_LEAST = 10  # responses a side needs to have its own themes


def _side(stance: str | None) -> str:
    return _DEGREE.sub("", stance.strip().casefold()) if stance and stance.strip() else ""


def _themes_by_side(fine: Sequence[Theme]) -> dict[str, list[Theme]]:
    """The themes of each side, where every theme's responses are on one side and there are
    two sides or more (themes found apart for each side: ``stance_sides``); else nothing."""
    totals: Counter[str] = Counter()
    for theme in fine:
        for stance, count in theme.stance.items():
            totals[_side(stance)] += count
    # A rare answer's responses were given their nearest theme, on whichever side it is.
    major = {side for side, count in totals.items() if side and count >= SIDE_LEAST}
    by_side: dict[str, list[Theme]] = {}
    for theme in fine:
        sides = {_side(s) for s in theme.stance} & major
        if len(sides) > 1:
            return {}
        if sides:
            by_side.setdefault(sides.pop(), []).append(theme)
    return by_side if len(by_side) >= 2 else {}


def stance_sides(stances: Sequence[str | None], answered: np.ndarray, least: int) -> np.ndarray | None:
    """Each row's side of a paired closed answer (an index; -1 for none or a rare one),
    where at least two sides have ``least`` answered responses each; else None.

    People on either side of a proposal give different reasons, and an analyst wants them
    apart: "a ban would protect children" and "a ban would cost grassroots sport" are two
    themes, not one "gambling adverts" theme holding both (benchmarks/stance.py: on the
    gambling consultation's labelled positions, the themes found in each side hold the stance
    of the arguments they match about twice as closely)."""
    keys = [_side(s) for s in stances]
    counts = Counter(keys[row] for row in answered.tolist() if keys[row])
    sides = sorted(key for key, count in counts.items() if count >= least)
    if len(sides) < 2:
        return None
    index = {key: i for i, key in enumerate(sides)}
    return np.array([index.get(key, -1) for key in keys])


def _unlabelled(key: int, level: str, centroid: np.ndarray, parent: int | None = None) -> Theme:
    """A theme as clustering finds it: labels, descriptions and counts come later."""
    return Theme(
        key=key, level=level, label="", description="", keyphrases=[], centroid=centroid, parent=parent
    )


def _themes_discover(
    vectors: np.ndarray,
    answered: np.ndarray,
    *,
    min_size: int | None,
    most: int,
    broad: int | None,
    k: int | None,
    seed: int,
    sides: np.ndarray | None = None,
) -> tuple[list[Theme], list[list[tuple[int, float]]], int]:
    """Themes found in the answered texts (broad ones, then fine ones under them), each
    row's themes with confidences (its own cluster's first), and the number of clusters chosen.

    With ``sides`` (``stance_sides``), each side's responses are clustered apart, and the
    rows on no side (no answer, or a rare one) are clustered together when there are enough
    of them, else given their nearest theme."""
    n = len(vectors)
    groups: list[np.ndarray] = [answered]
    nearest_only = np.zeros(n, dtype=bool)  # rows given their nearest theme, not clustered
    if sides is not None:
        groups = [answered[sides[answered] == side] for side in range(int(sides.max()) + 1)]
        rest = answered[sides[answered] < 0]
        if len(rest) >= SIDE_LEAST:
            groups.append(rest)
        else:
            nearest_only[rest] = True
    clusterings = [
        themes.discover(
            vectors if len(rows) == n else vectors[rows],
            min_size=min_size,
            most=most,
            broad=broad,
            k=k,
            seed=seed,
        )
        for rows in groups
    ]
    theme_list: list[Theme] = []
    fine_labels = np.full(n, -1)
    broad_offset = 0
    parents: list[int] = []
    fine_centroids: list[np.ndarray] = []
    fine_group: list[int] = []  # the side each fine theme was found in
    for group, (rows, clustering) in enumerate(zip(groups, clusterings, strict=True)):
        labels = clustering.labels.copy()
        labels[labels >= 0] += len(fine_centroids)
        fine_labels[rows] = labels
        theme_list += [
            _unlabelled(broad_offset + b + 1, "broad", centroid)
            for b, centroid in enumerate(clustering.broad_centroids)
        ]
        fine_centroids += list(clustering.centroids)
        fine_group += [group] * len(clustering.centroids)
        parents += [broad_offset + int(p) + 1 for p in clustering.parents]
        broad_offset += len(clustering.broad_centroids)
    theme_list += [
        _unlabelled(broad_offset + f + 1, "fine", centroid, parent=parents[f])
        for f, centroid in enumerate(fine_centroids)
    ]
    fine = [t for t in theme_list if t.level == "fine"]
    group_of = {t.key: g for t, g in zip(fine, fine_group, strict=True)}
    mapped = _nearest(vectors, fine)
    assignment: list[list[tuple[int, float]]] = [[] for _ in range(n)]
    for row in answered.tolist():
        if fine_labels[row] >= 0:
            primary = fine[fine_labels[row]].key
        elif nearest_only[row] and mapped[row]:
            primary = mapped[row][0][0]  # on no side, too few to cluster: the nearest theme
        else:
            continue
        # A second theme only from the same side: a theme keeps the stance of its side.
        others = [(k_, c) for k_, c in mapped[row] if k_ != primary and group_of[k_] == group_of[primary]]
        confidence = next((c for k_, c in mapped[row] if k_ == primary), 0.5)
        assignment[row] = [(primary, confidence), *others]
    return theme_list, assignment, sum(c.chosen_k for c in clusterings)


def analyse(
    texts: Sequence[str],
    *,
    embedder: Embedder,
    framework: Sequence[CodedTheme] | None = None,
    names: Sequence[str] | pii.NameList = (),
    stances: Sequence[str | None] | None = None,
    sentiment_examples: Sequence[tuple[str, str]] = (),
    tuned_sentiment: TunedSentiment | None = None,
    tune_framework: bool = False,
    min_size: int | None = None,
    most_themes: int = 100,
    broad_themes: int | None = None,
    k: int | None = None,
    campaign_min_words: int = 8,
    progress: Progress | None = None,
    seed: int = 0,
) -> Analysis:
    """Analyse a list of free-text responses. ``stances`` (optional, one per text) is the
    closed answer paired with the text, such as "Agree" or "Disagree". ``tuned_sentiment``
    (from ``tuning.tune_sentiment``) scores sentiment instead of the seed-trained model;
    ``tune_framework`` fine-tunes MiniLM on the framework's examples before coding to it
    (a minute or two on a CPU; worth it in accurate mode)."""

    def step(stage: str, fraction: float) -> None:
        if progress:
            progress(stage, fraction)

    texts = [t if isinstance(t, str) else "" for t in texts]
    n = len(texts)
    step("Reading the responses", 0.02)
    # Each distinct text is embedded, scored and searched once: copy-paste campaigns and
    # repeated short answers are common.
    distinct: dict[str, int] = {}
    row_of = np.fromiter((distinct.setdefault(t, len(distinct)) for t in texts), np.int64, n)
    unique_texts = list(distinct)
    del distinct
    silent = np.array([is_non_answer(t) for t in unique_texts], dtype=bool)[row_of]
    step("Embedding", 0.05)
    unique_vectors = _batched(embedder, unique_texts, lambda f: step("Embedding", 0.05 + 0.45 * f))
    # Every text distinct (the rows in order): no copy of a million rows.
    vectors = unique_vectors if len(unique_texts) == n else unique_vectors[row_of]
    step("Finding campaigns and copied responses", 0.5)
    groups, campaign_of, weight = _campaigns(texts, campaign_min_words)
    step("Scoring sentiment", 0.55)
    # Kept with the result to score responses that arrive later.
    sentiment_model = SentimentModel(embedder, sentiment_examples)
    if tuned_sentiment is not None:
        unique_labels, unique_scores = tuned_sentiment.predict(unique_texts)
    else:
        unique_labels, unique_scores = sentiment_model.predict_vectors(unique_vectors, unique_texts)
    labels = [unique_labels[i] for i in row_of]
    scores = unique_scores[row_of] if n else unique_scores
    step("Checking for personal data", 0.6)
    name_list = names if isinstance(names, pii.NameList) else pii.NameList(names) if names else None
    found = [pii.scan(t, name_list) for t in unique_texts]
    theme_list: list[Theme] = []
    framework_model: FrameworkModel | None = None
    framework_embedder: Embedder | None = None
    answered = np.where(~silent)[0]
    chosen_k = 0
    coded_no_answer: int | None = None  # the framework's own theme for non-answers, if any
    if framework:
        step("Coding to the framework", 0.65)
        themes_in = list(framework)
        coded_no_answer = non_answer_code(themes_in, is_non_answer)
        example_texts = [
            text for t in themes_in for text in [f"{t.name}. {t.description}".strip(), *t.examples]
        ]
        coding_vectors = vectors
        if tune_framework:
            step("Learning the framework's themes", 0.62)
            labelled = [
                (text, i)
                for i, t in enumerate(themes_in)
                for text in [f"{t.name}. {t.description}".strip(), *t.examples]
            ]
            framework_embedder = tuning.tune_for_framework(labelled, seed=seed)
            tuned_vectors = framework_embedder.encode([texts[i] for i in answered])
            coding_vectors = np.zeros((n, tuned_vectors.shape[1]), dtype=np.float32)
            coding_vectors[answered] = tuned_vectors
            step("Coding to the framework", 0.65)
        framework_model = FrameworkModel(
            themes_in,
            example_vectors=(framework_embedder or embedder).encode(example_texts),
            corpus=[texts[i] for i in answered],
            corpus_vectors=coding_vectors[answered],
        )
        mapped = framework_model.predict([texts[i] for i in answered], coding_vectors[answered])
        assignment: list[list[tuple[int, float]]] = [[] for _ in range(n)]
        for row, picked in zip(answered, mapped, strict=True):
            assignment[row] = [(i + 1, c) for i, c in picked]
        for i, t in enumerate(themes_in):
            theme_list.append(
                Theme(
                    key=i + 1,
                    level="fine",
                    label=t.name,
                    description=t.description,
                    keyphrases=[],
                    special="no_answer" if i == coded_no_answer else "",
                )
            )
        framework_model.predict = _shifted(framework_model.predict)  # type: ignore[method-assign,no-untyped-call]
    else:
        step("Finding themes", 0.65)
        # The sides of a paired closed answer are clustered apart, unless the analyst fixed
        # the number of themes.
        sides = stance_sides(stances, answered, SIDE_LEAST) if stances is not None and not k else None
        theme_list, assignment, chosen_k = _themes_discover(
            vectors,
            answered,
            min_size=min_size,
            most=most_themes,
            broad=broad_themes,
            k=k,
            seed=seed,
            sides=sides,
        )
    if silent.any():
        no_answer_key = coded_no_answer + 1 if coded_no_answer is not None else _no_answer_themes(theme_list)
        for row in np.where(silent)[0]:
            assignment[row] = [(no_answer_key, 1.0)]
    step("Labelling themes", 0.8)
    items = [
        Item(
            themes=assignment[i],
            sentiment=labels[i],
            sentiment_score=float(scores[i]),
            personal_data=list(found[row_of[i]][0]),
            redacted=found[row_of[i]][1],
            campaign=int(campaign_of[i]) if campaign_of[i] >= 0 else None,
            no_answer=bool(silent[i]),
        )
        for i in range(n)
    ]
    del found
    _describe(theme_list, items, texts, vectors, weight, stances, embedder=embedder, labelled=not framework)
    step("Done", 1.0)
    return Analysis(
        embedder=embedder,
        sentiment_model=sentiment_model,
        themes=theme_list,
        items=items,
        campaigns=groups,
        names=name_list,
        framework=framework_model,
        framework_embedder=framework_embedder,
        chosen_k=chosen_k,
        vectors=vectors,
        tuned_sentiment=tuned_sentiment,
    )


def _no_answer_themes(theme_list: list[Theme]) -> int:
    """Add Chorus's own "No answer given" theme (broad and fine); returns the fine one's key."""
    key = max((t.key for t in theme_list), default=0) + 1
    description = "Responses that gave no answer in words, such as 'N/A' or 'Nothing'."
    theme_list.append(
        Theme(
            key=key,
            level="broad",
            label=NO_ANSWER_LABEL,
            description=description,
            keyphrases=[],
            special="no_answer",
        )
    )
    theme_list.append(
        Theme(
            key=key + 1,
            level="fine",
            label=NO_ANSWER_LABEL,
            description=description,
            keyphrases=[],
            parent=key,
            special="no_answer",
        )
    )
    return key + 1


def _shifted(predict):  # type: ignore[no-untyped-def]
    """Framework classes are 0-based; theme keys are 1-based."""

    def wrapped(texts, vectors, **kwargs):  # type: ignore[no-untyped-def]
        return [[(i + 1, c) for i, c in row] for row in predict(texts, vectors, **kwargs)]

    return wrapped


def _batched(
    embedder: Embedder, texts: list[str], progress: Callable[[float], None], size: int = 4096
) -> np.ndarray:
    parts = []
    for start in range(0, len(texts), size):
        parts.append(embedder.encode(texts[start : start + size]))
        progress(min(1.0, (start + size) / max(1, len(texts))))
    if not parts:
        return np.zeros((0, 1), np.float32)
    return np.vstack(parts)


def _members(theme_list: list[Theme], items: list[Item]) -> dict[int, list[int]]:
    """The rows in each theme, by key: a row in a fine theme is in its broad parent too."""
    by_key = {t.key: t for t in theme_list}
    members: dict[int, list[int]] = {t.key: [] for t in theme_list}
    for row, item in enumerate(items):
        for key, _ in item.themes:
            members[key].append(row)
            parent = by_key[key].parent
            if parent is not None and row not in members[parent][-1:]:
                members[parent].append(row)
    return members


def _quotes_pick(theme: Theme, rows: list[int], texts: Sequence[str], vectors: np.ndarray) -> None:
    """Up to three different texts of at least three words, closest to the theme's centre."""
    if theme.centroid is None:
        total = sum(
            (vectors[rows[i : i + 65536]].sum(axis=0, dtype=np.float64) for i in range(0, len(rows), 65536)),
            np.zeros(vectors.shape[1]),
        )
        theme.centroid = _unit(total / len(rows))[0]
    # In blocks: a broad theme can hold most of a million rows.
    closeness = np.concatenate(
        [vectors[rows[i : i + 65536]] @ theme.centroid for i in range(0, len(rows), 65536)]
    )
    seen: set[str] = set()
    for j in np.argsort(-closeness):
        norm = campaigns_.normalise(texts[rows[j]])
        if norm in seen or len(norm.split()) < 3:
            continue
        seen.add(norm)
        theme.quotes.append(rows[j])
        if len(theme.quotes) == 3:
            break


def _describe(
    theme_list: list[Theme],
    items: list[Item],
    texts: Sequence[str],
    vectors: np.ndarray,
    weight: np.ndarray,
    stances: Sequence[str | None] | None,
    *,
    embedder: Embedder,
    labelled: bool,
) -> None:
    """Sizes, shares, sentiment and stance mixes, quotes, and (for discovered themes) labels."""
    members = _members(theme_list, items)
    total = float(weight.sum()) or 1.0
    for theme in theme_list:
        rows = members[theme.key]
        theme.size = len(rows)
        theme.counted = round(float(weight[rows].sum())) if rows else 0
        theme.share = float(weight[rows].sum()) / total if rows else 0.0
        theme.sentiment = dict(Counter(items[r].sentiment for r in rows))
        if stances is not None:
            theme.stance = dict(Counter(s for r in rows if (s := stances[r])))
        if rows:
            _quotes_pick(theme, rows, texts, vectors)
    if not labelled:
        return
    # Labels come from the redacted responses: a name the personal-data search found
    # never becomes a theme's label.
    redacted = [item.redacted for item in items]
    parsed: dict[int, labels_.ParsedText] = {}  # a broad theme's responses are its fine themes'
    for level in ("fine", "broad"):
        group = [t for t in theme_list if t.level == level and not t.special]
        if not group:
            continue
        assigned = np.full(len(texts), -1)
        for g, theme in enumerate(group):
            assigned[members[theme.key]] = g
        phrases = keyphrases.class_phrases(texts, assigned, len(group))
        named = labels_.theme_labels(
            redacted,
            [members[theme.key] for theme in group],
            np.stack([theme.centroid for theme in group if theme.centroid is not None])
            if all(theme.centroid is not None for theme in group)
            else None,
            vectors,
            embedder,
            keyphrases=phrases,
            parsed=parsed,
        )
        for theme, found, made in zip(group, phrases, named, strict=True):
            theme.keyphrases = found
            theme.label = made.label
            total_mix = sum(theme.sentiment.values()) or 1
            theme.description = labels_.describe(
                made.label, made.phrases, {k: v / total_mix for k, v in theme.sentiment.items()}
            )
