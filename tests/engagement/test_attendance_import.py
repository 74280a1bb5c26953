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


def test_the_review_asks_what_rows_without_came_mean_only_when_some_row_lacks_it(
    officer_client: Client, activity
) -> None:
    question = "For rows that do not say whether the person came"
    response = _upload(officer_client, activity, "Name,Email,Came\nPriya Patel,priya@example.org,yes\n")
    assert question not in officer_client.get(response.url).content.decode()
    done = officer_client.post(
        response.url, {"source": "List", "row-2": "new", "lawful_basis": "legitimate_interests"}
    )
    assert done.status_code == 302
    assert Attendance.objects.get().attended is True

    response = _upload(officer_client, activity, "Name,Came\nAled Jones,\nMair Evans,no\n")
    assert question in officer_client.get(response.url).content.decode()
    unanswered = officer_client.post(
        response.url,
        {"source": "List", "row-2": "new", "row-3": "new", "lawful_basis": "legitimate_interests"},
    )
    assert "Say whether the people on the list came" in unanswered.content.decode()


def test_a_row_added_as_a_new_person_is_on_the_attendee_list_not_someone_of_another_team(
    officer_client: Client, activity, other_team
) -> None:
    hidden = make_person(first_name="Priya", last_name="Secret", emails=["priya@example.org"])
    Person.objects.filter(pk=hidden.pk).update(team=other_team)
    response = _upload(officer_client, activity, "Name,Email,Came\nPriya Patel,priya@example.org,yes\n")
    page = officer_client.get(response.url).content.decode()
    assert "Secret" not in page and "Add as a new person" in page
    officer_client.post(
        response.url, {"source": "List", "row-2": "new", "lawful_basis": "legitimate_interests"}
    )
    added = Person.objects.get(last_name="Patel")
    assert Attendance.objects.get().person == added
    detail = officer_client.get(reverse("engagement:activity_detail", args=[activity.code])).content.decode()
    assert "Priya Patel" in detail and "Secret" not in detail
