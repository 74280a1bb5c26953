"""An analysis that fails says what to do, in the reader's language; the fault's details go to
the log, never to the page."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from chorus.accounts.models import User
from chorus.analysis.models import AnalysisRun
from chorus.analysis.services import runs
from chorus.core.roles import Role
from tests.conftest import sign_in
from tests.factories import AnalysisRunFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_fault_fails_the_run_with_words_not_the_exception(client: Client, team: Any, caplog) -> None:
    run = AnalysisRunFactory(status=AnalysisRun.Status.QUEUED, team=team)
    boom = IndexError("boolean index did not match indexed array along axis 0")
    with mock.patch.object(runs, "run_execute", side_effect=boom), pytest.raises(IndexError):
        runs.run_analysis.call(run.pk)
    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.FAILED
    assert run.error == runs.FAULT
    assert "boolean index" in caplog.text and str(run.code) in caplog.text

    analyst: User = UserFactory(role=Role.ANALYST, teams=[team])
    sign_in(client, analyst)
    english = client.get(reverse("analysis:run_detail", args=[run.code])).content.decode()
    assert "fault in Chorus" in english and "IndexError" not in english and "boolean index" not in english
    welsh = client.get("/cy" + reverse("analysis:run_detail", args=[run.code])).content.decode()
    assert "fault in Chorus" not in welsh and "IndexError" not in welsh


def test_a_waiting_run_shows_its_progress_as_a_percentage(client: Client, team: Any) -> None:
    run = AnalysisRunFactory(status=AnalysisRun.Status.RUNNING, team=team, progress=0.25)
    sign_in(client, UserFactory(role=Role.ANALYST, teams=[team]))
    page = client.get(reverse("analysis:run_detail", args=[run.code])).content.decode()
    assert "Progress: 25%" in page and "of 1." not in page


def test_the_migration_words_match_what_a_failed_run_shows() -> None:
    """The migration that rewords runs that failed before keeps its own copy of the words."""
    import importlib

    migration = importlib.import_module("chorus.analysis.migrations.0008_failed_runs_say_what_to_do")
    assert migration.FAULT == runs.FAULT and migration.STOPPED == runs.STOPPED
