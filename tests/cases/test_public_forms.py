"""The public forms: one per kind, in English and Welsh, anonymous where allowed, with
attachments checked, robots turned away, and a case opened once however often it is sent."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from chorus.cases.models import Case, Channel, Kind
from chorus.core.ratelimit import HONEYPOT

pytestmark = pytest.mark.django_db


def _form_page(client: Client, kind: str) -> tuple[str, str]:
    page = client.get(reverse("cases:public_form", args=[kind])).content.decode()
    token = page.split('name="submission" value="', 1)[1].split('"', 1)[0]
    return page, token


def test_each_kind_has_its_form_linked_from_contact_us(client: Client) -> None:
    page = client.get(reverse("cases:contact")).content.decode()
    for kind in Kind.values:
        assert reverse("cases:public_form", args=[kind]) in page
        assert client.get(reverse("cases:public_form", args=[kind])).status_code == 200
    assert client.get("/contact-us/grievance/").status_code == 404


def test_a_complaint_is_sent_and_confirmed_with_its_reference(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    _page, token = _form_page(client, "complaint")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("cases:public_form", args=["complaint"]),
            {
                "submission": token,
                "description": "I waited two hours.",
                "name": "Wyn Waiting",
                "email": "wyn@example.org",
            },
        )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.kind == Kind.COMPLAINT and case.channel == Channel.WEB and case.language == "en"
    done = client.get(response["Location"]).content.decode()
    assert case.reference in done
    assert [m.to for m in mail.outbox] == [["wyn@example.org"]] and case.reference in mail.outbox[0].body


def test_a_complaint_needs_a_name_and_email_and_says_so(client: Client) -> None:
    page = client.post(
        reverse("cases:public_form", args=["complaint"]), {"description": "Bad"}
    ).content.decode()
    assert "Enter your name" in page and "Enter your email address so that we can reply" in page
    assert "govuk-error-summary" in page and not Case.objects.exists()


def test_an_empty_form_says_what_to_enter_for_its_kind(client: Client) -> None:
    page = client.post(reverse("cases:public_form", args=["suggestion"]), {}).content.decode()
    assert "Enter your suggestion" in page


def test_a_compliment_may_be_anonymous(client: Client) -> None:
    _page, token = _form_page(client, "compliment")
    response = client.post(
        reverse("cases:public_form", args=["compliment"]), {"submission": token, "description": "Kind usher."}
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.is_anonymous and case.kind == Kind.COMPLIMENT


def test_sending_the_same_form_twice_opens_one_case(client: Client) -> None:
    _page, token = _form_page(client, "enquiry")
    data = {"submission": token, "description": "Opening hours?", "name": "Sam", "email": "sam@example.org"}
    url = reverse("cases:public_form", args=["enquiry"])
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert Case.objects.count() == 1
    # The same form, sent from a second tab that lost the session's record of it.
    session = client.session
    session.pop("case_sent")
    session.save()
    client.post(url, data)
    assert Case.objects.count() == 1


def test_back_and_send_again_opens_one_case_but_a_new_message_opens_another(client: Client) -> None:
    url = reverse("cases:public_form", args=["enquiry"])
    data = {"description": "Opening hours?", "name": "Sam", "email": "sam@example.org"}
    _page, token = _form_page(client, "enquiry")
    client.post(url, {**data, "submission": token})
    # Back: the browser puts the message back in the form, which now has a new token.
    _page, token = _form_page(client, "enquiry")
    again = client.post(url, {**data, "submission": token})
    assert again.status_code == 302 and again["Location"].endswith("/contact-us/enquiry/sent/")
    assert Case.objects.count() == 1
    _page, token = _form_page(client, "enquiry")
    client.post(url, {**data, "description": "And on Saturdays?", "submission": token})
    assert Case.objects.count() == 2


def test_a_tampered_form_token_opens_one_case_and_never_an_error(client: Client) -> None:
    _form_page(client, "enquiry")
    url = reverse("cases:public_form", args=["enquiry"])
    data = {"submission": "x" * 300, "description": "Opening hours?", "name": "Sam"}
    data["email"] = "sam@example.org"
    assert client.post(url, data).status_code == 302
    assert Case.objects.count() == 1 and len(Case.objects.get().submission or "") <= 64


def test_the_welsh_form_opens_a_welsh_case(client: Client) -> None:
    page = client.get("/cy/contact-us/enquiry/").content.decode()
    assert 'lang="cy"' in page
    token = page.split('name="submission" value="', 1)[1].split('"', 1)[0]
    client.post(
        "/cy/contact-us/enquiry/",
        {"submission": token, "description": "Pryd?", "name": "Siân", "email": "sian@example.org"},
    )
    assert Case.objects.get().language == "cy"


def test_an_attachment_of_the_wrong_type_or_too_large_is_refused(client: Client) -> None:
    url = reverse("cases:public_form", args=["complaint"])
    base = {"description": "See file", "name": "Fay", "email": "fay@example.org"}
    page = client.post(url, {**base, "attachment": SimpleUploadedFile("run.exe", b"MZ")}).content.decode()
    assert "The file must be a PDF, Word, OpenDocument, text, JPEG or PNG file" in page
    big = SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024))
    page = client.post(url, {**base, "attachment": big}).content.decode()
    assert "The file must be smaller than" in page
    assert not Case.objects.exists()


def test_an_attachment_whose_contents_are_not_its_kind_is_refused(client: Client) -> None:
    """A program renamed to look like a document is turned away before it is stored."""
    url = reverse("cases:public_form", args=["complaint"])
    base = {"description": "See file", "name": "Fay", "email": "fay@example.org"}
    for name, content in (
        ("statement.pdf", b"MZ\x90\x00 a Windows program"),
        ("photo.jpg", b"<html><script>alert(1)</script>"),
        ("notes.txt", b"\x7fELF\x02\x01\x01\x00\x00\x00"),
        ("letter.docx", b"%PDF-1.7 a PDF named as Word"),
    ):
        page = client.post(url, {**base, "attachment": SimpleUploadedFile(name, content)}).content.decode()
        assert "contents are not what its name says" in page.replace("&#x27;", "'"), name
    assert not Case.objects.exists()


def test_files_of_every_kind_allowed_pass_the_contents_check() -> None:
    from chorus.core import uploads

    samples = {
        "pdf": b"%PDF-1.4\n",
        "png": b"\x89PNG\r\n\x1a\n\x00\x00",
        "jpeg": b"\xff\xd8\xff\xe0",
        "docx": b"PK\x03\x04\x14\x00",
        "odt": b"PK\x03\x04\x14\x00",
        "rtf": b"{\\rtf1\\ansi",
        "txt": "Caf\u00e9 in Caerdydd".encode(),
        "csv": "name,town\nSi\u00e2n,Bangor\n".encode("cp1252"),
        "heic": b"\x00\x00\x00\x18ftypheic",
        "mp4": b"\x00\x00\x00\x18ftypmp42",
        "wav": b"RIFF\x24\x00\x00\x00WAVEfmt ",
        "mp3": b"ID3\x03\x00",
    }
    for kind, content in samples.items():
        assert uploads.content_matches(SimpleUploadedFile(f"f.{kind}", content), kind), kind


def test_an_attachment_is_kept_with_the_case(client: Client) -> None:
    _page, token = _form_page(client, "complaint")
    client.post(
        reverse("cases:public_form", args=["complaint"]),
        {
            "submission": token,
            "description": "Photo of the broken lift",
            "name": "Fay",
            "email": "fay@example.org",
            "attachment": SimpleUploadedFile("lift.jpg", b"\xff\xd8\xff photo"),
        },
    )
    attachment = Case.objects.get().attachments.get()
    assert attachment.original_name == "lift.jpg" and attachment.size == len(b"\xff\xd8\xff photo")


def test_a_robot_filling_the_hidden_field_opens_nothing(client: Client) -> None:
    _page, token = _form_page(client, "suggestion")
    client.post(
        reverse("cases:public_form", args=["suggestion"]),
        {"submission": token, "description": "Buy now", HONEYPOT: "http://spam.example"},
    )
    assert not Case.objects.exists()


def test_too_many_from_one_connection_are_asked_to_wait(client: Client) -> None:
    url = reverse("cases:public_form", args=["suggestion"])
    statuses = []
    for number in range(12):
        _page, token = _form_page(client, "suggestion")
        statuses.append(client.post(url, {"submission": token, "description": f"Idea {number}"}).status_code)
    assert statuses.count(302) == 10 and statuses[-1] == 429
    assert Case.objects.count() == 10


def test_the_confirmation_page_without_a_case_goes_back_to_the_form(client: Client) -> None:
    response = client.get(reverse("cases:public_done", args=["enquiry"]))
    assert response.status_code == 302 and response["Location"] == reverse(
        "cases:public_form", args=["enquiry"]
    )


def test_staff_who_handle_the_case_download_the_attachment(client: Client, officer, viewer, team) -> None:
    from tests.conftest import sign_in

    _page, token = _form_page(client, "complaint")
    client.post(
        reverse("cases:public_form", args=["complaint"]),
        {
            "submission": token,
            "description": "Photo",
            "name": "Fay",
            "email": "fay@example.org",
            "attachment": SimpleUploadedFile("lift.jpg", b"\xff\xd8\xff photo"),
        },
    )
    case = Case.objects.get()
    Case.objects.filter(pk=case.pk).update(team=team)
    attachment = case.attachments.get()
    url = reverse("cases:case_attachment", args=[case.code, attachment.code])
    sign_in(client, officer)
    assert url in client.get(reverse("cases:case_detail", args=[case.code])).content.decode()
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"\xff\xd8\xff photo"
    assert response["Content-Disposition"].startswith("attachment")
    sign_in(client, viewer)
    assert client.get(url).status_code == 403
