from __future__ import annotations

import html
import io
from datetime import date, datetime

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from chorus.accounts.models import Role, Team, User
from chorus.core.models import AuditEntry
from chorus.engagement import commitment_import
from chorus.engagement.commitment_import import day_from
from chorus.engagement.models import Commitment, CommitmentImport
from tests.conftest import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HEADER = "Ref,Recommendation,Type,Made by,Source document,Source date,Owner,Team,Due date,Status,Reason\n"
GOOD = HEADER + (
    "R1,Publish the fees review in plain English,recommendation,Justice Select Committee,"
    "Court fees report,12/01/2026,owner@example.gov.uk,family justice,31/03/2027,on track,\n"
    "R2,Consult court users on opening hours,Recommendation,Justice Select Committee,"
    "Court fees report,12/01/2026,,Family justice,31 March 2027,At risk,Waiting for the estates review\n"
    "A7,Run a users' forum in Wrexham,plan action,,Engagement plan 2026,,,,2027-03-31,not doing,"
    "The court is closing\n"
)


@pytest.fixture
def owner(team: Team) -> User:
    return UserFactory(
        role=Role.ENGAGEMENT_OFFICER, email="owner@example.gov.uk", full_name="Olu Owner", teams=[team]
    )


def _csv(text: str, name: str = "recommendations.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def _upload(client: Client, upload: SimpleUploadedFile):
    return client.post(reverse("engagement:commitment_import"), {"file": upload})


def _page(response) -> str:
    return html.unescape(response.content.decode())


def test_a_csv_of_recommendations_is_checked_reviewed_and_imported_once(
    officer_client: Client, officer: User, owner: User, team: Team
) -> None:
    response = _upload(officer_client, _csv(GOOD))
    job = CommitmentImport.objects.get()
    assert response.url == reverse("engagement:commitment_import_review", args=[job.code])
    assert not Commitment.objects.exists()  # nothing written before the confirmation

    page = _page(officer_client.get(response.url))
    assert "Publish the fees review in plain English" in page and "Olu Owner" in page
    assert "31 March 2027" in page and "2026-" not in page
    assert "Import commitments" in page

    done = officer_client.post(response.url)
    assert done.url == reverse("engagement:commitment_list")
    by_reference = {c.reference: c for c in Commitment.objects.all()}
    assert set(by_reference) == {"R1", "R2", "A7"}
    r1, r2, a7 = by_reference["R1"], by_reference["R2"], by_reference["A7"]
    assert (r1.kind, r1.source_body, r1.source) == (
        Commitment.Kind.RECOMMENDATION,
        "Justice Select Committee",
        "Court fees report",
    )
    assert (r1.owner, r1.team, r1.status) == (owner, team, Commitment.Status.ON_TRACK)
    assert (r1.source_date, r1.due_on) == (date(2026, 1, 12), date(2027, 3, 31))
    assert r2.due_on == a7.due_on == date(2027, 3, 31)
    # The reason for "at risk" is the first update; "not doing" keeps it as the reason too.
    assert r2.status == Commitment.Status.AT_RISK
    assert r2.updates.get().note == "Waiting for the estates review"
    assert (a7.kind, a7.team, a7.status_reason) == (
        Commitment.Kind.ACTION,
        None,
        "The court is closing",
    )
    assert AuditEntry.objects.filter(object_type="engagement.commitment", action="create").count() == 3
    job.refresh_from_db()
    assert (job.status, job.created_count, job.skipped_count) == ("done", 3, 0)

    # A second confirmation (a double click) changes nothing.
    again = officer_client.post(response.url)
    assert again.status_code == 302 and Commitment.objects.count() == 3


def test_a_workbook_is_imported_with_its_date_cells(officer_client: Client, team: Team) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Recommendation", "Reference", "Body", "Due by", "Status", "Team"])
    sheet.append(
        [
            "Publish the fees review",
            "R1",
            "Justice Select Committee",
            datetime(2027, 3, 31),  # noqa: DTZ001 (a workbook's date cell has no time zone)
            "Done",
            "Family Justice",
        ]
    )
    sheet.append(["Answer letters in Welsh", "R2", "Justice Select Committee", "1 Ebrill 2027", "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile(
        "recommendations.xlsx",
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response = _upload(officer_client, upload)
    officer_client.post(response.url)
    imported = dict(Commitment.objects.values_list("reference", "due_on"))
    assert imported == {"R1": date(2027, 3, 31), "R2": date(2027, 4, 1)}
    assert Commitment.objects.get(reference="R1").status == Commitment.Status.DONE
    assert Commitment.objects.get(reference="R1").team == team


def test_every_wrong_row_is_named_with_how_to_fix_it_and_nothing_is_stored(
    officer_client: Client, owner: User, other_team: Team
) -> None:
    UserFactory(email="gone@example.gov.uk", is_active=False)
    text = HEADER + (
        "R1,Fine row,,,,,,,,,\n"
        "R2,,,,,,,,,,\n"
        "R3,Bad kind,edict,,,,,,,,\n"
        "R4,Bad date,,,,,,,31/02/2027,,\n"
        "R5,Bad source date,,,,next spring,,,,,\n"
        "R6,Nobody,,,,,nobody@example.gov.uk,,,,\n"
        "R7,Gone,,,,,gone@example.gov.uk,,,,\n"
        "R8,Not my team,,,,,,Crime,,,\n"
        "R9,No team,,,,,,Imaginary,,,\n"
        "R10,Bad status,,,,,,,,sideways,\n"
        "R11,Late with no reason,,,,,,,,late,\n"
        f"R12,{'x' * 301},,,,,,,,,\n"
        "R1,The same reference again,,,,,,,,,\n"
    )
    page = _page(_upload(officer_client, _csv(text)))
    expected = [
        "12 rows of the file have problems, so nothing was imported.",
        "Row 3, commitment: this is blank. Write what was recommended or committed to.",
        "Row 4, source kind: “edict” is not one Chorus knows. "
        "Use one of: recommendation, plan action, promise.",
        "Row 5, due date: “31/02/2027” is not a date. Write it like 31/03/2027.",
        "Row 6, source date: “next spring” is not a date. Write it like 31/03/2027.",
        "Row 7, owner: nobody who can sign in to Chorus has the email address “nobody@example.gov.uk”. "
        "Give a Chorus user's email address, or leave it blank.",
        # A closed account reads the same, so an import tells nobody who the former staff were.
        "Row 8, owner: nobody who can sign in to Chorus has the email address “gone@example.gov.uk”. "
        "Give a Chorus user's email address, or leave it blank.",
        "Row 9, team: “Crime” is not a team you can add commitments to. Use one of: Family justice.",
        "Row 10, team: “Imaginary” is not a team you can add commitments to. Use one of: Family justice.",
        "Row 11, status: “sideways” is not one Chorus knows. "
        "Use one of: not started, on track, at risk, late, done, not doing.",
        "Row 12, reason: the status is “late”, which needs a reason. Say why in the reason column.",
        "Row 13, commitment: this is 301 characters long. Keep it to 300 or fewer. "
        "Put the rest in a description column.",
        "Row 14, reference: this is the same as row 2, from the same source. "
        "Give each row its own reference.",
    ]
    for message in expected:
        assert message in page
    assert "Row 2," not in page  # the good row has nothing to fix
    assert not Commitment.objects.exists() and not CommitmentImport.objects.exists()


def test_a_file_beyond_the_limits_or_without_the_recommendations_column_is_refused(
    officer_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = _page(_upload(officer_client, _csv("Ref,Owner\nR1,someone\n")))
    assert "Chorus could not find the column with the recommendations in “Ref, Owner”." in page

    monkeypatch.setattr(commitment_import, "MAX_ROWS", 2)
    page = _page(_upload(officer_client, _csv(GOOD)))
    assert "The file has 3 rows. Chorus imports up to 2 rows at a time" in page

    monkeypatch.setattr(commitment_import, "MAX_BYTES", 100)
    page = _page(_upload(officer_client, _csv(GOOD)))
    assert "Chorus imports files up to 100\xa0bytes at a time" in page
    assert not CommitmentImport.objects.exists()


def test_importing_the_same_file_again_adds_only_the_new_rows(officer_client: Client, owner: User) -> None:
    officer_client.post(_upload(officer_client, _csv(GOOD)).url)
    assert Commitment.objects.count() == 3
    Commitment.objects.filter(reference="R1").update(status=Commitment.Status.DONE)

    more = GOOD + "R3,Publish the hearing lists online,,Justice Select Committee,Court fees report,,,,,,\n"
    response = _upload(officer_client, _csv(more, name="recommendations-v2.csv"))
    page = _page(officer_client.get(response.url))
    assert "3 rows have the same reference and source as commitments already in Chorus" in page
    officer_client.post(response.url)
    assert Commitment.objects.count() == 4
    # What was already in Chorus is left as it is.
    assert Commitment.objects.get(reference="R1").status == Commitment.Status.DONE
    assert CommitmentImport.objects.get(original_name="recommendations-v2.csv").skipped_count == 3

    # With nothing new, there is nothing to import.
    response = _upload(officer_client, _csv(more))
    page = _page(officer_client.get(response.url))
    assert "Every row is already in Chorus, so there is nothing to import." in page


def test_only_editors_import_and_only_into_their_own_teams(
    client: Client, officer: User, viewer: User, outsider: User, owner: User
) -> None:
    sign_in(client, viewer)
    assert client.get(reverse("engagement:commitment_import")).status_code == 403
    assert _upload(client, _csv(GOOD)).status_code == 403

    # Another team's officer cannot put commitments in a team they are not in.
    sign_in(client, outsider)
    page = _page(_upload(client, _csv(GOOD)))
    assert (
        "Row 2, team: “family justice” is not a team you can add commitments to. Use one of: Crime." in page
    )
    assert not CommitmentImport.objects.exists()

    # Nor open someone else's checked import.
    sign_in(client, officer)
    review = _upload(client, _csv(GOOD)).url
    sign_in(client, outsider)
    assert client.get(review).status_code == 404
    assert client.post(review).status_code == 404
    assert not Commitment.objects.exists()


def test_the_commitments_list_links_to_the_import(
    officer_client: Client, client: Client, viewer: User
) -> None:
    link = reverse("engagement:commitment_import")
    assert link in officer_client.get(reverse("engagement:commitment_list")).content.decode()
    assert link not in sign_in(client, viewer).get(reverse("engagement:commitment_list")).content.decode()


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("31/03/2027", date(2027, 3, 31)),
        ("31/3/27", date(2027, 3, 31)),
        ("31-03-2027", date(2027, 3, 31)),
        ("31 March 2027", date(2027, 3, 31)),
        ("31st Mar 2027", date(2027, 3, 31)),
        ("1 Sept 2027", date(2027, 9, 1)),
        ("31 Mawrth 2027", date(2027, 3, 31)),
        ("2027-03-31", date(2027, 3, 31)),
        ("2027-03-31 00:00:00", date(2027, 3, 31)),
        ("31/02/2027", None),
        ("03/31/2027", None),
        ("31 Marzipan 2027", None),
        ("soon", None),
    ],
)
def test_uk_dates_are_read_as_people_type_them(typed: str, day: date | None) -> None:
    assert day_from(typed) == day
