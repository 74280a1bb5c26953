"""Themes in what people wrote in their enquiries and complaints (#27): started from the
cases dashboard for its period and filters, reading only the cases the user may see, shown
back on the dashboard within the team rules cases follow."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from chorus.accounts.models import Team, User
from chorus.analysis.jobs import erased_comments_drop_hourly
from chorus.analysis.models import AnalysisRun, Item
from chorus.analysis.sources import texts_for
from chorus.cases.erasure import cases_anonymise
from chorus.cases.models import Case, Kind
from tests.analysis.corpus import corpus
from tests.cases.conftest import open_case
from tests.conftest import sign_in
from tests.factories import AnalysisRunFactory, ItemFactory, ThemeFactory

pytestmark = pytest.mark.django_db

DASHBOARD = "/staff/cases/dashboard/"
START = "/staff/analysis/new/cases/"
Q2: dict[str, Any] = {
    "period": "custom",
    "start_day": "1",
    "start_month": "4",
    "start_year": "2026",
    "end_day": "30",
    "end_month": "6",
    "end_year": "2026",
}
Q2_KEY = "2026-04-01/2026-06-30"


def _case(team: Team | None, received: date, text: str, kind: str = Kind.COMPLAINT) -> Case:
    case = open_case(team=team, kind=kind, description=text)
    Case.objects.filter(pk=case.pk).update(received_on=received)
    return case


def _start(client: Client, data: dict[str, Any], capture) -> tuple[Any, list[Any]]:
    with capture(execute=False) as queued:
        reply = client.post(START, data)
    return reply, queued


def test_the_button_queues_one_analysis_of_the_visible_cases_in_the_period_and_filters(
    officer_client: Client, team: Team, other_team: Team, django_capture_on_commit_callbacks
) -> None:
    inside = _case(team, date(2026, 5, 2), "The hearing loop in court 2 did not work.")
    unrestricted = _case(None, date(2026, 6, 30), "Nobody answered the phone for an hour.")
    _case(team, date(2026, 5, 3), "Where do I send the form?", kind=Kind.ENQUIRY)  # another kind
    _case(team, date(2026, 3, 31), "The lift was broken.")  # before the period
    _case(other_team, date(2026, 5, 4), "The crime team's complaint.")  # not the officer's to see
    page = officer_client.get(DASHBOARD, {**Q2, "kind": Kind.COMPLAINT})
    assert "Themes in what people wrote" in page.content.decode()
    assert "Analyse the cases&#x27; texts" in page.content.decode()
    confirm = officer_client.get(START, {**Q2, "kind": Kind.COMPLAINT})
    assert confirm.status_code == 200
    assert "2 cases received from 1 April 2026 to 30 June 2026" in confirm.content.decode()

    reply, queued = _start(officer_client, {**Q2, "kind": Kind.COMPLAINT}, django_capture_on_commit_callbacks)

    assert AnalysisRun.objects.count() == 1
    run = AnalysisRun.objects.get()
    assert reply.status_code == 302 and reply["Location"] == reverse("analysis:run_detail", args=[run.code])
    assert len(queued) == 1
    assert (run.subject, run.team, run.status, run.follows_new) == ("cases", team, "queued", False)
    assert run.case_scope == f"{Q2_KEY}&kind=complaint"
    assert sorted(run.case_ids) == sorted([inside.pk, unrestricted.pk])
    texts = texts_for(run)
    assert {(t.source, t.source_id, t.text) for t in texts} == {
        (Item.Source.CASE, inside.pk, "The hearing loop in court 2 did not work."),
        (Item.Source.CASE, unrestricted.pk, "Nobody answered the phone for an hour."),
    }


def test_cases_of_no_team_make_an_unrestricted_analysis_and_several_teams_are_refused(
    client: Client, admin: User, team: Team, other_team: Team, django_capture_on_commit_callbacks
) -> None:
    _case(None, date(2026, 5, 2), "Nobody answered the phone for an hour.")
    sign_in(client, admin)
    _reply, queued = _start(client, Q2, django_capture_on_commit_callbacks)
    assert AnalysisRun.objects.get().team is None and len(queued) == 1

    _case(team, date(2026, 5, 3), "The hearing loop in court 2 did not work.")
    _case(other_team, date(2026, 5, 4), "The lift was broken.")
    reply, queued = _start(client, Q2, django_capture_on_commit_callbacks)
    assert reply.status_code == 200 and not queued
    assert "more than one team" in reply.content.decode()
    assert "csrfmiddlewaretoken=" not in reply.content.decode()  # the way back names only the filters
    assert AnalysisRun.objects.count() == 1
    _reply, queued = _start(client, {**Q2, "team": other_team.pk}, django_capture_on_commit_callbacks)
    assert len(queued) == 1
    assert AnalysisRun.objects.latest("created_at").team == other_team


def test_a_finished_analysis_shows_its_themes_to_its_team_only(
    client: Client, officer: User, outsider: User, team: Team
) -> None:
    run = AnalysisRunFactory(
        subject="cases", team=team, status="done", item_count=12, case_scope=Q2_KEY, title="Cases"
    )
    ThemeFactory(run=run, level="broad", label="Hearing loops not working", share=0.42)
    ThemeFactory(run=run, level="broad", label="Phones not answered", share=0.25)
    sign_in(client, officer)
    page = client.get(DASHBOARD, Q2).content.decode()
    assert "Hearing loops not working: 42%" in page
    assert "Phones not answered: 25%" in page
    assert "for the period and filters chosen" in page
    assert reverse("analysis:run_detail", args=[run.code]) in page
    # Another period: the latest analysis the user may see, said to be for other dates.
    assert "for other dates or filters" in client.get(DASHBOARD).content.decode()

    sign_in(client, outsider)
    page = client.get(DASHBOARD, Q2).content.decode()
    assert "Hearing loops not working" not in page
    assert "No one has analysed the messages of these cases yet." in page


def test_a_viewer_sees_the_themes_but_may_not_start_an_analysis(
    client: Client, viewer: User, team: Team, django_capture_on_commit_callbacks
) -> None:
    _case(team, date(2026, 5, 2), "The hearing loop in court 2 did not work.")
    sign_in(client, viewer)
    page = client.get(DASHBOARD, Q2).content.decode()
    assert "Themes in what people wrote" in page
    assert START not in page
    assert client.get(START, Q2).status_code == 403
    reply, queued = _start(client, Q2, django_capture_on_commit_callbacks)
    assert reply.status_code == 403 and not queued
    assert not AnalysisRun.objects.exists()


def test_the_analysis_runs_over_the_cases_texts_and_masks_personal_data(
    officer_client: Client, team: Team, django_capture_on_commit_callbacks
) -> None:
    texts, _labels = corpus(per_topic=6)
    for i, text in enumerate(texts):
        _case(team, date(2026, 4, 1 + i % 28), text)
    _case(team, date(2026, 5, 1), "Call me on 07700 900123 about the broken hearing loop in court 2.")
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(START, Q2)
    run = AnalysisRun.objects.get()
    assert run.status == AnalysisRun.Status.DONE, run.error
    assert run.items.count() == len(texts) + 1
    assert run.themes.filter(level="broad").exists()
    phone = run.items.get(text__contains="07700")
    assert "07700 900123" not in phone.redacted and phone.personal_data
    page = officer_client.get(DASHBOARD, Q2).content.decode()
    top = run.themes.filter(level="broad", special="").order_by("-share").first()
    assert top is not None and top.label in page.replace("&#x27;", "'")
    assert officer_client.get(reverse("analysis:run_detail", args=[run.code])).status_code == 200
    assert officer_client.get(reverse("analysis:run_responses", args=[run.code])).status_code == 200


def test_a_message_taken_out_of_its_case_leaves_every_analysis(team: Team) -> None:
    kept = _case(team, date(2026, 5, 2), "The hearing loop in court 2 did not work.")
    erased = _case(team, date(2026, 5, 3), "Nobody answered the phone for an hour.")
    run = AnalysisRunFactory(subject="cases", team=team, status="done", case_ids=[kept.pk, erased.pk])
    for case in (kept, erased):
        ItemFactory(run=run, source=Item.Source.CASE, source_id=case.pk, text=case.description)
    cases_anonymise(Case.objects.filter(pk=erased.pk))  # as at the end of its retention period
    assert erased_comments_drop_hourly.call() == 1
    assert list(run.items.values_list("source_id", flat=True)) == [kept.pk]
    assert [t.source_id for t in texts_for(run)] == [kept.pk]
