"""How fast Chorus's text analysis runs, beside BERTopic on the same input.

1. 100,000 comments, sampled with replacement from the NHS Friends and Family Test
   comments (../shared/data/feedback), embedded, checked for campaigns and personal
   data, scored for sentiment, clustered into themes, labelled and assigned in fast
   mode, end to end, with the time of each stage. BERTopic's default pipeline runs on
   the same input with a time limit; if it does not finish, the table says how far it got.
2. One new comment at a time, as the web app does when a response arrives: assigned to
   the themes of an existing analysis, scored for sentiment and checked for personal
   data (against 5,000 directory names): p50, p95 and the slowest, in milliseconds.

    python benchmarks/analysis_speed.py [--quick] [--data PATH] [--rows 100000] [--bertopic-limit 300]
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

import _bertopic
import numpy as np
from _common import SHARED_DATA, record, table
from _feedback import nhs

from chorus.analysis.engine import analyse, embedder_for
from chorus.analysis.engine.embed import distil_static_model, model_dir

PACKAGES = ("model2vec", "scikit-learn", "numpy", "rapidfuzz", "bertopic", "sentence-transformers", "torch")


def bulk(texts: list[str], bertopic_limit: float | None) -> tuple[list[list[object]], dict[str, float]]:
    embedder = embedder_for("fast")
    embedder.encode(["warm up"])
    marks: list[tuple[str, float]] = []

    def progress(stage: str, _fraction: float) -> None:
        if not marks or marks[-1][0] != stage:
            marks.append((stage, time.perf_counter()))

    started = time.perf_counter()
    result = analyse(texts, embedder=embedder, progress=progress)
    total = time.perf_counter() - started
    rows: list[list[object]] = []
    for (stage, at), (_, following) in zip(marks, [*marks[1:], ("end", started + total)], strict=True):
        if stage != "Done":
            rows.append(["Chorus fast", stage, f"{following - at:.2f}"])
    rows.append(
        [
            "Chorus fast",
            f"total: {len(result.fine)} themes, {result.outlier_share:.1%} outliers, {len(result.campaigns)} copy groups",
            f"{total:.2f}",
        ]
    )
    figures = {"chorus_s": total}
    if bertopic_limit:
        ref = _bertopic.run(texts, time_limit=bertopic_limit)
        what = (
            f"finished: {ref.topics} topics, {ref.outlier_share:.1%} outliers"
            if ref.finished
            else (f"stopped at the {bertopic_limit:.0f} s limit: {ref.reached}")
        )
        rows.append(["BERTopic default", what, f"{ref.seconds:.2f}"])
        figures["bertopic_s"] = ref.seconds
        figures["bertopic_finished"] = float(ref.finished)
    return rows, figures


def single(history: list[str], arriving: list[str], names: list[str], mode: str) -> list[object]:
    embedder = embedder_for(mode)
    result = analyse(history, embedder=embedder, names=names)
    result.assign_new("warm up")
    timings = []
    for text in arriving:
        started = time.perf_counter()
        result.assign_new(text)
        timings.append((time.perf_counter() - started) * 1000)
    values = np.array(timings)
    return [
        mode,
        len(history),
        len(arriving),
        f"{np.percentile(values, 50):.1f}",
        f"{np.percentile(values, 95):.1f}",
        f"{values.max():.1f}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=SHARED_DATA / "feedback")
    parser.add_argument("--quick", action="store_true", help="20,000 comments and a short BERTopic limit")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--bertopic-limit", type=float, default=300.0, help="seconds; 0 leaves BERTopic out")
    args = parser.parse_args()
    rows = args.rows if not args.quick else 20_000
    limit = (15.0 if args.quick else args.bertopic_limit) or None

    texts = [r.text for r in nhs(args.data) if r.text]
    rng = random.Random(0)
    sample = [rng.choice(texts) for _ in range(rows)]

    cached = (model_dir() / "minilm-l6-static-256" / "model.safetensors").exists()
    started = time.perf_counter()
    distil_static_model()
    distil = time.perf_counter() - started

    bulk_rows, figures = bulk(sample, limit)
    bulk_table = table(["method", "stage", "seconds"], bulk_rows)
    print(bulk_table, flush=True)

    shuffled = texts[:]
    rng.shuffle(shuffled)
    history, arriving = shuffled[:4000], shuffled[4000 : 4000 + (200 if args.quick else 1000)]
    first = ["Jonathan", "Priya", "Siobhan", "Gareth", "Amara", "Dylan", "Fatima", "Rhys", "Eleanor", "Kwame"]
    names = [
        f"{rng.choice(first)} {rng.choice(['Smith', 'Jones', 'Patel', 'Evans'])}{i}" for i in range(5000)
    ]
    modes = ("fast",) if args.quick else ("fast", "accurate")
    single_rows = [single(history, arriving, names, mode) for mode in modes]
    single_table = table(["mode", "history", "new comments", "p50 ms", "p95 ms", "slowest ms"], single_rows)
    print(single_table)

    distinct = len(set(sample))
    text = (
        f"{rows:,} comments ({distinct:,} distinct: Chorus embeds each distinct text once), "
        "fast mode, end to end:\n\n"
        f"{bulk_table}\n\nOne new comment at a time (themes, sentiment, personal data against "
        f"5,000 directory names):\n\n{single_table}"
    )
    notes = (
        f"The fast model was {'already cached' if cached else f'distilled from MiniLM in {distil:.0f} s (once)'}. "
        "Sampling with replacement repeats comments, so many long ones form copy groups."
    )
    p95 = single_rows[0][4]
    result_line = (
        f"RESULT rows={rows} chorus_fast_s={figures['chorus_s']:.1f} "
        f"bertopic_s={figures.get('bertopic_s', float('nan')):.1f} "
        f"bertopic_finished={bool(figures.get('bertopic_finished', 0))} single_p95_ms_fast={p95}"
    )
    record("Text analysis speed", PACKAGES, text, notes, result=result_line)
    print(result_line)


if __name__ == "__main__":
    main()
