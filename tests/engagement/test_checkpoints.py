from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.core.models import AuditEntry
from chorus.core.registry import attention_for
from chorus.core.schedule import schedule_due
from chorus.engagement.jobs import checkpoint_reminders_send
from chorus.engagement.models import Checkpoint, Project
from tests.conftest import sign_in
from tests.factories import ActivityFactory, CheckpointFactory, ProjectFactory, StakeholderGroupFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(team) -> Project:
    return ProjectFactory(name="Online divorce", team=team, stage_id="alpha")


def test_a_checkpoint_is_met_by_an_activity_that_engaged_the_group(
    officer_client: Client, project: Project
) -> None:
    advice = StakeholderGroupFactory(name="Advice sector")
    judges = StakeholderGroupFactory(name="Judiciary")
    today = timezone.localdate()
    url = reverse("engagement:checkpoint_add", kwargs={"code": project.code})
    officer_client.post(url, {"stage": "alpha", "group": advice.pk, "due_on": str(today - timedelta(days=5))})
    officer_client.post(url, {"stage": "alpha", "group": judges.pk, "due_on": str(today - timedelta(days=5))})
    bad = officer_client.post(
        url, {"stage": "alpha", "group": "", "due_on": "whenever"}, follow=True
    ).content.decode()
    assert "Choose the stakeholder group" in bad
    meeting = ActivityFactory(
        kind="meeting", title="Advice sector meeting", starts_at=timezone.now() - timedelta(days=10)
    )
    meeting.projects.add(project)
    meeting.groups.add(advice)
    statuses = {c.group.name: c.status() for c in Checkpoint.objects.all()}
    assert statuses == {"Advice sector": "met", "Judiciary": "overdue"}
    page = officer_client.get(
        reverse("engagement:project_detail", kwargs={"code": project.code})
    ).content.decode()
    assert "Overdue" in page and "Engaged" in page


def test_overdue_checkpoints_are_flagged_to_the_team_not_outsiders(
    project: Project, officer, outsider
) -> None:
    group = StakeholderGroupFactory(name="Judiciary")
    CheckpointFactory(
        project=project, stage_id="alpha", group=group, due_on=timezone.localdate() - timedelta(days=1)
    )
    mine = {str(i.title): i for i in attention_for(officer)}
    assert mine["Engagement checkpoints overdue"].count == 1
    assert "Engagement checkpoints overdue" not in {str(i.title) for i in attention_for(outsider)}


def test_a_checkpoint_is_waived_with_a_reason_and_can_be_reinstated(
    officer_client: Client, project: Project, client, viewer
) -> None:
    group = StakeholderGroupFactory(name="Judiciary")
    checkpoint = CheckpointFactory(
        project=project, stage_id="alpha", group=group, due_on=timezone.localdate() - timedelta(days=1)
    )
    url = reverse("engagement:checkpoint_waive", kwargs={"code": checkpoint.code})
    listing = officer_client.get(reverse("engagement:checkpoint_list")).content.decode()
    assert "Judiciary" in listing and url in listing
    bad = officer_client.post(url, {"reason": ""}).content.decode()
    assert "Give the reason for waiving the checkpoint" in bad
    checkpoint.refresh_from_db()
    assert checkpoint.status() == "overdue"
    officer_client.post(url, {"reason": "Engaged through the programme board"})
    checkpoint.refresh_from_db()
    assert checkpoint.status() == "waived" and checkpoint.waived_by is not None
    assert AuditEntry.objects.filter(detail__waived="Engaged through the programme board").exists()
    waived = officer_client.get(reverse("engagement:checkpoint_list") + "?status=waived").content.decode()
    assert "Engaged through the programme board" in waived
    officer_client.post(reverse("engagement:checkpoint_reinstate", kwargs={"code": checkpoint.code}))
    checkpoint.refresh_from_db()
    assert checkpoint.status() == "overdue"


def test_viewers_may_not_waive(client: Client, project: Project, viewer) -> None:
    group = StakeholderGroupFactory(name="Judiciary")
    checkpoint = CheckpointFactory(
        project=project, stage_id="alpha", group=group, due_on=timezone.localdate()
    )
    response = sign_in(client, viewer).post(
        reverse("engagement:checkpoint_waive", kwargs={"code": checkpoint.code}), {"reason": "x"}
    )
    assert response.status_code == 403


def test_teams_are_emailed_overdue_checkpoints_once_then_weekly(
    project: Project, officer, outsider, admin, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    judges = StakeholderGroupFactory(name="Judiciary")
    advice = StakeholderGroupFactory(name="Advice sector")
    today = timezone.localdate()
    CheckpointFactory(project=project, stage_id="alpha", group=judges, due_on=today - timedelta(days=2))
    CheckpointFactory(project=project, stage_id="alpha", group=advice, due_on=today + timedelta(days=2))
    orphan = ProjectFactory(name="Probate", stage_id="beta")
    CheckpointFactory(project=orphan, stage_id="beta", group=advice, due_on=today - timedelta(days=1))

    with django_capture_on_commit_callbacks(execute=True):
        assert checkpoint_reminders_send() == 2
    by_recipient = {tuple(m.to): m for m in mailoutbox}
    team_mail = by_recipient[(officer.email,)]
    assert "Online divorce (Alpha): Judiciary" in team_mail.body and "Advice sector" not in team_mail.body
    assert reverse("engagement:project_detail", kwargs={"code": project.code}) in team_mail.body
    assert "Probate (Beta): Advice sector" in by_recipient[(admin.email,)].body
    assert all(outsider.email not in m.to for m in mailoutbox)

    assert checkpoint_reminders_send() == 0  # not again the same day
    Checkpoint.objects.update(reminded_on=today - timedelta(days=7))
    assert checkpoint_reminders_send() == 2  # weekly while still overdue


def test_the_scheduler_queues_the_reminders_once_a_day(
    project: Project, officer, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    CheckpointFactory(
        project=project,
        stage_id="alpha",
        group=StakeholderGroupFactory(name="Judiciary"),
        due_on=timezone.localdate() - timedelta(days=2),
    )
    name = "chorus.engagement.jobs.checkpoint_reminders"
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert name in schedule_due(now)
    assert len(mailoutbox) == 1
    assert name not in schedule_due(now + timedelta(hours=23))
    assert name in schedule_due(now + timedelta(hours=25))
