""" "You said, we did" records answer the themes of an analysis (#24): staff choose them
from the analyses they may see of the project's consultations, the project page lists
them, and the public page names them once the analysis is signed off."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.analysis.models import AnalysisRun, ReviewStage, Theme
from chorus.consultations.models import Consultation
from chorus.core.models import AuditAction, AuditEntry
from chorus.engagement import selectors
from chorus.engagement.models import ImpactRecord, Project
from tests.conftest import sign_in
from tests.factories import (
    AnalysisRunFactory,
    ConsultationFactory,
    ImpactRecordFactory,
    ProjectFactory,
    QuestionFactory,
    SectionFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

NOT_OFFERED = "Choose themes from the list: you can only link themes of analyses you can see"


@pytest.fixture
def project(team) -> Project:
    return ProjectFactory(name="Court fees", team=team)


@pytest.fixture
def consultation(project: Project, team) -> Consultation:
    return ConsultationFactory(title="Court fees review", project=project, team=team)


def _run(consultation: Consultation, team, **kwargs) -> AnalysisRun:
    """A finished analysis of one of the consultation's questions."""
    question = QuestionFactory(section=SectionFactory(consultation=consultation), text="What about the fees?")
    fields = {"subject": "question", "question": question, "team": team, "status": "done"} | kwargs
    return AnalysisRunFactory(title=question.text, **fields)


@pytest.fixture
def cost(consultation: Consultation, team) -> Theme:
    return ThemeFactory(run=_run(consultation, team), label="Cost of applying")


def _create_url(project: Project) -> str:
    return reverse("engagement:impact_create", kwargs={"project": project.code})


def _edit_url(record: ImpactRecord) -> str:
    return reverse("engagement:impact_edit", kwargs={"project": record.project.code, "code": record.code})


def _fields(**extra) -> dict:
    return {"you_said": "Fees are too high", "we_did": "We froze them", "decided_on": "2026-06-01"} | extra


def test_the_form_offers_only_themes_of_the_analyses_the_user_may_see_of_the_projects_consultations(
    officer_client: Client, project: Project, consultation: Consultation, cost: Theme, team, other_team
) -> None:
    whole = AnalysisRunFactory(
        title="Court fees review", subject="consultation", consultation=consultation, team=team, status="done"
    )
    ThemeFactory(run=whole, label="Waiting times")
    ThemeFactory(run=whole, label="Said nothing", special="no_answer")
    ThemeFactory(run=_run(consultation, team, status="running"), label="Still being found")
    ThemeFactory(run=_run(consultation, other_team), label="Another team's theme")
    elsewhere = ConsultationFactory(project=ProjectFactory(team=team), team=team)
    ThemeFactory(run=_run(elsewhere, team), label="Another project's theme")
    page = officer_client.get(_create_url(project)).content.decode()
    assert "Themes it answers" in page
    assert "Cost of applying — What about the fees?" in page  # named with its analysis
    assert "Waiting times — Court fees review" in page
    for hidden in ("Said nothing", "Still being found", "Another team", "Another project"):
        assert hidden not in page


def test_a_theme_of_another_teams_analysis_is_refused_with_a_clear_error(
    officer_client: Client, project: Project, consultation: Consultation, cost: Theme, other_team
) -> None:
    secret = ThemeFactory(run=_run(consultation, other_team), label="Another team's theme")
    response = officer_client.post(_create_url(project), _fields(themes=[cost.pk, secret.pk]))
    assert response.status_code == 200
    assert NOT_OFFERED in response.content.decode()
    assert not ImpactRecord.objects.exists()


def test_chosen_themes_are_saved_and_the_change_audited(
    officer_client: Client, project: Project, consultation: Consultation, cost: Theme, team
) -> None:
    response = officer_client.post(_create_url(project), _fields(themes=[cost.pk]))
    assert response.status_code == 302
    record = ImpactRecord.objects.get()
    assert list(record.themes.all()) == [cost]
    waiting = ThemeFactory(run=cost.run, label="Waiting times")
    page = officer_client.get(_edit_url(record)).content.decode()
    assert f'value="{cost.pk}" checked' in page  # the form shows what it answers
    officer_client.post(_edit_url(record), _fields(themes=[waiting.pk]))
    assert list(record.themes.all()) == [waiting]
    actions = AuditEntry.objects.filter(object_id=str(record.code)).values_list("action", flat=True)
    assert {AuditAction.CREATE, AuditAction.CHANGE} <= set(actions)


