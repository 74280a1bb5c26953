from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from chorus.accounts.models import User
from chorus.core.models import AuditAction, AuditEntry
from chorus.directory.duplicates import (
    candidate_mark_not_same,
    duplicates_find,
    person_merge,
    person_merge_undo,
)
from chorus.directory.models import DuplicateCandidate, Person
from chorus.directory.search import search_people
from tests.factories import ConsentFactory, OrganisationFactory, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair() -> tuple[Person, Person]:
    survivor = make_person(first_name="Jonathan", last_name="Smith", emails=["jonathan.smith@example.org"])
    duplicate = make_person(
        first_name="Jon",
        last_name="Smith",
        emails=["jon@example.org", "jonathan.smith@example.org"],
        phones=["07700 900123"],
        job_title="Solicitor",
        organisation=OrganisationFactory(name="Law Centre"),
    )
    ConsentFactory(
        person=duplicate,
        purpose="Bulletins",
        lawful_basis="consent",
        given_on="2026-01-02",
        source="Sign-up form",
    )
    return survivor, duplicate


def test_a_merge_keeps_every_link_on_the_survivor(officer: User, pair) -> None:
    survivor, duplicate = pair
    merge = person_merge(actor=officer, survivor=survivor, duplicate=duplicate)
    survivor.refresh_from_db()
    assert set(survivor.contacts.values_list("normalised", flat=True)) == {
        "jonathan.smith@example.org",
        "jon@example.org",
        "+447700900123",
    }
    assert survivor.memberships.get().organisation.name == "Law Centre"
    assert survivor.consents.get().purpose == "Bulletins"
    assert survivor.job_title == "Solicitor"
    assert "Jon Smith" in survivor.other_name_list()
    duplicate.refresh_from_db()
    assert duplicate.merged_into == survivor
    assert merge.merged_by == officer
    assert [p.pk for p in search_people(Person.objects.all(), "jon smith")] == [survivor.pk]
    assert AuditEntry.objects.filter(
        action=AuditAction.CHANGE, object_id=str(duplicate.code), actor=officer
    ).exists()


def test_a_merge_can_be_undone_exactly(officer: User, pair) -> None:
    survivor, duplicate = pair
    merge = person_merge(actor=officer, survivor=survivor, duplicate=duplicate)
    person_merge_undo(actor=officer, merge=merge)
    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None
    assert survivor.job_title == ""
    assert survivor.other_name_list() == []
    assert set(survivor.contacts.values_list("normalised", flat=True)) == {"jonathan.smith@example.org"}
    assert set(duplicate.contacts.values_list("normalised", flat=True)) == {
        "jon@example.org",
        "jonathan.smith@example.org",
        "+447700900123",
    }
    assert duplicate.consents.count() == 1 and duplicate.memberships.count() == 1
    with pytest.raises(ValidationError):
        person_merge_undo(actor=officer, merge=merge)


def test_a_record_cannot_be_merged_twice_or_with_itself(officer: User, pair) -> None:
    survivor, duplicate = pair
    with pytest.raises(ValidationError):
        person_merge(actor=officer, survivor=survivor, duplicate=survivor)
    person_merge(actor=officer, survivor=survivor, duplicate=duplicate)
    with pytest.raises(ValidationError):
        person_merge(actor=officer, survivor=survivor, duplicate=duplicate)


def test_the_linkage_model_queues_name_variants_and_not_strangers(officer: User) -> None:
    jonathan = make_person(
        first_name="Jonathan", last_name="Smith", emails=["j.smith@example.org"], postcode="CF10 1AA"
    )
    jon = make_person(
        first_name="Jon", last_name="Smith", emails=["j.smith@example.org"], postcode="CF10 1AA"
    )
    initials = make_person(
        first_name="J R", last_name="Smith", postcode="CF10 1AA", emails=["jr@example.org"]
    )
    strangers = [
        ("Aled", "Jones"),
        ("Bethan", "Price"),
        ("Carys", "Morgan"),
        ("Dafydd", "Hughes"),
        ("Eleri", "Owen"),
        ("Ffion", "Davies"),
        ("Gareth", "Lewis"),
        ("Huw", "Rees"),
        ("Ioan", "Thomas"),
        ("Jac", "Powell"),
        ("Lowri", "Jenkins"),
        ("Mared", "Griffiths"),
        ("Nia", "Edwards"),
        ("Osian", "Roberts"),
        ("Rhys", "Evans"),
    ]
    for i, (first, last) in enumerate(strangers):
        make_person(
            first_name=first,
            last_name=last,
            emails=[f"{first.lower()}@example.org"],
            postcode=f"SW{i % 9} 1AA",
        )
    assert duplicates_find() >= 1
    pairs = {(c.person_a_id, c.person_b_id): c for c in DuplicateCandidate.objects.all()}
    assert (jonathan.pk, jon.pk) in pairs
    candidate = pairs[(jonathan.pk, jon.pk)]
    assert candidate.agreement["email"] == "same"
    assert candidate.agreement["first_name"] == "nickname"
    assert all(jonathan.pk in key or jon.pk in key or initials.pk in key for key in pairs)
    candidate_mark_not_same(actor=officer, candidate=candidate)
    duplicates_find()
    candidate.refresh_from_db()
    assert candidate.status == DuplicateCandidate.Status.NOT_SAME


def test_a_second_run_updates_waiting_pairs_in_place_and_reports_only_new_ones() -> None:
    jonathan = make_person(first_name="Jonathan", last_name="Pryce", emails=["j.pryce@example.org"])
    jon = make_person(first_name="Jon", last_name="Pryce", emails=["j.pryce@example.org"])
    assert duplicates_find() == 1
    candidate = DuplicateCandidate.objects.get()
    DuplicateCandidate.objects.filter(pk=candidate.pk).update(match_probability=0.01)
    # Nothing new: the waiting pair is rescored, not added again.
    assert duplicates_find() == 0
    candidate.refresh_from_db()
    assert DuplicateCandidate.objects.count() == 1
    assert candidate.match_probability > 0.5
    assert (candidate.person_a_id, candidate.person_b_id) == (jonathan.pk, jon.pk)
    assert candidate.status == DuplicateCandidate.Status.PENDING


def test_the_engine_reads_each_persons_main_email_and_latest_organisation() -> None:
    from chorus.directory.duplicates import directory_frame

    person = make_person(
        first_name="Ffion",
        last_name="Morgan",
        emails=["ffion.main@example.org", "ffion.old@example.org"],
        organisation=OrganisationFactory(name="Cardiff Law Centre"),
    )
    merged = make_person(first_name="Ffion", last_name="Morgan")
    Person.objects.filter(pk=merged.pk).update(merged_into=person)
    frame = directory_frame()
    assert frame["unique_id"].tolist() == [person.pk]
    row = frame.iloc[0]
    assert row["email"] == "ffion.main@example.org"
    assert row["organisation"] == "Cardiff Law Centre"
    assert row["surname"] == "Morgan"
