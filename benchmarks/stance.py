"""Stance per theme, measured on the gambling consultation's labelled positions (#23).

The gambling consultation (../shared/data/feedback/gambling_consultation, i.AI's
themefinder evaluation set, MIT; synthetic) asks two questions that pair a yes-or-no
proposal with "why"; each response has a labelled position (AGREE, DISAGREE or UNCLEAR)
and a set of labelled themes. Chorus shows each theme's stance from the closed answer
paired with the free text, where the question has one, and otherwise only the responses'
tone, named as tone (``analysis/evidence.py``).

Two things are measured:

- paired stance per theme: the responses are analysed with their labelled position as the
  paired closed answer, as a consultation with an "Agree / Disagree" question before its
  "Why?" would give it. Each theme Chorus finds is matched to the labelled theme that most
  of its responses carry, and its stance mix (agree, disagree, unclear) is compared with
  that labelled theme's mix: the total variation distance (half the summed differences of
  the three shares; 0 is the same mix, 1 no overlap), averaged by theme size. This checks
  that the themes keep the stance of the responses they gather;
- tone as stance: how much the responses' tone (Chorus's sentiment) says about their
  position, as adjusted mutual information (0: nothing) and the share of agreeing
  responses that are negative in tone. It says why Chorus does not call tone stance.

    python benchmarks/stance.py [--quick] [--data PATH] [--no-record]

Ends with ``RESULT responses=N paired_theme_distance=X tone_stance_ami=Y`` (the accurate
embedder; the fast one with --quick). The distance is averaged over the questions whose
labelled positions vary.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

from _common import SHARED_DATA, record, table

from chorus.analysis.engine import embedder_for
from chorus.analysis.engine.pipeline import analyse

PACKAGES = ("sentence-transformers", "torch", "scikit-learn", "vadersentiment")
POSITIONS = ("AGREE", "DISAGREE", "UNCLEAR")


def _jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def question(folder: Path) -> tuple[list[str], list[str], list[list[str]]]:
    """Texts, labelled positions and labelled themes of one question, in response order."""
    said = {r["response_id"]: str(r["response"]) for r in _jsonl(folder / "responses.jsonl")}
    position = {r["response_id"]: str(r["position"]) for r in _jsonl(folder / "sentiment.jsonl")}
    labels = {r["response_id"]: [str(x) for x in r["labels"]] for r in _jsonl(folder / "mapping.jsonl")}  # type: ignore[attr-defined]
    ids = sorted(k for k in said if k in position and str(said[k]).strip())
    return [said[k] for k in ids], [position[k] for k in ids], [labels.get(k, []) for k in ids]


def mix(counts: Counter[str]) -> dict[str, float]:
    total = sum(counts[p] for p in POSITIONS)
    return {p: counts[p] / total if total else 0.0 for p in POSITIONS}


def distance(a: dict[str, float], b: dict[str, float]) -> float:
    return 0.5 * sum(abs(a[p] - b[p]) for p in POSITIONS)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data", type=Path, default=SHARED_DATA / "feedback", help="The feedback data folder."
    )
    parser.add_argument("--quick", action="store_true", help="The fast embedder only (the data is small).")
    parser.add_argument(
        "--no-record", action="store_true", help="Print only; leave docs/benchmarks.md alone."
    )
    args = parser.parse_args()
    root = args.data / "gambling_consultation"
    parts = sorted(p for p in root.glob("question_part_*") if (p / "sentiment.jsonl").exists())
    if not parts:
        raise SystemExit(
            f"No gambling consultation in {args.data}: pass --data with ../shared/data/feedback."
        )
    started = time.perf_counter()
    modes = ("fast",) if args.quick else ("fast", "accurate")
    rows: list[list[object]] = []
    tone_rows: list[list[object]] = []
    distances: dict[str, list[tuple[float, int]]] = {m: [] for m in modes}
    tone_pairs: dict[str, list[tuple[str, str]]] = {m: [] for m in modes}
    responses = 0
    for part in parts:
        texts, positions, labels = question(part)
        responses += len(texts)
        by_label: dict[str, Counter[str]] = {}
        for position, carried in zip(positions, labels, strict=True):
            for label in carried:
                by_label.setdefault(label, Counter())[position] += 1
        varied = len(set(positions)) > 1  # question 2's are all AGREE: nothing to tell apart
        for mode in modes:
            result = analyse(texts, embedder=embedder_for(mode), stances=positions, seed=0)
            tone_pairs[mode] += [(item.sentiment, p) for item, p in zip(result.items, positions, strict=True)]
            for theme in result.themes:
                if theme.level != "fine" or theme.special or not theme.stance:
                    continue
                members = [
                    r for r, item in enumerate(result.items) if any(k == theme.key for k, _ in item.themes)
                ]
                carried_here = Counter(label for r in members for label in labels[r])
                if not carried_here:
                    continue
                matched = carried_here.most_common(1)[0][0]
                found = mix(Counter(theme.stance))
                wanted = mix(by_label[matched])
                gap = distance(found, wanted)
                if varied:
                    distances[mode].append((gap, len(members)))
                rows.append(
                    [
                        part.name.replace("question_part_", "question "),
                        mode,
                        theme.label,
                        len(members),
                        matched,
                        " / ".join(f"{found[p]:.2f}" for p in POSITIONS),
                        " / ".join(f"{wanted[p]:.2f}" for p in POSITIONS),
                        f"{gap:.3f}",
                    ]
                )
    from sklearn.metrics import adjusted_mutual_info_score  # type: ignore[import-untyped]

    result_ami = 0.0
    for mode in modes:
        pairs = tone_pairs[mode]
        ami = float(adjusted_mutual_info_score([p for _, p in pairs], [t for t, _ in pairs]))
        agree = [t for t, p in pairs if p == "AGREE"]
        negative = sum(t == "negative" for t in agree) / len(agree) if agree else 0.0
        tone_rows.append(
            [mode, len(pairs), f"{ami:.3f}", f"{negative:.2f}", dict(Counter(pairs).most_common())]
        )
        result_ami = ami  # the last mode: accurate where it ran
    tone_rows = [
        [*row[:4], "; ".join(f"{t} and {p}: {n}" for (t, p), n in row[4].items())] for row in tone_rows
    ]

    def weighted(mode: str) -> float:
        pairs = distances[mode]
        return sum(g * n for g, n in pairs) / sum(n for _, n in pairs) if pairs else 0.0

    summary = [[mode, len(distances[mode]), f"{weighted(mode):.3f}"] for mode in modes]
    informative = sum(1 for part in parts if len(set(question(part)[1])) > 1)
    text = (
        "Paired stance per theme (agree / disagree / unclear shares; labelled theme's mix from the responses that carry it):\n\n"
        + table(
            [
                "question",
                "mode",
                "theme",
                "responses",
                "labelled theme",
                "Chorus mix",
                "labelled mix",
                "distance",
            ],
            rows,
        )
        + "\n\n"
        + table(["mode", "themes (questions whose positions vary)", "distance, by size"], summary)
        + "\n\nTone as stance (Chorus's sentiment against the labelled position):\n\n"
        + table(["mode", "responses", "AMI", "agreeing responses negative in tone", "counts"], tone_rows)
    )
    last = modes[-1]
    result_line = f"RESULT responses={responses} paired_theme_distance={weighted(last):.3f} tone_stance_ami={result_ami:.3f}"
    notes = (
        f"The gambling consultation, {len(parts)} questions; the RESULT line is the {last} embedder. "
        "Distance is the total variation distance between a theme's stance mix and that of the "
        "labelled theme most of its responses carry, averaged by theme size over the questions whose "
        f"labelled positions vary ({informative} of {len(parts)}: question 2's are all AGREE, so its "
        "distances are 0 by construction and are shown but not averaged). Chorus finds themes by what "
        "responses say, so a theme can gather people on both sides of the proposal ('TV ads'), where the "
        "labelled themes are arguments for or against it. Tone says almost nothing about position: "
        "most agreeing responses are negative or neutral in tone, which is why the evidence page names "
        f"tone as tone where no closed answer is paired. Took {time.perf_counter() - started:.0f} s."
    )
    print(text)
    print()
    print(notes)
    if not args.no_record:
        record("Stance per theme", PACKAGES, text, notes, result=result_line)
    print(result_line)


if __name__ == "__main__":
    main()
