"""Digital services through the staff API: added, read and changed with the staff page's
checks (short names, the web addresses allowed to send feedback), within the token's teams."""

from __future__ import annotations

import pytest

from chorus.api.models import Area, Level, scope_name
from chorus.feedback.models import Service
from tests.api.conftest import Api, Issue
from tests.factories import ServiceFactory, TeamFactory

pytestmark = pytest.mark.django_db


def test_a_service_is_added_and_changed_with_the_staff_pages_checks(api: Api) -> None:
    made = api.post(
        "/services",
        {
            "name": "Apply for probate",
            "slug": "apply-for-probate",
            "allowed_origins": ["https://probate.example.gov.uk"],
        },
    )

    assert made.status_code == 201, made.json()
    code = made.json()["code"]
    assert made.json()["allowed_origins"] == ["https://probate.example.gov.uk"] and made.json()["is_active"]
    off = api.patch(f"/services/{code}", {"is_active": False})
    assert off.status_code == 200 and off.json()["is_active"] is False
    assert off.json()["allowed_origins"] == ["https://probate.example.gov.uk"]  # kept
    assert api.get(f"/services/{code}").json()["name"] == "Apply for probate"

    taken = api.post("/services", {"name": "Other", "slug": "apply-for-probate"})
    bad_slug = api.post("/services", {"name": "Other", "slug": "Apply For Probate"})
    bad_origin = api.post("/services", {"name": "Other", "slug": "other", "allowed_origins": ["not a site"]})
    assert "Another service has this short name" in taken.json()["errors"]["slug"][0]
    assert "lower case letters" in bad_slug.json()["errors"]["slug"][0]
    assert "allowed_origins" in bad_origin.json()["errors"]
    assert Service.objects.count() == 1


def test_team_limits_and_scopes_hold(issue: Issue) -> None:
    family, crime = TeamFactory(name="Family"), TeamFactory(name="Crime")
    theirs = ServiceFactory(team=crime)
    api = Api(issue(teams=[family]))
    assert api.get(f"/services/{theirs.code}").status_code == 404
    assert api.patch(f"/services/{theirs.code}", {"name": "Mine"}).status_code == 404
    other = api.post("/services", {"name": "X", "slug": "x", "team": str(crime.code)})
    assert other.status_code == 400 and "team" in other.json()["errors"]
    reader = Api(issue(scopes=[scope_name(Area.FEEDBACK, Level.READ)]))
    assert reader.post("/services", {"name": "X", "slug": "x"}).status_code == 403
