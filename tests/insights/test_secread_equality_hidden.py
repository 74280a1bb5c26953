"""Security read of #24: an equality cell hidden because one release holds few of it is
not left as the only hidden cell of a table with its total shown, or the total less the
other cells would give it back (secondary suppression, as ``suppress`` does); and the
report's CSV, which now carries the equality rows, moves no more than the equity page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.equality.services import release_due
from chorus.insights.equity import compare
from tests.conftest import sign_in
from tests.insights.test_equity import (  # noqa: F401  (regions, released, served: fixtures)
    VICTIM,
    _csv_rows,
    _period,
    _respond,
    regions,
    released,
    served,
)


def test_a_lone_hidden_equality_cell_hides_the_next_smallest_too() -> None:
    labels = {"female": "Female", "male": "Male"}
    rows, total = compare(
        {"female": 15, "male": 37}, labels, {"female": 50, "male": 50}, equality=True, hidden={"female"}
    )
    counts = {row.key: row.count for row in rows}
    assert counts["female"] is None
    # Otherwise 50 people in all less 35 men would show the hidden women.
    assert total is None or counts["male"] is None
    assert all(row.share is None for row in rows if row.count is None)


def test_with_more_groups_only_the_next_smallest_is_hidden_as_well() -> None:
    labels = {k: k for k in ("a", "b", "c")}
    rows, total = compare(
        {"a": 100, "b": 20, "c": 40}, labels, dict.fromkeys(labels, 1), equality=True, hidden={"b"}
    )
    counts = {row.key: row.count for row in rows}
    assert counts == {"a": 100, "b": None, "c": None}
    assert total == 160


def test_a_hidden_cell_already_beside_another_hidden_one_hides_nothing_more() -> None:
    labels = {k: k for k in ("a", "b", "c", "d")}
    rows, _total = compare(
        {"a": 100, "b": 20, "c": 40, "d": 3}, labels, dict.fromkeys(labels, 1), equality=True, hidden={"b"}
    )
    counts = {row.key: row.count for row in rows}
    # d is too few (primary); b is hidden as asked, so nothing else need be.
    assert counts == {"a": 100, "b": None, "c": 40, "d": None}


@pytest.mark.django_db
def test_one_new_equality_answer_changes_nothing_in_the_report_csv(
    request: pytest.FixtureRequest, officer, client: Client
) -> None:
    consultation = request.getfixturevalue("released")
    sign_in(client, officer)
    url = reverse("engagement:report_csv") + _period()
    before = _csv_rows(client, url)
    assert ["Equity of reach: Sex"] in before
    _respond(consultation, VICTIM)
    release_due(now=timezone.now() + timedelta(days=2))
    assert _csv_rows(client, url) == before
