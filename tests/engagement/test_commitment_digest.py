from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from chorus.accounts.models import Role, Team, User
from chorus.core.schedule import PERIODIC
from chorus.engagement import jobs
from chorus.engagement.jobs import commitment_digests_send
from chorus.engagement.models import Commitment, CommitmentDigestSent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# A Wednesday; its week began on Monday 29 November 2027.
TODAY = date(2027, 12, 1)


def _commitment(team: Team | None, title: str, **fields: Any) -> Commitment:
    values: dict[str, Any] = {"kind": Commitment.Kind.RECOMMENDATION, "title": title, "team": team}
    return Commitment.objects.create(**(values | fields))


@pytest.fixture
def send(django_capture_on_commit_callbacks: Any) -> Any:
    """The job, with the emails it queues on commit sent."""

    def run(day: date) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return commitment_digests_send(day)

    return run


@pytest.fixture
def editors(team: Team, other_team: Team) -> dict[str, User]:
    return {
        "officer": UserFactory(role=Role.ENGAGEMENT_OFFICER, email="officer@example.gov.uk", teams=[team]),
        "admin": UserFactory(role=Role.ADMINISTRATOR, email="lead@example.gov.uk", teams=[team]),
        "viewer": UserFactory(role=Role.VIEWER, email="viewer@example.gov.uk", teams=[team]),
        "gone": UserFactory(
            role=Role.ENGAGEMENT_OFFICER, email="gone@example.gov.uk", teams=[team], is_active=False
        ),
        "crime": UserFactory(role=Role.ENGAGEMENT_OFFICER, email="crime@example.gov.uk", teams=[other_team]),
    }


@override_settings(CHORUS_BASE_URL="https://chorus.example.gov.uk")
def test_each_team_hears_of_its_overdue_at_risk_and_due_soon_commitments(
    team: Team, other_team: Team, editors: dict[str, User], send: Any
) -> None:
    overdue = _commitment(team, "Publish the fees review", due_on=TODAY - timedelta(days=1), reference="R1")
    _commitment(team, "Answer letters in Welsh", status=Commitment.Status.AT_RISK)
    _commitment(team, "Open on Saturdays", due_on=TODAY + timedelta(days=14))
    _commitment(team, "Reopen the Wrexham counter", due_on=TODAY + timedelta(days=15))
    _commitment(team, "Already done", due_on=TODAY - timedelta(days=3), status=Commitment.Status.DONE)
    _commitment(other_team, "Another team's promise", due_on=TODAY - timedelta(days=1))

    assert send(TODAY) == 2
    to_team = [m for m in mail.outbox if m.to[0] != "crime@example.gov.uk"]
    # The team's active editors, each in an email of their own; not its viewers.
    assert sorted(m.to[0] for m in to_team) == ["lead@example.gov.uk", "officer@example.gov.uk"]
    message = to_team[0]
    assert message.subject == "Family justice: 3 commitments need attention this week"
    body = message.body
    overdue_part, soon_part = body.split("Due in the next 14 days")
    assert "Publish the fees review (R1)" in overdue_part and "Answer letters in Welsh" in overdue_part
    assert "overdue: it was due by 30 November 2027" in overdue_part
    assert "Open on Saturdays" in soon_part
    assert "Reopen the Wrexham counter" not in body and "Already done" not in body
    assert "Another team's promise" not in body
    # Links are absolute, so they work from the email.
    assert (
        f"https://chorus.example.gov.uk{reverse('engagement:commitment_detail', args=[overdue.code])}" in body
    )
    crime = next(m for m in mail.outbox if m.to == ["crime@example.gov.uk"])
    assert "Another team's promise" in crime.body and "Publish the fees review" not in crime.body


def test_a_team_is_emailed_once_a_week_however_often_the_job_runs(
    team: Team, editors: dict[str, User], send: Any
) -> None:
    _commitment(team, "Publish the fees review", due_on=TODAY - timedelta(days=1))
    assert send(TODAY) == 1
    assert len(mail.outbox) == 2
    assert send(TODAY) == 0
    assert send(TODAY + timedelta(days=4)) == 0  # Sunday: the same week
    assert len(mail.outbox) == 2
    assert CommitmentDigestSent.objects.get().week == date(2027, 11, 29)
    assert send(TODAY + timedelta(days=5)) == 1  # Monday: a new week
    assert len(mail.outbox) == 4


def test_a_team_with_nothing_to_report_gets_no_email(team: Team, editors: dict[str, User], send: Any) -> None:
    _commitment(team, "Far off", due_on=TODAY + timedelta(days=60))
    _commitment(
        team,
        "Finished",
        due_on=TODAY - timedelta(days=2),
        status=Commitment.Status.NOT_DOING,
        status_reason="Court closed",
    )
    _commitment(None, "Nobody's", due_on=TODAY - timedelta(days=2))
    assert send(TODAY) == 0
    assert mail.outbox == [] and not CommitmentDigestSent.objects.exists()


def test_the_digest_runs_on_the_schedule() -> None:
    assert "chorus.engagement.jobs.commitment_digests" in PERIODIC


def test_a_run_that_stops_part_way_is_finished_by_the_next_without_sending_twice(
    team: Team, other_team: Team, editors: dict[str, User], send: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _commitment(team, "Publish the fees review", due_on=TODAY - timedelta(days=1))
    _commitment(other_team, "Another team's promise", due_on=TODAY - timedelta(days=1))
    queue = jobs.email_send_later

    def fail_for_family_justice(*, to: list[str], subject: str, body: str) -> None:
        if subject.startswith("Family justice"):
            raise ConnectionError("the task queue went away")
        queue(to=to, subject=subject, body=body)

    monkeypatch.setattr(jobs, "email_send_later", fail_for_family_justice)
    with pytest.raises(ConnectionError):
        send(TODAY)
    assert [m.to for m in mail.outbox] == [["crime@example.gov.uk"]]
    assert list(CommitmentDigestSent.objects.values_list("team__name", flat=True)) == ["Crime"]

    monkeypatch.setattr(jobs, "email_send_later", queue)
    assert send(TODAY) == 1
    assert sorted(m.to[0] for m in mail.outbox) == [
        "crime@example.gov.uk",
        "lead@example.gov.uk",
        "officer@example.gov.uk",
    ]
