from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.core.models import AuditEntry
from chorus.directory.models import Consent, Person
from chorus.engagement.models import Activity, Attendance, AttendanceImport
from tests.conftest import sign_in
from tests.factories import make_person

pytestmark = pytest.mark.django_db

SIGN_UP = (
    "Name,Email,Organisation,Checked in\n"
    "Jonathan Smith,jon.smith@example.org,Citizens Advice,yes\n"
    "Priya Patel,priya@example.org,,no\n"
    "Aled Jones,aled.jones@example.cymru,Age Cymru,\n"
    "Bad Row,not-an-email,,yes\n"
)


@pytest.fixture
def activity(db) -> Activity:
    return Activity.objects.create(
        kind="user_forum", title="Civil users' forum", starts_at=timezone.now() - timedelta(days=1)
    )


def _upload(client: Client, activity: Activity, text: str, name: str = "signups.csv"):
    return client.post(
        reverse("engagement:attendance_import", args=[activity.code]),
        {"file": SimpleUploadedFile(name, text.encode(), content_type="text/csv")},
    )


def test_a_sign_up_list_is_matched_reviewed_and_imported_once(officer_client: Client, activity) -> None:
    known = make_person(first_name="Jonathan", last_name="Smith", emails=["jon.smith@example.org"])
    response = _upload(officer_client, activity, SIGN_UP)
    job = AttendanceImport.objects.get()
    assert response.url == reverse("engagement:attendance_import_review", args=[activity.code, job.code])
    assert Person.objects.count() == 1 and not Attendance.objects.exists()  # nothing written yet

    page = officer_client.get(response.url).content.decode()
    assert "1 already in the directory" in page and "2 not found" in page and "1 with problems" in page
    assert "“not-an-email” is not an email address." in page
    lines = {r["values"]["last_name"]: r["line"] for r in job.rows}

    # Adding new people needs a lawful basis; nothing is written while it is missing.
    form = {
        "everyone_came": "no",
        "source": "Eventbrite sign-ups",
        f"row-{lines['Patel']}": "new",
        f"row-{lines['Jones']}": "skip",
    }
    missing = officer_client.post(response.url, form).content.decode()
    assert "Choose the lawful basis for adding new people to the directory" in missing
    assert Person.objects.count() == 1 and not Attendance.objects.exists()

    done = officer_client.post(response.url, {**form, "lawful_basis": "legitimate_interests"})
    assert done.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.linked_count, job.created_count, job.skipped_count) == ("done", 1, 1, 2)
    priya = Person.objects.get(last_name="Patel")
    assert priya.contacts.get().value == "priya@example.org"
    assert Consent.objects.get(person=priya).source == "Eventbrite sign-ups"
    came = dict(Attendance.objects.values_list("person__last_name", "attended"))
    assert came == {"Smith": True, "Patel": False}
    # Who came has their first attendance recorded; who did not, has none.
    known.refresh_from_db()
    assert known.first_attended_at == activity.starts_at and priya.first_attended_at is None
    # One audit entry a row, each with whether that person came.
    entries = AuditEntry.objects.filter(object_type="directory.person", detail__import="signups.csv")
    came_by_entry = {e.object_id: e.detail["attended"] for e in entries}
    assert came_by_entry == {str(known.code): True, str(priya.code): False}

    # A resubmitted form changes nothing.
    again = officer_client.post(response.url, {**form, "lawful_basis": "legitimate_interests"})
    assert again.status_code == 302 and Person.objects.count() == 2 and Attendance.objects.count() == 2


def test_a_probable_match_is_offered_for_confirmation(officer_client: Client, activity) -> None:
    make_person(
        first_name="Jon", last_name="Smith", emails=["jsmith@citizensadvice.org.uk"], postcode="CF10 1AA"
    )
    make_person(first_name="Mary", last_name="Evans")
    text = "First name,Last name,Postcode,Organisation\nJonathan,Smith,CF10 1AA,Citizens Advice\n"
    response = _upload(officer_client, activity, text)
    job = AttendanceImport.objects.get()
    row = job.rows[0]
    assert row["match"]["why"] == "probable match" and row["match"]["name"] == "Jon Smith"
    page = officer_client.get(response.url).content.decode()
    assert "Yes, it is Jon Smith" in page
    unanswered = officer_client.post(response.url, {"everyone_came": "yes", "source": "List"})
    assert "Choose what to do with row 2" in unanswered.content.decode()
    officer_client.post(response.url, {"everyone_came": "yes", "source": "List", "row-2": "link"})
    assert Attendance.objects.get().person.first_name == "Jon"
    assert Person.objects.count() == 2


@pytest.mark.parametrize(
    ("text", "name", "message"),
    [
        ("Email,Phone\na@example.org,0123\n", "list.csv", "could not find a name column in “Email, Phone”"),
        ("Name,Email\n", "list.csv", "has a header row but no rows under it"),
        ("Name\nA Person\n", "list.pdf", "Choose a CSV or Excel (.xlsx) file."),
        ("Name,Came\nA Person,perhaps\n", "list.csv", None),
    ],
)
def test_a_bad_file_is_explained(officer_client: Client, activity, text, name, message) -> None:
    response = _upload(officer_client, activity, text, name)
    if message is None:
        job = AttendanceImport.objects.get()
        assert job.rows[0]["errors"] == ["“perhaps” does not say whether they came. Use yes or no."]
        return
    assert response.status_code == 200 and message in response.content.decode()
    assert not AttendanceImport.objects.exists()


def test_only_people_who_may_change_the_activity_may_import(
    client: Client, viewer, outsider, activity, team
) -> None:
    assert _upload(sign_in(client, viewer), activity, SIGN_UP).status_code == 403
    activity.team = team
    activity.save()
    assert _upload(sign_in(client, outsider), activity, SIGN_UP).status_code == 404
    assert not AttendanceImport.objects.exists()
