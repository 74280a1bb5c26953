"""People and organisations through the staff API: the staff forms' rules, the pages' access rules."""

from __future__ import annotations

import pytest

from chorus.core.models import AuditAction, AuditEntry
from chorus.directory.models import Consent, Person
from tests.api.conftest import Api, Issue
from tests.factories import OrganisationFactory, StakeholderGroupFactory, TeamFactory, make_person

pytestmark = pytest.mark.django_db


def test_it_lists_people_a_page_at_a_time(api: Api) -> None:
    for n in range(5):
        make_person(first_name="Sam", last_name=f"Jones {n}", emails=[f"sam{n}@example.org"])
    first = api.get("/people", limit=2).json()
    assert [p["last_name"] for p in first["results"]] == ["Jones 0", "Jones 1"]
    second = api.get("/people", limit=2, cursor=first["next"]).json()
    third = api.get("/people", limit=2, cursor=second["next"]).json()
    assert [p["last_name"] for p in second["results"] + third["results"]] == ["Jones 2", "Jones 3", "Jones 4"]
    assert third["next"] is None
    assert first["results"][0]["emails"] == ["sam0@example.org"]


def test_each_person_on_a_page_of_the_list_has_the_view_in_their_own_audit_trail(api: Api) -> None:
    """A person's audit trail (and so their subject access file) says the API listed them."""
    from chorus.core.models import AuditEntry
    from chorus.directory.rights import subject_access_contents

    shown = [make_person(first_name="Sam", last_name=f"Jones {n}") for n in range(3)]
    not_shown = make_person(first_name="Zed", last_name="Zebedee")
    api.get("/people", limit=3)
    for person in shown:
        entry = AuditEntry.objects.get(
            object_type="directory.person", object_id=str(person.code), action="view"
        )
        assert entry.detail["listed in"] == "API list of people"
        assert "API list of people" in subject_access_contents(person)["who_saw_or_changed_this_record.csv"]
    assert not AuditEntry.objects.filter(object_id=str(not_shown.code), action="view").exists()
    call = AuditEntry.objects.get(object_repr="API list of people")
    assert call.detail["shown"] == 3


def test_a_cursor_too_large_to_be_one_the_api_gave_is_a_clear_400(api: Api) -> None:
    import base64

    huge = base64.urlsafe_b64encode(str(10**30).encode()).decode().rstrip("=")
    response = api.get("/people", cursor=huge)
    assert response.status_code == 400 and "cursor" in response.json()["errors"]


def test_it_filters_people_by_email_and_group(api: Api) -> None:
    group = StakeholderGroupFactory(name="Advice sector")
    wanted = make_person(first_name="Ann", last_name="Lee", emails=["ann@example.org"], groups=[group])
    make_person(first_name="Bob", last_name="Lee", emails=["bob@example.org"])
    assert [p["code"] for p in api.get("/people", email="ANN@example.org").json()["results"]] == [
        str(wanted.code)
    ]
    assert [p["code"] for p in api.get("/people", group=str(group.code)).json()["results"]] == [
        str(wanted.code)
    ]


def test_reading_a_person_is_audited_against_them_naming_the_token(api: Api) -> None:
    person = make_person(first_name="Ann", last_name="Lee")
    response = api.get(f"/people/{person.code}")
    assert response.status_code == 200
    assert response.json()["last_name"] == "Lee"
    entry = AuditEntry.objects.filter(action=AuditAction.VIEW, object_id=str(person.code)).get()
    assert entry.detail["integration"] == "Data platform"
    assert entry.actor is not None and entry.actor.email == "admin@example.gov.uk"


def test_a_person_of_a_team_the_token_is_not_restricted_to_is_a_404(issue: Issue) -> None:
    team, other = TeamFactory(name="Family"), TeamFactory(name="Crime")
    theirs = make_person(first_name="Ann", last_name="Lee", team=other)
    ours = make_person(first_name="Bob", last_name="Lee", team=team)
    open_to_all = make_person(first_name="Cy", last_name="Lee")
    api = Api(issue(teams=[team]))
    assert api.get(f"/people/{theirs.code}").status_code == 404
    assert api.patch(f"/people/{theirs.code}", {"job_title": "Chair"}).status_code == 404
    listed = {p["code"] for p in api.get("/people").json()["results"]}
    assert listed == {str(ours.code), str(open_to_all.code)}


def test_deleting_a_tokens_only_team_leaves_it_seeing_records_of_no_team_not_everything(
    issue: Issue,
) -> None:
    team, other = TeamFactory(name="Family"), TeamFactory(name="Crime")
    theirs = make_person(first_name="Ann", last_name="Lee", team=other)
    open_to_all = make_person(first_name="Cy", last_name="Lee")
    api = Api(issue(teams=[team]))
    team.delete()
    assert api.get(f"/people/{theirs.code}").status_code == 404
    assert {p["code"] for p in api.get("/people").json()["results"]} == {str(open_to_all.code)}


