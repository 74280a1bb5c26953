from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.core.models import AuditEntry
from chorus.core.registry import attention_for
from chorus.core.schedule import schedule_due
from chorus.directory.models import ContactPoint
from chorus.engagement import participation
from chorus.engagement.jobs import checkpoint_reminders_send
from chorus.engagement.models import Attendance, Checkpoint, Project
from tests.conftest import sign_in
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    CheckpointFactory,
    ConsultationFactory,
    GroupMembershipFactory,
    MembershipFactory,
    OrganisationFactory,
    ProjectFactory,
    ResponseFactory,
    StakeholderGroupFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(team) -> Project:
    return ProjectFactory(name="Online divorce", team=team, stage_id="alpha")


def _checkpoint(project: Project, group: object, days_ago: int = 5) -> Checkpoint:
    return CheckpointFactory(
        project=project, stage_id="alpha", group=group, due_on=timezone.localdate() - timedelta(days=days_ago)
    )


def _meeting(project: Project, *groups: object, days_ago: int = 10) -> object:
    meeting = ActivityFactory(kind="meeting", starts_at=timezone.now() - timedelta(days=days_ago))
    meeting.projects.add(project)
    meeting.groups.add(*groups)
    return meeting


def test_an_activity_that_only_targeted_the_group_does_not_meet_a_checkpoint(
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
    meeting = _meeting(project, advice)
    adviser = GroupMembershipFactory(group=advice).person
    AttendanceFactory(activity=meeting, person=adviser, invitation="accepted", attended=False)
    statuses = {c.group.name: c.status() for c in Checkpoint.objects.all()}
    assert statuses == {"Advice sector": "overdue", "Judiciary": "overdue"}  # invited, nobody came

    Attendance.objects.filter(person=adviser).update(attended=True)
    statuses = {c.group.name: c.status() for c in Checkpoint.objects.with_engagement()}
    assert statuses == {"Advice sector": "met", "Judiciary": "overdue"}
    page = officer_client.get(
        reverse("engagement:project_detail", kwargs={"code": project.code})
    ).content.decode()
    assert "Overdue" in page and "Engaged" in page
    assert "1 person took part by the due date" in page and "came to an activity: 1" in page


def test_people_count_through_subgroups_organisations_and_only_by_the_due_date(project: Project) -> None:
    legal = StakeholderGroupFactory(name="Legal professionals")
    family = StakeholderGroupFactory(name="Family law practitioners", parent=legal)
    firms = StakeholderGroupFactory(name="Law firms")
    checkpoint = _checkpoint(project, legal)
    late = _meeting(project, days_ago=2)  # after the due date
    AttendanceFactory(activity=late, person=GroupMembershipFactory(group=family).person, attended=True)
    assert checkpoint.status() == "overdue"
    early = _meeting(project, days_ago=9)
    AttendanceFactory(activity=early, person=GroupMembershipFactory(group=family).person, attended=True)
    assert checkpoint.status() == "met"  # a family law practitioner is a legal professional

    by_firm = _checkpoint(project, firms)
    firm = OrganisationFactory(name="Smith and Co")
    firm.groups.add(firms)
    AttendanceFactory(activity=early, person=MembershipFactory(organisation=firm).person, attended=True)
    assert by_firm.status() == "met"
    progress = participation.progress(project.pk, firms.pk, by_firm.due_on)
    assert progress.lines == [("came to an activity", 1)]


def test_a_response_from_a_directory_email_meets_a_checkpoint(project: Project) -> None:
    judges = StakeholderGroupFactory(name="Judiciary")
    checkpoint = _checkpoint(project, judges)
    judge = GroupMembershipFactory(group=judges).person
    ContactPoint.objects.create(
        person=judge, kind="email", value="J.Judge@Example.org", normalised="j.judge@example.org"
    )
    consultation = ConsultationFactory(project=project)
    ResponseFactory(
        consultation=consultation,
        email="j.judge@example.org",
        submitted_at=timezone.now() - timedelta(days=20),
    )
    ResponseFactory(consultation=ConsultationFactory(), email="j.judge@example.org")  # another project's
    assert Checkpoint.objects.filter(pk=checkpoint.pk).with_engagement().get().status() == "met"
    assert participation.progress(project.pk, judges.pk, checkpoint.due_on).lines == [
        ("responded to a consultation", 1)
    ]
    other = _checkpoint(ProjectFactory(stage_id="alpha"), judges)
    assert other.status() == "overdue"


def test_a_panel_that_met_counts_its_members_at_the_time(project: Project) -> None:
    youth = StakeholderGroupFactory(name="Youth panel", is_panel=True)
    checkpoint = _checkpoint(project, youth)
    meeting = _meeting(project, youth, days_ago=10)
    GroupMembershipFactory(group=youth, start=meeting.starts_at.date() + timedelta(days=1))  # joined after
    assert checkpoint.status() == "overdue"
    GroupMembershipFactory(group=youth, start=meeting.starts_at.date() - timedelta(days=30))
    assert checkpoint.status() == "met"
    assert participation.progress(project.pk, youth.pk, checkpoint.due_on).lines == [
        ("were on a panel that met", 1)
    ]


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


def test_moving_past_a_stage_with_unmet_checkpoints_asks_for_a_reason_and_records_it(
    officer_client: Client, project: Project
) -> None:
    judges = StakeholderGroupFactory(name="Judiciary")
    advice = StakeholderGroupFactory(name="Advice sector")
    unmet = _checkpoint(project, judges)
    met = _checkpoint(project, advice)
    AttendanceFactory(
        activity=_meeting(project), person=GroupMembershipFactory(group=advice).person, attended=True
    )
    url = reverse("engagement:project_edit", kwargs={"code": project.code})
    form = {
        "name": project.name,
        "stage": "beta",
        "description": "",
        "programme": "",
        "team": project.team_id,
    }
    before = officer_client.get(url).content.decode()  # said before a later stage is chosen
    assert "1 checkpoint for this stage is not met yet" in before and "Judiciary" in before

    asked = officer_client.post(url, form).content.decode()
    assert "1 checkpoint is not met" in asked and "Judiciary" in asked and "Advice sector" not in asked
    project.refresh_from_db()
    assert project.stage_id == "alpha"  # nothing saved

    same_stage = officer_client.post(url, {**form, "stage": "alpha", "description": "Renamed"})
    assert same_stage.status_code == 302  # no reason needed to stay

    done = officer_client.post(
        url, {**form, "waiver": "The judiciary were engaged by the board"}, follow=True
    )
    assert "1 checkpoint was waived with your reason" in done.content.decode()
    project.refresh_from_db()
    unmet.refresh_from_db()
    met.refresh_from_db()
    assert project.stage_id == "beta"
    assert unmet.status() == "waived" and unmet.waived_reason == "The judiciary were engaged by the board"
    assert met.status() == "met" and not met.waived_reason
    assert AuditEntry.objects.filter(detail__waived="The judiciary were engaged by the board").exists()


@pytest.mark.parametrize("due_on", [date(2026, 7, 15), date(2026, 1, 15)], ids=["summer time", "winter"])
def test_the_due_date_ends_at_local_midnight_whatever_the_season(project: Project, due_on: date) -> None:
    """Participation compares stored times with the moment the due date ends in the
    organisation's time zone: 23:30 on the due date counts, 00:30 the next day does not."""
    zone = timezone.get_default_timezone()
    judges = StakeholderGroupFactory(name="Judiciary")
    checkpoint = CheckpointFactory(project=project, stage_id="alpha", group=judges, due_on=due_on)
    assert checkpoint.due_before == datetime(2026, due_on.month, 16, tzinfo=zone)
    judge = GroupMembershipFactory(group=judges).person
    after = _meeting(project)
    after.starts_at = datetime.combine(due_on + timedelta(days=1), time(0, 30), tzinfo=zone)
    after.save()
    AttendanceFactory(activity=after, person=judge, attended=True)
    assert checkpoint.status() == "overdue"
    assert participation.progress(project.pk, judges.pk, due_on).lines == []

    late_evening = _meeting(project)
    late_evening.starts_at = datetime.combine(due_on, time(23, 30), tzinfo=zone)
    late_evening.save()
    AttendanceFactory(activity=late_evening, person=judge, attended=True)
    assert checkpoint.status() == "met"
    assert participation.progress(project.pk, judges.pk, due_on).lines == [("came to an activity", 1)]


def test_moving_a_checkpoints_due_date_moves_the_moment_it_ends(project: Project) -> None:
    checkpoint = _checkpoint(project, StakeholderGroupFactory(name="Judiciary"))
    checkpoint.due_on = date(2027, 3, 1)
    checkpoint.save(update_fields=["due_on"])
    checkpoint.refresh_from_db()
    assert checkpoint.due_before == datetime(2027, 3, 2, tzinfo=timezone.get_default_timezone())
