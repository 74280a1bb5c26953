"""Any number of distinct, realistic free-text responses, built from real comments.

The comments in ../shared/data/feedback (see its README) are split into sentences, and
each response is two or three sentences from different real comments of the same
source: NHS Friends and Family Test answers, the gambling consultation's responses,
CFPB complaint narratives, review sentences and tweets. The vocabulary, the spread of
lengths and the topics are real ones; no response is a copy of another, so a benchmark
on them cannot lean on Chorus treating each distinct text once.

    from _distinct import distinct_texts
    texts = distinct_texts(1_000_000, seed=0)
"""

from __future__ import annotations

import csv
import json
import random
import re
from pathlib import Path

from _common import SHARED_DATA

FEEDBACK = SHARED_DATA / "feedback"
# Source file (or folder), the column that holds the text, and how often a response is drawn from it.
SOURCES: tuple[tuple[str, str, float], ...] = (
    ("nhs_patient_feedback_v6.csv", "FFT answer", 0.50),
    ("gambling_consultation", "response", 0.10),
    ("cfpb_complaints_sample.csv", "text", 0.10),
    ("sentiment_labelled_sentences.csv", "text", 0.15),
    ("tweeteval_sentiment.csv", "text", 0.15),
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


def _comments(folder: Path, name: str, column: str) -> list[str]:
    path = folder / name
    if path.is_dir():
        out = []
        for part in sorted(path.glob("*/responses.jsonl")):
            with part.open(encoding="utf-8") as handle:
                out.extend(json.loads(line)[column] for line in handle if line.strip())
        return out
    with path.open(newline="", encoding="utf-8") as handle:
        return [row[column] for row in csv.DictReader(handle)]


def sentences(folder: Path = FEEDBACK) -> dict[str, list[tuple[int, str]]]:
    """Each source's sentences of at least two words, as (comment number, sentence)."""
    missing = [name for name, _, _ in SOURCES if not (folder / name).exists()]
    if missing:
        raise SystemExit(
            f"{folder} lacks {', '.join(missing)}: distinct texts are built from the real comments "
            "in ../shared/data/feedback (see its README). Pass --data with that folder."
        )
    out: dict[str, list[tuple[int, str]]] = {}
    for name, column, _ in SOURCES:
        pieces = []
        for number, comment in enumerate(_comments(folder, name, column)):
            for sentence in _SENTENCE.split(" ".join(comment.split(" ")).strip()):
                sentence = " ".join(sentence.split())
                if len(sentence.split()) >= 2:
                    pieces.append((number, sentence))
        out[name] = pieces
    return out


def distinct_texts(n: int, *, seed: int = 0, folder: Path = FEEDBACK) -> list[str]:
    """``n`` different responses, each two or three sentences from different real comments
    of one source; the same ``n`` and ``seed`` give the same list."""
    pools = sentences(folder)
    names = [name for name, _, _ in SOURCES]
    weights = [weight for _, _, weight in SOURCES]
    rng = random.Random(seed)
    seen: set[str] = set()
    out: list[str] = []
    tries = 0
    while len(out) < n:
        tries += 1
        if tries > 3 * n + 1000:
            raise RuntimeError(f"Only {len(out):,} distinct texts could be made from the comments.")
        pool = pools[rng.choices(names, weights)[0]]
        picked = [pool[rng.randrange(len(pool))] for _ in range(rng.choice((2, 2, 3)))]
        if len({number for number, _ in picked}) < len(picked):
            continue  # pieces of one comment: not a recombination
        text = " ".join(sentence for _, sentence in picked)
        if text in seen:
            continue
        seen.add(text)
        out.append(text)
    assert len(set(out)) == n
    return out


if __name__ == "__main__":
    import statistics

    sample = distinct_texts(20_000)
    words = [len(t.split()) for t in sample]
    print(f"{len(sample):,} distinct; words median {statistics.median(words)}, max {max(words)}")
    for text in sample[:8]:
        print("-", text)
