"""Cases in the rest of Chorus: matched to the directory, on the person's timeline and in
their subject access file, gone with their erasure, and a few hundred in the demo."""

from __future__ import annotations

import random

import pytest
from django.test import Client
from django.urls import reverse

from chorus.cases.demo import build
from chorus.cases.matching import case_match_directory
from chorus.cases.models import Case, CaseNote, CaseReply, Kind, Status
from chorus.core.registry import SCALES
from chorus.directory.models import Person
from chorus.directory.rights import person_erase, subject_access_contents
from tests.cases.conftest import open_case
from tests.factories import PlaceFactory, make_person

pytestmark = pytest.mark.django_db


def test_a_case_from_someone_in_the_directory_is_linked_to_them() -> None:
    person = make_person(first_name="Carys", last_name="Complainant", emails=["carys@contact.example"])
    case = open_case()
    assert case_match_directory(case.pk) == person
    case.refresh_from_db()
    assert case.person == person


def test_a_case_from_someone_new_adds_them_to_the_directory() -> None:
    case = open_case(name="Newydd Person", email="newydd@example.org", language="cy")
    person = case_match_directory(case.pk)
    assert person is not None and person.last_name == "Person" and person.preferred_language == "cy"
    assert person.consents.get().lawful_basis == "public_task"


def test_an_anonymous_case_is_matched_to_no_one() -> None:
    case = open_case(kind=Kind.COMPLIMENT, name="", email="")
    assert case_match_directory(case.pk) is None
    assert not Person.objects.exists()


def test_the_case_is_on_the_persons_timeline(admin_client: Client) -> None:
    person = make_person(first_name="Carys", last_name="Complainant", emails=["carys@contact.example"])
    case = open_case(person=person)
    page = admin_client.get(reverse("directory:person_detail", args=[person.code])).content.decode()
    assert f"Complaint {case.reference}" in page


def test_another_teams_case_is_not_on_the_persons_timeline(officer_client: Client) -> None:
    from tests.factories import TeamFactory

    person = make_person(first_name="Carys", last_name="Complainant", emails=["carys@contact.example"])
    theirs = open_case(person=person, team=TeamFactory(name="Crime"))
    mine = open_case(person=person, kind=Kind.ENQUIRY)
    page = officer_client.get(reverse("directory:person_detail", args=[person.code])).content.decode()
    assert f"Enquiry {mine.reference}" in page
    assert theirs.reference not in page


def test_the_case_is_in_the_subject_access_file() -> None:
    person = make_person(first_name="Carys", last_name="Complainant", emails=["carys@contact.example"])
    case = open_case(person=person, description="The loop in court 2 was off")
    files = subject_access_contents(person)
    assert case.reference in files["case.csv"] and "The loop in court 2 was off" in files["case.csv"]


def test_the_notes_and_replies_of_their_cases_are_in_the_subject_access_file() -> None:
    person = make_person(first_name="Carys", last_name="Complainant", emails=["carys@contact.example"])
    case = open_case(person=person)
    CaseReply.objects.create(
        case=case, to=case.email, subject="Your complaint", body="We have fixed the loop"
    )
    CaseNote.objects.create(case=case, text="Rang Carys back on her mobile")
    other = open_case(person=make_person(first_name="Ifan", last_name="Other"))
    CaseNote.objects.create(case=other, text="Someone else's case")
    files = subject_access_contents(person)
    assert "We have fixed the loop" in files["casereply.csv"]
    assert "Rang Carys back on her mobile" in files["casenote.csv"]
    assert "Someone else's case" not in "".join(files.values())
    assert "casenote.csv" in files["README.txt"]


def test_erasing_the_person_takes_them_out_of_their_cases(admin) -> None:
    person = make_person(first_name="Carys", last_name="Complainant", emails=["carys@contact.example"])
    case = open_case(person=person)
    CaseReply.objects.create(case=case, to=case.email, subject="Sorry", body="Dear Carys")
    CaseNote.objects.create(case=case, text="Rang Carys back on her mobile")
    person_erase(actor=admin, person=person)
    case.refresh_from_db()
    assert (case.name, case.email, case.person_id) == ("", "", None)
    assert "Carys" not in case.replies.get().body
    assert not CaseNote.objects.filter(case=case, text__contains="Carys").exists()
    assert case.kind == Kind.COMPLAINT and case.reference


def test_the_demo_has_a_few_hundred_cases_of_every_kind() -> None:
    PlaceFactory()
    make_person(first_name="Demo", last_name="Person", emails=["demo@example.org"])
    summary = build(SCALES["small"], random.Random(7))
    assert summary["cases"] == Case.objects.count() >= 200
    assert set(Case.objects.values_list("kind", flat=True)) == set(Kind.values)
    assert Case.objects.filter(status=Status.CLOSED).exclude(kind=Kind.COMPLAINT, outcome="").exists()
    assert not Case.objects.filter(reference__isnull=True).exists()
    assert Case.objects.filter(kind=Kind.COMPLAINT, status=Status.CLOSED).exclude(outcome="").exists()