def test_it_adds_a_person_with_the_staff_forms_checks(api: Api) -> None:
    organisation = OrganisationFactory(name="Citizens Advice Cardiff")
    group = StakeholderGroupFactory(name="Advice sector")
    response = api.post(
        "/people",
        {
            "first_name": "Ann",
            "last_name": "Lee",
            "emails": ["ann@example.org"],
            "postcode": "cf10 1aa",
            "organisation": str(organisation.code),
            "organisation_role": "Adviser",
            "groups": [str(group.code)],
            "external_id": "CRM-1",
        },
    )
    assert response.status_code == 201, response.json()
    person = Person.objects.get(code=response.json()["code"])
    assert person.postcode == "CF10 1AA" and person.external_id == "CRM-1"
    assert response.json()["organisations"][0]["organisation"]["name"] == "Citizens Advice Cardiff"
    assert response.json()["groups"][0]["group"]["code"] == str(group.code)
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_id=str(person.code)).exists()


def test_it_says_what_is_wrong_with_each_field(api: Api) -> None:
    response = api.post("/people", {"last_name": "", "emails": ["not an address"], "postcode": "nowhere"})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["last_name"] == ["Enter the person's last name"]
    assert "not an address is not an email address" in errors["emails"][0]
    assert errors["postcode"] == ["Enter a real postcode, like CF10 1AA"]
    assert not Person.objects.exists()


def test_a_missing_field_is_named(api: Api) -> None:
    response = api.post("/people", {"first_name": "Ann"})
    assert response.status_code == 400
    assert "last_name" in response.json()["errors"]


def test_a_token_restricted_to_a_team_cannot_give_a_record_to_another_team(issue: Issue) -> None:
    team, other = TeamFactory(name="Family"), TeamFactory(name="Crime")
    api = Api(issue(teams=[team]))
    refused = api.post("/people", {"last_name": "Lee", "team": str(other.code)})
    assert refused.status_code == 400 and "team" in refused.json()["errors"]
    made = api.post("/people", {"last_name": "Lee", "team": str(team.code)})
    assert made.status_code == 201 and made.json()["team"] == str(team.code)


def test_a_change_sends_only_what_changes(api: Api) -> None:
    person = make_person(first_name="Ann", last_name="Lee", emails=["ann@example.org"], job_title="Adviser")
    response = api.patch(f"/people/{person.code}", {"job_title": "Chair"})
    assert response.status_code == 200, response.json()
    person.refresh_from_db()
    assert person.job_title == "Chair" and person.first_name == "Ann"
    assert response.json()["emails"] == ["ann@example.org"]
    change = AuditEntry.objects.get(action=AuditAction.CHANGE, object_id=str(person.code))
    assert change.detail["job_title"] == ["Adviser", "Chair"]


def test_it_records_consent_and_refuses_a_date_to_come(api: Api) -> None:
    person = make_person(first_name="Ann", last_name="Lee")
    later = api.post(
        f"/people/{person.code}/consents",
        {
            "purpose": "Bulletins",
            "lawful_basis": "consent",
            "given_on": "2999-01-01",
            "source": "Sign-up form",
        },
    )
    assert later.status_code == 400
    assert later.json()["errors"]["given_on"] == ["The date must be today or in the past"]
    done = api.post(
        f"/people/{person.code}/consents",
        {
            "purpose": "Bulletins",
            "lawful_basis": "consent",
            "given_on": "2026-01-05",
            "source": "Sign-up form",
        },
    )
    assert done.status_code == 201, done.json()
    assert Consent.objects.get(person=person).source == "Sign-up form"
    assert done.json()["consents"][0]["given_on"] == "2026-01-05"


def test_it_adds_a_person_to_a_group(api: Api) -> None:
    person = make_person(first_name="Ann", last_name="Lee")
    group = StakeholderGroupFactory(name="Panel")
    response = api.post(f"/people/{person.code}/groups", {"group": str(group.code), "start": "2026-04-01"})
    assert response.status_code == 201, response.json()
    assert response.json()["groups"][0]["start"] == "2026-04-01"


def test_adjustments_need_their_own_scope(issue: Issue) -> None:
    from chorus.directory.models import AdjustmentsRecord

    person = make_person(first_name="Ann", last_name="Lee")
    record = AdjustmentsRecord.objects.create(person=person, recorded_via="staff", share_other_services=True)
    record.needs.create(category="hearing_loop", details="Left ear")
    people_only = Api(issue(scopes=["people:read"]))
    refused = people_only.get(f"/people/{person.code}/adjustments")
    assert refused.status_code == 403
    assert "adjustments:read" in refused.json()["errors"]["scope"][0]
    both = Api(issue(scopes=["people:read", "adjustments:read"], name="Events"))
    shown = both.get(f"/people/{person.code}/adjustments")
    assert shown.status_code == 200, shown.json()
    assert shown.json()["needs"][0]["details"] == "Left ear"


