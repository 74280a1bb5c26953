"""The linkage model runs on Spark with the same settings, for directories too big for one machine."""

from __future__ import annotations

import shutil

import pytest

from chorus.directory.linkage.engine import default_model, find_duplicates
from chorus.directory.linkage.synthetic import generate_people

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java, which is not installed"),
]

COLUMNS = ["unique_id", "first_name", "surname", "email", "phone", "postcode", "organisation"]


@pytest.fixture(autouse=True, scope="module")
def stop_spark_afterwards():
    yield
    from pyspark.sql import SparkSession

    session = SparkSession.getActiveSession()
    if session is not None:
        session.stop()


def test_spark_finds_the_same_duplicates_as_duckdb() -> None:
    people = generate_people(1200, seed=8)[COLUMNS]
    on_duckdb = find_duplicates(people)
    on_spark = find_duplicates(people, engine="spark")
    duck = {tuple(pair) for pair in on_duckdb.pairs[["unique_id_l", "unique_id_r"]].values.tolist()}
    spark = {tuple(pair) for pair in on_spark.pairs[["unique_id_l", "unique_id_r"]].values.tolist()}
    assert len(duck) > 50
    # Random sampling for training differs between engines, so allow a sliver of difference.
    assert len(duck & spark) / len(duck | spark) > 0.95
    assert on_spark.largest_cluster <= 6


def test_a_saved_duckdb_model_is_refused_on_spark() -> None:
    with pytest.raises(ValueError, match="On Spark"):
        find_duplicates(generate_people(10, seed=1)[COLUMNS], engine="spark", model=default_model())


def test_spark_takes_a_directory_with_a_column_nobody_filled_in() -> None:
    # Spark cannot type a column with no values at all; the engine leaves it out.
    people = generate_people(600, seed=9)[COLUMNS].assign(phone="", organisation=None)
    result = find_duplicates(people, engine="spark")
    assert len(result.pairs) > 20
    assert set(result.clusters["unique_id"]) == set(people["unique_id"])


@pytest.mark.django_db
def test_the_engine_setting_runs_the_directorys_duplicate_finding_on_spark(settings) -> None:
    from chorus.directory.duplicates import duplicates_find
    from chorus.directory.models import DuplicateCandidate
    from tests.factories import make_person

    settings.CHORUS_LINKAGE_ENGINE = "spark"
    settings.CHORUS_LINKAGE_SPARK_MASTER = "local[1]"
    people = generate_people(300, seed=12)
    for row in people.itertuples():
        make_person(
            first_name=row.first_name,
            last_name=row.surname,
            emails=[row.email] if row.email else [],
            postcode=row.postcode,
        )
    assert duplicates_find() > 10
    assert DuplicateCandidate.objects.filter(match_probability__gte=0.5).count() > 10
