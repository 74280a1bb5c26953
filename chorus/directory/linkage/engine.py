"""Find the records in a table of people that are probably the same person.

Plain Python with no Django import, so that benchmarks and notebooks use exactly
what Chorus runs. The model is Fellegi-Sunter, trained without labels, in Splink:
DuckDB on one machine, or Spark (the same settings) for directories too big for one.

Names count with nicknames (Jon/Jonathan), initials (J R Smith) and transposition
(Smith John); emails, phones, postcodes, dates of birth, organisations, places and
identifiers count when present. An email counts as nearly the same only when it is a
typo away and its digits are the same (john.smith1@ and john.smith2@ are two people);
postcode and town are one piece of evidence about where someone is, not two; a date of
birth with its year off by one or its day and month swapped counts as a slip.

Blocking (which pairs are compared at all) uses keys specific enough that the pairs
grow about in step with the directory, not with its square: full name, nickname and
surname, first name and the start or end of the surname (for typos), initial and
surname only where one side gave just an initial, email, phone, postcode with initial,
date of birth. ``candidate_pairs`` counts what each rule adds.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from nicknames import NickNamer
from splink import Linker, SettingsCreator, block_on
from splink.blocking_rule_library import CustomRule

from chorus.directory.normalise import name_key, normalise_email, normalise_phone, normalise_postcode

# The columns the engine understands; any may be missing or blank except unique_id.
COLUMNS = (
    "unique_id",
    "first_name",
    "surname",
    "dob",
    "email",
    "phone",
    "postcode",
    "organisation",
    "city",
    "address",
    "identifier",
)

_nicknamer = NickNamer()
DEFAULT_MODEL_PATH = Path(__file__).with_name("default_model.json")
# The columns of the directory that the shipped model compares.
DIRECTORY_COLUMNS = ("unique_id", "first_name", "surname", "email", "phone", "postcode", "organisation")


def _nicknames(first: str) -> list[str]:
    """The name and every name it may be short for, or long for (jon -> jonathan, john, ...)."""
    if not first:
        return []
    names = {first}
    names |= {n.lower() for n in _nicknamer.canonicals_of(first)}
    names |= {n.lower() for n in _nicknamer.nicknames_of(first)}
    return sorted(names)


def _blank_to_none(series: pd.Series) -> pd.Series:
    return series.where(series.astype(str).str.len() > 0, None)


def prepare(records: pd.DataFrame) -> pd.DataFrame:
    """Normalise a table of people into the columns the model compares."""
    df = pd.DataFrame({"unique_id": records["unique_id"]})

    def get(name: str) -> pd.Series:
        if name in records:
            return records[name].fillna("").astype(str)
        return pd.Series([""] * len(records), index=records.index)

    first = get("first_name").map(name_key)
    surname = get("surname").map(name_key)
    # "J R" or "JR" as a first name is initials; keep the first given name otherwise.
    first_word = first.str.split(" ").str[0].fillna("")
    df["first_name"] = _blank_to_none(first_word)
    df["first_initial"] = _blank_to_none(first_word.str[:1])
    df["surname"] = _blank_to_none(surname.str.replace(" ", "", regex=False))
    nicknames = {name: _nicknames(name) for name in first_word.unique()}
    df["first_name_nicks"] = first_word.map(nicknames)
    df["full_name"] = _blank_to_none((first_word + " " + df["surname"].fillna("")).str.strip())
    df["dob"] = _blank_to_none(get("dob").str.strip())
    df["email"] = _blank_to_none(get("email").map(normalise_email))
    df["email_digits"] = df["email"].fillna("").str.replace(r"[^0-9]", "", regex=True)
    df["phone"] = _blank_to_none(get("phone").map(lambda v: normalise_phone(v) if v.strip() else ""))
    postcode = get("postcode").map(lambda v: normalise_postcode(v) if v.strip() else "")
    df["postcode"] = _blank_to_none(postcode)
    df["postcode_district"] = _blank_to_none(postcode.str.split(" ").str[0])
    df["organisation"] = _blank_to_none(get("organisation").map(name_key))
    df["city"] = _blank_to_none(get("city").map(name_key))
    df["address"] = _blank_to_none(get("address").map(name_key))
    df["identifier"] = _blank_to_none(get("identifier").str.strip().str.lower())
    return df


def _present(df: pd.DataFrame, column: str) -> bool:
    return column in df and df[column].notna().mean() > 0.02


def _first_name_comparison() -> Any:
    return cl.CustomComparison(
        output_column_name="first_name",
        comparison_levels=[
            cll.NullLevel("first_name"),
            cll.ExactMatchLevel("first_name").configure(
                tf_adjustment_column="first_name", tf_adjustment_weight=0.6
            ),
            cll.ColumnsReversedLevel("first_name", "surname").configure(
                label_for_charts="Transposed with surname"
            ),
            cll.ArrayIntersectLevel("first_name_nicks", min_intersection=1).configure(
                label_for_charts="Nickname"
            ),
            cll.JaroWinklerLevel("first_name", 0.9),
            cll.CustomLevel(
                '(length("first_name_l") <= 2 OR length("first_name_r") <= 2) '
                'AND substr("first_name_l", 1, 1) = substr("first_name_r", 1, 1)',
                label_for_charts="Initial",
                # Written for DuckDB; Splink translates it for Spark.
                base_dialect_str="duckdb",
            ),
            cll.ElseLevel(),
        ],
    )


def _email_comparison() -> Any:
    return cl.CustomComparison(
        output_column_name="email",
        comparison_levels=[
            cll.NullLevel("email"),
            cll.ExactMatchLevel("email"),
            cll.CustomLevel(
                '"email_digits_l" = "email_digits_r" AND levenshtein("email_l", "email_r") <= 2',
                label_for_charts="Typo",
                base_dialect_str="duckdb",
            ),
            cll.ElseLevel(),
        ],
    )


def _postcode_comparison(*, with_town: bool) -> Any:
    """Where someone is, as one piece of evidence: same postcode, one character apart, same
    district, or (with a town) the same town. Counting postcode and town as two independent
    agreements made neighbours look like one person."""
    null = (
        {
            "sql_condition": '("postcode_l" IS NULL OR "postcode_r" IS NULL) '
            'AND ("city_l" IS NULL OR "city_r" IS NULL)',
            "label_for_charts": "postcode is null",
            "is_null_level": True,
        }
        if with_town
        else cll.NullLevel("postcode")
    )
    area = (
        cll.CustomLevel(
            '"postcode_district_l" = "postcode_district_r" OR "city_l" = "city_r"',
            label_for_charts="Same district or town",
            base_dialect_str="duckdb",
        )
        if with_town
        else cll.ExactMatchLevel("postcode_district").configure(label_for_charts="Same postcode district")
    )
    return cl.CustomComparison(
        output_column_name="postcode",
        comparison_levels=[
            null,
            cll.ExactMatchLevel("postcode").configure(
                tf_adjustment_column="postcode", tf_adjustment_weight=0.5
            ),
            cll.LevenshteinLevel("postcode", 1),
            area,
            cll.ElseLevel(),
        ],
    )


def _dob_comparison() -> Any:
    """Dates of birth as ISO strings: the same, a year out with the same day, day and month
    swapped (03/05 for 05/03), one character out, within a year, or different."""
    year = 'TRY_CAST(substr("dob_{side}", 1, 4) AS INTEGER)'
    return cl.CustomComparison(
        output_column_name="dob",
        comparison_levels=[
            cll.NullLevel("dob"),
            cll.ExactMatchLevel("dob"),
            cll.CustomLevel(
                'substr("dob_l", 6, 5) = substr("dob_r", 6, 5) '
                f"AND abs({year.format(side='l')} - {year.format(side='r')}) = 1",
                label_for_charts="Year out by one",
                base_dialect_str="duckdb",
            ),
            cll.CustomLevel(
                'substr("dob_l", 1, 4) = substr("dob_r", 1, 4) '
                'AND substr("dob_l", 6, 2) = substr("dob_r", 9, 2) '
                'AND substr("dob_l", 9, 2) = substr("dob_r", 6, 2)',
                label_for_charts="Day and month swapped",
                base_dialect_str="duckdb",
            ),
            cll.LevenshteinLevel("dob", 1),
            cll.CustomLevel(
                f"abs({year.format(side='l')} - {year.format(side='r')}) <= 1",
                label_for_charts="Within a year",
                base_dialect_str="duckdb",
            ),
            cll.ElseLevel(),
        ],
    )


def _settings(df: pd.DataFrame) -> tuple[SettingsCreator, list[Any]]:
    comparisons: list[Any] = [
        _first_name_comparison(),
        cl.CustomComparison(
            output_column_name="surname",
            comparison_levels=[
                cll.NullLevel("surname"),
                cll.ExactMatchLevel("surname").configure(
                    tf_adjustment_column="surname", tf_adjustment_weight=0.7
                ),
                cll.ColumnsReversedLevel("first_name", "surname").configure(
                    label_for_charts="Transposed with first name"
                ),
                cll.JaroWinklerLevel("surname", 0.92),
                cll.JaroWinklerLevel("surname", 0.8),
                cll.ElseLevel(),
            ],
        ),
    ]
    rules: list[Any] = [
        block_on("first_name", "surname"),
        block_on("surname", "first_name_nicks", arrays_to_explode=["first_name_nicks"]),
        block_on("first_name", "substr(surname, 1, 3)"),
        block_on("first_name", "substr(surname, -3, 3)"),
        # "J Smith" beside "John Smith": only where one side gave just an initial, so that
        # the thousands of Smiths whose names start with J are not all compared.
        CustomRule("l.surname = r.surname AND l.first_initial = r.first_name", sql_dialect="duckdb"),
        CustomRule("l.surname = r.surname AND l.first_name = r.first_initial", sql_dialect="duckdb"),
        CustomRule("l.first_name = r.surname AND l.surname = r.first_name", sql_dialect="duckdb"),
    ]
    training: list[Any] = [block_on("first_name", "surname")]
    if _present(df, "dob"):
        comparisons.append(_dob_comparison())
        rules.append(block_on("dob", "first_initial"))
        rules.append(block_on("dob", "substr(surname, 1, 2)"))
        # Same date of birth and initial: the date alone pairs about 20 million at a million people.
        training.append(block_on("dob", "first_initial"))
    if _present(df, "email"):
        comparisons.append(_email_comparison())
        rules.append(block_on("email"))
        training.append(block_on("email"))
    if _present(df, "phone"):
        comparisons.append(cl.ExactMatch("phone"))
        rules.append(block_on("phone"))
    if _present(df, "postcode"):
        comparisons.append(_postcode_comparison(with_town=_present(df, "city")))
        rules.append(block_on("postcode", "first_initial"))
        training.append(block_on("postcode"))
    if _present(df, "organisation"):
        comparisons.append(cl.JaroWinklerAtThresholds("organisation", [0.95, 0.85]))
        # A changed surname and a new email: the first name at the same organisation.
        rules.append(block_on("first_name", "organisation"))
    if _present(df, "city"):
        if not _present(df, "postcode"):
            comparisons.append(cl.ExactMatch("city").configure(term_frequency_adjustments=True))
        rules.append(block_on("first_name", "city"))
    if _present(df, "address"):
        comparisons.append(cl.JaroWinklerAtThresholds("address", [0.95, 0.85]))
    if _present(df, "identifier"):
        comparisons.append(cl.ExactMatch("identifier"))
        rules.append(block_on("identifier"))
        training.append(block_on("identifier"))
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=rules,
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=False,
    ), training


@dataclass
class LinkageResult:
    """Candidate pairs above the review threshold, and clusters above the merge threshold."""

    pairs: pd.DataFrame
    clusters: pd.DataFrame
    seconds: float
    # {comparison: [(match weight of a level, readable label)]}, to explain each pair.
    level_weights: dict[str, list[tuple[float, str]]] = field(default_factory=dict)

    @property
    def largest_cluster(self) -> int:
        return int(self.clusters["cluster_id"].value_counts().max()) if len(self.clusters) else 0

    def explain(self, row: pd.Series) -> dict[str, str]:
        """How each compared field agreed for one pair: the level whose weight it got."""
        explanation = {}
        for name, levels in self.level_weights.items():
            weight = row.get(f"mw_{name}")
            if weight is None or pd.isna(weight) or not levels:
                continue
            explanation[name] = min(levels, key=lambda level: abs(level[0] - float(weight)))[1]
        return explanation


def spark_session(app_name: str = "chorus-linkage", master: str = "local[*]") -> Any:
    """A Spark session with Splink's similarity functions: ``master`` is "local[*]" to try
    the Spark engine on one machine, or a cluster's address (spark://host:7077)."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    session = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    # Splink checkpoints intermediate tables to break long lineages.
    session.sparkContext.setCheckpointDir(tempfile.mkdtemp(prefix="chorus-spark-"))
    return session


