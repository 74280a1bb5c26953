from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from chorus.accounts.models import User
from chorus.core.models import AuditAction, AuditEntry
from chorus.directory.models import (
    GroupMembership,
    Membership,
    Person,
    SubjectAccessRequest,
)
from chorus.directory.search import search_people
from tests.conftest import sign_in
from tests.factories import (
    ConsentFactory,
    GroupMembershipFactory,
    OrganisationFactory,
    StakeholderGroupFactory,
    make_person,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def person() -> Person:
    person = make_person(
        first_name="Rhian",
        last_name="Morgan",
        emails=["rhian@example.org"],
        postcode="CF10 1AA",
        communication_needs="Easy read",
        organisation=OrganisationFactory(name="Valleys Advice"),
    )
    ConsentFactory(
        person=person, purpose="Bulletins", lawful_basis="consent", given_on="2026-02-01", source="Form"
    )
    GroupMembershipFactory(person=person, group=StakeholderGroupFactory(name="Advice sector"))
    return person


def test_a_subject_access_file_holds_everything_and_who_saw_it(
    officer_client: Client, officer: User, person: Person, django_capture_on_commit_callbacks
) -> None:
    officer_client.get(reverse("directory:person_detail", kwargs={"code": person.code}))
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(
            reverse("directory:subject_access_request", kwargs={"code": person.code}), {"reference": "SAR-42"}
        )
    sar = SubjectAccessRequest.objects.get()
    assert sar.status == SubjectAccessRequest.Status.READY
    response = officer_client.get(reverse("directory:subject_access_download", kwargs={"code": sar.code}))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = set(archive.namelist())
    assert {
        "person.json",
        "contactpoint.csv",
        "membership.csv",
        "consent.csv",
        "groupmembership.csv",
        "who_saw_or_changed_this_record.csv",
        "README.txt",
    } <= names
    assert json.loads(archive.read("person.json"))["last_name"] == "Morgan"
    assert "rhian@example.org" in archive.read("contactpoint.csv").decode()
    assert "officer@example.gov.uk" in archive.read("who_saw_or_changed_this_record.csv").decode()
    exports = AuditEntry.objects.filter(action=AuditAction.EXPORT, object_id=str(person.code))
    assert exports.count() == 2  # the request and the download


def test_someone_else_may_not_download_the_file(
    client: Client, officer: User, outsider: User, person: Person, django_capture_on_commit_callbacks
) -> None:
    sign_in(client, officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("directory:subject_access_request", kwargs={"code": person.code}))
    sar = SubjectAccessRequest.objects.get()
    other = sign_in(Client(), outsider)
    assert (
        other.get(reverse("directory:subject_access_download", kwargs={"code": sar.code})).status_code == 403
    )


def test_erasure_needs_the_name_typed_and_removes_everything_identifying(
    admin_client: Client, person: Person
) -> None:
    url = reverse("directory:person_erase", kwargs={"code": person.code})
    wrong = admin_client.post(url, {"confirm": "Someone Else"})
    assert "The name does not match" in wrong.content.decode()
    assert Person.objects.get(pk=person.pk).erased_at is None
    admin_client.post(url, {"confirm": "rhian  morgan"})
    person.refresh_from_db()
    assert person.erased_at is not None
    assert (person.first_name, person.last_name, person.postcode, person.communication_needs) == (
        "",
        "",
        "",
        "",
    )
    assert not person.contacts.exists() and not person.consents.exists()
    # Counts still add up: the membership and group place remain, anonymously.
    assert Membership.objects.filter(person=person).count() == 1
    assert GroupMembership.objects.filter(person=person).count() == 1
    assert not search_people(Person.objects.all(), "morgan").exists()
    assert not AuditEntry.objects.filter(object_repr__icontains="morgan").exists()
    assert (
        admin_client.get(reverse("directory:person_detail", kwargs={"code": person.code})).status_code == 404
    )


def test_only_administrators_erase(officer_client: Client, person: Person) -> None:
    assert (
        officer_client.get(reverse("directory:person_erase", kwargs={"code": person.code})).status_code == 403
    )


def test_the_audit_trigger_allows_redaction_but_no_other_change(person: Person) -> None:
    entry = AuditEntry.objects.filter(object_id=str(person.code)).first()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditentry SET object_repr = 'Erased record', action = 'view' WHERE id = %s",
            [entry.pk],
        )
    assert AuditEntry.redact_record(object_type="directory.person", object_id=str(person.code)) >= 1
    assert AuditEntry.objects.get(pk=entry.pk).object_repr == "Erased record"
