"""The analysis page shows, per theme, the "you said, we did" records that answer it (#24)."""

from __future__ import annotations

import random

import numpy as np
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chorus.analysis import services
from chorus.analysis.models import AnalysisRun, Theme
from chorus.analysis.services.stored import to_bytes
from tests.factories import (
    AnalysisRunFactory,
    AssignmentFactory,
    ImpactRecordFactory,
    ItemFactory,
    ProjectFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(team) -> AnalysisRun:
    return AnalysisRunFactory(team=team, status="done")


def _theme(run: AnalysisRun, label: str) -> Theme:
    return ThemeFactory(run=run, label=label, level=Theme.Level.BROAD)


def _answer(theme: Theme, we_did: str, team) -> None:
    project = ProjectFactory(name=f"Project for {we_did}", team=team)
    ImpactRecordFactory(project=project, we_did=we_did).themes.add(theme)


def _page(client: Client, run: AnalysisRun) -> str:
    return client.get(reverse("analysis:run_detail", args=[run.code])).content.decode()


def test_each_theme_shows_the_records_that_answer_it(officer_client: Client, run: AnalysisRun, team) -> None:
    cost = _theme(run, "Cost of applying")
    _theme(run, "Waiting times")
    project = ProjectFactory(name="Court fees", team=team)
    record = ImpactRecordFactory(project=project, we_did="We froze the fees")
    record.themes.add(cost)
    _answer(cost, "We wrote a guide to help with fees", team)
    page = _page(officer_client, run)
    assert "What changed: 2 records" in page
    project_url = reverse("engagement:project_detail", kwargs={"code": record.project.code})
    assert f'href="{project_url}#impact-{record.code}">We froze the fees</a> (Court fees)' in page
    assert page.count("What changed:") == 1  # not on the theme nothing answers yet


def test_a_record_the_reader_may_not_see_is_left_out(
    officer_client: Client, run: AnalysisRun, team, other_team
) -> None:
    cost = _theme(run, "Cost of applying")
    _answer(cost, "We froze the fees", team)
    _answer(cost, "Another team's change", other_team)
    page = _page(officer_client, run)
    assert "What changed: 1 record" in page and "We froze the fees" in page
    assert "Another team" not in page


def test_the_page_takes_no_more_queries_for_more_themes_and_records(
    officer_client: Client, run: AnalysisRun, team, django_assert_max_num_queries
) -> None:
    _answer(_theme(run, "Theme one"), "First change", team)
    with CaptureQueriesContext(connection) as first:
        assert "First change" in _page(officer_client, run)
    for n in range(5):
        theme = _theme(run, f"Theme {n + 2}")
        _answer(theme, f"Change {n}a", team)
        _answer(theme, f"Change {n}b", team)
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert "Change 4b" in _page(officer_client, run)


def test_merging_themes_keeps_what_changed_because_of_them(run: AnalysisRun, team, officer) -> None:
    cost, fees = _theme(run, "Cost"), _theme(run, "Fees")
    _answer(fees, "We froze the fees", team)
    services.theme_merge(themes=[cost, fees], into=cost, actor=officer)
    assert [r.we_did for r in cost.impact.all()] == ["We froze the fees"]


def test_splitting_a_theme_keeps_what_changed_on_each_part(run: AnalysisRun, team, officer) -> None:
    mixed = _theme(run, "Mixed")
    _answer(mixed, "We opened a second car park", team)
    rng = random.Random(3)
    for n in range(8):
        vector = [rng.gauss(0, 0.05) for _ in range(8)]
        vector[0 if n < 4 else 1] += 1.0
        item = ItemFactory(run=run, text=f"Comment {n}", vector=to_bytes(np.array(vector), np.float16))
        AssignmentFactory(item=item, theme=mixed)
    parts = services.theme_split(theme=mixed, actor=officer, parts=2)
    assert [[r.we_did for r in part.impact.all()] for part in parts] == [["We opened a second car park"]] * 2


def test_the_theme_page_shows_what_changed_because_of_it(
    officer_client: Client, run: AnalysisRun, team, other_team
) -> None:
    cost = _theme(run, "Cost of applying")
    _answer(cost, "We froze the fees", team)
    _answer(cost, "Another team's change", other_team)
    page = officer_client.get(reverse("analysis:theme_detail", args=[run.code, cost.key])).content.decode()
    assert "What changed because of it" in page and "We froze the fees" in page
    assert "Another team" not in page