ENGINES = ("duckdb", "spark")
# DuckDB spills to disk beyond this, so a million people fit a small machine.
DUCKDB_MEMORY_GB = 2.5


def _db_api(engine: str, spark: Any = None, memory_gb: float = DUCKDB_MEMORY_GB) -> Any:
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if engine == "spark":
        from splink import SparkAPI

        return SparkAPI(spark_session=spark or spark_session())
    import duckdb
    from splink import DuckDBAPI

    spill = tempfile.mkdtemp(prefix="chorus-duckdb-")
    connection = duckdb.connect(
        config={
            "memory_limit": f"{int(memory_gb * 1024)}MB",
            "temp_directory": spill,
        }
    )
    connection.execute("PRAGMA disable_progress_bar")
    api = DuckDBAPI(connection=connection)
    # What DuckDB spilled goes when the run is over.
    weakref.finalize(api, shutil.rmtree, spill, ignore_errors=True)
    return api


def _for_spark(df: pd.DataFrame) -> pd.DataFrame:
    """Spark cannot infer a type for a column with no values at all (pyspark says
    "CANNOT_DETERMINE_TYPE"): such columns are left out, and the model leaves them out too."""
    keep = [c for c in df.columns if c == "unique_id" or df[c].notna().any()]
    return df[keep]