def test_adjustments_reach_another_service_only_where_the_person_agreed(issue: Issue) -> None:
    """A system calling the API is another service of the organisation: adjustments shared
    only with the event team or the venue are not for it, and it cannot tell them apart from
    none at all."""
    from chorus.core.models import AuditEntry
    from chorus.directory.models import AdjustmentsRecord

    api = Api(issue(scopes=["people:read", "adjustments:read"], name="Housing"))
    private = make_person(first_name="Bea", last_name="Lloyd")
    record = AdjustmentsRecord.objects.create(
        person=private, recorded_via="staff", share_event_team=True, share_venue=True
    )
    record.needs.create(category="step_free", details="Wheelchair user")
    nobody = make_person(first_name="Cai", last_name="Morgan")
    refused = api.get(f"/people/{private.code}/adjustments")
    none = api.get(f"/people/{nobody.code}/adjustments")
    assert refused.status_code == none.status_code == 404
    assert refused.json() == none.json()
    assert "Wheelchair" not in refused.content.decode()
    seen = AuditEntry.objects.filter(object_id=str(private.code), detail__adjustments=True)
    assert not seen.exists()

    AdjustmentsRecord.objects.filter(pk=record.pk).update(share_other_services=True)
    shown = api.get(f"/people/{private.code}/adjustments")
    assert shown.status_code == 200 and shown.json()["needs"][0]["details"] == "Wheelchair user"
    assert seen.exists()  # the read that was allowed is audited


def test_organisations_are_listed_read_added_and_changed(api: Api) -> None:
    parent = OrganisationFactory(name="Citizens Advice")
    made = api.post(
        "/organisations", {"name": "Citizens Advice Cardiff", "kind": "advice", "parent": str(parent.code)}
    )
    assert made.status_code == 201, made.json()
    code = made.json()["code"]
    assert made.json()["parent"] == str(parent.code)
    bad = api.patch(f"/organisations/{code}", {"website": "not a web address"})
    assert bad.status_code == 400
    assert bad.json()["errors"]["website"] == ["Enter a web address, like https://www.example.org"]
    changed = api.patch(f"/organisations/{code}", {"sector": "Advice"})
    assert changed.status_code == 200 and changed.json()["sector"] == "Advice"
    assert changed.json()["kind"] == "advice"
    assert {o["name"] for o in api.get("/organisations").json()["results"]} == {
        "Citizens Advice",
        "Citizens Advice Cardiff",
    }


def test_an_out_of_team_organisation_is_a_404(issue: Issue) -> None:
    team, other = TeamFactory(name="Family"), TeamFactory(name="Crime")
    theirs = OrganisationFactory(name="Hidden", team=other)
    api = Api(issue(teams=[team]))
    assert api.get(f"/organisations/{theirs.code}").status_code == 404


def test_groups_sent_in_a_change_replace_the_persons_groups(api: Api) -> None:
    old, new = StakeholderGroupFactory(name="Old panel"), StakeholderGroupFactory(name="New panel")
    person = make_person(first_name="Ann", last_name="Lee", groups=[old])
    response = api.patch(f"/people/{person.code}", {"groups": [str(new.code)]})
    assert response.status_code == 200, response.json()
    assert [g["group"]["name"] for g in response.json()["groups"]] == ["New panel"]
    left = AuditEntry.objects.filter(
        action=AuditAction.CHANGE, object_id=str(person.code), detail__has_key="left"
    )
    assert left.get().detail["left"] == ["Old panel"]


def test_it_adds_a_person_to_an_organisation_the_token_may_see(issue: Issue) -> None:
    team, other = TeamFactory(name="Family"), TeamFactory(name="Crime")
    person = make_person(first_name="Ann", last_name="Lee")
    hidden = OrganisationFactory(name="Hidden", team=other)
    shown = OrganisationFactory(name="Citizens Advice", team=team)
    api = Api(issue(teams=[team]))
    refused = api.post(
        f"/people/{person.code}/memberships", {"organisation": str(hidden.code), "role": "Chair"}
    )
    assert refused.status_code == 400 and "organisation" in refused.json()["errors"]
    added = api.post(
        f"/people/{person.code}/memberships", {"organisation": str(shown.code), "role": "Adviser"}
    )
    assert added.status_code == 201, added.json()
    assert added.json()["organisations"] == [
        {
            "organisation": {"code": str(shown.code), "name": "Citizens Advice"},
            "role": "Adviser",
            "start": None,
            "end": None,
        }
    ]
