"""Emails logged to the people they concern: staff forward or copy an email to the people
address; it goes on the timeline of each directory person it is from or to, and on a project
its subject names; one matched to no one waits in "Emails to file" for staff to file or
discard; an invitation becomes an activity with its attendees; each email is kept once."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from chorus.accounts.models import Team, User
from chorus.core.ical import invitation_read
from chorus.core.mailbox import mailbox_read
from chorus.core.models import AuditEntry, MailboxMessage
from chorus.directory.rights import person_erase, subject_access_contents
from chorus.engagement.emails import email_discard, email_file
from chorus.engagement.models import Activity, Attendance, LoggedEmail
from tests.conftest import sign_in
from tests.core.mail_fixtures import PDF, PNG, SENT, build, drop
from tests.factories import ProjectFactory, UserFactory, make_person

pytestmark = pytest.mark.django_db

ADDRESS = "people@chorus.test"


@pytest.fixture
def folder(tmp_path: Path, settings: Any) -> Path:
    settings.CHORUS_PEOPLE_IMAP_HOST = ""
    settings.CHORUS_PEOPLE_MAILBOX = str(tmp_path / "people")
    settings.CHORUS_PEOPLE_ADDRESS = f"Chorus <{ADDRESS}>"
    settings.CHORUS_STAFF_EMAIL_DOMAINS = ["justice.example"]
    return tmp_path / "people"


def read(folder: Path, *emails: bytes) -> None:
    for number, raw in enumerate(emails):
        drop(folder, f"message-{number}-{len(list(folder.glob('**/*.eml')))}", raw)
    mailbox_read("people")


def test_an_email_copied_to_chorus_goes_on_the_persons_page_with_who_logged_it(
    folder: Path, officer: User, client: Client
) -> None:
    carys = make_person(first_name="Carys", last_name="Jones", emails=["Carys@Contact.example"])
    read(
        folder,
        build(
            sender=f"Olwen Officer <{officer.email}>",
            to="Carys Jones <carys@contact.example>",
            cc=ADDRESS,
            subject="Your question about court fees",
            text="Thank you for your question about court fees.",
        ),
    )
    email = LoggedEmail.objects.get()
    assert email.status == LoggedEmail.Status.FILED
    assert list(email.people.all()) == [carys]
    assert email.logged_by == officer and email.sent_at == SENT
    assert MailboxMessage.objects.get(mailbox="people").outcome == "logged to 1 people"
    page = sign_in(client, officer).get(reverse("directory:person_detail", args=[carys.code]))
    assert "Email: Your question about court fees" in page.content.decode()
    detail = client.get(reverse("engagement:email_detail", args=[email.code]))
    assert "Thank you for your question about court fees." in detail.content.decode()
    # Reading it is a view of personal data, audited.
    assert AuditEntry.objects.filter(action="view", object_id=str(email.code), actor=officer).exists()


def test_an_email_between_two_people_is_on_both_their_timelines(folder: Path, officer: User) -> None:
    carys = make_person(first_name="Carys", last_name="Jones", emails=["carys@contact.example"])
    dai = make_person(first_name="Dai", last_name="Evans", emails=["dai@advice.example"])
    read(
        folder,
        build(sender="carys@contact.example", to="dai@advice.example, worker@justice.example", cc=ADDRESS),
    )
    email = LoggedEmail.objects.get()
    assert set(email.people.all()) == {carys, dai}
    # A person writing copied Chorus in: no member of staff logged it.
    assert email.logged_by is None


def test_a_forwarded_email_is_logged_to_whom_the_forwarded_message_was_between(
    folder: Path, officer: User
) -> None:
    carys = make_person(first_name="Carys", last_name="Jones", emails=["carys@contact.example"])
    colleague = "sam.smith@justice.example"  # an organisation address, never matched
    make_person(first_name="Sam", last_name="Smith", emails=[colleague])
    text = (
        "FYI\n\n---------- Forwarded message ---------\n"
        "From: Carys Jones <carys@contact.example>\n"
        f"To: {colleague}\n"
        "Subject: Court fees\n\nI could not pay the fee online."
    )
    read(folder, build(sender=officer.email, to=ADDRESS, subject="Fwd: Court fees", text=text))
    email = LoggedEmail.objects.get()
    assert list(email.people.all()) == [carys] and email.logged_by == officer


def test_an_email_matched_to_no_one_waits_to_be_filed_and_is_filed_to_people_chosen(
    folder: Path, officer: User, client: Client
) -> None:
    read(folder, build(sender="Bronwen Price <bronwen@unknown.example>", to=ADDRESS, subject="Hello"))
    email = LoggedEmail.objects.get()
    assert email.status == LoggedEmail.Status.TO_FILE and not email.people.exists()
    assert MailboxMessage.objects.get(mailbox="people").outcome == "waiting to be filed"
    home = sign_in(client, officer).get(reverse("core:staff_home")).content.decode()
    assert "Emails to file" in home
    bronwen = make_person(first_name="Bronwen", last_name="Price")
    project = ProjectFactory(name="Court fees review")
    sign_in(client, officer)
    queue = client.get(reverse("engagement:email_list"))
    assert "Hello" in queue.content.decode()
    # The person whose name matches the sender's is suggested; a search finds others.
    page = client.get(reverse("engagement:email_file", args=[email.code]))
    assert "Bronwen Price" in page.content.decode() and "Name matches the sender" in page.content.decode()
    searched = client.get(reverse("engagement:email_file", args=[email.code]), {"q": "price"})
    assert "Bronwen Price" in searched.content.decode()
    nothing = client.post(reverse("engagement:email_file", args=[email.code]), {"project": ""})
    assert "Choose at least one person to file the email to" in nothing.content.decode()
    response = client.post(
        reverse("engagement:email_file", args=[email.code]),
        {"people": [str(bronwen.code)], "project": str(project.code)},
    )
    assert response.status_code == 302
    email.refresh_from_db()
    assert email.status == LoggedEmail.Status.FILED and list(email.people.all()) == [bronwen]
    assert email.project == project and email.decided_by == officer
    entry = AuditEntry.objects.get(action="change", object_id=str(email.code))
    assert entry.actor == officer and entry.detail["filed to"] == [str(bronwen.code)]
    assert "Hello" not in client.get(reverse("engagement:email_list")).content.decode()


def test_an_email_to_file_is_discarded_with_a_reason_and_its_words_and_files_go(
    folder: Path, officer: User, client: Client
) -> None:
    read(
        folder,
        build(sender="spam@unknown.example", to=ADDRESS, attachments=(("a.pdf", PDF, "application/pdf"),)),
    )
    email = LoggedEmail.objects.get()
    assert email.attachments.count() == 1
    sign_in(client, officer)
    empty = client.post(reverse("engagement:email_discard", args=[email.code]), {"reason": ""})
    assert "Say why the email is discarded" in empty.content.decode()
    client.post(reverse("engagement:email_discard", args=[email.code]), {"reason": "Not about anyone"})
    email.refresh_from_db()
    assert email.status == LoggedEmail.Status.DISCARDED and email.discard_reason == "Not about anyone"
    assert email.text == "" and not email.attachments.exists()
    assert AuditEntry.objects.get(action="change", object_id=str(email.code)).detail == {
        "discarded": "Not about anyone"
    }
    # Once decided, it cannot be filed or discarded again.
    assert client.get(reverse("engagement:email_file", args=[email.code])).status_code == 404
    with pytest.raises(Exception, match="already been filed or discarded"):
        email_discard(actor=officer, email=email, reason="again")


def test_files_are_kept_only_when_they_pass_the_upload_checks(
    folder: Path, officer: User, client: Client
) -> None:
    carys = make_person(first_name="Carys", last_name="Jones", emails=["carys@contact.example"])
    attachments = (
        ("letter.pdf", PDF, "application/pdf"),
        ("photo.png", PNG, "image/png"),
        ("setup.exe", b"MZ\x90\x00", "application/octet-stream"),
        ("fake.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"),
    )
    read(
        folder,
        build(
            sender="carys@contact.example", to="worker@justice.example", cc=ADDRESS, attachments=attachments
        ),
    )
    email = LoggedEmail.objects.get(people=carys)
    assert sorted(a.original_name for a in email.attachments.all()) == ["letter.pdf", "photo.png"]
    assert email.refused == [
        {"name": "setup.exe", "reason": "type"},
        {"name": "fake.pdf", "reason": "content"},
    ]
    sign_in(client, officer)
    page = client.get(reverse("engagement:email_detail", args=[email.code])).content.decode()
    assert "setup.exe: The file must be a PDF" in page
    letter = email.attachments.get(original_name="letter.pdf")
    download = client.get(reverse("engagement:email_attachment", args=[email.code, letter.code]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    assert "attachment" in download["Content-Disposition"]
    assert AuditEntry.objects.filter(
        action="view", object_id=str(email.code), detail__file="letter.pdf"
    ).exists()


def test_a_project_named_in_the_subject_has_the_email(folder: Path, officer: User, client: Client) -> None:
    project = ProjectFactory(name="Court fees review")
    other = ProjectFactory(name="Probate")
    make_person(first_name="Carys", last_name="Jones", emails=["carys@contact.example"])
    read(
        folder,
        build(
            sender="carys@contact.example",
            to="worker@justice.example",
            subject="Fees [Project: court FEES review]",
            message_id="<a@x>",
        ),
        build(
            sender="carys@contact.example",
            to="worker@justice.example",
            subject=f"Wills [project: {other.code}]",
            message_id="<b@x>",
        ),
        build(
            sender="carys@contact.example",
            to="worker@justice.example",
            subject="[project: No such thing]",
            message_id="<c@x>",
        ),
    )
    by_id = {e.message_id: e.project for e in LoggedEmail.objects.all()}
    assert by_id == {"a@x": project, "b@x": other, "c@x": None}
    page = sign_in(client, officer).get(reverse("engagement:project_detail", args=[project.code]))
    assert "Fees [Project: court FEES review]" in page.content.decode()


CALENDAR = """BEGIN:VCALENDAR\r
VERSION:2.0\r
METHOD:REQUEST\r
BEGIN:VTIMEZONE\r
TZID:GMT Standard Time\r
END:VTIMEZONE\r
BEGIN:VEVENT\r
UID:meeting-123@justice.example\r
SUMMARY:Court fees roundtable\r
DTSTART;TZID=GMT Standard Time:20270615T100000\r
DTEND;TZID=GMT Standard Time:20270615T113000\r
LOCATION:Room 4\\, Petty France\r
ORGANIZER;CN=Olwen:mailto:{organiser}\r
ATTENDEE;CN=Carys Jones;PARTSTAT=ACCEPTED:mailto:carys@contact.example\r
ATTENDEE;CN=Dai Evans;PARTSTAT=NEEDS-ACTION:mailto:DAI@advice.example\r
ATTENDEE;CN=Unknown:mailto:who@unknown.example\r
END:VEVENT\r
END:VCALENDAR\r
"""


def invitation(organiser: str, *, message_id: str | None = None, calendar: str | None = None) -> bytes:
    """An invitation as Outlook sends one: the words and the calendar as alternatives."""
    message = EmailMessage()
    message["From"] = organiser
    message["To"] = "carys@contact.example, dai@advice.example"
    message["Cc"] = ADDRESS
    message["Subject"] = "Invitation: Court fees roundtable"
    message["Date"] = format_datetime(SENT)
    message["Message-ID"] = message_id or make_msgid(domain="justice.example")
    message.set_content("Please come to the roundtable.")
    message.add_alternative(
        (calendar or CALENDAR.format(organiser=organiser)).encode(),
        maintype="text",
        subtype="calendar",
        params={"method": "REQUEST"},
    )
    return message.as_bytes()


def test_an_invitation_becomes_an_activity_with_its_attendees_invited(folder: Path, officer: User) -> None:
    carys = make_person(first_name="Carys", last_name="Jones", emails=["carys@contact.example"])
    dai = make_person(first_name="Dai", last_name="Evans", emails=["dai@advice.example"])
    read(folder, invitation(officer.email))
    email = LoggedEmail.objects.get()
    activity = Activity.objects.get()
    assert email.activity == activity and email.attachments.count() == 0  # read, not kept as a file
    assert activity.title == "Court fees roundtable" and activity.organiser == officer
    london = ZoneInfo("Europe/London")
    assert activity.starts_at == datetime(2027, 6, 15, 10, 0, tzinfo=london)
    assert activity.ends_at == datetime(2027, 6, 15, 11, 30, tzinfo=london)
    assert "Room 4, Petty France" in activity.summary
    answers = {a.person: a.invitation for a in Attendance.objects.filter(activity=activity)}
    assert answers == {carys: Attendance.Invitation.ACCEPTED, dai: Attendance.Invitation.INVITED}
    # An update of the same meeting (same UID) changes the activity rather than adding one.
    moved = CALENDAR.format(organiser=officer.email).replace("20270615T1", "20270616T1")
    read(folder, invitation(officer.email, calendar=moved))
    assert Activity.objects.count() == 1
    assert Activity.objects.get().starts_at == datetime(2027, 6, 16, 10, 0, tzinfo=london)


def test_an_invitation_to_no_one_known_becomes_an_activity_when_filed(
    folder: Path, officer: User, team: Team
) -> None:
    read(folder, invitation(officer.email))
    email = LoggedEmail.objects.get()
    assert email.status == LoggedEmail.Status.TO_FILE and not Activity.objects.exists()
    bronwen = make_person(first_name="Bronwen", last_name="Price", team=team)
    email = email_file(actor=officer, email=email, people=[bronwen], project=None)
    activity = Activity.objects.get()
    assert email.activity == activity and activity.team == team
    assert Attendance.objects.get(activity=activity).person == bronwen


def test_an_invitation_is_read_with_its_time_zones() -> None:
    text = CALENDAR.format(organiser="o@x.example").replace(
        "DTEND;TZID=GMT Standard Time:20270615T113000", "DTEND:20270615T103000Z"
    )
    found = invitation_read(text)
    assert found is not None and [a.email for a in found.attendees] == [
        "carys@contact.example",
        "dai@advice.example",
        "who@unknown.example",
    ]
    assert found.ends == datetime(2027, 6, 15, 11, 30, tzinfo=ZoneInfo("Europe/London"))
    assert invitation_read(text.replace("METHOD:REQUEST", "METHOD:CANCEL")) is None


def test_each_email_is_logged_once_however_often_it_is_read(folder: Path) -> None:
    make_person(first_name="Carys", last_name="Jones", emails=["carys@contact.example"])
    raw = build(sender="carys@contact.example", to=ADDRESS, message_id="<once@contact.example>")
    read(folder, raw, raw)
    read(folder, raw)
    assert LoggedEmail.objects.count() == 1


def test_automatic_replies_and_chorus_own_email_are_not_logged(folder: Path) -> None:
    make_person(first_name="Carys", last_name="Jones", emails=["carys@contact.example"])
    read(
        folder,
        build(sender="carys@contact.example", headers=(("Auto-Submitted", "auto-replied"),)),
        build(sender=ADDRESS, to="carys@contact.example"),
    )
    assert not LoggedEmail.objects.exists()


def test_another_teams_officer_sees_neither_the_email_of_a_restricted_person_nor_its_line(
    folder: Path, team: Team, outsider: User, officer: User, viewer: User, client: Client
) -> None:
    carys = make_person(first_name="Carys", last_name="Jones", emails=["carys@contact.example"], team=team)
    public = make_person(first_name="Dai", last_name="Evans", emails=["dai@advice.example"])
    read(
        folder,
        build(
            sender="carys@contact.example",
            to="dai@advice.example",
            cc=f"{ADDRESS}, worker@justice.example",
            subject="Private",
        ),
    )
    email = LoggedEmail.objects.get()
    sign_in(client, outsider)
    assert client.get(reverse("engagement:email_detail", args=[email.code])).status_code == 404
    # Dai is no one's: his page is open to the outsider, but the email with Carys on it is not.
    assert (
        "Private" not in client.get(reverse("directory:person_detail", args=[public.code])).content.decode()
    )
    sign_in(client, officer)
    assert client.get(reverse("engagement:email_detail", args=[email.code])).status_code == 200
    # A viewer sees that an email was logged, not what it says.
    sign_in(client, viewer)
    page = client.get(reverse("directory:person_detail", args=[carys.code])).content.decode()
    assert "Email logged" in page and "Private" not in page
    assert client.get(reverse("engagement:email_detail", args=[email.code])).status_code == 403
    assert client.get(reverse("engagement:email_list")).status_code == 403


def test_emails_are_in_the_subject_access_file_and_go_with_an_erasure(folder: Path, admin: User) -> None:
    carys = make_person(first_name="Carys", last_name="Jones", emails=["carys@contact.example"])
    dai = make_person(first_name="Dai", last_name="Evans", emails=["dai@advice.example"])
    read(
        folder,
        build(
            sender="carys@contact.example",
            to="worker@justice.example",
            subject="Just Carys",
            message_id="<1@x>",
        ),
        build(
            sender="carys@contact.example",
            to="dai@advice.example, worker@justice.example",
            subject="Both",
            message_id="<2@x>",
        ),
    )
    assert "Just Carys" in subject_access_contents(carys)["loggedemail.csv"]
    person_erase(actor=admin, person=carys)
    [left] = LoggedEmail.objects.all()
    assert left.subject == "Both" and list(left.people.all()) == [dai]


def test_the_queue_is_for_officers_and_administrators(client: Client, team: Team) -> None:
    analyst = UserFactory(role="analyst", teams=[team])
    sign_in(client, analyst)
    assert client.get(reverse("engagement:email_list")).status_code == 403


def test_someone_writing_to_the_people_address_as_a_directory_person_waits_to_be_filed(folder: Path) -> None:
    """Anyone may send email giving Carys's address as theirs: with nobody of the
    organisation on it, it is not put on her timeline until staff file it."""
    make_person(first_name="Carys", last_name="Jones", emails=["carys@contact.example"])
    read(folder, build(sender="carys@contact.example", to=ADDRESS, subject="Please note"))
    email = LoggedEmail.objects.get()
    assert email.status == LoggedEmail.Status.TO_FILE and not email.people.exists()


def test_an_address_a_typo_away_from_a_persons_is_suggested_not_filed(
    folder: Path, officer: User, client: Client
) -> None:
    carys = make_person(first_name="Carys", last_name="Jones", emails=["carys.jones@contact.example"])
    domain_typo = make_person(first_name="Dai", last_name="Evans", emails=["dai.evans@advice.example"])
    make_person(
        first_name="Other", last_name="Person", emails=["carys.jones2@contact.example"]
    )  # digits differ
    make_person(
        first_name="Far", last_name="Away", emails=["cerys.janes.x@contact.example"]
    )  # too many edits
    read(
        folder,
        build(sender="Someone <carys.jomes@contact.example>", to=ADDRESS, cc="dai.evans@advice.exmaple"),
    )
    email = LoggedEmail.objects.get()
    # A near address is never filed on its own: it may be someone else's.
    assert email.status == LoggedEmail.Status.TO_FILE and not email.people.exists()

    page = sign_in(client, officer).get(reverse("engagement:email_file", args=[email.code])).content.decode()

    assert page.count("Email address nearly matches") == 2
    assert "Carys Jones" in page and "Dai Evans" in page
    assert "Their address is carys.jones@contact.example; the email has carys.jomes@contact.example." in page
    assert "Other Person" not in page and "Far Away" not in page
    response = client.post(
        reverse("engagement:email_file", args=[email.code]), {"people": [str(carys.code)], "project": ""}
    )
    assert response.status_code == 302
    assert list(LoggedEmail.objects.get().people.all()) == [carys]
    assert domain_typo not in LoggedEmail.objects.get().people.all()


def test_an_email_from_a_directory_address_that_waits_offers_that_person(
    folder: Path, officer: User, client: Client
) -> None:
    carys = make_person(first_name="Carys", last_name="Jones", emails=["carys@contact.example"])
    read(folder, build(sender="Not Carys <carys@contact.example>", to=ADDRESS))
    email = LoggedEmail.objects.get()
    assert email.status == LoggedEmail.Status.TO_FILE  # no one of the organisation was involved

    page = sign_in(client, officer).get(reverse("engagement:email_file", args=[email.code])).content.decode()

    assert "Carys Jones" in page and "Email address matches" in page
    assert str(carys.code) in page