def candidate_pairs(records: pd.DataFrame) -> list[tuple[str, int]]:
    """How many pairs each blocking rule adds (beyond the rules before it), in order: what
    the engine will score for ``records``."""
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    df = prepare(records)
    settings, _ = _settings(df)
    db_api = _db_api("duckdb")
    counts = count_comparisons_from_blocking_rules(
        db_api.register(df),
        blocking_rules=settings.blocking_rules_to_generate_predictions,
        link_type="dedupe_only",
        record_sample_proportion=1.0,
    )
    return [(str(c["blocking_rule"]), int(c["marginal_comparison_count"])) for c in counts]


def find_duplicates(
    records: pd.DataFrame,
    *,
    review_threshold: float = 0.5,
    cluster_threshold: float = 0.95,
    engine: str = "duckdb",
    spark: Any = None,
    seed: int = 42,
    model: dict[str, Any] | None = None,
    memory_gb: float = DUCKDB_MEMORY_GB,
) -> LinkageResult:
    """Return likely duplicates in ``records``, which has ``unique_id`` and any of COLUMNS.

    With ``model`` (a trained model from ``train_model``, such as ``default_model()``)
    the records are scored with it; otherwise a model is trained on them first, which
    needs a few thousand records to be reliable.
    """
    started = time.perf_counter()
    logging.getLogger("splink").setLevel(logging.WARNING)
    df = prepare(records)
    if engine == "spark":
        df = _for_spark(df)
    if len(df) < 2:
        empty = pd.DataFrame(columns=["unique_id_l", "unique_id_r", "match_probability", "match_weight"])
        return LinkageResult(
            empty, pd.DataFrame({"unique_id": df["unique_id"], "cluster_id": df["unique_id"]}), 0.0
        )
    if model is not None and engine == "spark":
        # A saved model holds SQL written for DuckDB; on Spark the model is trained on the data,
        # which is what a directory big enough to need Spark should do anyway.
        raise ValueError("On Spark, leave out model= and let the engine train on the records.")
    db_api = _db_api(engine, spark, memory_gb)
    if model is not None:
        linker = Linker(db_api.register(df), _scaled(model, len(df)), log_level=logging.WARNING)
    else:
        linker = _trained_linker(df, db_api, seed)
    calibration = (model or {}).get("calibration")
    predictions = linker.inference.predict(
        # A calibrated or re-estimated probability can differ from the model's first one, so
        # score more pairs and cut after.
        threshold_match_probability=min(review_threshold, cluster_threshold) / 100
    )
    pairs = predictions.as_pandas_dataframe()
    weight_columns = [c for c in pairs.columns if c.startswith("mw_") and not c.startswith("mw_tf_adj_")]
    pairs = pairs[["unique_id_l", "unique_id_r", "match_probability", "match_weight", *weight_columns]]
    if calibration:
        pairs = pairs.assign(match_probability=calibrated(calibration, pairs))
    elif model is None:
        prior = float(linker._settings_obj._probability_two_random_records_match)
        pairs = _with_prior(pairs, prior, _reestimated_prior(pairs["match_weight"], prior, len(df)))
    cluster_frame = connected_clusters(
        df["unique_id"], pairs[pairs["match_probability"] >= cluster_threshold]
    )
    pairs = pairs[pairs["match_probability"] >= review_threshold].reset_index(drop=True)
    weights = {
        comparison.output_column_name: [
            (float(level._log2_bayes_factor), _readable(level.label_for_charts))
            for level in comparison.comparison_levels
            if level.is_null_level or level._bayes_factor not in (None, 0.0)
        ]
        for comparison in linker._settings_obj.comparisons
    }
    return LinkageResult(
        pairs=pairs, clusters=cluster_frame, seconds=time.perf_counter() - started, level_weights=weights
    )


