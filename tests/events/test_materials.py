"""An event's materials as files: staff upload them (within the rules for published
documents), the public find them once the event has happened, and those who registered but
did not come are told where they are, once each, in their language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.core import uploads
from chorus.engagement.models import Material
from chorus.events import checkin, materials
from chorus.events.models import MaterialFile, Registration
from tests.conftest import sign_in
from tests.factories import RegistrationFactory, RegistrationSettingsFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _past(activity):
    activity.starts_at = timezone.now() - timedelta(days=1)
    activity.save(update_fields=["starts_at"])
    return activity


@pytest.fixture
def past_event():
    """A public event (on the public calendar, so not restricted to a team) that has happened."""
    return _past(RegistrationSettingsFactory().activity)


def _upload(client: Client, activity, name: str = "slides.pdf", content: bytes = b"%PDF-1.4 slides"):
    return client.post(
        reverse("events:materials", kwargs={"code": activity.code}),
        {"title": "Slides", "title_cy": "Sleidiau", "file": SimpleUploadedFile(name, content)},
    )


def test_staff_upload_a_file_and_the_public_download_it_after_the_event(
    officer_client: Client, past_event
) -> None:
    assert _upload(officer_client, past_event).status_code == 302
    material = MaterialFile.objects.get(activity=past_event)
    public = Client()
    event_page = public.get(
        reverse("engagement:public_event", kwargs={"code": past_event.code})
    ).content.decode()
    assert (
        "Slides" in event_page
        and reverse("events:public_materials", kwargs={"code": past_event.code}) in event_page
    )
    listing = public.get(
        reverse("events:public_materials", kwargs={"code": past_event.code})
    ).content.decode()
    download = reverse("events:material_download", kwargs={"code": past_event.code, "file": material.code})
    assert download in listing
    response = public.get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 slides"
    welsh = public.get("/cy" + reverse("events:public_materials", kwargs={"code": past_event.code}))
    assert "Sleidiau" in welsh.content.decode()


def test_the_files_are_not_public_before_the_event(officer_client: Client) -> None:
    activity = RegistrationSettingsFactory().activity
    _upload(officer_client, activity)
    material = MaterialFile.objects.get(activity=activity)
    public = Client()
    assert public.get(reverse("events:public_materials", kwargs={"code": activity.code})).status_code == 404
    download = reverse("events:material_download", kwargs={"code": activity.code, "file": material.code})
    assert public.get(download).status_code == 404


def test_files_follow_the_rules_for_published_documents(
    officer_client: Client, past_event, monkeypatch
) -> None:
    wrong = _upload(officer_client, past_event, name="run.exe", content=b"MZ")
    assert "The file must be a PDF" in wrong.content.decode()
    assert _upload(officer_client, past_event, name="talk.mp3", content=b"ID3").status_code == 302
    monkeypatch.setattr(uploads, "DOCUMENT_MOST_BYTES", 10)
    big = _upload(officer_client, past_event, name="notes.txt", content=b"x" * 11)
    assert "The file must be smaller than" in big.content.decode()
    monkeypatch.setattr(uploads, "DOCUMENT_MOST_BYTES", 10_000)
    renamed = _upload(officer_client, past_event, name="slides.pdf", content=b"MZ\x90\x00 a program")
    assert "contents are not what its name says" in renamed.content.decode().replace("&#x27;", "'")
    assert MaterialFile.objects.filter(activity=past_event).count() == 1


def test_only_those_who_registered_and_did_not_come_are_told_and_only_once(
    officer_client: Client, officer, past_event
) -> None:
    Material.objects.create(activity=past_event, title="Recording", url="https://video.example.org/1")
    came = RegistrationFactory(activity=past_event, name="Came Along", email="came@example.org")
    checkin.registration_arrive(actor=officer, request=None, registration=came)
    missed = RegistrationFactory(activity=past_event, name="Missed It", email="missed@example.org")
    welsh = RegistrationFactory(activity=past_event, name="Colli", email="colli@example.org", language="cy")
    RegistrationFactory(
        activity=past_event, email="gave-up@example.org", status=Registration.Status.CANCELLED
    )
    RegistrationFactory(activity=past_event, email="waited@example.org", status=Registration.Status.WAITING)
    url = reverse("events:materials_tell", kwargs={"code": past_event.code})
    officer_client.post(url)
    assert sorted(m.to[0] for m in mail.outbox) == ["colli@example.org", "missed@example.org"]
    by_address = {m.to[0]: m for m in mail.outbox}
    link = reverse("events:public_materials", kwargs={"code": past_event.code})
    assert link in by_address["missed@example.org"].body
    assert "Materials from" in by_address["missed@example.org"].subject
    # In the language they registered in: the Welsh page for the Welsh registrant.
    assert "/cy/" in by_address["colli@example.org"].body
    assert "/cy/" not in by_address["missed@example.org"].body
    for registration in (missed, welsh):
        registration.refresh_from_db()
        assert registration.materials_sent_at is not None
    officer_client.post(url)
    materials.materials_notify.call(activity_id=past_event.pk)
    assert len(mail.outbox) == 2
    page = officer_client.get(reverse("events:materials", kwargs={"code": past_event.code})).content.decode()
    assert "2 people have been told" in page and "There is no one left to tell" in page


def test_people_are_not_told_before_the_event_nor_without_materials(officer_client: Client, team) -> None:
    activity = RegistrationSettingsFactory(activity__team=team).activity
    RegistrationFactory(activity=activity, email="someone@example.org")
    officer_client.post(reverse("events:materials_tell", kwargs={"code": activity.code}))
    activity.starts_at = timezone.now() - timedelta(hours=1)
    activity.save(update_fields=["starts_at"])
    officer_client.post(reverse("events:materials_tell", kwargs={"code": activity.code}))
    assert mail.outbox == []


def test_a_viewer_is_refused_and_another_team_finds_nothing(client: Client, viewer, outsider, team) -> None:
    past_event = _past(RegistrationSettingsFactory(activity__team=team).activity)
    urls = [
        ("get", reverse("events:materials", kwargs={"code": past_event.code})),
        ("post", reverse("events:materials_tell", kwargs={"code": past_event.code})),
    ]
    for user, status in ((viewer, 403), (outsider, 404)):
        signed_in = sign_in(Client(), user)
        for method, url in urls:
            assert getattr(signed_in, method)(url).status_code == status, (user, url)


def test_staff_remove_a_file_after_confirming_and_it_is_audited(
    officer_client: Client, officer, past_event
) -> None:
    from chorus.core.models import AuditEntry

    _upload(officer_client, past_event)
    material = MaterialFile.objects.get(activity=past_event)
    storage, stored = material.file.storage, material.file.name
    remove = reverse("events:material_remove", kwargs={"code": material.code})
    listing = officer_client.get(reverse("events:materials", kwargs={"code": past_event.code}))
    assert remove in listing.content.decode()
    confirm = officer_client.get(remove).content.decode()
    assert "Remove “Slides”?" in confirm and MaterialFile.objects.filter(pk=material.pk).exists()
    done = officer_client.post(remove, follow=True).content.decode()
    assert "“Slides” removed." in done
    assert not MaterialFile.objects.filter(pk=material.pk).exists()
    assert not storage.exists(stored)
    assert any(e.detail.get("material removed") == "Slides" for e in AuditEntry.objects.filter(actor=officer))
    download = reverse("events:material_download", kwargs={"code": past_event.code, "file": material.code})
    assert Client().get(download).status_code == 404


def test_only_the_teams_officers_may_remove_a_file(client: Client, officer, viewer, outsider, team) -> None:
    past_event = _past(RegistrationSettingsFactory(activity__team=team).activity)
    _upload(sign_in(Client(), officer), past_event)
    material = MaterialFile.objects.get(activity=past_event)
    remove = reverse("events:material_remove", kwargs={"code": material.code})
    for user, status in ((viewer, 403), (outsider, 404)):
        signed_in = sign_in(Client(), user)
        assert signed_in.get(remove).status_code == status
        assert signed_in.post(remove).status_code == status
    assert MaterialFile.objects.filter(pk=material.pk).exists()


def test_a_long_unbroken_title_or_file_name_wraps_on_every_page(officer_client: Client, past_event) -> None:
    """A title or file name with no spaces (Slides_final_v3_...) wraps instead of running off
    the page: each is inside an element that breaks long words."""
    import lxml.html

    title, name = "Slides_" + "x" * 190, "notes_" + "n" * 180 + ".pdf"
    officer_client.post(
        reverse("events:materials", kwargs={"code": past_event.code}),
        {"title": title, "file": SimpleUploadedFile(name, b"%PDF-1.4 notes")},
    )
    material = MaterialFile.objects.get(activity=past_event)
    pages = [
        officer_client.get(reverse("events:materials", kwargs={"code": past_event.code})),
        officer_client.get(reverse("events:material_remove", kwargs={"code": material.code})),
        Client().get(reverse("events:public_materials", kwargs={"code": past_event.code})),
    ]
    for page in pages:
        tree = lxml.html.fromstring(page.content.decode())
        for text in (title, name) if page is not pages[2] else (title,):
            holders = tree.xpath("//main//*[text()[contains(., $t)]]", t=text)
            assert holders, text
            for holder in holders:
                assert holder.xpath("ancestor-or-self::*[contains(@class, 'chorus-break-words')]"), (
                    page.request["PATH_INFO"],
                    lxml.html.tostring(holder)[:120],
                )


def test_someone_marked_as_came_on_the_attendees_list_is_not_told_they_were_missed(
    officer_client: Client, past_event
) -> None:
    """Not checked in at the door, but marked as came on the activity's attendees list (or
    from a sign-up sheet): they came, so no "sorry we did not see you" email."""
    from tests.factories import AttendanceFactory

    Material.objects.create(activity=past_event, title="Recording", url="https://video.example.org/1")
    came = AttendanceFactory(activity=past_event, attended=True)
    RegistrationFactory(activity=past_event, person=came.person, email="came@example.org")
    invited = AttendanceFactory(activity=past_event, attended=False)
    RegistrationFactory(activity=past_event, person=invited.person, email="missed@example.org")
    page = officer_client.get(reverse("events:materials", kwargs={"code": past_event.code})).content.decode()
    assert "1 person registered but did not come" in page
    officer_client.post(reverse("events:materials_tell", kwargs={"code": past_event.code}))
    assert [m.to[0] for m in mail.outbox] == ["missed@example.org"]


def test_while_the_emails_go_out_the_page_says_so_instead_of_offering_the_button_again(
    officer_client: Client, past_event
) -> None:
    from unittest import mock

    Material.objects.create(activity=past_event, title="Recording", url="https://video.example.org/1")
    RegistrationFactory(activity=past_event, name="Missed It", email="missed@example.org")
    page_url = reverse("events:materials", kwargs={"code": past_event.code})
    button = "Tell those who registered but did not come"
    assert button in officer_client.get(page_url).content.decode()
    # The worker has not sent them yet.
    with mock.patch.object(materials, "enqueue_after_commit"):
        officer_client.post(reverse("events:materials_tell", kwargs={"code": past_event.code}))
    waiting = officer_client.get(page_url).content.decode()
    assert "An email is on its way to 1 person who did not come" in waiting and button not in waiting
    materials.materials_notify.call(activity_id=past_event.pk)
    done = officer_client.get(page_url).content.decode()
    assert "There is no one left to tell" in done and "on its way" not in done
