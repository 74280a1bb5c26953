"""Each response is linked to the directory person whose email address it came from, and
stays so as the directory changes: people added, edited, imported, merged and erased, and
responses anonymised. Who took part (equity of reach, checkpoints) reads the link."""

from __future__ import annotations

import importlib
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.utils import timezone

from chorus.accounts.models import User
from chorus.consultations.journey import response_submit
from chorus.consultations.models import Response, ResponseDraft
from chorus.directory.duplicates import person_merge, person_merge_undo
from chorus.directory.models import Person
from chorus.directory.rights import person_erase
from chorus.directory.services import PersonData, person_update
from chorus.insights.equity import participants
from chorus.insights.retention import KINDS
from tests.factories import ConsultationFactory, ResponseFactory, make_person

pytestmark = pytest.mark.django_db


def _open_consultation() -> Any:
    now = timezone.now()
    return ConsultationFactory(
        opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=9), is_published=True
    )


def _person_of(response: Response) -> int | None:
    return Response.objects.get(pk=response.pk).person_id


def _took_part(user: User) -> set[int]:
    today = timezone.localdate()
    found = participants(user=user, project=None, start=today - timedelta(days=30), end=today)
    return set(found.values_list("pk", flat=True))


def test_a_response_sent_through_the_journey_is_from_the_person_holding_its_address() -> None:
    rhian = make_person(first_name="Rhian", last_name="Jones", emails=["rhian@example.org"])
    draft = ResponseDraft.objects.create(
        consultation=_open_consultation(),
        about={"respondent_type": "individual", "email": "Rhian@Example.org", "publish": "no"},
        expires_at=timezone.now() + timedelta(days=1),
    )
    response, new = response_submit(draft=draft, language="en")
    assert new and _person_of(response) == rhian.pk


def test_a_response_from_an_address_nobody_holds_is_from_no_one_until_someone_gets_it(admin: User) -> None:
    response = ResponseFactory(email="later@example.org")
    assert _person_of(response) is None
    later = make_person(first_name="Lee", last_name="Later", emails=["LATER@example.org"])
    assert _person_of(response) == later.pk
    # The address moves to someone else: so does the response.
    other = make_person(first_name="Olu", last_name="Other")
    person_update(actor=admin, person=later, data=PersonData(last_name="Later", emails=["lee@example.org"]))
    assert _person_of(response) is None
    person_update(actor=admin, person=other, data=PersonData(last_name="Other", emails=["later@example.org"]))
    assert _person_of(response) == other.pk


def test_where_two_records_hold_an_address_the_response_is_from_the_older(admin: User) -> None:
    older = make_person(last_name="Older", emails=["shared@example.org"])
    make_person(last_name="Newer", emails=["shared@example.org"])
    response = ResponseFactory(email="shared@example.org", submitted_at=timezone.now() - timedelta(days=2))
    assert _person_of(response) == older.pk
    assert _took_part(admin) == {older.pk}  # one response, one person


def test_a_merge_moves_the_response_to_the_survivor_and_undo_moves_it_back(officer: User) -> None:
    survivor = make_person(first_name="Jonathan", last_name="Smith", emails=["jonathan@example.org"])
    duplicate = make_person(first_name="Jon", last_name="Smith", emails=["jon@example.org"])
    response = ResponseFactory(email="jon@example.org")
    assert _person_of(response) == duplicate.pk
    merge = person_merge(actor=officer, survivor=survivor, duplicate=duplicate)
    assert _person_of(response) == survivor.pk
    person_merge_undo(actor=officer, merge=merge)
    assert _person_of(response) == duplicate.pk


def test_erasing_the_person_leaves_their_responses_from_no_one(admin: User, officer: User) -> None:
    rhian = make_person(first_name="Rhian", last_name="Jones", emails=["rhian@example.org"])
    response = ResponseFactory(email="rhian@example.org", submitted_at=timezone.now() - timedelta(days=2))
    assert _took_part(admin) == {rhian.pk}
    person_erase(actor=officer, person=Person.objects.get(pk=rhian.pk))
    assert _person_of(response) is None
    assert _took_part(admin) == set()


def test_anonymising_an_old_response_unlinks_it_with_its_address() -> None:
    make_person(last_name="Jones", emails=["rhian@example.org"])
    response = ResponseFactory(
        email="rhian@example.org", submitted_at=timezone.now() - timedelta(days=20 * 365)
    )
    kind = KINDS["responses"]
    kind.apply(kind.due(timezone.now() - timedelta(days=365)), None)
    stored = Response.objects.get(pk=response.pk)
    assert stored.email == "" and stored.person_id is None


def test_who_took_part_is_read_from_the_link_not_from_the_addresses(admin: User) -> None:
    rhian = make_person(first_name="Rhian", last_name="Jones", emails=["rhian@example.org"])
    sam = make_person(first_name="Sam", last_name="Evans", emails=["sam@example.org"])
    recent = timezone.now() - timedelta(days=2)
    # Linked to Rhian (as staff entering a paper response for her might have), from no address.
    ResponseFactory(email="", person=rhian, submitted_at=recent)
    # Sam's address, but linked to no one: not counted.
    ResponseFactory(email="sam@example.org", person=None, submitted_at=recent)
    assert _took_part(admin) == {rhian.pk}
    assert sam.pk not in _took_part(admin)


def test_importing_people_links_the_responses_from_their_addresses(admin: User) -> None:
    from chorus.core.imports.rows import CheckedRow
    from chorus.directory.import_people import PeopleRowChecker, PeopleWriter
    from chorus.directory.models import ImportJob

    response = ResponseFactory(email="imported@example.org")
    job = ImportJob.objects.create(kind="people", created_by=admin, original_name="people.csv")
    writer = PeopleWriter(
        job, PeopleRowChecker(["Last name", "Email"], {"Last name": "last_name", "Email": "email"})
    )
    writer([CheckedRow(line=1, values={"last_name": "Imported", "email": "imported@example.org"})])
    assert _person_of(response) == Person.objects.get(last_name="Imported").pk


def test_the_migration_links_the_responses_already_stored() -> None:
    rhian = make_person(first_name="Rhian", last_name="Jones", emails=["rhian@example.org"])
    linked = ResponseFactory(email="RHIAN@example.org")
    nobody = ResponseFactory(email="nobody@example.org")
    quiet = ResponseFactory(email="")
    Response.objects.update(person=None)
    backfill = importlib.import_module(
        "chorus.consultations.migrations.0017_response_person_backfill"
    ).backfill

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection  # type: ignore[attr-defined]
    backfill(django_apps, editor)
    backfill(django_apps, editor)  # run again (resumed): nothing changes
    assert _person_of(linked) == rhian.pk
    assert _person_of(nobody) is None and _person_of(quiet) is None