def _logit2(p: float) -> float:
    return float(np.log2(p / (1 - p)))


def _reestimated_prior(weights: pd.Series, prior: float, records: int) -> float:
    """How likely two random records are to match, re-estimated from the scored pairs.

    The first estimate guesses how many true pairs a strict rule (same name and email)
    finds, and people whose copies differ in email or name make it too low, which makes
    every probability too cautious (five times, on generated directories). This is the
    expectation-maximisation step for the prior alone: the expected number of matches is
    the sum of the pairs' probabilities (pairs never compared count as non-matches), so the
    prior is that sum over all pairs, repeated until it settles."""
    total_pairs = records * (records - 1) / 2
    w = weights.to_numpy(dtype=float)
    estimate = prior
    for _ in range(100):
        shift = _logit2(estimate) - _logit2(prior)
        updated = float((1 / (1 + np.exp2(-(w + shift)))).sum() / total_pairs)
        updated = min(max(updated, 1e-12), 0.5)
        if abs(updated - estimate) <= 1e-4 * estimate:
            return updated
        estimate = updated
    return estimate


def _with_prior(pairs: pd.DataFrame, old: float, new: float) -> pd.DataFrame:
    weight = pairs["match_weight"] + (_logit2(new) - _logit2(old))
    return pairs.assign(match_weight=weight, match_probability=1 / (1 + np.exp2(-weight)))


