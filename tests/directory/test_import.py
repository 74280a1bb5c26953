from __future__ import annotations

import csv
import io
from dataclasses import replace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from chorus.accounts.models import User
from chorus.core.models import AuditAction, AuditEntry
from chorus.directory import imports
from chorus.directory.models import ImportJob, Person
from tests.factories import make_person

pytestmark = pytest.mark.django_db

GOOD_AND_BAD = (
    "Reference,Name,E-mail,Organisation,Postcode,Region,Language\n"
    "A1,Jonathan Smith,jon@example.org,Cardiff Law Centre,CF10 1AA,Wales,Welsh\n"
    "A2,Siân Evans,not-an-email,,CF11 9XX,Cymru,cy\n"
    "A3,,nobody@example.org,,,,\n"
    "A4,Priya Patel,priya@example.org,Advice Now,SW1A 1AA,London,English\n"
    "A5,Tom Jones,tom@example.org,,NOTACODE,Atlantis,Klingon\n"
)


def _upload(client: Client, content: bytes, name: str = "forum.csv"):
    return client.post(reverse("directory:import_upload"), {"file": SimpleUploadedFile(name, content)})


def _job() -> ImportJob:
    return ImportJob.objects.get()


def _check(client: Client, job: ImportJob) -> str:
    mapping = dict(job.mapping)
    response = client.post(reverse("directory:import_map", kwargs={"code": job.code}), mapping)
    return client.get(response.url).content.decode()


def _confirm(client: Client, job: ImportJob, capture) -> None:
    with capture(execute=True):
        client.post(
            reverse("directory:import_check", kwargs={"code": job.code}),
            {
                "decision": "import",
                "on_match": "link",
                "source": "March forum sign-up",
                "lawful_basis": "consent",
            },
        )


def test_the_columns_are_guessed_from_their_names(officer_client: Client) -> None:
    _upload(officer_client, GOOD_AND_BAD.encode())
    assert _job().mapping == {
        "external_id": "Reference",
        "full_name": "Name",
        "email": "E-mail",
        "organisation": "Organisation",
        "postcode": "Postcode",
        "region": "Region",
        "preferred_language": "Language",
    }


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_written(officer_client: Client) -> None:
    _upload(officer_client, GOOD_AND_BAD.encode())
    page = _check(officer_client, _job())
    job = _job()
    assert job.total_rows == 5 and job.valid_rows == 2
    lines = {p["line"]: " ".join(p["errors"]) for p in job.problems}
    assert set(lines) == {3, 4, 6}
    assert "not-an-email” is not an email address" in lines[3]
    assert "last name is missing" in lines[4]
    assert "NOTACODE” is not a UK postcode" in lines[6]
    assert "Atlantis” is not a region" in lines[6] and "Klingon” is not a language" in lines[6]
    assert "Import 2 valid rows" in page
    assert not Person.objects.exists()
    rejected = officer_client.get(reverse("directory:import_rejected", kwargs={"code": job.code}))
    rows = list(csv.reader(io.StringIO(b"".join(rejected.streaming_content).decode())))
    assert rows[0][-1] == "what to fix" and [r[0] for r in rows[1:]] == ["3", "4", "6"]


def test_cancelling_imports_nothing(officer_client: Client) -> None:
    _upload(officer_client, GOOD_AND_BAD.encode())
    job = _job()
    _check(officer_client, job)
    officer_client.post(reverse("directory:import_check", kwargs={"code": job.code}), {"decision": "cancel"})
    assert _job().status == ImportJob.Status.CANCELLED
    assert not Person.objects.exists()


def test_the_valid_rows_import_and_a_second_import_adds_no_one(
    officer_client: Client, officer: User, django_capture_on_commit_callbacks
) -> None:
    for attempt in (1, 2):
        _upload(officer_client, GOOD_AND_BAD.encode())
        job = ImportJob.objects.order_by("-created_at").first()
        _check(officer_client, job)
        if attempt == 2:
            assert len(job.__class__.objects.get(pk=job.pk).matches) == 2
        _confirm(officer_client, job, django_capture_on_commit_callbacks)
        job.refresh_from_db()
        assert job.status == ImportJob.Status.DONE
    assert Person.objects.count() == 2
    jonathan = Person.objects.get(last_name="Smith")
    assert jonathan.first_name == "Jonathan" and jonathan.external_id == "A1"
    assert jonathan.region.name_en == "Wales" and jonathan.preferred_language == "cy"
    assert jonathan.memberships.get().organisation.name == "Cardiff Law Centre"
    assert jonathan.consents.get().source == "March forum sign-up"
    assert (
        AuditEntry.objects.filter(
            action=AuditAction.CREATE, object_id=str(jonathan.code), actor=officer
        ).count()
        == 1
    )
    assert job.created_count == 0 and job.updated_count == 2


def test_a_row_that_probably_matches_someone_is_shown_before_import(officer_client: Client) -> None:
    existing = make_person(first_name="Jonathan", last_name="Smith", postcode="CF10 1AA")
    _upload(officer_client, b"First name,Surname,Postcode\nJon,Smith,CF10 1AA\nAlys,Hopkins,LL57 2DG\n")
    page = _check(officer_client, _job())
    match = _job().matches["2"]
    assert match["person"] == str(existing.code) and match["why"] == "probable match"
    assert "Jonathan Smith" in page and "3" not in _job().matches


