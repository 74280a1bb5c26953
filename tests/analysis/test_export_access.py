"""Who may take an analysis's exports away: the run's team (and the team of what it
analysed), never viewers; and every export is in the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.accounts.models import Role, Team, User
from chorus.analysis.models import AnalysisRun, Item
from chorus.consultations.models import Consultation
from chorus.core.models import AuditAction, AuditEntry
from tests.conftest import sign_in
from tests.core.export_helpers import exported
from tests.factories import (
    AnalysisRunFactory,
    AnswerFactory,
    AssignmentFactory,
    ConsultationFactory,
    ItemFactory,
    QuestionFactory,
    ResponseFactory,
    SectionFactory,
    ThemeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

EXPORTS = ["analysis:themes_csv", "analysis:assignments_csv", "analysis:report"]


@pytest.fixture
def analyst(team: Team) -> User:
    return UserFactory(role=Role.ANALYST, email="analyst@example.gov.uk", teams=[team])


@pytest.fixture
def run(team: Team) -> AnalysisRun:
    now = timezone.now()
    consultation = ConsultationFactory(
        title="Court visits", summary="Tell us.", opens_at=now - timedelta(days=5), closes_at=now, team=team
    )
    section = SectionFactory(consultation=consultation, title="Questions", order=1)
    question = QuestionFactory(section=section, kind="text", text="What happened?", order=1)
    response = ResponseFactory(consultation=consultation, reference="R0000001")
    answer = AnswerFactory(response=response, question=question, value="The queue was long")
    run = AnalysisRunFactory(
        title="Court visits",
        subject=AnalysisRun.Subject.CONSULTATION,
        consultation=consultation,
        team=team,
        status=AnalysisRun.Status.DONE,
    )
    item = ItemFactory(
        run=run,
        source=Item.Source.ANSWER,
        source_id=answer.pk,
        text=answer.value,
        redacted=answer.value,
        sentiment="negative",
    )
    broad = ThemeFactory(run=run, key=1, level="broad", label="Waiting", share=1.0, quotes=[item.pk])
    fine = ThemeFactory(run=run, key=2, level="fine", parent=broad, label="Queues", share=1.0)
    AssignmentFactory(item=item, theme=fine)
    return run


def _get(client: Client, name: str, run: AnalysisRun):
    return exported(client, reverse(name, args=[run.code]))  # through the page that prepares it


def _exports() -> int:
    return AuditEntry.objects.filter(action=AuditAction.EXPORT, object_type="analysis.analysisrun").count()


@pytest.mark.parametrize("name", EXPORTS)
def test_an_analyst_in_the_team_downloads_the_export_and_it_is_audited(
    client: Client, analyst: User, run: AnalysisRun, name: str
) -> None:
    response = _get(sign_in(client, analyst), name, run)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200 and body
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT, object_id=str(run.code))
    assert entry.actor == analyst


@pytest.mark.parametrize("name", EXPORTS)
def test_viewers_are_refused_every_export_and_nothing_is_recorded_as_exported(
    client: Client, viewer: User, run: AnalysisRun, name: str
) -> None:
    assert _get(sign_in(client, viewer), name, run).status_code == 403
    assert _exports() == 0


def test_viewers_still_read_the_analysis_but_are_offered_no_exports(
    client: Client, viewer: User, analyst: User, run: AnalysisRun
) -> None:
    page = sign_in(client, viewer).get(reverse("analysis:run_detail", args=[run.code]))
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("analysis:assignments_csv", args=[run.code]) not in html
    assert reverse("analysis:report", args=[run.code]) not in html
    offered = sign_in(client, analyst).get(reverse("analysis:run_detail", args=[run.code])).content.decode()
    assert reverse("analysis:assignments_csv", args=[run.code]) in offered


@pytest.mark.parametrize("name", EXPORTS)
def test_outsiders_get_404_whatever_their_role(
    client: Client, other_team: Team, run: AnalysisRun, name: str
) -> None:
    for role in (Role.ANALYST, Role.VIEWER):
        outsider = UserFactory(role=role, teams=[other_team])
        assert _get(sign_in(client, outsider), name, run).status_code == 404
    assert _exports() == 0


@pytest.mark.parametrize("name", EXPORTS)
def test_a_run_whose_consultation_moved_to_another_team_is_not_exported_to_the_old_team(
    client: Client, analyst: User, other_team: Team, run: AnalysisRun, name: str
) -> None:
    Consultation.objects.filter(pk=run.consultation_id).update(team=other_team)
    assert _get(sign_in(client, analyst), name, run).status_code == 404
    assert _exports() == 0
