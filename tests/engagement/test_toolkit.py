from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.engagement.models import Checkpoint, ToolkitItem
from tests.conftest import sign_in
from tests.factories import ActivityFactory, ProjectFactory, StakeholderGroupFactory, ToolkitItemFactory

pytestmark = pytest.mark.django_db


def test_an_administrator_writes_a_checkpoint_set_and_bad_lines_are_explained(admin_client: Client) -> None:
    StakeholderGroupFactory(name="Judiciary")
    url = reverse("engagement:toolkit_create")
    form = {
        "kind": "checkpoint_set",
        "title": "Digital service checkpoints",
        "body": "Use when a digital service starts alpha.",
        "checkpoints": "alpha | Judiciary | 30\nbeta | Magistrates | 90",
        "is_published": "on",
    }
    bad = admin_client.post(url, form).content.decode()
    assert "Line 2: there is no stakeholder group called “Magistrates”." in bad
    assert "Line 1: “x” is not" not in bad
    assert not ToolkitItem.objects.exists()
    bad = admin_client.post(url, {**form, "checkpoints": "alpha, Judiciary, 30"}).content.decode()
    assert "Line 1: write the stage, the group and the days" in bad
    bad = admin_client.post(url, {**form, "checkpoints": "gamma | Judiciary | 30"}).content.decode()
    assert "Line 1: “gamma” is not a stage. Use one of: discovery, alpha, beta, live, retired." in bad
    bad = admin_client.post(url, {**form, "checkpoints": ""}).content.decode()
    assert "Add at least one checkpoint to the set" in bad
    response = admin_client.post(url, {**form, "checkpoints": "Alpha | judiciary | 30"})
    item = ToolkitItem.objects.get()
    assert response.url == reverse("engagement:toolkit_item", args=[item.code])
    assert item.checkpoints == [{"stage": "alpha", "group": "Judiciary", "days": 30}]


def test_an_officer_applies_a_checkpoint_set_to_a_project(officer_client: Client, team) -> None:
    judges = StakeholderGroupFactory(name="Judiciary")
    project = ProjectFactory(name="Online divorce", team=team)
    item = ToolkitItemFactory(
        kind="checkpoint_set", checkpoints=[{"stage": "alpha", "group": "Judiciary", "days": 30}]
    )
    url = reverse("engagement:toolkit_item", args=[item.code])
    page = officer_client.get(url).content.decode()
    assert "Online divorce" in page
    bad = officer_client.post(url, {"project": project.pk, "start": "soon"}).content.decode()
    assert "Date to count from must be a real date" in bad and not Checkpoint.objects.exists()
    officer_client.post(url, {"project": project.pk, "start": "2026-09-01"})
    checkpoint = Checkpoint.objects.get()
    assert (checkpoint.project, checkpoint.group, checkpoint.due_on) == (project, judges, date(2026, 10, 1))
    officer_client.post(url, {"project": project.pk, "start": "2026-10-01"})
    assert Checkpoint.objects.count() == 1  # applying again adds nothing


def test_an_activity_plan_fills_in_the_activity_form(officer_client: Client) -> None:
    plan = ToolkitItemFactory(
        kind="activity_plan", activity_kind="user_forum", title="Quarterly forum", body="Agenda: updates."
    )
    page = officer_client.get(reverse("engagement:activity_create") + f"?plan={plan.code}").content.decode()
    assert "Started from the plan “Quarterly forum”" in page
    assert 'value="Quarterly forum"' in page and "Agenda: updates." in page
    assert 'value="user_forum" selected' in page
    assert officer_client.get(reverse("engagement:activity_create") + "?plan=nonsense").status_code == 200


def test_an_invitation_is_filled_in_for_an_activity(officer_client: Client) -> None:
    item = ToolkitItemFactory(
        kind="invitation", title="Invitation", body="Come to {title} on {date} at {time}, {place}. {link}"
    )
    activity = ActivityFactory(
        kind="webinar",
        title="Probate webinar",
        starts_at=timezone.now() + timedelta(days=3),
        online_link="https://meet.example.org/1",
    )
    page = officer_client.get(
        reverse("engagement:toolkit_item", args=[item.code]) + f"?activity={activity.pk}"
    ).content.decode()
    assert "Come to Probate webinar on" in page and "online. https://meet.example.org/1" in page


def test_only_administrators_edit_and_drafts_stay_hidden(client: Client, officer, admin) -> None:
    draft = ToolkitItemFactory(kind="guidance", title="Draft guidance", body="x", is_published=False)
    officer_client = sign_in(client, officer)
    assert officer_client.get(reverse("engagement:toolkit_create")).status_code == 403
    assert officer_client.get(reverse("engagement:toolkit_item", args=[draft.code])).status_code == 404
    assert "Draft guidance" not in officer_client.get(reverse("engagement:toolkit")).content.decode()
    officer_client.logout()
    admin_client = sign_in(client, admin)
    assert "Draft guidance" in admin_client.get(reverse("engagement:toolkit")).content.decode()
    admin_client.post(reverse("engagement:toolkit_delete", args=[draft.code]))
    assert not ToolkitItem.objects.exists()
