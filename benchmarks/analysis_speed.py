"""How fast Chorus's text analysis runs on many distinct responses, and how much memory
it takes, beside BERTopic on the same input.

1. 100,000 and 1,000,000 DISTINCT responses (``--quick``: 20,000 against 20,000 names,
   BERTopic stopped at 15 s), each two or three sentences from different real comments
   (benchmarks/_distinct.py: NHS Friends and Family Test answers, the gambling
   consultation, CFPB complaints, review sentences and tweets, from
   ../shared/data/feedback), analysed in fast mode end to end as the
   analysis task does it: embedded, checked for campaigns, scored for sentiment,
   searched for personal data (against a directory of 200,000 people's names, as the
   task passes the directory's names), clustered into themes, labelled and assigned.
   Each size runs in a fresh process, so the peak memory reported is that run's own
   (the child's ru_maxrss: the most resident memory it held, the interpreter and models
   included); the seconds are ``analyse`` alone, stage by stage, without making the
   texts or loading the model. Storing the results in the database is not measured.
   BERTopic's default pipeline runs on the smallest size with a time limit; if it does
   not finish, the table says how far it got.
2. One new comment at a time, as the web app does when a response arrives: assigned to
   the themes of an existing analysis, scored for sentiment and checked for personal
   data (against 5,000 directory names): p50, p95 and the slowest, in milliseconds.

Ends with ``RESULT distinct=N seconds=S peak_gb=G themes=K`` for the largest size.

    python benchmarks/analysis_speed.py [--quick] [--data PATH] [--sizes 100000,1000000]
                                        [--names 200000] [--bertopic-limit 300]
"""

from __future__ import annotations

import argparse
import multiprocessing
import pickle
import random
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

import _bertopic
import numpy as np
from _common import SHARED_DATA, record, table
from _distinct import distinct_texts
from _feedback import nhs

from chorus.analysis.engine import analyse, embedder_for
from chorus.analysis.engine.embed import distil_static_model, model_dir

PACKAGES = ("model2vec", "scikit-learn", "numpy", "rapidfuzz", "bertopic", "sentence-transformers", "torch")
FIRST = ["Jonathan", "Priya", "Siobhan", "Gareth", "Amara", "Dylan", "Fatima", "Rhys", "Eleanor", "Kwame"]
LAST = ["Smith", "Jones", "Patel", "Evans", "Williams", "Okafor", "Davies", "Nowak", "Hughes", "Khan"]


