from __future__ import annotations

import pytest

from chorus.directory import search
from chorus.directory.models import Person
from tests.factories import OrganisationFactory, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_vocabulary() -> None:
    search.vocabulary_forget()


@pytest.fixture
def people() -> dict[str, Person]:
    advice = OrganisationFactory(name="Citizens Advice Cardiff")
    return {
        "jonathan": make_person(first_name="Jonathan", last_name="Smith", emails=["jon.smith@example.org"]),
        "sian": make_person(
            first_name="Siân", last_name="Evans", organisation=advice, phones=["029 2000 1234"]
        ),
        "priya": make_person(first_name="Priya", last_name="Patel", other_names="Priya Shah"),
    }


def _names(query: str) -> list[str]:
    return [p.full_name for p in search.search_people(Person.objects.all(), query)]


def test_it_finds_people_by_name_email_other_name_and_organisation(people) -> None:
    assert _names("smith") == ["Jonathan Smith"]
    assert _names("jon.smith@example.org") == ["Jonathan Smith"]
    assert _names("shah") == ["Priya Patel"]
    assert _names("citizens advice") == ["Siân Evans"]


def test_it_forgives_typos_accents_and_partial_words(people) -> None:
    assert _names("smiht") == ["Jonathan Smith"]
    assert _names("sian evnas") == ["Siân Evans"]
    assert _names("jonath") == ["Jonathan Smith"]


def test_every_word_must_match(people) -> None:
    assert _names("priya smith") == []


def test_an_exact_match_ranks_above_a_typo_match(people) -> None:
    make_person(first_name="Anna", last_name="Smyth")
    assert _names("smith")[0] == "Jonathan Smith"
    assert set(_names("smith")) == {"Jonathan Smith", "Anna Smyth"}
