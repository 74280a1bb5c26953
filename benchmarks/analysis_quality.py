"""How well Chorus's text analysis agrees with people, beside BERTopic on the same rows.

Data from outside the project (../shared/data/feedback, see its README): every labelled
set there (NHS v6 per trust, Banking77, HWU64, StackOverflow titles, GoogleNews stories,
CFPB complaints' products and issues, the gambling consultation), TweetEval and the
review sentences (sentiment only; TweetEval is never trained on).

Measures, each printed as a table and appended to docs/benchmarks.md:
1. Theme discovery on every labelled set, the number of themes chosen automatically:
   adjusted mutual information (AMI) and NMI against the human labels, outliers as one
   more cluster, the share of "other", and what the themes' shares add up to (a response
   that makes two points can have two themes, so above 100% by the share of those; each
   response's first theme alone adds up to 100%); Chorus in fast and accurate mode and
   BERTopic's default pipeline on the same MiniLM vectors, in the same run. The way themes
   are found was chosen leave one set out by benchmarks/discovery_grid.py, which draws the
   same samples (at most 3,000 rows a set).
2. Labels: the MiniLM cosine between each theme's label and the name of the human
   category that holds most of its responses, weighted by theme size, Chorus beside
   BERTopic's topic names (benchmarks/theme_labels.py has the longer comparison), and the
   share of Chorus labels that break the issue's rules.
3. Coding to the human framework with 20 example responses per theme (and 5 on NHS):
   macro and micro F1 (themes with at least k + 5 rows; examples not scored), nearest
   centroid beside it, on NHS (the issue's rows, non-answers labelled "Labelling not
   possible"), Banking77 and HWU64.
4. Sentiment on NHS v6 (positive 1-2, neutral 3, negative 4-5; per trust), TweetEval
   and the review sentences (two-way): macro F1 and accuracy of the shipped recipe
   trained without the set it scores (leave one set out), of the seed examples alone (the
   model before #23), and with the other trust's labels as analysts' corrections on NHS;
   VADER beside it. ``sentiment_f1_min`` is the lowest macro F1 over the three-way sets.
5. Campaigns and personal data injected into real comments: precision and recall.

Ends with ``RESULT sets=N ami_min_margin=X ami_mean_margin=Y outliers_max=Z
label_similarity=S label_bertopic=B label_rule_breaks=R sentiment_f1_min=F
framework_f1_k20_mean=G`` (the issue's keys; margins are Chorus accurate minus BERTopic;
a --quick run keeps the keys, on three sets in fast mode).

    python benchmarks/analysis_quality.py [--quick] [--data PATH] [--no-bertopic] [--rows N]
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from _common import SHARED_DATA, record, table
from _feedback import Row, nhs, nhs_single

from chorus.analysis.engine import analyse, embedder_for, pii
from chorus.analysis.engine import campaigns as campaigns_
from chorus.analysis.engine.framework import CodedTheme
from chorus.analysis.engine.sentiment import SentimentModel

PACKAGES = ("sentence-transformers", "model2vec", "scikit-learn", "torch", "bertopic", "vadersentiment")


def _ami(truth: Sequence[str], labels: Sequence[int]) -> tuple[float, float]:
    from sklearn.metrics import adjusted_mutual_info_score, normalized_mutual_info_score

    return float(adjusted_mutual_info_score(truth, labels)), float(
        normalized_mutual_info_score(truth, labels)
    )


class _Stored:
    """An embedder that reads the texts' vectors from the discovery grid's cache, so each
    set is embedded with MiniLM once for Chorus accurate, BERTopic and the label judge."""

    def __init__(self, inner: object, texts: list[str], vectors: np.ndarray) -> None:
        self.inner = inner
        self.known = dict(zip(texts, vectors, strict=True))
        self.name = getattr(inner, "name", "accurate")
        self.dimensions = vectors.shape[1]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        missing = [t for t in texts if t not in self.known]
        if missing:
            for text, vector in zip(missing, self.inner.encode(missing), strict=True):  # type: ignore[attr-defined]
                self.known[text] = vector
        return np.stack([self.known[t] for t in texts]).astype(np.float32)

    def __getattr__(self, attr: str) -> object:
        return getattr(self.inner, attr)


def _human_name(set_name: str, label: str, folder: Path) -> str | None:
    """The human category's name as words, for the label measure (None where a set's labels
    are not names: GoogleNews stories are numbered)."""
    if set_name.startswith("GoogleNews"):
        return None
    if set_name.startswith("Gambling"):
        part, topic = label.split(":", 1)
        themes = json.loads((folder / "gambling_consultation" / part / "themes.json").read_text())
        return next((t["topic_label"] for t in themes if t["topic_id"] == topic), None)
    return label.replace("_", " ").strip()


def discovery(
    name: str,
    texts: list[str],
    truth: list[str],
    modes: Sequence[str],
    bertopic_limit: float | None,
    folder: Path,
) -> tuple[list[list[object]], dict[str, object]]:
    """Chorus in each mode and BERTopic's default pipeline on one labelled set: the table's
    rows, and the figures the RESULT line is made of (AMI by method, outliers, labels)."""
    from discovery_grid import vectors_for
    from theme_labels import _matched, _similarity, _words
    from theme_labels import bertopic as bertopic_named

    from chorus.analysis.engine.labels import label_breaks_rules

    rows: list[list[object]] = []
    figures: dict[str, object] = {"set": name}
    minilm = vectors_for(name, texts)
    judge = embedder_for("accurate")
    human = {t: _human_name(name, t, folder) for t in set(truth)}
    named = [human[t] or "" for t in truth]
    for mode in modes:
        embedder = embedder_for(mode)
        embedder.encode(["warm up"])
        if mode == "accurate":
            embedder = _Stored(embedder, texts, minilm)  # type: ignore[assignment]
        started = time.perf_counter()
        result = analyse(texts, embedder=embedder)
        seconds = time.perf_counter() - started
        fine_index = {t.key: i for i, t in enumerate(result.fine)}
        parent_of = {t.key: t.parent for t in result.fine}
        fine = [fine_index[item.themes[0][0]] if item.themes else -1 for item in result.items]
        broad = [(parent_of[item.themes[0][0]] or -1) if item.themes else -1 for item in result.items]
        ami, nmi = _ami(truth, fine)
        broad_ami, _ = _ami(truth, broad)
        # A response that makes two points can have two themes: the shares then add up to
        # more than 100%, by the share of responses with two (each one's first theme: 100%).
        shares = sum(t.share for t in result.fine) + result.outlier_share
        two = sum(1 for item in result.items if len(item.themes) > 1) / max(1, len(result.items))
        figures[f"ami_{mode}"] = ami
        figures[f"other_{mode}"] = result.outlier_share
        if all(human.values()):
            labelled = [t for t in result.fine if not t.special]
            index = {t.key: i for i, t in enumerate(labelled)}
            groups = [index.get(item.themes[0][0], -1) if item.themes else -1 for item in result.items]
            pairs = [
                (labelled[g].label, truth_name, size)
                for g, (truth_name, size) in _matched(groups, named).items()
            ]
            figures[f"label_{mode}"] = _similarity(judge, pairs)
            figures[f"breaks_{mode}"] = (sum(bool(label_breaks_rules(p[0])) for p in pairs), len(pairs))
        rows.append(
            [
                name,
                f"Chorus {mode}",
                len(texts),
                len(set(truth)),
                f"{len(result.fine)} fine / {len(result.broad)} broad",
                f"{ami:.3f}",
                f"{nmi:.3f}",
                f"{broad_ami:.3f}",
                f"{result.outlier_share:.1%}",
                f"{shares:.0%} ({two:.0%} in two themes)",
                f"{seconds:.1f}",
            ]
        )
        print(rows[-1], flush=True)
    if bertopic_limit:
        started = time.perf_counter()
        found = bertopic_named(texts, minilm, bertopic_limit)
        seconds = time.perf_counter() - started
        if found is not None:
            topics, names = found
            ami, nmi = _ami(truth, topics)
            other = sum(1 for t in topics if t == -1) / len(topics)
            figures["ami_bertopic"] = ami
            if all(human.values()):
                picked = _matched(topics, named)
                pairs = [(_words(names[t]), n, size) for t, (n, size) in picked.items() if t in names]
                figures["label_bertopic"] = _similarity(judge, pairs)
            scores = [f"{ami:.3f}", f"{nmi:.3f}", "-", f"{other:.1%}", "100% (one topic each)"]
            count = str(len(set(topics) - {-1}))
        else:
            scores, count = ["-"] * 5, f"stopped after {bertopic_limit:.0f} s"
        rows.append([name, "BERTopic default", len(texts), len(set(truth)), count, *scores, f"{seconds:.1f}"])
        print(rows[-1], flush=True)
    return rows, figures


def _f1(truth: Sequence[str], predicted: Sequence[str]) -> tuple[float, float]:
    from sklearn.metrics import f1_score

    return (
        float(f1_score(truth, predicted, average="macro", zero_division=0)),
        float(f1_score(truth, predicted, average="micro", zero_division=0)),
    )


def framework(
    data: str, rows: list, modes: Sequence[str], ks: Sequence[int], repeats: int
) -> list[list[object]]:
    texts = [r.text for r in rows]
    truth = [r.themes[0] for r in rows]
    out: list[list[object]] = []
    for mode in modes:
        embedder = embedder_for(mode)
        vectors = embedder.encode(texts)
        for k in ks:
            kept = sorted(t for t in set(truth) if truth.count(t) >= k + 5)
            if not kept:
                continue
            scores: dict[str, list[tuple[float, float]]] = {"Chorus framework": [], "nearest centroid": []}
            for repeat in range(repeats):
                rng = random.Random(repeat)
                examples = {t: rng.sample([i for i, y in enumerate(truth) if y == t], k) for t in kept}
                used = {i for picked in examples.values() for i in picked}
                test = [i for i, y in enumerate(truth) if y in examples and i not in used]
                coded = [CodedTheme(name=t, examples=[texts[i] for i in examples[t]]) for t in kept]
                result = analyse(
                    [texts[i] for i in test],
                    embedder=embedder,
                    framework=coded,
                    tune_framework=mode == "accurate",
                )
                # Keys past the framework's are Chorus's own "No answer given" bucket: no theme.
                predicted = [
                    kept[item.themes[0][0] - 1] if item.themes and item.themes[0][0] <= len(kept) else ""
                    for item in result.items
                ]
                scores["Chorus framework"].append(_f1([truth[i] for i in test], predicted))
                centroids = np.stack([vectors[examples[t]].mean(axis=0) for t in kept])
                centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)  # cosine, as the issue's figure
                nearest = (vectors[test] @ centroids.T).argmax(axis=1)
                scores["nearest centroid"].append(_f1([truth[i] for i in test], [kept[j] for j in nearest]))
            for method, found in scores.items():
                macro = float(np.mean([m for m, _ in found]))
                micro = float(np.mean([m for _, m in found]))
                out.append([data, mode, k, len(kept), method, f"{macro:.3f}", f"{micro:.3f}", repeats])
                print(out[-1], flush=True)
    return out


# Sentiment ---------------------------------------------------------------------------

# The three sets scored, and how: NHS v6 three-way per trust, TweetEval three-way, the
# review sentences two-way (positive or negative; no neutral in the data).
SENTIMENT_SETS = ("nhs", "tweets", "reviews")
THREE_WAY_SETS = ("nhs", "tweets")
_SET_NAMES = {"nhs": "NHS v6", "tweets": "TweetEval", "reviews": "review sentences"}


def sentiment(
    folder: Path, modes: Sequence[str], tune: bool, sample: int | None = None
) -> list[list[object]]:
    """Each set scored by the shipped recipe trained without it (leave one set out), beside
    Chorus's seed examples alone (the model before #23) and VADER; on NHS also with the
    other trust's labels as analysts' corrections, and (``tune``) fine-tuned MiniLM."""
    from chorus.analysis.engine import sentiment_training as training

    sets = {
        "nhs": training.nhs(folder),
        "tweets": training.tweets(folder),
        "reviews": training.reviews(folder),
    }
    if sample:
        rng = random.Random(0)
        for s in sets.values():
            keep = sorted(rng.sample(range(len(s.texts)), min(sample, len(s.texts))))
            s.texts, s.labels, s.groups = (
                [getattr(s, a)[i] for i in keep] for a in ("texts", "labels", "groups")
            )
    extras = [training.seed(), training.plain()]
    out: list[list[object]] = []
    if tune:
        out.append(_sentiment_tuned(sets["nhs"]))
    for mode in modes:
        embedder = embedder_for(mode)
        for s in [*sets.values(), *extras]:
            s.vectors = _cached_vectors(embedder, s)
        for name in SENTIMENT_SETS:
            scored = sets[name]
            trained_on = [sets[n] for n in training.SHIPPED_SETS if n != name] + extras
            head = training.train_head(trained_on, embedder)
            model = _model_from_head(embedder, head)
            left_out = "+".join(s.name for s in trained_on)
            out.append(_sentiment_row(mode, scored, f"Chorus, trained on {left_out}", model))
            out.append(
                _sentiment_row(mode, scored, "Chorus seed examples only (before #23)", _seed_only(embedder))
            )
        nhs_set = sets["nhs"]
        per_trust = []
        without_nhs = _model_from_head(embedder, training.train_head([sets["reviews"], *extras], embedder))
        for trust in sorted(set(nhs_set.groups)):
            other = [i for i, g in enumerate(nhs_set.groups) if g != trust]
            mine = [i for i, g in enumerate(nhs_set.groups) if g == trust]
            corrected = _with_corrections(
                without_nhs,
                nhs_set.vectors[other],  # type: ignore[index]
                nhs_set.lexicon[other],  # type: ignore[index]
                [nhs_set.labels[i] for i in other],
            )
            guesses = corrected.predict_vectors(nhs_set.vectors[mine], [nhs_set.texts[i] for i in mine])[0]  # type: ignore[index]
            per_trust.append(_f1([nhs_set.labels[i] for i in mine], guesses)[0])
        out.append(
            [
                mode,
                _SET_NAMES["nhs"],
                "Chorus, no NHS + other trust's labels as corrections",
                len(nhs_set.texts),
                f"{np.mean(per_trust):.3f}",
                "-",
                " / ".join(f"{f:.3f}" for f in per_trust),
            ]
        )
        for row in out[-7:]:
            print(row, flush=True)
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        return out
    vader = SentimentIntensityAnalyzer()
    for name in SENTIMENT_SETS:
        scored = sets[name]
        compounds = [vader.polarity_scores(text)["compound"] for text in scored.texts]
        three = ["positive" if c >= 0.05 else "negative" if c <= -0.05 else "neutral" for c in compounds]
        two = ["positive" if c >= 0 else "negative" for c in compounds]
        out.append(_scored_row("-", scored, "VADER", three, two))
    return out


def sentiment_f1_min(
    scored: list[list[object]], mode: str = "accurate", method: str = "Chorus, trained on"
) -> float:
    """The lowest macro F1 over the three-way sets, for the rows whose method starts with
    ``method`` (``"VADER"`` with ``mode="-"`` for VADER's)."""
    found = [
        float(str(r[4]))
        for r in scored
        if r[0] == mode and str(r[2]).startswith(method) and r[1] in {_SET_NAMES[n] for n in THREE_WAY_SETS}
    ]
    return min(found, default=float("nan"))


def _sentiment_row(mode: str, scored: object, method: str, model: SentimentModel) -> list[object]:
    probabilities = model.probabilities(scored.vectors, scored.texts)  # type: ignore[attr-defined]
    three = [model.classes[i] for i in probabilities.argmax(axis=1)]
    pos, neg = model.classes.index("positive"), model.classes.index("negative")
    two = ["positive" if p[pos] >= p[neg] else "negative" for p in probabilities]
    return _scored_row(mode, scored, method, three, two)


def _scored_row(mode: str, scored: object, method: str, three: list[str], two: list[str]) -> list[object]:
    """Macro F1 (three-way sets: mean over the trusts for NHS) and accuracy; the review
    sentences, which have no neutral, are scored two-way, the three-way accuracy beside it."""
    name, labels, groups = scored.name, scored.labels, scored.groups  # type: ignore[attr-defined]
    accuracy = float(np.mean([a == b for a, b in zip(labels, three, strict=True)]))
    if name == "reviews":
        two_way = float(np.mean([a == b for a, b in zip(labels, two, strict=True)]))
        return [
            mode,
            _SET_NAMES[name],
            method,
            len(labels),
            f"{_f1(labels, two)[0]:.3f}",
            f"{two_way:.3f}",
            f"three-way accuracy {accuracy:.3f}",
        ]
    if name == "nhs":
        parts = []
        for trust in sorted(set(groups)):
            rows = [i for i, g in enumerate(groups) if g == trust]
            parts.append(_f1([labels[i] for i in rows], [three[i] for i in rows])[0])
        return [
            mode,
            _SET_NAMES[name],
            method,
            len(labels),
            f"{np.mean(parts):.3f}",
            f"{accuracy:.3f}",
            " / ".join(f"{f:.3f}" for f in parts),
        ]
    return [
        mode,
        _SET_NAMES[name],
        method,
        len(labels),
        f"{_f1(labels, three)[0]:.3f}",
        f"{accuracy:.3f}",
        "-",
    ]


def _model_from_head(embedder: object, head: dict[str, object]) -> SentimentModel:
    """A SentimentModel with this head's weights, without touching the shipped file."""
    model = SentimentModel.__new__(SentimentModel)
    model.embedder = embedder  # type: ignore[assignment]
    model.classes = list(head["classes"])  # type: ignore[call-overload]
    model.coef = np.asarray(head["coef"], dtype=np.float64)
    model.intercept = np.asarray(head["intercept"], dtype=np.float64)
    model.lexicon_mean = np.asarray(head["lexicon_mean"], dtype=np.float32)
    model.source = "shipped"
    return model


def _with_corrections(
    model: SentimentModel, vectors: np.ndarray, lexicon: np.ndarray, labels: list[str]
) -> SentimentModel:
    from chorus.analysis.engine import sentiment as sentiment_

    corrected = _model_from_head(
        model.embedder,
        {
            "classes": model.classes,
            "coef": model.coef,
            "intercept": model.intercept,
            "lexicon_mean": model.lexicon_mean,
        },
    )
    corrected.coef, corrected.intercept = sentiment_.fit(
        sentiment_.features(vectors, lexicon),
        labels,
        np.full(len(labels), sentiment_.CORRECTION_WEIGHT),
        c=1.0 / sentiment_.PRIOR_STRENGTH,
        prior=(model.coef, model.intercept),
    )
    return corrected


def _seed_only(embedder: object) -> SentimentModel:
    """The model as it was before #23: the seed examples, embeddings only, no lexicon."""
    from sklearn.linear_model import LogisticRegression

    from chorus.analysis.engine.sentiment import seed_examples

    texts, labels = seed_examples()
    fitted = LogisticRegression(C=2.0, max_iter=2000, class_weight="balanced")
    fitted.fit(embedder.encode(texts), labels)  # type: ignore[attr-defined]
    return _model_from_head(
        embedder,
        {
            "classes": list(fitted.classes_),
            "coef": np.hstack([fitted.coef_, np.zeros((len(fitted.classes_), 4))]),
            "intercept": fitted.intercept_,
            "lexicon_mean": np.zeros(4),
        },
    )


def _cached_vectors(embedder: object, scored: object) -> np.ndarray:
    """Vectors for a set, kept in SENTIMENT_CACHE (a folder) when that is set: TweetEval
    takes minutes to encode with MiniLM on two cores."""
    import hashlib
    import os

    texts = scored.texts  # type: ignore[attr-defined]
    folder = os.environ.get("SENTIMENT_CACHE")
    if not folder:
        return np.asarray(embedder.encode(texts))  # type: ignore[attr-defined]
    key = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
    path = Path(folder) / f"{scored.name}_{embedder.name}_{key}.npy"  # type: ignore[attr-defined]
    if path.exists():
        return np.load(path)
    vectors = np.asarray(embedder.encode(texts))  # type: ignore[attr-defined]
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def _sentiment_tuned(nhs_set: object) -> list[object]:
    """MiniLM fine-tuned on one trust's labels (what an analyst's corrections do on an
    accurate run), scored on the other trust."""
    from chorus.analysis.engine.tuning import tune_sentiment

    texts, labels, groups = nhs_set.texts, nhs_set.labels, nhs_set.groups  # type: ignore[attr-defined]
    found = []
    for trust in sorted(set(groups)):
        began = time.perf_counter()
        tuned = tune_sentiment(
            [(t, lab) for t, lab, g in zip(texts, labels, groups, strict=True) if g != trust]
        )
        print(f"tuned on the other trust in {time.perf_counter() - began:.0f} s", flush=True)
        mine = [i for i, g in enumerate(groups) if g == trust]
        found.append(_f1([labels[i] for i in mine], tuned.predict([texts[i] for i in mine])[0])[0])
    return [
        "accurate",
        _SET_NAMES["nhs"],
        "Chorus, other trust's labels, fine-tuned MiniLM",
        len(texts),
        f"{np.mean(found):.3f}",
        "-",
        " / ".join(f"{f:.3f}" for f in found),
    ]


# Injected campaigns and personal data ---------------------------------------------------

_CAMPAIGNS = [
    "I strongly object to the closure of the local court because victims and witnesses will have to travel much further",
    "Please keep the walk in centre open at weekends as families in our town rely on it when the surgery is closed",
    "The proposed fee increase is unfair to people on low incomes and will stop them getting access to justice",
    "We need more parking at the hospital because patients are missing appointments while driving around looking",
    "Bring back face to face appointments for older people who cannot use the online booking system at all",
    "The consultation period is far too short and the documents are too hard to understand for ordinary residents",
    "Stop the cuts to community nursing now because housebound patients will be left without the care they need",
    "I support the new cycle lanes on the high street but the junction by the school needs a proper crossing",
]
_FIRST = ["Jonathan", "Priya", "Siobhan", "Gareth", "Amara", "Dylan", "Fatima", "Rhys", "Eleanor", "Kwame"]
_LAST = ["Ashworth", "Okonkwo", "Llewellyn", "Harrington", "Nakamura", "Pritchard", "Vasquez", "Kowalczyk"]


def _edit(text: str, rng: random.Random) -> str:
    """A light edit, as campaign senders make: a changed word, a typo, a greeting, a sign-off."""
    words = text.split()
    for _ in range(rng.randint(0, 2)):
        i = rng.randrange(len(words))
        action = rng.random()
        if action < 0.4 and len(words[i]) > 3:
            j = rng.randrange(1, len(words[i]) - 1)
            words[i] = words[i][:j] + words[i][j + 1] + words[i][j] + words[i][j + 2 :]
        elif action < 0.7:
            words[i] = words[i].upper() if rng.random() < 0.3 else words[i]
        else:
            words.insert(i, rng.choice(["really", "very", "also", "simply"]))
    out = " ".join(words)
    if rng.random() < 0.3:
        out = rng.choice(["Dear sir,", "To whom it may concern.", "Hello."]) + " " + out
    if rng.random() < 0.3:
        out += rng.choice([". Thank you.", "!", ". Regards", ". Please listen."])
    return out


def _personal(rng: random.Random) -> tuple[str, str, str]:
    """(kind, value, sentence) with a realistic piece of personal data."""
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    kind = rng.choice(["email", "phone", "postcode", "ni_number", "reference", "name", "titled"])
    if kind == "email":
        value = f"{first.lower()}{rng.choice(['.', '_', ''])}{last.lower()}{rng.randint(1, 99)}@{rng.choice(['gmail.com', 'hotmail.co.uk', 'outlook.com', 'example.org.uk'])}"
        return "email", value, f"Please email me at {value} with an update."
    if kind == "phone":
        value = rng.choice(
            [
                f"07{rng.randint(100, 999)} {rng.randint(100000, 999999)}",
                f"020 {rng.randint(7000, 8999)} {rng.randint(1000, 9999)}",
                f"+44 7{rng.randint(100, 999)} {rng.randint(100, 999)} {rng.randint(100, 999)}",
                f"0161 {rng.randint(200, 999)} {rng.randint(1000, 9999)}",
                f"(01{rng.randint(100, 999)}) {rng.randint(100000, 999999)}",
            ]
        )
        return "phone", value, f"You can call me on {value} any time."
    if kind == "postcode":
        value = rng.choice(
            ["SW1A 1AA", "M1 1AE", "CF10 3NQ", "B33 8TH", "LS6 2DP", "NE1 4ST", "EH1 2NG", "BS8 1TH"]
        )
        return "postcode", value, f"I live at {value} and the bus does not come here."
    if kind == "ni_number":
        value = f"{rng.choice(['AB', 'JK', 'TW', 'NP'])} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.choice('ABCD')}"
        return "ni_number", value, f"My national insurance number is {value}."
    if kind == "reference":
        value = rng.choice(
            [
                f"{rng.randint(1, 9)}AB{rng.randint(10000, 99999)}",
                f"KB-2024-{rng.randint(100000, 999999)}",
                f"MC{rng.randint(100000, 999999)}",
            ]
        )
        return "reference", value, f"My case number is {value}."
    if kind == "name":
        value = f"{first} {last}"
        return "name", value, f"{value} on reception was very rude."
    value = f"{rng.choice(['Dr', 'Mrs', 'Mr', 'Ms'])} {last}"
    return "name", value, f"{value} was brilliant with my dad."


def injected(rows: list, n_hosts: int, seed: int = 7) -> list[list[object]]:
    rng = random.Random(seed)
    base = [r.text for r in rows if len(r.text.split()) >= 3]
    names = [f"{f} {la}" for f in _FIRST for la in _LAST]
    name_list = pii.NameList(names)
    # Comments in which personal data is already found are real personal data (staff
    # names, mostly); they are left out so that the scoring knows the truth.
    clean = [t for t in base if not pii.find(t, name_list)]
    already = len(base) - len(clean)
    rng.shuffle(clean)
    clean = clean[: n_hosts * 2]
    # Campaigns: each template sent 5 to 60 times with light edits, mixed into real comments.
    texts = list(clean)
    truth_group: list[int] = [-1] * len(texts)
    for g, template in enumerate(_CAMPAIGNS):
        for _ in range(rng.randint(5, 60)):
            texts.append(_edit(template, rng))
            truth_group.append(g)
    # Real comments that are identical to another, word for word, are copy-paste too.
    normalised = [campaigns_.normalise(t) for t in texts]
    counts: dict[str, int] = {}
    for norm in normalised:
        counts[norm] = counts.get(norm, 0) + 1
    groups = campaigns_.find_groups(texts)
    predicted = np.zeros(len(texts), bool)
    for members in groups:
        predicted[members] = True
    true = np.array(
        [
            g >= 0 or (counts[n] > 1 and len(n.split()) >= 8)
            for g, n in zip(truth_group, normalised, strict=True)
        ]
    )
    # A group is pure when it holds one campaign only.
    pure = sum(1 for members in groups if len({truth_group[i] for i in members}) == 1)
    c_precision = float((predicted & true).sum() / max(1, predicted.sum()))
    c_recall = float((predicted & true).sum() / max(1, true.sum()))
    # Personal data: half the clean comments get one piece, the other half none.
    hosts = clean[:n_hosts]
    controls = clean[n_hosts:]
    cases: list[tuple[str, str | None, str | None]] = []
    for text in hosts:
        kind, value, sentence = _personal(rng)
        joined = f"{text} {sentence}" if rng.random() < 0.5 else f"{sentence} {text}"
        cases.append((joined, kind, value))
    cases.extend((text, None, None) for text in controls)
    found_kinds = {k: [0, 0, 0] for k in ("email", "phone", "postcode", "ni_number", "reference", "name")}
    tp = fp = fn = 0
    leaks = 0
    for text, kind, value in cases:
        found = pii.find(text, name_list)
        redacted = pii.redact(text, name_list)
        if kind and value:
            hit = any(
                f.kind == kind and f.start <= text.index(value) and f.end >= text.index(value) + len(value)
                for f in found
            )
            tp += hit
            fn += not hit
            found_kinds[kind][0 if hit else 1] += 1
            leaks += value in redacted
        for f in found:
            if not kind or not value or not (f.kind == kind and (value in f.text or f.text in value)):
                fp += 1
                found_kinds.setdefault(f.kind, [0, 0, 0])[2] += 1
    p_precision = tp / max(1, tp + fp)
    p_recall = tp / max(1, tp + fn)
    out: list[list[object]] = [
        [
            "campaigns",
            f"{len(texts)} comments, {sum(1 for g in truth_group if g >= 0)} in {len(_CAMPAIGNS)} campaigns",
            f"{c_precision:.3f}",
            f"{c_recall:.3f}",
            f"{pure}/{len(groups)} groups hold one campaign",
        ],
        [
            "personal data",
            f"{len(cases)} comments, {n_hosts} with one item",
            f"{p_precision:.3f}",
            f"{p_recall:.3f}",
            f"{leaks} values left in the redacted text; {already} real comments already held personal data and were left out",
        ],
    ]
    for kind, (hit, miss, false) in found_kinds.items():
        out.append(
            [
                f"  {kind}",
                f"{hit + miss} injected",
                "-",
                f"{hit / max(1, hit + miss):.3f}",
                f"{false} false detections",
            ]
        )
    return out


def _framework_sets(folder: Path, issue_rows: list[Row], quick: bool) -> list[tuple[str, list[Row]]]:
    """The sets framework coding is scored on: NHS (the issue's rows), Banking77 and HWU64."""
    from discovery_grid import SETS as DISCOVERY_SETS
    from discovery_grid import sample

    out = [("NHS, at least 3 words", issue_rows)]
    for name in ("Banking77", "HWU64"):
        texts, labels = sample(*DISCOVERY_SETS[name][0](folder), 3000)
        if quick:  # the twelve largest themes, so that each has 20 examples and some to score
            largest = {y for y, _ in Counter(labels).most_common(12)}
            kept = [(t, y) for t, y in zip(texts, labels, strict=True) if y in largest]
            texts, labels = [t for t, _ in kept], [y for _, y in kept]
        out.append(
            (
                name,
                [
                    Row(text=t, themes=[y], sentiment=None, trust="")
                    for t, y in zip(texts, labels, strict=True)
                ],
            )
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=SHARED_DATA / "feedback")
    parser.add_argument(
        "--quick", action="store_true", help="a smaller version that ends within about a minute"
    )
    parser.add_argument("--no-bertopic", action="store_true", help="leave the BERTopic reference out")
    parser.add_argument(
        "--no-tune", action="store_true", help="leave out fine-tuning MiniLM for sentiment (minutes on a CPU)"
    )
    parser.add_argument(
        "--parts",
        default="discovery,framework,sentiment,injected",
        help="which measurements to run (default: all four)",
    )
    parser.add_argument(
        "--rows", type=int, default=0, help="rows a set for discovery (default 3,000; 300 quick)"
    )
    args = parser.parse_args()
    from discovery_grid import SETS as DISCOVERY_SETS
    from discovery_grid import sample

    rows = nhs(args.data)
    modes = ("fast",) if args.quick else ("fast", "accurate")
    best_mode = modes[-1]
    limit = None if args.no_bertopic else (60.0 if args.quick else 900.0)
    rng = random.Random(0)

    embedder_for("fast").encode(["distil the fast model now, if it is not yet cached"])
    issue_rows = nhs_single(rows, answers_only=False)
    if args.quick:
        issue_rows = rng.sample(issue_rows, 1000)

    parts = set(args.parts.split(","))
    started = time.perf_counter()
    found: list[list[object]] = []
    figures: list[dict[str, object]] = []
    if "discovery" in parts:
        # Every labelled set (the quick run: three of them, fast mode, small samples).
        names = list(DISCOVERY_SETS)
        if args.quick:
            names = ["NHS NEAS", "Banking77", "Gambling consultation"]
        size = args.rows or (300 if args.quick else 3000)
        for name in names:
            texts, truth = sample(*DISCOVERY_SETS[name][0](args.data), size)
            table_rows, figure = discovery(name, texts, truth, modes, limit, args.data)
            found += table_rows
            figures.append(figure)
    headers = [
        "data",
        "method",
        "rows",
        "true themes",
        "themes found",
        "AMI",
        "NMI",
        "AMI broad",
        "outliers",
        "shares add to",
        "seconds",
    ]
    discovery_table = table(headers, found)

    coded: list[list[object]] = []
    if "framework" in parts:
        for data, framework_rows in _framework_sets(args.data, issue_rows, args.quick):
            ks = (5, 20) if data.startswith("NHS") else (20,)
            coded += framework(data, framework_rows, modes, ks, 1 if args.quick else 3)
    framework_table = table(
        ["data", "mode", "k", "themes", "method", "macro F1", "micro F1", "repeats"], coded
    )

    scored = (
        sentiment(
            args.data, modes, tune=not (args.quick or args.no_tune), sample=1500 if args.quick else None
        )
        if "sentiment" in parts
        else []
    )
    sentiment_table = table(
        ["mode", "data", "method", "rows", "macro F1", "accuracy", "per trust, or notes"], scored
    )

    checks = injected(rows, 150 if args.quick else 1000) if "injected" in parts else [["-"] * 5, ["-"] * 5]
    injected_table = table(["what", "rows", "precision", "recall", "notes"], checks)
    seconds = time.perf_counter() - started

    text = "\n\n".join(
        [
            "Theme discovery on every labelled set (number of themes chosen automatically):\n\n"
            + discovery_table,
            "Coding to the human framework:\n\n" + framework_table,
            "Sentiment (each set scored by a head trained without it; VADER needs no training):\n\n"
            + sentiment_table,
            "Injected campaigns and personal data:\n\n" + injected_table,
        ]
    )
    if parts == {"sentiment"}:
        text = "Sentiment (each set scored by a head trained without it; VADER needs no training):\n\n"
        text += sentiment_table
    print(text)

    result_line = "RESULT " + " ".join(
        f"{k}={v}" for k, v in _result(figures, coded, scored, best_mode).items()
    )
    notes = (
        f"{'Quick run: three sets of 300 rows in fast mode, 1,000 NHS rows and the twelve largest Banking77 and HWU64 themes for coding. ' if args.quick else ''}"
        f"Discovery: every labelled set in the data folder, at most {args.rows or (300 if args.quick else 3000)} rows each "
        "(benchmarks/discovery_grid.py draws the same samples), Chorus in each mode and BERTopic's default "
        "pipeline on the same MiniLM vectors; AMI counts outliers as one more cluster; margins are Chorus "
        f"{best_mode} minus BERTopic. Labels: size-weighted MiniLM cosine between each theme's label and "
        "the name of the human category holding most of its responses (sets whose categories have names), "
        f"Chorus {best_mode} beside BERTopic's topic names. framework_f1_k20_mean: Chorus framework "
        f"coding's macro F1 with 20 examples a theme, {best_mode}, mean over NHS (the issue's rows), "
        f"Banking77 and HWU64. Parts run: {args.parts}. Took {seconds:.0f} s."
    )
    sentiment_notes = (
        "Sentiment: each set is scored by the shipped recipe (chorus/analysis/engine/"
        "sentiment_training.py) trained on the permitted sets other than it; the shipped heads "
        "are trained on all of them (NHS v6, review sentences, seed, plain), so the TweetEval row "
        "is the shipped head itself. TweetEval is never trained on. The review sentences have no "
        "neutral: scored positive against negative, with the three-way accuracy beside. "
        f"sentiment_f1_min is the lower of the NHS (mean over trusts) and TweetEval macro F1, {best_mode}."
    )
    if "sentiment" in parts:
        notes += " " + sentiment_notes
    # A sentiment-only run is recorded on its own, so it does not stand as the full run's figures.
    if parts == {"sentiment"}:
        vader_min = sentiment_f1_min(scored, "-", "VADER")
        result_line = (
            f"RESULT sentiment_f1_min={sentiment_f1_min(scored, best_mode):.3f} vader_f1_min={vader_min:.3f}"
        )
        notes = f"{sentiment_notes} Took {seconds:.0f} s."
        record("Text analysis quality: sentiment", PACKAGES, text, notes, result=result_line)
    else:
        record("Text analysis quality", PACKAGES, text, notes, result=result_line)
    print(result_line)


def _result(
    figures: list[dict[str, object]], coded: list[list[object]], scored: list[list[object]], mode: str
) -> dict[str, str]:
    """The issue's RESULT keys; "-" where a part was not run or BERTopic did not finish."""

    def fmt(values: list[float], how: str = "mean") -> str:
        if not values:
            return "-"
        value = {"mean": np.mean, "min": np.min, "max": np.max}[how](values)
        return f"{value:.3f}"

    margins = [
        float(f[f"ami_{mode}"]) - float(f["ami_bertopic"])  # type: ignore[arg-type]
        for f in figures
        if f"ami_{mode}" in f and "ami_bertopic" in f
    ]
    outliers = [float(v) for f in figures for k, v in f.items() if k.startswith("other_")]  # type: ignore[arg-type]
    labelled = [f for f in figures if f"label_{mode}" in f]
    breaks = [f[f"breaks_{mode}"] for f in labelled]
    broken = sum(b[0] for b in breaks)  # type: ignore[index]
    total = sum(b[1] for b in breaks)  # type: ignore[index]
    f1_k20 = [float(str(r[5])) for r in coded if r[1] == mode and r[2] == 20 and r[4] == "Chorus framework"]
    sentiment_min = sentiment_f1_min(scored, mode) if scored else float("nan")
    return {
        "sets": str(len(figures)),
        "ami_min_margin": fmt(margins, "min"),
        "ami_mean_margin": fmt(margins),
        "outliers_max": fmt(outliers, "max"),
        "label_similarity": fmt([float(f[f"label_{mode}"]) for f in labelled]),  # type: ignore[arg-type]
        "label_bertopic": fmt([float(f["label_bertopic"]) for f in labelled if "label_bertopic" in f]),  # type: ignore[arg-type]
        "label_rule_breaks": f"{broken / total:.3f}" if total else "-",
        "sentiment_f1_min": "-" if np.isnan(sentiment_min) else f"{sentiment_min:.3f}",
        "framework_f1_k20_mean": fmt(f1_k20),
    }


if __name__ == "__main__":
    main()
