"""Fields administrators add, through the staff API: read, written and checked as the forms do."""

from __future__ import annotations

import pytest

from chorus.core.models import CustomField
from tests.api.conftest import Api
from tests.factories import OrganisationFactory, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def fields(db: None) -> dict[str, CustomField]:
    return {
        "stream": CustomField.objects.create(
            applies_to="person",
            key="stream",
            label_en="Funding stream",
            label_cy="Ffrwd ariannu",
            kind="choice",
            choices=[{"value": "health", "label_en": "Health"}, {"value": "housing", "label_en": "Housing"}],
        ),
        "staff": CustomField.objects.create(
            applies_to="person", key="staff", label_en="Staff count", label_cy="Nifer y staff", kind="number"
        ),
        "joined": CustomField.objects.create(
            applies_to="person", key="joined", label_en="Joined", label_cy="Ymunodd", kind="date"
        ),
        "vetted": CustomField.objects.create(
            applies_to="person", key="vetted", label_en="Vetted", label_cy="Wedi'i fetio", kind="yes_no"
        ),
    }


def test_the_api_reads_and_writes_added_fields_with_the_forms_rules(
    api: Api, fields: dict[str, CustomField]
) -> None:
    person = make_person(last_name="Rees", custom={"stream": "health"})
    assert api.get(f"/people/{person.code}").json()["custom"] == {"stream": "health"}
    bad = api.patch(f"/people/{person.code}", {"custom": {"staff": "lots", "shoe_size": 9}})
    assert bad.status_code == 400 and "custom.shoe_size" in bad.json()["errors"]
    bad = api.patch(f"/people/{person.code}", {"custom": {"staff": "lots"}})
    assert bad.json()["errors"] == {"custom.staff": ["Staff count must be a number, like 12 or 3.5"]}
    changed = api.patch(
        f"/people/{person.code}", {"custom": {"staff": 5, "joined": "2026-03-27", "vetted": False}}
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["custom"] == {
        "stream": "health",
        "staff": 5,
        "joined": "2026-03-27",
        "vetted": False,
    }
    made = api.post("/people", {"last_name": "New", "custom": {"stream": "housing"}})
    assert made.status_code == 201 and made.json()["custom"] == {"stream": "housing"}
    cleared = api.patch(f"/people/{person.code}", {"custom": {"stream": None}})
    assert "stream" not in cleared.json()["custom"]


def test_organisations_take_added_fields_too(api: Api) -> None:
    CustomField.objects.create(
        applies_to="organisation",
        key="charity",
        label_en="Charity number",
        label_cy="Rhif elusen",
        kind="text",
        required=True,
    )
    organisation = OrganisationFactory(name="Shelter Cymru")
    refused = api.post("/organisations", {"name": "Nameless"})
    assert refused.json()["errors"] == {"custom.charity": ["Enter Charity number"]}
    changed = api.patch(f"/organisations/{organisation.code}", {"custom": {"charity": "1234"}})
    assert changed.status_code == 200, changed.content
    assert changed.json()["custom"] == {"charity": "1234"}
    renamed = api.patch(f"/organisations/{organisation.code}", {"name": "Shelter Cymru Ltd"})
    assert renamed.json()["custom"] == {"charity": "1234"}


def test_activities_take_added_fields_through_the_api(api: Api) -> None:
    CustomField.objects.create(
        applies_to="activity",
        key="venue_cost",
        label_en="Venue cost",
        label_cy="Cost y lleoliad",
        kind="number",
    )
    made = api.post(
        "/activities",
        {
            "kind": "meeting",
            "title": "Forum",
            "starts_at": "2026-05-01T10:00:00Z",
            "custom": {"venue_cost": 40},
        },
    )
    assert made.status_code == 201, made.json()
    assert made.json()["custom"] == {"venue_cost": 40}
    code = made.json()["code"]
    refused = api.patch(f"/activities/{code}", {"custom": {"venue_cost": "a lot"}})
    assert refused.json()["errors"] == {"custom.venue_cost": ["Venue cost must be a number, like 12 or 3.5"]}
    kept = api.patch(f"/activities/{code}", {"summary": "Went well"})
    assert kept.json()["custom"] == {"venue_cost": 40}


def test_a_field_hidden_from_the_tokens_administrator_is_in_no_answer(
    api: Api, fields: dict[str, CustomField]
) -> None:
    CustomField.objects.create(
        applies_to="person",
        key="case_notes",
        label_en="Caseworker notes",
        label_cy="Nodiadau",
        kind="text",
        roles=["engagement_officer"],
    )
    person = make_person(last_name="Rees", custom={"stream": "health", "case_notes": "private"})

    listed = api.get("/people").json()["results"][0]["custom"]
    read = api.get(f"/people/{person.code}").json()["custom"]
    changed = api.patch(f"/people/{person.code}", {"custom": {"staff": 3}}).json()["custom"]

    assert "case_notes" not in listed and "case_notes" not in read and "case_notes" not in changed
    person.refresh_from_db()
    assert person.custom["case_notes"] == "private"  # kept, though unseen
