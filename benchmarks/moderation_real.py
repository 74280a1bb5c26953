"""How often Chorus's special-category flags are right on real writing (#20).

``benchmarks/moderation.py`` inserts sentences whose kind it knows into real comments and
scores only the passages on those sentences; a flag on the comment's own words is left out,
because nobody had labelled them. So a change that flags more of everything can raise its
recall while its precision there hardly moves. This script scores the detector on real
sentences that were labelled blind (moderation_sets/real_text_labels.json: 317 sentences
of NHS Friends and Family Test answers, CFPB complaint narratives and the synthetic
gambling consultation, half drawn from those the detector might flag and half from the
rest; the README beside it says how).

For each labelled sentence it runs the detector on the whole comment, as Chorus does, and
takes the special-category passages that overlap the sentence. It reports, for the
shipped thresholds and for the lower ones tried on 2026-12-07 and dropped:

- precision: of the sentences flagged, the share that hold special-category data (any
  kind), and the share whose flagged kind is one of their labels;
- recall: of the sentences that hold special-category data, the share flagged, each
  sentence weighted by how many sentences of its source and half it stands for;
- the share of each source's sampled sentences flagged.

The sample is small (28 of the 317 sentences hold special-category data): read the
figures as a check, not a fine measure.

    python benchmarks/moderation_real.py [--data PATH] [--quick] [--no-record]
"""

from __future__ import annotations

import argparse
import csv
import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

from _common import SHARED_DATA, record, table

from chorus.core.sensitive import (
    SPECIAL_KINDS,
    find_passages,
    register_sentence_classifier,
    unregister_sentence_classifier,
)

PACKAGES = ("sentence-transformers", "torch", "scikit-learn", "spacy")
LABELS = Path(__file__).resolve().parent / "moderation_sets" / "real_text_labels.json"
# The lower thresholds tried on 2026-12-07 (chorus/analysis/engine/special.py says why
# they were dropped), scored beside the shipped ones.
TRIED = {
    "health": 0.65,
    "religion": 0.7,
    "sexual_life": 0.5,
    "ethnicity": 0.5,
    "criminal": 0.7,
    "third_party": 0.7,
}
SOURCE_NAMES = {"nhs": "NHS feedback", "cfpb": "CFPB complaints", "consultation": "Consultation (synthetic)"}


