"""Cases through the staff API: read with their added fields, within the token's teams, each
case shown audited against it, and only with the cases scope."""

from __future__ import annotations

import pytest

from chorus.api.models import Area, Level, scope_name
from chorus.cases.models import Case
from chorus.core.models import AuditAction, AuditEntry, CustomField
from chorus.core.roles import Role
from tests.api.conftest import Api, Issue
from tests.cases.conftest import open_case
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db


def test_cases_are_read_with_their_added_fields_and_each_is_audited(api: Api) -> None:
    CustomField.objects.create(
        applies_to="case", key="hearing", label_en="Hearing affected", kind="yes_no", roles=[]
    )
    CustomField.objects.create(
        applies_to="case", key="secret", label_en="Admins only", kind="text", roles=[Role.ENGAGEMENT_OFFICER]
    )
    complaint = open_case(custom={"hearing": True, "secret": "kept"})
    open_case(kind="enquiry", description="When is the court open?")

    listed = api.get("/cases", kind="complaint").json()["results"]
    read = api.get(f"/cases/{complaint.code}").json()

    assert [c["code"] for c in listed] == [str(complaint.code)]
    assert read["reference"] == complaint.reference and read["status"] == "open"
    assert read["email"] == "carys@contact.example" and read["overdue"] is False
    # The token acts for the administrator who issued it: fields only officers see are left out.
    assert read["custom"] == {"hearing": True}
    viewed = AuditEntry.objects.filter(action=AuditAction.VIEW, object_id=str(complaint.code))
    assert viewed.count() == 2  # listed, then read


def test_out_of_team_cases_are_not_there_and_the_scope_is_needed(issue: Issue) -> None:
    family, crime = TeamFactory(name="Family"), TeamFactory(name="Crime")
    theirs = open_case(team=crime)
    ours = open_case(team=family)
    api = Api(issue(teams=[family]))

    assert api.get(f"/cases/{theirs.code}").status_code == 404
    assert [c["code"] for c in api.get("/cases").json()["results"]] == [str(ours.code)]
    people_only = Api(issue(scopes=[scope_name(Area.PEOPLE, Level.WRITE)]))
    assert people_only.get("/cases").status_code == 403
    assert Case.objects.count() == 2


def test_a_case_names_only_a_person_the_token_may_see(issue: Issue) -> None:
    from chorus.directory.models import Person

    family, crime = TeamFactory(name="Family"), TeamFactory(name="Crime")
    case = open_case(team=None)
    person = Person.objects.get(pk=case.person_id) if case.person_id else None
    if person is None:
        from tests.factories import make_person

        person = make_person(first_name="Carys", last_name="Complainant")
        Case.objects.filter(pk=case.pk).update(person=person)
    Person.objects.filter(pk=person.pk).update(team=crime)

    family_api = Api(issue(teams=[family]))
    everyone = Api(issue())

    assert family_api.get(f"/cases/{case.code}").json()["person"] is None
    assert everyone.get(f"/cases/{case.code}").json()["person"] == str(person.code)