def test_an_edit_keeps_the_themes_the_editor_may_not_see(
    client: Client, officer, admin, project: Project, consultation: Consultation, cost: Theme, other_team
) -> None:
    secret = ThemeFactory(run=_run(consultation, other_team), label="Another team's theme")
    record = ImpactRecordFactory(project=project)
    record.consultations.add(consultation)
    record.themes.add(cost, secret)
    sign_in(client, officer)
    assert "Another team" not in client.get(_edit_url(record)).content.decode()
    client.post(_edit_url(record), _fields())  # the officer unticks the theme they can see
    assert list(record.themes.all()) == [secret]


def test_the_record_offers_themes_of_its_own_consultations_too(
    officer_client: Client, project: Project, team
) -> None:
    elsewhere = ConsultationFactory(project=ProjectFactory(team=team), team=team)
    theme = ThemeFactory(run=_run(elsewhere, team), label="Heard elsewhere")
    record = ImpactRecordFactory(project=project)
    record.consultations.add(elsewhere)
    assert "Heard elsewhere" in officer_client.get(_edit_url(record)).content.decode()
    officer_client.post(_edit_url(record), _fields(themes=[theme.pk]))
    assert list(record.themes.all()) == [theme]


def test_each_theme_is_offered_once_however_many_records_link_its_consultation(
    officer_client: Client, project: Project, consultation: Consultation, cost: Theme
) -> None:
    records = ImpactRecordFactory.create_batch(3, project=project)
    for record in records:
        record.consultations.add(consultation)
    page = officer_client.get(_edit_url(records[0])).content.decode()
    assert page.count('name="themes"') == 1  # the one theme, once


def test_with_no_themes_to_choose_the_form_says_how_to_get_some(
    officer_client: Client, project: Project, consultation: Consultation
) -> None:
    page = officer_client.get(_create_url(project)).content.decode()
    assert "link a consultation with an analysis to choose its themes" in page
    assert 'name="themes"' not in page


def test_the_project_page_lists_the_themes_a_record_answers(
    client: Client, officer, project: Project, consultation: Consultation, cost: Theme, other_team
) -> None:
    secret = ThemeFactory(run=_run(consultation, other_team), label="Another team's theme")
    record = ImpactRecordFactory(project=project)
    record.themes.add(cost, secret)
    sign_in(client, officer)
    page = client.get(reverse("engagement:project_detail", kwargs={"code": project.code})).content.decode()
    assert "Themes it answers" in page
    theme_url = reverse("analysis:theme_detail", kwargs={"code": cost.run.code, "key": cost.key})
    assert f'href="{theme_url}">Cost of applying</a>' in page
    assert "From the analysis “What about the fees?”" in page
    # Neither named nor linked: the officer may not see the other team's analysis, and a
    # theme's name comes from what its respondents wrote.
    assert "Another team" not in page and str(secret.run.code) not in page
    assert "A theme of an analysis you cannot see" in page
    assert f'id="impact-{record.code}"' in page  # the run page links to the card


@pytest.fixture
def public_record(project: Project) -> ImpactRecord:
    return ImpactRecordFactory(
        project=project, you_said="Fees are too high", is_published=True, published_at=timezone.now()
    )


def _public_theme(label: str, *, signed_off: bool = True, team=None, consultation_team=None) -> Theme:
    consultation = ConsultationFactory(is_published=True, team=consultation_team)
    stage = ReviewStage.SIGNED_OFF if signed_off else ReviewStage.IN_REVIEW
    return ThemeFactory(run=_run(consultation, team, review_stage=stage), label=label)


def test_the_public_page_names_the_themes_of_a_signed_off_public_analysis(
    public_record: ImpactRecord, team
) -> None:
    public_record.themes.add(
        _public_theme("Cost of applying"),
        _public_theme("Not signed off yet", signed_off=False),
        _public_theme("A team's own analysis", team=team),
        _public_theme("A team's own consultation", consultation_team=team),
    )
    page = Client().get(reverse("engagement:public_impact", kwargs={"code": public_record.project.code}))
    text = page.content.decode()
    assert "What people told us about" in text and "Cost of applying" in text
    for private in ("Not signed off yet", "own analysis", "own consultation"):
        assert private not in text


def test_the_public_page_says_nothing_of_themes_when_none_may_be_shown(public_record: ImpactRecord) -> None:
    public_record.themes.add(_public_theme("Not signed off yet", signed_off=False))
    page = Client().get(reverse("engagement:public_impact", kwargs={"code": public_record.project.code}))
    assert "What people told us about" not in page.content.decode()


def test_engagement_names_the_analysis_states_as_analysis_does() -> None:
    assert selectors.ANALYSIS_DONE == AnalysisRun.Status.DONE
    assert selectors.ANALYSIS_SIGNED_OFF == ReviewStage.SIGNED_OFF
