"""Duplicate review (issue 21, defect 19): calibrated chances in words, reasons in words,
likeliest pairs first, and a merge where staff choose field by field what the kept record
keeps, undone exactly."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from chorus.accounts.models import User
from chorus.core.models import AuditAction, AuditEntry
from chorus.directory.duplicates import agreement_reasons, duplicates_find, person_merge, person_merge_undo
from chorus.directory.models import DuplicateCandidate, Person
from tests.factories import DuplicateCandidateFactory, OrganisationFactory, make_person

pytestmark = pytest.mark.django_db


def _strangers() -> None:
    for i, (first, last) in enumerate(
        [
            ("Aled", "Jones"),
            ("Bethan", "Price"),
            ("Carys", "Morgan"),
            ("Dafydd", "Hughes"),
            ("Eleri", "Owen"),
            ("Ffion", "Davies"),
            ("Gareth", "Lewis"),
            ("Huw", "Rees"),
            ("Ioan", "Thomas"),
            ("Nia", "Evans"),
        ]
    ):
        make_person(
            first_name=first, last_name=last, emails=[f"{first.lower()}@example.org"], postcode=f"SW{i} 1AA"
        )


def test_colleagues_sharing_a_first_name_are_not_shown_as_certain() -> None:
    office = OrganisationFactory(name="Cardiff Law Centre")
    freeman = make_person(
        first_name="Lydia",
        last_name="Freeman",
        emails=["lydia.freeman@example.org"],
        postcode="CF10 1AA",
        organisation=office,
    )
    brooks = make_person(
        first_name="Lydia",
        last_name="Brooks",
        emails=["lbrooks@example.com"],
        postcode="CF10 1AA",
        organisation=office,
    )
    jonathan = make_person(
        first_name="Jonathan", last_name="Smith", emails=["js@example.org"], postcode="CF11 9XY"
    )
    jon = make_person(first_name="Jon", last_name="Smith", emails=["js@example.org"], postcode="CF11 9XY")
    _strangers()
    duplicates_find()
    pairs = {(c.person_a_id, c.person_b_id): c for c in DuplicateCandidate.objects.all()}
    assert pairs[(jonathan.pk, jon.pk)].match_probability > 0.95
    # Same first name and workplace, different surname and email: colleagues as often as not.
    lydias = pairs.get((freeman.pk, brooks.pk))
    # (1.00 before calibration; in a directory of a dozen people the prior is at its highest.)
    assert lydias is None or lydias.match_probability < 0.8


def test_reasons_are_sentences_not_field_names() -> None:
    a = make_person(first_name="Lydia", last_name="Freeman")
    b = make_person(first_name="Lydia", last_name="Freemen")
    candidate = DuplicateCandidateFactory(
        person_a=a,
        person_b=b,
        match_probability=0.9,
        match_weight=5,
        agreement={
            "first_name": "same",
            "surname": "jaro-Winkler distance of surname >= 0.92",
            "email": "same",
            "phone": "missing",
            "postcode": "different",
            "organisation": "levenshtein nonsense",
        },
    )
    assert agreement_reasons(candidate) == [
        "Same first name",
        "Names nearly the same (Lydia Freeman / Lydia Freemen)",
        "Same email address",
        "Different postcodes",
    ]


def test_an_email_a_typo_apart_is_given_as_a_reason() -> None:
    candidate = DuplicateCandidateFactory(
        person_a=make_person(first_name="Siân", last_name="Hughes"),
        person_b=make_person(first_name="Siân", last_name="Hughes"),
        match_probability=0.97,
        match_weight=9,
        agreement={
            "first_name": "same",
            "surname": "same",
            "email": "typo",
            "postcode": "same district or town",
        },
    )
    assert agreement_reasons(candidate) == [
        "Same first name",
        "Same surname",
        "Email addresses a typo apart",
        "Same postcode district or town",
    ]


def test_the_list_shows_the_likeliest_first_in_words(officer_client: Client) -> None:
    for first, probability in (("Possibly", 0.6), ("Very", 0.99), ("Likely", 0.83)):
        DuplicateCandidateFactory(
            person_a=make_person(first_name=first, last_name="One"),
            person_b=make_person(first_name=first, last_name="Two"),
            match_probability=probability,
            match_weight=1,
        )
    page = officer_client.get(reverse("directory:duplicate_list")).content.decode()
    shown = re.findall(r"(Very likely|Likely|Possibly) the same person \((\d+)%\)", page)
    assert shown == [("Very likely", "99"), ("Likely", "83"), ("Possibly", "60")]
    assert "0.99" not in page


@pytest.fixture
def pair() -> tuple[Person, Person]:
    kept = make_person(
        first_name="Jonathan",
        last_name="Smith",
        postcode="CF10 1AA",
        job_title="Adviser",
        emails=["jonathan@example.org"],
    )
    other = make_person(
        first_name="Jon",
        last_name="Smith-Jones",
        postcode="CF24 3AA",
        emails=["jon.smith@example.org"],
        phones=["07700 900123"],
    )
    return kept, other


def test_chosen_fields_are_taken_and_undone(officer: User, pair) -> None:
    kept, other = pair
    merge = person_merge(
        actor=officer, survivor=kept, duplicate=other, take={"last_name", "postcode", "email"}
    )
    kept.refresh_from_db()
    assert (kept.first_name, kept.last_name, kept.postcode, kept.job_title) == (
        "Jonathan",
        "Smith-Jones",
        "CF24 3AA",
        "Adviser",
    )
    assert kept.contacts.get(kind="email", is_primary=True).value == "jon.smith@example.org"
    assert "Jonathan Smith" in kept.other_name_list()
    entry = AuditEntry.objects.filter(action=AuditAction.CHANGE, object_id=str(kept.code)).latest("pk")
    assert entry.detail["took from the merged record"] == ["email", "last_name", "postcode"]
    person_merge_undo(actor=officer, merge=merge)
    kept.refresh_from_db()
    other.refresh_from_db()
    assert (kept.last_name, kept.postcode, kept.other_names) == ("Smith", "CF10 1AA", "")
    assert kept.contacts.get(kind="email", is_primary=True).value == "jonathan@example.org"
    assert other.contacts.get(kind="email", is_primary=True).value == "jon.smith@example.org"
    assert (other.last_name, other.postcode) == ("Smith-Jones", "CF24 3AA")


def test_the_merge_page_offers_each_differing_field(officer_client: Client, pair) -> None:
    kept, other = pair
    candidate = DuplicateCandidateFactory(
        person_a=kept,
        person_b=other,
        match_probability=0.9,
        match_weight=5,
        agreement={"first_name": "nickname"},
    )
    url = reverse("directory:duplicate_merge", kwargs={"code": candidate.code})
    page = officer_client.get(url, {"keep": str(kept.code)}).content.decode()
    for label in (
        "First name",
        "Last name",
        "Postcode",
        "Job title",
        "Main email address",
        "Main phone number",
    ):
        assert label in page
    assert 'value="kept" checked' in page
    done = officer_client.post(url, {"keep": str(kept.code), "first_name": "other", "phone": "other"})
    assert done.url == reverse("directory:person_detail", kwargs={"code": kept.code})
    kept.refresh_from_db()
    assert kept.first_name == "Jon" and kept.last_name == "Smith"
    assert kept.contacts.get(kind="phone", is_primary=True).value == "07700 900123"


def test_each_level_of_the_shipped_model_explains_itself_differently() -> None:
    # A district-only match once read "same", and the review said "Same postcode".
    from chorus.directory.linkage.engine import default_model, find_duplicates
    from chorus.directory.linkage.synthetic import generate_people

    people = generate_people(400, seed=3)[
        ["unique_id", "first_name", "surname", "email", "phone", "postcode"]
    ]
    result = find_duplicates(people, model=default_model())
    for field, levels in result.level_weights.items():
        labels = [label for _, label in levels]
        assert len(labels) == len(set(labels)), field