def test_an_excel_file_imports_too(officer_client: Client, django_capture_on_commit_callbacks) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["First name", "Last name", "Email", "Phone"])
    sheet.append(["Ffion", "Hughes", "ffion@example.org", "029 2000 1234"])
    data = io.BytesIO()
    book.save(data)
    _upload(officer_client, data.getvalue(), "list.xlsx")
    job = _job()
    _check(officer_client, job)
    _confirm(officer_client, job, django_capture_on_commit_callbacks)
    person = Person.objects.get()
    assert set(person.contacts.values_list("normalised", flat=True)) == {"ffion@example.org", "+442920001234"}


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.csv", "The file is empty"),
        (b"Name,Email\n", "header.csv", "no rows under it"),
        (b"not a workbook", "broken.xlsx", "not a readable Excel workbook"),
        (b"%PDF-1.4", "doc.pdf", "Choose a CSV or Excel"),
    ],
)
def test_an_unreadable_file_is_refused_with_a_reason(
    officer_client: Client, content: bytes, name: str, message: str
) -> None:
    body = _upload(officer_client, content, name).content.decode()
    assert message in body
    assert not ImportJob.objects.exists()


def test_the_columns_must_give_a_name(officer_client: Client) -> None:
    _upload(officer_client, b"Email\na@example.org\n")
    job = _job()
    body = officer_client.post(
        reverse("directory:import_map", kwargs={"code": job.code}), {"email": "Email"}
    ).content.decode()
    assert "every person needs a name" in body


def test_a_crash_leaves_whole_batches_and_a_rerun_finishes_without_duplicates(
    officer_client: Client, monkeypatch
) -> None:
    rows = "".join(f"First{i},Last{i},p{i}@example.org\n" for i in range(25))
    _upload(officer_client, ("First name,Last name,Email\n" + rows).encode())
    job = _job()
    _check(officer_client, job)
    imports.import_confirm(job=job, on_match="link", source="test", lawful_basis="consent")
    people = imports.KINDS["people"]
    calls = {"n": 0}

    def crash_on_second(job, checker):
        write = people.writer(job, checker)

        def batch(rows):
            calls["n"] += 1
            if calls["n"] == 2:
                raise RuntimeError("worker killed")
            return write(rows)

        return batch

    monkeypatch.setitem(imports.KINDS, "people", replace(people, batch_size=10, writer=crash_on_second))
    with pytest.raises(RuntimeError):
        imports.import_run(job)
    job.refresh_from_db()
    assert Person.objects.count() == 10 and job.processed_rows == 10
    monkeypatch.setitem(imports.KINDS, "people", replace(people, batch_size=10))
    imports.import_run(job)
    job.refresh_from_db()
    assert Person.objects.count() == 25 and job.processed_rows == 25 and job.created_count == 25
    assert Person.objects.values("last_name").distinct().count() == 25


def test_only_the_uploader_sees_their_import(client: Client, officer: User, outsider: User) -> None:
    from tests.conftest import sign_in

    _upload(sign_in(client, officer), GOOD_AND_BAD.encode())
    job = _job()
    other = Client()
    sign_in(other, outsider)
    assert other.get(reverse("directory:import_check", kwargs={"code": job.code})).status_code == 404


ORGANISATIONS = (
    "Ref,Organisation,Type,Website,Region,Parent\n"
    "O1,Cardiff Law Centre,Advice agency,cardifflawcentre.example.org,Wales,Law Centres Network\n"
    "O2,Law Centres Network,Charity,https://lawcentres.example.org,London,\n"
    "O3,Bad Org,Spaceship,not a url,Atlantis,\n"
    "O4,Citizens Advice Cardiff & Vale,Advice agency,,Wales,\n"
)


def test_organisations_import_with_types_regions_and_parents(
    officer_client: Client, django_capture_on_commit_callbacks
) -> None:
    from chorus.directory.models import Organisation
    from tests.factories import OrganisationFactory

    existing = OrganisationFactory(name="Citizens Advice Cardiff and Vale")
    officer_client.post(
        reverse("directory:import_upload"),
        {"kind": "organisations", "file": SimpleUploadedFile("orgs.csv", ORGANISATIONS.encode())},
    )
    job = _job()
    assert job.mapping == {
        "external_id": "Ref",
        "name": "Organisation",
        "kind": "Type",
        "website": "Website",
        "region": "Region",
        "parent": "Parent",
    }
    page = _check(officer_client, job)
    job.refresh_from_db()
    assert [p["line"] for p in job.problems] == [4]
    assert "Spaceship” is not a type" in page and "not a url” is not a web address" in page
    assert job.matches["5"]["organisation"] == str(existing.code)
    _confirm(officer_client, job, django_capture_on_commit_callbacks)
    centre = Organisation.objects.get(name="Cardiff Law Centre")
    assert centre.kind == "advice" and centre.website == "https://cardifflawcentre.example.org"
    assert centre.parent.name == "Law Centres Network" and centre.regions.get().name_en == "Wales"
    assert Organisation.objects.count() == 3  # two new, one matched to the existing record
    officer_client.post(
        reverse("directory:import_upload"),
        {"kind": "organisations", "file": SimpleUploadedFile("orgs.csv", ORGANISATIONS.encode())},
    )
    again = ImportJob.objects.order_by("-created_at").first()
    _check(officer_client, again)
    _confirm(officer_client, again, django_capture_on_commit_callbacks)
    assert Organisation.objects.count() == 3