def directory_names(count: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    return [f"{rng.choice(FIRST)} {rng.choice(LAST)}{i}" for i in range(count)]


def _bulk_in_child(texts_path: str, names: int, queue: Any) -> None:
    """Analyse the texts in ``texts_path`` in this fresh process; put the stage timings,
    the figures and this process's peak memory on ``queue``."""
    with open(texts_path, "rb") as handle:
        texts = pickle.load(handle)  # noqa: S301 (written by this script a moment ago)
    directory = directory_names(names)
    embedder = embedder_for("fast")
    embedder.encode(["warm up"])
    marks: list[tuple[str, float]] = []

    def progress(stage: str, _fraction: float) -> None:
        if not marks or marks[-1][0] != stage:
            marks.append((stage, time.perf_counter()))

    started = time.perf_counter()
    result = analyse(texts, embedder=embedder, names=directory, progress=progress)
    total = time.perf_counter() - started
    stages = [
        (stage, following - at)
        for (stage, at), (_, following) in zip(marks, [*marks[1:], ("end", started + total)], strict=True)
        if stage != "Done"
    ]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    queue.put(
        {
            "stages": stages,
            "seconds": total,
            "peak_gb": peak,
            "themes": len(result.fine),
            "outliers": result.outlier_share,
            "campaigns": len(result.campaigns),
        }
    )


def bulk_run(texts: list[str], names: int) -> dict[str, Any]:
    """One size, analysed in a fresh (spawned) process."""
    with tempfile.TemporaryDirectory() as folder:
        texts_path = f"{folder}/texts.pickle"
        with open(texts_path, "wb") as handle:
            pickle.dump(texts, handle, protocol=pickle.HIGHEST_PROTOCOL)
        context = multiprocessing.get_context("spawn")
        queue = context.Queue()
        child = context.Process(target=_bulk_in_child, args=(texts_path, names, queue))
        child.start()
        outcome: dict[str, Any] = queue.get()
        child.join()
    return outcome


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
    parser.add_argument("--quick", action="store_true", help="20,000 responses and a short BERTopic limit")
    parser.add_argument("--sizes", default="100000,1000000", help="distinct responses, comma-separated")
    parser.add_argument("--names", type=int, default=200_000, help="directory names searched for")
    parser.add_argument("--bertopic-limit", type=float, default=300.0, help="seconds; 0 leaves BERTopic out")
    args = parser.parse_args()
    sizes = [20_000] if args.quick else sorted(int(s) for s in args.sizes.split(","))
    names = 20_000 if args.quick else args.names
    limit = (15.0 if args.quick else args.bertopic_limit) or None

    cached = (model_dir() / "minilm-l6-static-256" / "model.safetensors").exists()
    started = time.perf_counter()
    distil_static_model()
    distil = time.perf_counter() - started

    bulk_rows: list[list[object]] = []
    outcomes: dict[int, dict[str, Any]] = {}
    for size in sizes:
        texts = distinct_texts(size, seed=0, folder=args.data)
        outcome = outcomes[size] = bulk_run(texts, names)
        for stage, seconds in outcome["stages"]:
            bulk_rows.append([f"{size:,}", "Chorus fast", stage, f"{seconds:.2f}", ""])
        bulk_rows.append(
            [
                f"{size:,}",
                "Chorus fast",
                f"total: {outcome['themes']} themes, {outcome['outliers']:.1%} outliers, "
                f"{outcome['campaigns']} copy groups",
                f"{outcome['seconds']:.2f}",
                f"{outcome['peak_gb']:.2f}",
            ]
        )
        print(
            table(
                ["responses", "method", "stage", "seconds", "peak GB"],
                bulk_rows[-len(outcome["stages"]) - 1 :],
            ),
            flush=True,
        )
        if limit and size == sizes[0]:
            ref = _bertopic.run(texts, time_limit=limit)
            what = (
                f"finished: {ref.topics} topics, {ref.outlier_share:.1%} outliers"
                if ref.finished
                else f"stopped at the {limit:.0f} s limit: {ref.reached}"
            )
            bulk_rows.append([f"{size:,}", "BERTopic default", what, f"{ref.seconds:.2f}", ""])
        del texts
    bulk_table = table(["responses", "method", "stage", "seconds", "peak GB"], bulk_rows)
    print(bulk_table, flush=True)

    comments = [r.text for r in nhs(args.data) if r.text]
    rng = random.Random(0)
    rng.shuffle(comments)
    history, arriving = comments[:4000], comments[4000 : 4000 + (200 if args.quick else 1000)]
    single_names = [
        f"{rng.choice(FIRST)} {rng.choice(['Smith', 'Jones', 'Patel', 'Evans'])}{i}" for i in range(5000)
    ]
    modes = ("fast",) if args.quick else ("fast", "accurate")
    single_rows = [single(history, arriving, single_names, mode) for mode in modes]
    single_table = table(["mode", "history", "new comments", "p50 ms", "p95 ms", "slowest ms"], single_rows)
    print(single_table)

    largest = max(sizes)
    text = (
        f"Distinct responses (each two or three sentences from different real comments), fast mode, "
        f"end to end, each size in a fresh process, personal data searched against {names:,} "
        f"directory names; peak GB is the process's own:\n\n{bulk_table}\n\n"
        "One new comment at a time (themes, sentiment, personal data against 5,000 directory "
        f"names):\n\n{single_table}"
    )
    notes = (
        f"The fast model was {'already cached' if cached else f'distilled from MiniLM in {distil:.0f} s (once)'}. "
        "Every response is distinct, so nothing is saved by treating each distinct text once; "
        "copy groups are responses that share most of their words (a long sentence in common)."
    )
    big = outcomes[largest]
    result_line = f"RESULT distinct={largest} seconds={big['seconds']:.1f} peak_gb={big['peak_gb']:.2f} themes={big['themes']}"
    record("Text analysis speed", PACKAGES, text, notes, result=result_line)
    print(result_line)


if __name__ == "__main__":
    main()
