"""Tags and notes staff add to a response while reading it: reused per consultation, audited,
filtered on, changed only by those who may change the consultation, never public."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.accounts.models import Team, User
from chorus.consultations.models import Consultation, Response, ResponseModeration, ResponseTag
from chorus.core.models import AuditAction, AuditEntry
from tests.conftest import sign_in
from tests.core.export_helpers import exported_bytes
from tests.factories import (
    AnswerFactory,
    ConsultationFactory,
    QuestionFactory,
    ResponseFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation(team: Team) -> Consultation:
    now = timezone.now()
    consultation = ConsultationFactory(
        title="Court fees", opens_at=now - timedelta(days=30), closes_at=now - timedelta(days=1), team=team
    )
    section = SectionFactory(consultation=consultation, title="Questions", order=1)
    question = QuestionFactory(section=section, kind="text", text="Your view", order=1)
    for reference in ("AAAA1111", "BBBB2222"):
        response = ResponseFactory(consultation=consultation, reference=reference, publish="anonymous")
        AnswerFactory(response=response, question=question, value=f"View of {reference}")
    return consultation


def _response(reference: str) -> Response:
    return Response.objects.get(reference=reference)


def _url(name: str, response: Response, *extra: object) -> str:
    return reverse(f"consultations:{name}", args=[response.consultation.code, response.code, *extra])


def _tag(client: Client, response: Response, name: str) -> None:
    reply = client.post(_url("response_tag_add", response), {"name": name})
    assert reply.status_code == 302, reply.content.decode()


def test_an_officer_tags_a_response_and_the_tag_is_reused_and_removed(
    officer_client: Client, consultation: Consultation
) -> None:
    first, second = _response("AAAA1111"), _response("BBBB2222")
    _tag(officer_client, first, "  Fees  too high ")
    _tag(officer_client, second, "fees TOO high")  # the same tag, typed differently
    tag = ResponseTag.objects.get()
    assert tag.name == "Fees too high"
    assert set(tag.responses.values_list("reference", flat=True)) == {"AAAA1111", "BBBB2222"}
    page = officer_client.get(_url("response_detail", first)).content.decode()
    assert "Fees too high" in page and "View of AAAA1111" in page

    officer_client.post(_url("response_tag_remove", first, tag.code))
    assert list(tag.responses.values_list("reference", flat=True)) == ["BBBB2222"]
    changes = AuditEntry.objects.filter(action=AuditAction.CHANGE, object_type="consultations.response")
    assert sorted(next(iter(e.detail)) for e in changes) == ["tag added", "tag added", "tag removed"]
    assert changes.filter(object_id=str(first.code), detail__has_key="tag removed").exists()


def test_an_empty_tag_is_refused_with_a_message(officer_client: Client, consultation: Consultation) -> None:
    reply = officer_client.post(_url("response_tag_add", _response("AAAA1111")), {"name": "   "})
    assert reply.status_code == 200
    assert "Enter a tag" in reply.content.decode()
    assert not ResponseTag.objects.exists()


def test_notes_are_shown_newest_first_with_their_author(
    officer: User, officer_client: Client, consultation: Consultation
) -> None:
    response = _response("AAAA1111")
    officer_client.post(_url("response_note_add", response), {"text": "Called them back."})
    officer_client.post(_url("response_note_add", response), {"text": "They want a reply by post."})
    page = officer_client.get(_url("response_detail", response)).content.decode()
    assert page.index("They want a reply by post.") < page.index("Called them back.")
    assert officer.full_name in page
    assert AuditEntry.objects.filter(object_id=str(response.code), detail__note=True).count() == 2
    assert (
        "Enter the note"
        in officer_client.post(_url("response_note_add", response), {"text": ""}).content.decode()
    )


def test_a_viewer_sees_tags_and_notes_but_cannot_change_them(
    officer_client: Client, viewer: User, consultation: Consultation
) -> None:
    response = _response("AAAA1111")
    _tag(officer_client, response, "fees")
    officer_client.post(_url("response_note_add", response), {"text": "Called them back."})
    tag = ResponseTag.objects.get()
    viewer_client = sign_in(Client(), viewer)
    page = viewer_client.get(_url("response_detail", response)).content.decode()
    assert "fees" in page and "Called them back." in page
    assert _url("response_tag_add", response) not in page and _url("response_note_add", response) not in page
    assert viewer_client.post(_url("response_tag_add", response), {"name": "other"}).status_code == 403
    assert viewer_client.post(_url("response_tag_remove", response, tag.code)).status_code == 403
    assert viewer_client.post(_url("response_note_add", response), {"text": "Mine"}).status_code == 403
    assert tag.responses.count() == 1 and response.notes.count() == 1


def test_staff_of_another_team_cannot_see_or_tag_a_restricted_response(
    outsider: User, consultation: Consultation
) -> None:
    response = _response("AAAA1111")
    client = sign_in(Client(), outsider)
    assert client.get(_url("response_detail", response)).status_code == 404
    assert client.post(_url("response_tag_add", response), {"name": "fees"}).status_code == 404
    assert not ResponseTag.objects.exists()


def test_the_responses_list_filters_by_tag_and_the_export_has_the_tags(
    officer_client: Client, consultation: Consultation
) -> None:
    _tag(officer_client, _response("AAAA1111"), "fees")
    _tag(officer_client, _response("AAAA1111"), "access")
    listing = reverse("consultations:response_list", args=[consultation.code])
    everything = officer_client.get(listing).content.decode()
    assert "AAAA1111" in everything and "BBBB2222" in everything
    filtered = officer_client.get(listing, {"tag": "fees"}).content.decode()
    assert "AAAA1111" in filtered and "BBBB2222" not in filtered
    assert _url("response_detail", _response("AAAA1111")) in filtered

    export = reverse("consultations:response_export", args=[consultation.code, "csv"])
    rows = list(csv.reader(io.StringIO(exported_bytes(officer_client, export).decode())))
    header, by_reference = rows[0], {row[0]: row for row in rows[1:]}
    assert by_reference["AAAA1111"][header.index("tags")] == "access, fees"
    assert by_reference["BBBB2222"][header.index("tags")] == ""


def test_tags_and_notes_never_reach_the_public_pages(
    officer_client: Client, client: Client, consultation: Consultation
) -> None:
    Consultation.objects.filter(pk=consultation.pk).update(team=None, is_published=True)
    response = _response("AAAA1111")
    _tag(officer_client, response, "Troublemaker")
    officer_client.post(_url("response_note_add", response), {"text": "Secret staff note"})
    ResponseModeration.objects.create(
        response=response, status=ResponseModeration.Status.PUBLISHED, decided_at=timezone.now()
    )
    client.logout()
    public = client.get(reverse("consultations:public_responses", args=[consultation.code])).content.decode()
    assert "View of AAAA1111" in public  # the response is published...
    assert "Troublemaker" not in public and "Secret staff note" not in public  # ...its tags and notes are not
    page = client.get(reverse("consultations:public_consultation", args=[consultation.code])).content.decode()
    assert "Troublemaker" not in page and "Secret staff note" not in page
    download = client.get(reverse("consultations:public_responses_download", args=[consultation.code]))
    text = b"".join(download.streaming_content).decode()
    assert "View of AAAA1111" in text and "Troublemaker" not in text and "Secret staff note" not in text