def comments(folder: Path) -> dict[tuple[str, str], str]:
    """Every comment the labels may name, by (source, key)."""
    out: dict[tuple[str, str], str] = {}
    with (folder / "nhs_patient_feedback_v6.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            out["nhs", row["Comment ID"]] = (row.get("FFT answer") or "").strip()
    with (folder / "cfpb_complaints_sample.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            out["cfpb", row["complaint_id"]] = row["text"]
    for path in sorted((folder / "gambling_consultation").glob("question_part_*/responses.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                answer = json.loads(line)
                out["consultation", f"{path.parent.name}:{answer['response_id']}"] = answer["response"]
    return out


def thresholded(kinds: dict[str, float]) -> Callable[[Sequence[str]], Sequence[str | None]]:
    """The shipped sentence classifier with other thresholds."""
    from chorus.analysis.engine.special import shipped

    return lambda sentences: shipped().classify(sentences, threshold=0.0, kind_thresholds=kinds)


def flags(items: list[dict], texts: dict[tuple[str, str], str]) -> list[set[str]]:
    """The special kinds flagged on each labelled sentence."""
    by_comment: dict[tuple[str, str], list] = {}
    out: list[set[str]] = []
    for item in items:
        key = (item["source"], item["key"])
        if key not in by_comment:
            by_comment[key] = [p for p in find_passages(texts[key]) if p.kind in SPECIAL_KINDS]
        out.append({p.kind for p in by_comment[key] if p.start < item["end"] and item["start"] < p.end})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data", type=Path, default=SHARED_DATA / "feedback", help="The feedback data folder."
    )
    parser.add_argument("--quick", action="store_true", help="The same run: it ends within a minute.")
    parser.add_argument(
        "--no-record", action="store_true", help="Print only; leave docs/benchmarks.md alone."
    )
    args = parser.parse_args()
    if not (args.data / "nhs_patient_feedback_v6.csv").exists():
        raise SystemExit(f"No feedback data in {args.data}: pass --data with ../shared/data/feedback.")
    labelled = json.loads(LABELS.read_text(encoding="utf-8"))
    items, strata = labelled["items"], labelled["strata"]
    texts = comments(args.data)
    missing = [i for i in items if (i["source"], i["key"]) not in texts]
    if missing:
        raise SystemExit(
            f"{len(missing)} labelled sentences name comments not in {args.data}: is it the right folder?"
        )
    drawn: dict[tuple[str, str], int] = defaultdict(int)
    for item in items:
        drawn[item["source"], item["stratum"]] += 1
    weight = [strata[i["source"]][i["stratum"]] / drawn[i["source"], i["stratum"]] for i in items]
    truth = [set(i["kinds"]) for i in items]

    from chorus.analysis.engine.special import KIND_THRESHOLDS, THRESHOLD, classify_sentences

    shipped_kinds = {k: max(THRESHOLD, KIND_THRESHOLDS.get(k, 0.0)) for k in TRIED}
    arms = {"shipped": shipped_kinds, "tried 2026-12-07, dropped": TRIED}
    results: dict[str, list[set[str]]] = {}
    for name, kinds in arms.items():
        classify = classify_sentences if name == "shipped" else thresholded(kinds)
        register_sentence_classifier(classify)
        try:
            results[name] = flags(items, texts)
        finally:
            unregister_sentence_classifier(classify)

    rows: list[list[object]] = []
    summary: dict[str, tuple[float, float]] = {}
    for name, found in results.items():
        flagged = [i for i, f in enumerate(found) if f]
        holds = [i for i in flagged if truth[i]]
        exact = [i for i in flagged if found[i] & truth[i]]
        positive = [i for i, t in enumerate(truth) if t]
        recall = sum(weight[i] for i in positive if found[i]) / max(1e-9, sum(weight[i] for i in positive))
        precision = len(holds) / max(1, len(flagged))
        summary[name] = (precision, recall)
        thresholds = ", ".join(f"{k} {v:g}" for k, v in arms[name].items())
        rows.append(
            [
                name,
                thresholds,
                len(flagged),
                f"{precision:.3f}",
                f"{len(exact) / max(1, len(flagged)):.3f}",
                f"{recall:.3f}",
            ]
        )
    text = table(
        [
            "thresholds",
            "by kind",
            "sentences flagged",
            "precision (holds special data)",
            "precision (kind right)",
            "recall (weighted)",
        ],
        rows,
    )
    kind_rows: list[list[object]] = []
    for kind in TRIED:
        labelled_kind = sum(kind in t for t in truth)
        cells: list[object] = [kind, labelled_kind]
        for found in results.values():
            flagged = [i for i, f in enumerate(found) if kind in f]
            right = sum(
                kind in truth[i] or (kind in ("health", "criminal") and "third_party" in truth[i])
                for i in flagged
            )
            cells += [len(flagged), f"{right}/{len(flagged)}" if flagged else "-"]
        kind_rows.append(cells)
    text += "\n\nBy kind (a third party's health or crime flagged as health or crime counts as right):\n\n"
    text += table(
        ["kind", "labelled", "flagged, shipped", "right, shipped", "flagged, tried", "right, tried"],
        kind_rows,
    )
    source_rows: list[list[object]] = []
    for source, label in SOURCE_NAMES.items():
        picked = [i for i, item in enumerate(items) if item["source"] == source]
        cells = [label, len(picked), sum(bool(truth[i]) for i in picked)]
        for found in results.values():
            cells.append(sum(bool(found[i]) for i in picked))
        source_rows.append(cells)
    text += "\n\nBy source (sentences drawn, half from those the detector might flag):\n\n"
    text += table(
        ["source", "sentences", "hold special data", "flagged, shipped", "flagged, tried"], source_rows
    )
    (precision, recall), (tried_precision, tried_recall) = summary.values()
    result_line = (
        f"RESULT sentences={len(items)} precision={precision:.3f} recall={recall:.3f} "
        f"precision_tried={tried_precision:.3f} recall_tried={tried_recall:.3f}"
    )
    notes = (
        "Sentences of real comments labelled blind (moderation_sets/real_text_labels.json); the detector runs on the "
        "whole comment and a sentence counts as flagged when a special-category passage overlaps it. Recall weights each "
        f"sentence by the sentences of its source and half it stands for. {sum(bool(t) for t in truth)} of the "
        f"{len(items)} sentences hold special-category data, so these figures are a check on the inserted-sentence "
        "benchmark, not a fine measure."
    )
    print(text)
    print()
    print(notes)
    if not args.no_record:
        record("Moderation on real text", PACKAGES, text, notes, result=result_line)
    print(result_line)


if __name__ == "__main__":
    main()
