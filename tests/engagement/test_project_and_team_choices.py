"""Forms and filters offer only the projects and teams a user may use, from one rule
(``projects_assignable_by`` and ``teams_assignable_by``), and refuse any other posted id."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from chorus.accounts.models import Team, User
from chorus.consultations.models import Consultation
from chorus.core.access import teams_assignable_by
from chorus.engagement.models import Activity, Project
from chorus.engagement.selectors import projects_assignable_by
from tests.factories import (
    ActivityFactory,
    ConsultationFactory,
    ImpactRecordFactory,
    ProjectFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db

PROJECT_REFUSED = "Choose a project from the list: you can only link projects you can see"
TEAM_REFUSED = "Choose one of your own teams, or none"


@pytest.fixture
def projects(team: Team, other_team: Team) -> dict[str, Project]:
    return {
        "open": ProjectFactory(name="Open project"),
        "ours": ProjectFactory(name="Our project", team=team),
        "theirs": ProjectFactory(name="Their secret project", team=other_team),
    }


def _activity_form(**extra: object) -> dict[str, object]:
    return {"kind": "meeting", "title": "Planning meeting", "starts_at": "2026-12-01 10:00", **extra}


def _consultation_form(**extra: object) -> dict[str, object]:
    return {
        "kind": "consultation",
        "title": "Changes to court fees",
        "summary": "We propose to change some court fees.",
        "opens_at": "2026-12-01 09:00",
        "closes_at": "2027-02-01 23:59",
        **extra,
    }


def test_the_one_rule_gives_officers_their_own_teams_and_the_projects_they_can_see(
    officer: User, admin: User, team: Team, other_team: Team, projects: dict[str, Project]
) -> None:
    assert list(teams_assignable_by(officer)) == [team]
    assert set(teams_assignable_by(admin)) == {team, other_team}
    assert set(projects_assignable_by(officer)) == {projects["open"], projects["ours"]}
    assert set(projects_assignable_by(admin)) == set(projects.values())


def test_the_activity_form_offers_and_accepts_only_projects_and_teams_the_officer_may_use(
    officer_client: Client, team: Team, other_team: Team, projects: dict[str, Project]
) -> None:
    url = reverse("engagement:activity_create")
    page = officer_client.get(url).content.decode()
    assert "Our project" in page and "Open project" in page
    assert "Their secret project" not in page and ">Crime<" not in page
    refused = officer_client.post(url, _activity_form(projects=[projects["theirs"].pk])).content.decode()
    assert PROJECT_REFUSED in refused
    refused = officer_client.post(url, _activity_form(team=other_team.pk)).content.decode()
    assert TEAM_REFUSED in refused
    assert not Activity.objects.exists()
    officer_client.post(url, _activity_form(projects=[projects["ours"].pk], team=team.pk))
    activity = Activity.objects.get()
    assert list(activity.projects.all()) == [projects["ours"]] and activity.team == team


def test_editing_an_activity_keeps_its_links_to_projects_the_officer_cannot_see(
    officer_client: Client, projects: dict[str, Project]
) -> None:
    activity = ActivityFactory(kind="meeting", title="Shared meeting", starts_at="2026-12-01T10:00Z")
    activity.projects.set([projects["theirs"], projects["open"]])
    page = officer_client.get(reverse("engagement:activity_edit", args=[activity.code])).content.decode()
    assert "Their secret project" not in page
    officer_client.post(
        reverse("engagement:activity_edit", args=[activity.code]),
        _activity_form(projects=[projects["ours"].pk]),
    )
    assert set(activity.projects.all()) == {projects["theirs"], projects["ours"]}


def test_the_activity_filter_offers_only_projects_the_officer_can_see(
    officer_client: Client, projects: dict[str, Project]
) -> None:
    url = reverse("engagement:activity_list")
    page = officer_client.get(url).content.decode()
    assert "Our project" in page and "Their secret project" not in page
    refused = officer_client.get(url, {"project": projects["theirs"].pk}).content.decode()
    assert PROJECT_REFUSED in refused


def test_the_consultation_form_offers_and_accepts_only_projects_and_teams_the_officer_may_use(
    officer_client: Client, team: Team, other_team: Team, projects: dict[str, Project]
) -> None:
    url = reverse("consultations:consultation_create")
    page = officer_client.get(url).content.decode()
    assert "Our project" in page and "Their secret project" not in page and ">Crime<" not in page
    refused = officer_client.post(url, _consultation_form(project=projects["theirs"].pk)).content.decode()
    assert PROJECT_REFUSED in refused
    refused = officer_client.post(url, _consultation_form(team=other_team.pk)).content.decode()
    assert TEAM_REFUSED in refused
    assert not Consultation.objects.exists()
    officer_client.post(url, _consultation_form(project=projects["ours"].pk, team=team.pk))
    consultation = Consultation.objects.get()
    assert consultation.project == projects["ours"] and consultation.team == team


def test_editing_a_consultation_keeps_its_link_to_a_project_the_officer_cannot_see(
    officer_client: Client, projects: dict[str, Project]
) -> None:
    consultation = ConsultationFactory(
        title="Shared consultation",
        summary="About fees.",
        opens_at="2026-12-01T09:00Z",
        closes_at="2027-02-01T09:00Z",
        project=projects["theirs"],
    )
    url = reverse("consultations:consultation_edit", args=[consultation.code])
    assert "Their secret project" not in officer_client.get(url).content.decode()
    officer_client.post(url, _consultation_form(project=""))
    consultation.refresh_from_db()
    assert consultation.project == projects["theirs"] and consultation.title == "Changes to court fees"


def test_the_project_form_offers_an_officer_only_their_own_teams(
    officer_client: Client, team: Team, other_team: Team
) -> None:
    url = reverse("engagement:project_create")
    page = officer_client.get(url).content.decode()
    assert ">Family justice<" in page and ">Crime<" not in page
    refused = officer_client.post(url, {"name": "Hidden away", "stage": "alpha", "team": other_team.pk})
    assert TEAM_REFUSED in refused.content.decode()
    assert not Project.objects.filter(name="Hidden away").exists()
    officer_client.post(url, {"name": "Ours", "stage": "alpha", "team": team.pk})
    assert Project.objects.get(name="Ours").team == team


def test_an_administrator_may_assign_any_team(admin_client: Client, other_team: Team) -> None:
    TeamFactory(name="Tribunals")
    url = reverse("engagement:project_create")
    page = admin_client.get(url).content.decode()
    assert ">Crime<" in page and ">Tribunals<" in page
    admin_client.post(url, {"name": "Theirs", "stage": "alpha", "team": other_team.pk})
    assert Project.objects.get(name="Theirs").team == other_team


def test_the_one_rule_lives_in_core_access_for_every_app() -> None:
    import chorus.core.access as access

    assert access.teams_assignable_by is teams_assignable_by


def test_you_said_we_did_offers_only_the_activities_and_consultations_the_officer_can_see(
    officer_client: Client, team: Team, other_team: Team, projects: dict[str, Project]
) -> None:
    project = projects["open"]
    ours = ActivityFactory(title="Our workshop", team=team)
    theirs = ActivityFactory(title="Their closed hearing", team=other_team)
    project.activities.set([ours, theirs])
    ConsultationFactory(title="Their secret survey", team=other_team, project=project)
    ConsultationFactory(title="Our open survey", project=project)
    url = reverse("engagement:impact_create", args=[project.code])
    page = officer_client.get(url).content.decode()
    assert "Our workshop" in page and "Our open survey" in page
    assert "Their closed hearing" not in page and "Their secret survey" not in page
    refused = officer_client.post(
        url,
        {"you_said": "Too far", "we_did": "Moved it", "decided_on": "2026-03-27", "activities": [theirs.pk]},
    )
    assert refused.status_code == 200 and not project.impact.exists()


def test_editing_you_said_we_did_keeps_links_the_officer_cannot_see(
    officer_client: Client, team: Team, other_team: Team, projects: dict[str, Project]
) -> None:
    project = projects["open"]
    ours = ActivityFactory(title="Our workshop", team=team)
    theirs = ActivityFactory(title="Their closed hearing", team=other_team)
    project.activities.set([ours, theirs])
    record = ImpactRecordFactory(project=project)
    record.activities.set([theirs])
    url = reverse("engagement:impact_edit", args=[project.code, record.code])
    officer_client.post(
        url,
        {"you_said": "Too far", "we_did": "Moved it", "decided_on": "2026-03-27", "activities": [ours.pk]},
    )
    assert set(record.activities.all()) == {ours, theirs}
