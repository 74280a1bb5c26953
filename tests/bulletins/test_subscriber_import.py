"""Importing subscribers from a spreadsheet: every row checked, the problems listed with a
file of rows to fix, nothing written until confirmed, people who unsubscribed never
subscribed again, and every subscriber added or changed audited."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from chorus.accounts.models import User
from chorus.bulletins.models import Subscriber, SubscriberImport
from chorus.core.models import AuditAction, AuditEntry
from chorus.directory.models import Consent
from chorus.directory.reference import regions_ensure
from tests.conftest import sign_in
from tests.factories import SubscriberFactory, SubscriberListFactory, TopicFactory, make_person

pytestmark = pytest.mark.django_db

FORM = {"lawful_basis": "consent", "source_detail": "Sign-up sheet, Cardiff forum"}


@pytest.fixture(autouse=True)
def regions(db: None) -> None:
    regions_ensure()


def _csv(text: str, name: str = "subscribers.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode())


def _upload(client: Client, upload: SimpleUploadedFile, **more: object) -> SubscriberImport:
    reply = client.post(reverse("bulletins:subscriber_import"), {"file": upload, **FORM, **more})
    assert reply.status_code == 302, reply.content.decode()
    return SubscriberImport.objects.latest("created_at")


def _check_url(job: SubscriberImport) -> str:
    return reverse("bulletins:subscriber_import_check", args=[job.code])


def test_a_clean_file_is_checked_then_imported_once_on_the_recorded_basis(officer_client: Client) -> None:
    TopicFactory(name_en="Family courts", name_cy="Llysoedd teulu")
    partners = SubscriberListFactory(name="Partners")
    person = make_person(first_name="Ffion", last_name="Jones", emails=["ffion@example.org"])
    upload = _csv(
        "Email address,Language,Areas,Topics,Lists\n"
        "Ffion@Example.org,Cymraeg,Wales,Llysoedd teulu,Partners\n"
        "sam@example.org,en,,,\n"
    )
    job = _upload(officer_client, upload)
    assert not Subscriber.objects.exists()  # nothing is written before the confirmation
    page = officer_client.get(_check_url(job)).content.decode()
    assert "2 new subscribers" in page and "Import 2 subscribers" in page

    reply = officer_client.post(_check_url(job), follow=True)
    assert "2 subscribers added, 0 already subscribed and updated, 0 skipped" in reply.content.decode()
    ffion = Subscriber.objects.get(email="ffion@example.org")
    assert ffion.status == Subscriber.Status.ACTIVE and ffion.consented_at is not None
    assert (ffion.language, ffion.lawful_basis, ffion.source) == ("cy", "consent", Subscriber.Source.IMPORT)
    assert ffion.source_detail == "Sign-up sheet, Cardiff forum" and ffion.person == person
    assert [r.name_en for r in ffion.regions.all()] == ["Wales"]
    assert [t.name_en for t in ffion.topics.all()] == ["Family courts"]
    assert list(ffion.lists.all()) == [partners]
    assert Consent.objects.get(person=person).lawful_basis == "consent"
    # A second confirmation (a double click, a resubmitted form) changes nothing.
    officer_client.post(_check_url(job))
    assert Subscriber.objects.count() == 2
    job.refresh_from_db()
    assert (job.status, job.added_count) == (SubscriberImport.Status.DONE, 2)


def test_an_excel_workbook_is_imported_too(officer_client: Client) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["email", "language"])
    sheet.append(["xlsx@example.org", "cy"])
    buffer = io.BytesIO()
    book.save(buffer)
    job = _upload(officer_client, SimpleUploadedFile("list.xlsx", buffer.getvalue()))
    officer_client.post(_check_url(job))
    assert Subscriber.objects.get().language == "cy"


def test_the_whole_file_can_go_into_a_list(officer_client: Client) -> None:
    partners = SubscriberListFactory(name="Partners")
    job = _upload(officer_client, _csv("email\none@example.org\n"), into=partners.pk)
    officer_client.post(_check_url(job))
    assert list(Subscriber.objects.get().lists.all()) == [partners]


def test_bad_rows_are_listed_with_what_to_fix_and_only_the_good_rows_import(officer_client: Client) -> None:
    upload = _csv(
        "email,language,regions,topics\n"
        "ok@example.org,en,Wales,\n"
        "not-an-email,en,,\n"
        ",en,,\n"
        "fr@example.org,fr,,\n"
        "z@example.org,en,Atlantis,Gardening\n"
    )
    job = _upload(officer_client, upload)
    page = officer_client.get(_check_url(job)).content.decode()
    assert "1 new subscriber" in page and "4 rows with problems, not imported" in page
    assert "“not-an-email” is not an email address." in page
    assert "The row has no email address." in page
    assert "Language “fr” is not en or cy." in page
    assert "There is no area called “Atlantis”." in page and "There is no topic called “Gardening”." in page

    download = officer_client.get(reverse("bulletins:subscriber_import_problems", args=[job.code]))
    text = b"".join(download.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    assert text.splitlines()[0] == "line,email,language,regions,topics,what to fix"
    assert "3,not-an-email,en,,,“not-an-email” is not an email address." in text
    assert "ok@example.org" not in text

    officer_client.post(_check_url(job))
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["ok@example.org"]


def test_a_file_without_an_email_column_is_refused_and_nothing_is_kept(officer_client: Client) -> None:
    reply = officer_client.post(reverse("bulletins:subscriber_import"), {"file": _csv("name\nSam\n"), **FORM})
    assert "The file needs a column called email." in reply.content.decode()
    assert not SubscriberImport.objects.exists()


def test_the_lawful_basis_and_source_must_be_recorded(officer_client: Client) -> None:
    reply = officer_client.post(
        reverse("bulletins:subscriber_import"), {"file": _csv("email\na@example.org\n")}
    )
    page = reply.content.decode()
    assert (
        "Choose the lawful basis for emailing these people" in page and "Say where the list came from" in page
    )
    assert not SubscriberImport.objects.exists()


def test_people_who_unsubscribed_or_stopped_are_skipped_not_subscribed_again(officer_client: Client) -> None:
    topic = TopicFactory(name_en="Tribunals", name_cy="Tribiwnlysoedd")
    gone = SubscriberFactory(email="gone@example.org", status=Subscriber.Status.UNSUBSCRIBED)
    bounced = SubscriberFactory(email="bounced@example.org", status=Subscriber.Status.BOUNCED)
    job = _upload(officer_client, _csv("email,topics\ngone@example.org,Tribunals\nbounced@example.org,\n"))
    page = officer_client.get(_check_url(job)).content.decode()
    assert "2 skipped: unsubscribed or address stopped working" in page and "gone@example.org" in page
    assert "Import 0" not in page  # nothing to import: no import button

    # Even someone who unsubscribes between the check and the confirmation is left alone.
    active = SubscriberFactory(email="late@example.org", status=Subscriber.Status.ACTIVE)
    job = _upload(officer_client, _csv("email,topics\nlate@example.org,Tribunals\n"))
    active.status = Subscriber.Status.UNSUBSCRIBED
    active.save()
    reply = officer_client.post(_check_url(job), follow=True)
    assert "0 subscribers added, 0 already subscribed and updated, 1 skipped" in reply.content.decode()
    for subscriber, status in (
        (gone, Subscriber.Status.UNSUBSCRIBED),
        (bounced, Subscriber.Status.BOUNCED),
        (active, Subscriber.Status.UNSUBSCRIBED),
    ):
        subscriber.refresh_from_db()
        assert subscriber.status == status and topic not in subscriber.topics.all()


def test_existing_subscribers_are_updated_not_duplicated(officer_client: Client) -> None:
    courts = TopicFactory(name_en="Courts", name_cy="Llysoedd")
    prisons = TopicFactory(name_en="Prisons", name_cy="Carchardai")
    active = SubscriberFactory(email="here@example.org", status=Subscriber.Status.ACTIVE, language="cy")
    active.topics.add(courts)
    pending = SubscriberFactory(email="waiting@example.org", status=Subscriber.Status.PENDING)
    upload = _csv(
        "email,topics,language\n"
        "HERE@example.org,Prisons,en\n"
        "waiting@example.org,Courts,en\n"
        "new@example.org,,en\n"
        "new@example.org,,en\n"
    )
    job = _upload(officer_client, upload)
    page = officer_client.get(_check_url(job)).content.decode()
    assert "1 new subscriber" in page and "2 already subscribed" in page
    assert "The address is also on line 4. Keep one row for each address." in page

    reply = officer_client.post(_check_url(job), follow=True)
    assert "1 subscribers added, 2 already subscribed and updated, 0 skipped" in reply.content.decode()
    assert Subscriber.objects.count() == 3
    active.refresh_from_db()
    pending.refresh_from_db()
    # Their topics are added to; their own choices (language, status) are theirs to change.
    assert set(active.topics.all()) == {courts, prisons} and active.language == "cy"
    assert active.status == Subscriber.Status.ACTIVE
    assert pending.status == Subscriber.Status.PENDING and list(pending.topics.all()) == [courts]


def test_every_subscriber_added_or_changed_is_audited(officer_client: Client, officer: User) -> None:
    SubscriberFactory(email="here@example.org", status=Subscriber.Status.ACTIVE)
    SubscriberFactory(email="gone@example.org", status=Subscriber.Status.UNSUBSCRIBED)
    job = _upload(officer_client, _csv("email\nnew@example.org\nhere@example.org\ngone@example.org\n"))
    officer_client.post(_check_url(job))
    entries = AuditEntry.objects.filter(object_type="bulletins.subscriber", actor=officer)
    assert {(e.action, e.object_repr) for e in entries} == {
        (AuditAction.CREATE, "new@example.org"),
        (AuditAction.CHANGE, "here@example.org"),
    }
    assert all(
        e.detail["import"] == "subscribers.csv" and e.detail["lawful_basis"] == "consent" for e in entries
    )
    download = officer_client.get(reverse("bulletins:subscriber_import_problems", args=[job.code]))
    assert download.status_code == 200
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, object_id=str(job.code)).exists()


def test_cancelling_changes_nothing(officer_client: Client) -> None:
    job = _upload(officer_client, _csv("email\none@example.org\n"))
    reply = officer_client.post(_check_url(job), {"decision": "cancel"}, follow=True)
    assert "Import cancelled. Nothing was changed." in reply.content.decode()
    officer_client.post(_check_url(job))
    assert not Subscriber.objects.exists()


def test_only_editors_may_import_and_only_the_uploader_or_an_administrator_sees_the_job(
    client: Client, officer: User, viewer: User, outsider: User, admin: User
) -> None:
    job = _upload(sign_in(client, officer), _csv("email\none@example.org\n"))
    check, problems = _check_url(job), reverse("bulletins:subscriber_import_problems", args=[job.code])
    client.logout()
    assert client.get(reverse("bulletins:subscriber_import")).status_code == 302  # to sign in
    sign_in(client, viewer)
    assert client.get(reverse("bulletins:subscriber_import")).status_code == 403
    assert client.get(check).status_code == 403
    sign_in(client, outsider)
    assert client.get(reverse("bulletins:subscriber_import")).status_code == 200
    assert client.get(check).status_code == 404
    assert client.get(problems).status_code == 404
    assert client.post(check).status_code == 404
    assert not Subscriber.objects.exists()
    sign_in(client, admin)
    assert client.get(check).status_code == 200


def test_the_subscriber_list_links_to_the_import(officer_client: Client) -> None:
    page = officer_client.get(reverse("bulletins:subscriber_list")).content.decode()
    assert reverse("bulletins:subscriber_import") in page
