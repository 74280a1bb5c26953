"""Emerging issues in enquiries and complaints: found as in feedback, shown only to those
who may see the cases, with the cases as evidence, each view of their text audited."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.accounts.models import Team, User
from chorus.analysis.emerging import cases_emerging_detect, cases_emerging_notify
from chorus.analysis.models import CaseEmergingIssue
from chorus.cases.models import Case, Kind
from chorus.core.models import AuditAction, AuditEntry
from chorus.core.registry import attention_for
from chorus.webhooks.payloads import payload_for
from tests.cases.conftest import open_case
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def _history(team: Team | None, service: str = "Apply for probate", days: int = 60) -> None:
    """A quiet history: one enquiry a day about the service."""
    today = timezone.localdate()
    Case.objects.bulk_create(
        Case(
            kind=Kind.ENQUIRY,
            channel="phone",
            service=service,
            description="When will my grant arrive?",
            team=team,
            received_on=today - timedelta(days=day),
            stage_started_on=today - timedelta(days=day),
            due_on=today,
        )
        for day in range(1, days)
    )


def _burst(team: Team | None, service: str = "Apply for probate", n: int = 8) -> list[Case]:
    return [
        open_case(
            team=team,
            kind=Kind.COMPLAINT,
            service=service,
            description=f"The probate payment page took my card twice ({i}). Call me on 07700 900123.",
        )
        for i in range(n)
    ]


def test_a_burst_of_complaints_about_one_service_flags_an_issue(team: Team) -> None:
    _history(team)
    burst = _burst(team, service="apply for  Probate")  # written another way, still the service
    issues = cases_emerging_detect()
    about_service = [i for i in issues if i.about == CaseEmergingIssue.About.SERVICE]
    assert {i.kind for i in about_service} == {"volume", "negative"}
    assert all(i.team == team for i in issues)
    # The name most of its cases write; the newest cases are the evidence.
    assert about_service[0].key == "Apply for probate"
    volume = next(i for i in about_service if i.kind == "volume" and i.window_days == 1)
    assert set(volume.cases) == {c.pk for c in burst}
    assert cases_emerging_detect() == []  # found once a day


def test_a_steady_stream_flags_nothing(team: Team) -> None:
    _history(team)
    open_case(team=team, kind=Kind.ENQUIRY, service="Apply for probate")
    assert cases_emerging_detect() == []


def test_cases_of_different_teams_are_watched_apart(team: Team, other_team: Team) -> None:
    _burst(other_team, n=3)
    _burst(team, n=3)
    # Six complaints across two teams, but three in each: not enough in either.
    assert cases_emerging_detect() == []
    _burst(team, n=3)
    assert {i.team for i in cases_emerging_detect()} == {team}


def test_the_team_sees_the_issue_with_its_cases_and_each_view_is_audited(
    officer: User, client: Client, team: Team
) -> None:
    _history(team)
    burst = _burst(team)
    cases_emerging_detect()
    page = sign_in(client, officer).get(reverse("analysis:case_emerging")).content.decode()
    assert "Apply for probate" in page
    assert reverse("cases:case_detail", args=[burst[0].code]) in page
    assert "took my card twice" in page
    assert "07700 900123" not in page  # personal details masked in the excerpt
    viewed = set(
        AuditEntry.objects.filter(
            action=AuditAction.VIEW, object_type="cases.case", actor=officer
        ).values_list("object_id", flat=True)
    )
    assert {str(c.code) for c in burst} <= viewed


def test_another_team_sees_neither_the_issue_nor_its_cases(
    outsider: User, client: Client, team: Team
) -> None:
    _history(team)
    burst = _burst(team)
    cases_emerging_detect()
    page = sign_in(client, outsider).get(reverse("analysis:case_emerging")).content.decode()
    assert "Apply for probate" not in page
    assert str(burst[0].code) not in page
    assert "Nothing unusual" in page
    assert not AuditEntry.objects.filter(actor=outsider, object_type="cases.case").exists()
    assert attention_for(outsider) == [] or all(
        "Emerging" not in str(item.title) for item in attention_for(outsider)
    )


def test_a_case_moved_to_another_team_leaves_the_evidence(
    officer: User, client: Client, team: Team, other_team: Team
) -> None:
    _history(team)
    burst = _burst(team)
    cases_emerging_detect()
    Case.objects.filter(pk=burst[0].pk).update(team=other_team)
    page = sign_in(client, officer).get(reverse("analysis:case_emerging")).content.decode()
    assert str(burst[0].code) not in page
    assert str(burst[1].code) in page


def test_the_team_is_emailed_and_told_on_its_staff_home(
    officer: User, team: Team, django_capture_on_commit_callbacks: Any
) -> None:
    _history(team)
    _burst(team)
    issues = cases_emerging_detect()
    with django_capture_on_commit_callbacks(execute=True):
        cases_emerging_notify(issues)
    (email,) = [m for m in mail.outbox if "Emerging issues" in m.subject]
    assert email.to == [officer.email]
    assert "Apply for probate" in email.body and "took my card" not in email.body
    assert CaseEmergingIssue.objects.filter(notified=True).count() == len(issues)
    (item,) = [i for i in attention_for(officer) if "Emerging" in str(i.title)]
    assert item.count == len(issues)
    assert item.url == reverse("analysis:case_emerging")


def test_the_webhook_payload_names_the_issue_but_no_case(team: Team) -> None:
    _history(team)
    _burst(team)
    issue = cases_emerging_detect()[0]
    payload: dict[str, Any] = payload_for("emerging_issue_flagged", issue)
    text = json.dumps(payload)
    assert payload["cases"]["team"]["name"] == team.name
    assert "Apply for probate" in payload["title"]
    assert payload["url"].endswith(reverse("analysis:case_emerging"))
    assert "took my card" not in text and "07700" not in text


def test_the_services_emerging_issues_page_shows_those_in_cases_naming_it(
    officer: User, outsider: User, client: Client, team: Team
) -> None:
    from tests.factories import ServiceFactory

    service = ServiceFactory(name="Apply for probate", team=None)
    _history(team)
    burst = _burst(team, service="APPLY FOR PROBATE")
    cases_emerging_detect()
    url = reverse("analysis:emerging", args=[service.code])
    page = sign_in(client, officer).get(url).content.decode()
    assert "In enquiries and complaints" in page
    assert reverse("cases:case_detail", args=[burst[0].code]) in page
    page = sign_in(client, outsider).get(url).content.decode()
    assert "In enquiries and complaints" not in page and str(burst[0].code) not in page
