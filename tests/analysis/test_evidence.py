"""The evidence behind a theme: varied representative quotes, and who responded, with small
numbers suppressed."""

from __future__ import annotations

import numpy as np
import pytest
from django.test import Client
from django.urls import reverse

from chorus.accounts.models import Role, Team
from chorus.analysis.evidence import quotes_pick, theme_evidence
from tests.analysis.evidence_world import evidence_run, unit
from tests.conftest import sign_in
from tests.factories import UserFactory


def test_quotes_pick_starts_with_the_engines_choice_then_prefers_a_different_text() -> None:
    vectors = np.stack([unit((1, 0, 0)), unit((1, 0.01, 0)), unit((0.7, 0.7, 0))])
    assert quotes_pick(vectors, unit((1, 0.1, 0)), first=[0], n=2) == [0, 2]


def test_quotes_pick_without_a_first_choice_takes_the_closest_to_the_centre() -> None:
    vectors = np.stack([unit((0, 1, 0)), unit((1, 0, 0)), unit((0, 0, 1))])
    assert quotes_pick(vectors, unit((1, 0, 0)), n=1) == [1]
    assert quotes_pick(vectors[:0], unit((1, 0, 0)), n=3) == []


@pytest.mark.django_db
def test_a_themes_quotes_are_varied_redacted_and_lead_with_the_engines(team: Team) -> None:
    _run, theme = evidence_run(team)
    quotes = theme_evidence(theme).quotes
    assert len(quotes) == 3
    assert quotes[0] == "The queue at court was long 0"
    assert sum(q.startswith("The queue at court") for q in quotes) == 1
    assert not any("07700" in q for q in quotes)


@pytest.mark.django_db
def test_breakdowns_hide_every_count_under_the_threshold(team: Team) -> None:
    _run, theme = evidence_run(team)
    evidence = theme_evidence(theme)
    tables = {b.title: {r.label: r for r in b.rows} for b in evidence.tables}
    kinds = tables["Respondent type"]
    assert kinds["On behalf of an organisation"].count is None and kinds["On behalf of an organisation"].fewer
    # the only other row would give the small one away by subtraction from the total
    assert kinds["As an individual"].count is None and not kinds["As an individual"].fewer
    channels = tables["Channel"]
    assert channels["Online"].count == 12
    assert channels["Email"].count is None and channels["Post"].count is None
    regions = tables["Region"]
    assert regions["Wales"].count == 14 and regions["Not known"].fewer and regions["North East"].fewer
    stance = tables["Tone of the responses"]  # not "Stance": no closed answer was paired
    assert stance["Negative"].count == 14 and stance["Positive"].fewer and stance["Neutral"].fewer


@pytest.mark.django_db
def test_organisations_are_counted_under_suppression_and_named_when_they_responded_as_themselves(
    team: Team,
) -> None:
    _run, theme = evidence_run(team)
    evidence = theme_evidence(theme)
    assert evidence.organisations is not None and evidence.organisations.fewer
    assert evidence.organisations_named == ["Citizens Advice", "Law Society"]


@pytest.mark.django_db
def test_counts_at_the_threshold_are_shown_with_their_share(team: Team, settings: object) -> None:
    settings.CHORUS_SUPPRESS_BELOW = 2  # type: ignore[attr-defined]
    _run, theme = evidence_run(team)
    evidence = theme_evidence(theme)
    kinds = {r.label: r for r in evidence.tables[0].rows}
    assert kinds["On behalf of an organisation"].count == 2
    assert kinds["On behalf of an organisation"].share == pytest.approx(2 / 16)
    assert evidence.organisations is not None and evidence.organisations.count == 2


@pytest.mark.django_db
def test_the_theme_page_shows_the_evidence_and_never_a_small_count(client: Client, team: Team) -> None:
    run, theme = evidence_run(team)
    analyst = UserFactory(role=Role.ANALYST, teams=[team])
    page = sign_in(client, analyst).get(reverse("analysis:theme_detail", args=[run.code, theme.key]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Who responded" in html and "fewer than 10" in html
    assert "Citizens Advice" in html and "Law Society" in html
    assert ">2 (" not in html and ">1 (" not in html
    assert "07700" not in html.split("Responses in this theme")[0]


@pytest.mark.django_db
def test_the_theme_page_in_welsh_shows_nothing_internal_in_the_evidence(client: Client, team: Team) -> None:
    run, theme = evidence_run(team)
    analyst = UserFactory(role=Role.ANALYST, teams=[team])
    url = "/cy" + reverse("analysis:theme_detail", args=[run.code, theme.key])
    page = sign_in(client, analyst).get(url)
    evidence = page.content.decode().split("govuk-table__caption", 1)[1].split("</dl>")[0]
    assert page.status_code == 200
    assert "None" not in evidence and "{" not in evidence and "respondent_type" not in evidence


@pytest.mark.django_db
def test_a_run_without_stored_vectors_keeps_the_engines_quotes(team: Team) -> None:
    run, theme = evidence_run(team)
    run.items.update(vector=None)
    assert theme_evidence(theme).quotes == [
        "The queue at court was long 0",
        "The queue at court was long 1",
        "The queue at court was long 2",
    ]
