"""What an integration looks up before it sends values (topics, regions, lists, teams,
projects), and filters and bodies that are wrong are said to be wrong, not ignored."""

from __future__ import annotations

import pytest

from chorus.api.models import Area, Level, scope_name
from tests.api.conftest import Api, Issue
from tests.factories import ProjectFactory, SubscriberListFactory, TeamFactory, TopicFactory

pytestmark = pytest.mark.django_db


def test_the_values_other_fields_name_can_be_looked_up_within_the_tokens_teams(issue: Issue) -> None:
    family, crime = TeamFactory(name="Family"), TeamFactory(name="Crime")
    topic = TopicFactory()
    SubscriberListFactory(name="Partner organisations")
    ProjectFactory(name="Family courts", team=family)
    ProjectFactory(name="Crime's own", team=crime)
    api = Api(
        issue(
            teams=[family],
            scopes=[
                scope_name(area, Level.READ) for area in (Area.PEOPLE, Area.SUBSCRIBERS, Area.ACTIVITIES)
            ],
        )
    )

    assert {"id": topic.pk, "name": topic.name_en, "name_cy": topic.name_cy} in api.get("/topics").json()
    assert "W92000004" in [r["ons_code"] for r in api.get("/regions").json()]
    assert api.get("/subscriber-lists").json() == [{"name": "Partner organisations"}]
    assert [t["name"] for t in api.get("/teams").json()] == ["Family"]
    assert [p["name"] for p in api.get("/projects").json()] == ["Family courts"]
    assert Api("chorus_nope").get("/topics").status_code == 401
    people_only = Api(issue(scopes=[scope_name(Area.PEOPLE, Level.READ)]))
    assert people_only.get("/topics").status_code == 200
    assert people_only.get("/subscriber-lists").status_code == 403
    assert people_only.get("/projects").status_code == 403


def test_a_filter_value_or_field_that_is_not_there_is_refused(api: Api) -> None:
    status = api.get("/cases", status="bogus")
    region = api.get("/people", region="Wales")
    typo = api.post("/consultations", {"titel": "Court hours"})

    assert status.status_code == 400 and "open, closed" in status.json()["errors"]["status"][0]
    assert region.status_code == 400 and "ONS code" in region.json()["errors"]["region"][0]
    assert typo.status_code == 400 and "no field of this name" in typo.json()["errors"]["titel"][0]