def connected_clusters(ids: pd.Series, links: pd.DataFrame) -> pd.DataFrame:
    """Each record's cluster: records joined, directly or through others, by ``links``
    (unique_id_l, unique_id_r); the cluster is named by its smallest member's id."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    index = pd.Index(ids)
    left = index.get_indexer(links["unique_id_l"])
    right = index.get_indexer(links["unique_id_r"])
    graph = coo_matrix((np.ones(len(left)), (left, right)), shape=(len(index), len(index)))
    _, labels = connected_components(graph, directed=False)
    frame = pd.DataFrame({"unique_id": index, "label": labels})
    first = frame.groupby("label")["unique_id"].transform("min")
    return pd.DataFrame({"unique_id": frame["unique_id"].to_numpy(), "cluster_id": first.to_numpy()})


def _trained_linker(df: pd.DataFrame, db_api: Any, seed: int) -> Linker:
    settings, training = _settings(df)
    linker = Linker(db_api.register(df), settings, log_level=logging.WARNING)
    deterministic: list[Any] = [
        block_on("first_name", "surname", "email")
        if _present(df, "email")
        else block_on("first_name", "surname", "dob" if _present(df, "dob") else "first_initial")
    ]
    try:
        linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    except Exception:  # too few exact pairs to estimate: keep Splink's default prior
        logging.getLogger(__name__).info("kept the default prior match probability")
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=seed)
    for rule in training:
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule, fix_u_probabilities=True)
        except Exception:  # a rule that finds no pairs trains nothing
            logging.getLogger(__name__).info("EM on %s found nothing to learn from", rule)
    return linker


def train_model(records: pd.DataFrame, seed: int = 42) -> dict[str, Any]:
    """Train on ``records`` and return the model (settings with its trained parameters)."""
    from splink import DuckDBAPI

    df = prepare(records)
    linker = _trained_linker(df, DuckDBAPI(), seed)
    model: dict[str, Any] = linker.misc.save_model_to_json()
    model["trained_on_records"] = len(df)
    return model


def _scaled(model: dict[str, Any], records: int) -> dict[str, Any]:
    """The prior chance that two records match falls as the directory grows (about 1/N)."""
    scaled = {key: value for key, value in model.items() if key not in ("trained_on_records", "calibration")}
    trained_on = int(model.get("trained_on_records", records))
    prior = float(model["probability_two_random_records_match"]) * trained_on / max(records, 2)
    scaled["probability_two_random_records_match"] = min(prior, 0.5)
    # Keep the per-field agreement (gamma) columns, which explain each pair to reviewers.
    scaled["retain_intermediate_calculation_columns"] = True
    return scaled


def _calibration_features(pairs: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """Each field's match weight; the rest (prior and term frequencies) as one more; how many
    fields disagree; and whether the pair agrees on where as well as who they work for
    (colleagues do), which the independent weights count twice."""
    fields = np.column_stack(
        [pairs[c].to_numpy(dtype=float) if c in pairs else np.zeros(len(pairs)) for c in columns]
    )
    rest = pairs["match_weight"].to_numpy(dtype=float) - fields.sum(axis=1)
    disagreements = (fields < 0).sum(axis=1)
    workplace = np.ones(len(pairs), dtype=bool)
    for name in ("mw_postcode", "mw_organisation"):
        workplace &= pairs[name].to_numpy(dtype=float) > 0 if name in pairs else False
    return np.column_stack([fields, rest, disagreements, workplace, np.ones(len(pairs))])


def calibration_fit(pairs: pd.DataFrame, truth: pd.Series) -> dict[str, Any]:
    """A logistic regression over each field's match weight, fitted to known truth.

    Fellegi-Sunter adds the weights of fields as if they were independent, and they are
    not: people at one organisation share its postcode, so "same postcode, same
    organisation" is two pieces of evidence counted where there is about one, and the
    model's own probability says 1.00 far too often. Refitting how much each field's
    weight counts (Platt scaling, one slope per field) gives how often pairs like this
    really were one person.
    """
    columns = sorted(c for c in pairs.columns if c.startswith("mw_") and not c.startswith("mw_tf_adj_"))
    x = _calibration_features(pairs, columns)
    y = truth.to_numpy(dtype=float)
    # Platt's targets, nudged off 0 and 1 so that a perfectly separated set still has an answer.
    positives, negatives = y.sum(), len(y) - y.sum()
    target = np.where(y > 0, (positives + 1) / (positives + 2), 1 / (negatives + 2))
    beta = np.zeros(x.shape[1])
    ridge = 1e-3 * np.eye(x.shape[1])
    for _ in range(100):  # Newton's method on the log loss, lightly regularised
        p = 1 / (1 + np.exp(-(x @ beta)))
        gradient = x.T @ (p - target) + ridge @ beta
        hessian = (x * (p * (1 - p))[:, None]).T @ x + ridge
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.abs(step).max() < 1e-9:
            break
    return {
        "method": "logistic over field weights",
        "columns": columns,
        "coefficients": [float(b) for b in beta],
        "pairs": len(y),
    }


def calibrated(calibration: dict[str, Any], pairs: pd.DataFrame) -> pd.Series:
    """The chance that each pair is one person, from the fitted calibration."""
    x = _calibration_features(pairs, list(calibration["columns"]))
    z = x @ np.asarray(calibration["coefficients"], dtype=float)
    return pd.Series(1 / (1 + np.exp(-z)), index=pairs.index)


def labelled_pairs(model: dict[str, Any], records: pd.DataFrame, truth: str = "entity") -> pd.DataFrame:
    """Every pair the model (without its calibration) scores in ``records``, whose ``truth``
    column says who is who: the pair's weights, and ``same`` if it is one person."""
    uncalibrated = {key: value for key, value in model.items() if key != "calibration"}
    result = find_duplicates(
        records.drop(columns=[truth]), review_threshold=0.001, cluster_threshold=0.999, model=uncalibrated
    )
    who = records.set_index("unique_id")[truth]
    pairs = result.pairs
    same = who.loc[pairs["unique_id_l"]].to_numpy() == who.loc[pairs["unique_id_r"]].to_numpy()
    return pairs.assign(same=same)


def default_model() -> dict[str, Any]:
    """The model shipped with Chorus, trained on a generated directory (see synthetic.py)."""
    return dict(json.loads(DEFAULT_MODEL_PATH.read_text()))


def _readable(label: str) -> str:
    lowered = label.lower()
    if "is null" in lowered:
        return "missing"
    if lowered.startswith("exact match"):
        return "same"
    if lowered.startswith("all other"):
        return "different"
    return label[0].lower() + label[1:]
