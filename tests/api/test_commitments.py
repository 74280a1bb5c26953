"""Commitments through the staff API: listed, read, added, changed and progressed with the
staff page's checks, history and audit, and team limits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from chorus.api.models import Area, Level, scope_name
from chorus.core.models import AuditAction, AuditEntry
from chorus.engagement.models import Commitment
from tests.api.conftest import Api, Issue
from tests.factories import ActivityFactory, ProjectFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def _add(api: Api, **more: object) -> dict:
    response = api.post(
        "/commitments",
        {
            "kind": "recommendation",
            "title": "Publish the court fees review in plain English",
            "source_body": "Justice Select Committee",
            "reference": "R3",
            "due_on": "2027-03-31",
            **more,
        },
    )
    assert response.status_code == 201, response.json()
    return response.json()


def test_it_adds_a_commitment_with_the_staff_forms_checks_and_audit(api: Api) -> None:
    owner = UserFactory(email="owner@example.gov.uk")
    project = ProjectFactory(name="Court fees review")
    activity = ActivityFactory(title="Fees forum")

    made = _add(api, owner="Owner@Example.gov.uk", project=str(project.code), activities=[str(activity.code)])

    assert made["status"] == "not_started" and made["due_on"] == "2027-03-31"
    assert made["owner"] == owner.email and made["project"] == str(project.code)
    assert made["activities"] == [str(activity.code)]
    commitment = Commitment.objects.get(code=made["code"])
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_id=str(commitment.code)).exists()

    missing = api.post("/commitments", {"kind": "action", "title": ""}).json()
    assert "Enter what was committed to" in missing["errors"]["title"]
    nobody = api.post("/commitments", {"kind": "action", "title": "X", "owner": "nobody@example.org"})
    assert nobody.status_code == 400 and "owner" in nobody.json()["errors"]
    bad_date = api.post("/commitments", {"kind": "action", "title": "X", "due_on": "31/03/2027"})
    assert bad_date.status_code == 400 and "due_on" in bad_date.json()["errors"]
    assert Commitment.objects.count() == 1


def test_a_change_of_status_is_kept_in_its_history_and_not_doing_needs_a_reason(api: Api) -> None:
    made = _add(api)
    refused = api.patch(f"/commitments/{made['code']}", {"status": "not_doing"})
    assert refused.status_code == 400
    assert "Say why it will not be done" in str(refused.json()["errors"])

    changed = api.patch(
        f"/commitments/{made['code']}", {"status": "at_risk", "title": "Publish it in plain English"}
    )

    assert changed.status_code == 200
    body = changed.json()
    assert body["status"] == "at_risk" and body["title"] == "Publish it in plain English"
    assert body["reference"] == "R3" and body["due_on"] == "2027-03-31"  # what was not sent stays
    assert [u["status"] for u in body["updates"]] == ["at_risk"]


def test_progress_is_recorded_as_on_the_page(api: Api) -> None:
    made = _add(api)
    yesterday = timezone.localdate() - timedelta(days=1)

    response = api.post(
        f"/commitments/{made['code']}/updates",
        {"status": "on_track", "note": "Draft with the plain English team", "on": yesterday.isoformat()},
    )

    assert response.status_code == 201
    assert response.json()["status"] == "on_track"
    assert response.json()["updates"] == [
        {"on": yesterday.isoformat(), "status": "on_track", "note": "Draft with the plain English team"}
    ]
    later = (timezone.localdate() + timedelta(days=30)).isoformat()
    future = api.post(
        f"/commitments/{made['code']}/updates", {"status": "done", "note": "Published", "on": later}
    )
    assert future.status_code == 400 and "on" in future.json()["errors"]
    empty = api.post(f"/commitments/{made['code']}/updates", {"status": "done", "note": ""})
    assert empty.status_code == 400 and "note" in empty.json()["errors"]


def test_lists_filter_by_status_and_overdue(api: Api) -> None:
    late = _add(api, title="Late one", due_on=(timezone.localdate() - timedelta(days=3)).isoformat())
    _add(api, title="On time", status="on_track")

    overdue = api.get("/commitments", overdue="true").json()["results"]
    on_track = api.get("/commitments", status="on_track").json()["results"]

    assert [c["code"] for c in overdue] == [late["code"]] and overdue[0]["overdue"] is True
    assert [c["title"] for c in on_track] == ["On time"]


def test_team_limits_and_scopes_hold(issue: Issue) -> None:
    family, crime = TeamFactory(name="Family"), TeamFactory(name="Crime")
    theirs = Commitment.objects.create(kind="action", title="Crime's own", team=crime)
    api = Api(issue(teams=[family]))
    assert api.get(f"/commitments/{theirs.code}").status_code == 404
    assert api.get("/commitments").json()["results"] == []
    assert api.patch(f"/commitments/{theirs.code}", {"title": "Mine now"}).status_code == 404
    other_team = api.post("/commitments", {"kind": "action", "title": "X", "team": str(crime.code)})
    assert other_team.status_code == 400 and "team" in other_team.json()["errors"]

    reader = Api(issue(scopes=[scope_name(Area.COMMITMENTS, Level.READ)]))
    assert reader.get("/commitments").status_code == 200
    assert reader.post("/commitments", {"kind": "action", "title": "X"}).status_code == 403
    nothing = Api(issue(scopes=[scope_name(Area.PEOPLE, Level.READ)]))
    assert nothing.get("/commitments").status_code == 403
