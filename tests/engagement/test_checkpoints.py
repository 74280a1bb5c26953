from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.core.registry import attention_for
from chorus.directory.models import StakeholderGroup
from chorus.engagement.models import Activity, Checkpoint, Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(team) -> Project:
    return Project.objects.create(name="Online divorce", team=team, stage="alpha")


def test_a_checkpoint_is_met_by_an_activity_that_engaged_the_group(
    officer_client: Client, project: Project
) -> None:
    advice = StakeholderGroup.objects.create(name="Advice sector")
    judges = StakeholderGroup.objects.create(name="Judiciary")
    today = timezone.localdate()
    url = reverse("engagement:checkpoint_add", kwargs={"code": project.code})
    officer_client.post(url, {"stage": "alpha", "group": advice.pk, "due_on": str(today - timedelta(days=5))})
    officer_client.post(url, {"stage": "alpha", "group": judges.pk, "due_on": str(today - timedelta(days=5))})
    bad = officer_client.post(
        url, {"stage": "alpha", "group": "", "due_on": "whenever"}, follow=True
    ).content.decode()
    assert "Choose the stakeholder group" in bad
    meeting = Activity.objects.create(
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
    group = StakeholderGroup.objects.create(name="Judiciary")
    Checkpoint.objects.create(
        project=project, stage="alpha", group=group, due_on=timezone.localdate() - timedelta(days=1)
    )
    mine = {str(i.title): i for i in attention_for(officer)}
    assert mine["Engagement checkpoints overdue"].count == 1
    assert "Engagement checkpoints overdue" not in {str(i.title) for i in attention_for(outsider)}
