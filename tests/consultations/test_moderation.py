"""Moderating responses before they are published (issue #20): nothing is published until a
moderator decides; passages are redacted in one click; decisions are recorded and audited."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.accounts.models import Role, Team, User
from chorus.consultations import moderation
from chorus.consultations.models import Answer, Consultation, Question, Response, ResponseModeration
from chorus.core.models import AuditAction, AuditEntry
from tests.conftest import sign_in
from tests.factories import (
    AnswerFactory,
    ConsultationFactory,
    ProjectFactory,
    QuestionFactory,
    ResponseFactory,
    SectionFactory,
    UserFactory,
    make_person,
)

pytestmark = pytest.mark.django_db

Status = ResponseModeration.Status


@pytest.fixture
def consultation() -> Consultation:
    now = timezone.now()
    consultation = ConsultationFactory(
        title="Changes to court fees",
        summary="We propose to change some court fees.",
        opens_at=now - timedelta(days=30),
        closes_at=now + timedelta(days=1),
        is_published=True,
    )
    section = SectionFactory(consultation=consultation, title="The proposal", order=1)
    QuestionFactory(
        section=section,
        kind="single",
        text="Do you agree?",
        options=[{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}],
        order=1,
    )
    QuestionFactory(section=section, kind="text", text="Why do you say that?", order=2)
    return consultation


def _respond(consultation: Consultation, reference: str, text: str, **about: str) -> Response:
    about = {"publish": "anonymous", **about}
    response = ResponseFactory(consultation=consultation, reference=reference, **about)
    choice, free = Question.objects.filter(section__consultation=consultation).order_by("order")
    AnswerFactory(response=response, question=choice, value="yes")
    AnswerFactory(response=response, question=free, value=text)
    return response


def _close(consultation: Consultation) -> None:
    Consultation.objects.filter(pk=consultation.pk).update(closes_at=timezone.now() - timedelta(minutes=1))


def _public(client: Client, consultation: Consultation) -> tuple[str, list[list[str]]]:
    page = client.get(reverse("consultations:public_responses", args=[consultation.code]))
    download = client.get(reverse("consultations:public_responses_download", args=[consultation.code]))
    rows = list(csv.reader(b"".join(download.streaming_content).decode().splitlines()))
    return page.content.decode(), rows


def _queue(consultation: Consultation) -> str:
    return reverse("consultations:moderation_queue", args=[consultation.code])


def _decide_url(consultation: Consultation, response: Response) -> str:
    return reverse("consultations:moderation_response", args=[consultation.code, response.code])


def _redact_post(client: Client, consultation: Consultation, response: Response, passage: str) -> None:
    question = Question.objects.get(section__consultation=consultation, kind="text")
    text = moderation.current_text(
        moderation.moderation_of(Response.objects.get(pk=response.pk)),
        Answer.objects.get(response=response, question=question),
    )
    start = text.index(passage)
    client.post(
        reverse("consultations:moderation_redact", args=[consultation.code, response.code]),
        {
            "question": str(question.code),
            "start": start,
            "end": start + len(passage),
            "passage": passage,
            "kind": "phone",
        },
    )


def test_nothing_is_published_before_a_moderator_decides(client: Client, consultation, officer) -> None:
    _respond(consultation, "AAAA1111", "Keep the paper forms", name="Alys Jones", publish="named")
    _close(consultation)
    page, rows = _public(client, consultation)
    assert "Keep the paper forms" not in page and "Alys Jones" not in page
    assert rows[1:] == []
    public = client.get(reverse("consultations:public_consultation", args=[consultation.code])).content
    assert reverse("consultations:public_responses", args=[consultation.code]).encode() not in public


def test_the_queue_highlights_passages_and_a_click_redacts_one(client: Client, consultation, officer) -> None:
    response = _respond(consultation, "AAAA1111", "Ring me on 01632 960001 about the fees.")
    _respond(consultation, "BBBB2222", "Private, please.", publish="no")
    sign_in(client, officer)
    queue = client.get(_queue(consultation)).content.decode()
    assert "<mark>01632 960001</mark>" in queue
    assert "[1: Phone number]" in queue  # the reason in words, not colour alone
    assert "BBBB2222" not in queue  # they asked for it not to be published

    _redact_post(client, consultation, response, "01632 960001")

    response.moderation.refresh_from_db()
    assert response.moderation.status == Status.PENDING
    assert list(response.moderation.texts.values()) == ["Ring me on [phone] about the fees."]
    queue = client.get(_queue(consultation)).content.decode()
    assert "01632 960001" not in queue and "Ring me on [phone] about the fees." in queue
    assert "Publish with the redactions" in queue
    client.post(_decide_url(consultation, response), {f"r{response.code.hex}-decision": "publish"})
    response.moderation.refresh_from_db()
    assert response.moderation.status == Status.REDACTED
    assert response.moderation.decided_by == officer and response.moderation.decided_at is not None


@pytest.fixture
def fake_classifier() -> Iterator[None]:
    """Only a stand-in sentence classifier, which reads 'sectioned' as health."""
    from chorus.core import sensitive

    def fake(sentences: Sequence[str]) -> list[str | None]:
        return ["health" if "sectioned" in s else None for s in sentences]

    saved = list(sensitive._sentence_classifiers)
    sensitive._sentence_classifiers[:] = [fake]
    yield
    sensitive._sentence_classifiers[:] = saved


def test_the_classifier_s_flags_are_shown_apart_as_possible(
    client: Client, consultation, officer, fake_classifier
) -> None:
    _respond(consultation, "AAAA1111", "I was sectioned last year. I have diabetes too.")
    sign_in(client, officer)
    queue = client.get(_queue(consultation)).content.decode()
    assert "[1: Health or disability, possibly]" in queue and "May say something about the writer" in queue
    assert "[2: Health or disability]" in queue and "Says something about the writer" in queue
    assert queue.count(">Possible</strong>") == 1
    assert "were found by Chorus\u2019s sentence model" in queue
    # A possible passage still needs a moderator: the response is not offered for bulk publishing.
    assert 'id="select-AAAA1111"' not in queue
    from django.utils import translation

    with translation.override("cy"):
        welsh = client.get(_queue(consultation)).content.decode()
    assert ">Posibl</strong>" in welsh and "Efallai ei fod yn dweud rhywbeth am iechyd" in welsh
    assert "Model brawddegau Chorus" in welsh
    # The respondent's English on the Welsh page is marked as English; Chorus's labels are Welsh.
    assert (
        'lang="en"><mark>I was sectioned last year.</mark> <strong class="govuk-!-font-size-16" lang="cy">'
        in welsh
    )


def test_a_stale_redaction_changes_nothing(client: Client, consultation, officer) -> None:
    response = _respond(consultation, "AAAA1111", "Ring me on 01632 960001.")
    sign_in(client, officer)
    question = Question.objects.get(section__consultation=consultation, kind="text")
    reply = client.post(
        reverse("consultations:moderation_redact", args=[consultation.code, response.code]),
        {"question": str(question.code), "start": 0, "end": 4, "passage": "0163", "kind": "phone"},
        follow=True,
    )
    assert "changed since you opened the page" in reply.content.decode()
    assert not ResponseModeration.objects.filter(
        response=response, texts__has_key=str(question.code)
    ).exists()


def test_not_publishing_needs_a_reason(client: Client, consultation, officer) -> None:
    response = _respond(consultation, "AAAA1111", "My neighbour at number 4 is a thief.")
    sign_in(client, officer)
    field = f"r{response.code.hex}"
    page = client.post(_decide_url(consultation, response), {f"{field}-decision": "withhold"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "There is a problem" in html and "Say why this response is not published" in html
    assert f'href="#id_{field}-reason"' in html
    assert not ResponseModeration.objects.exclude(status=Status.PENDING).exists()

    client.post(
        _decide_url(consultation, response),
        {f"{field}-decision": "withhold", f"{field}-reason": "It accuses a neighbour of a crime"},
    )
    decided = ResponseModeration.objects.get(response=response)
    assert decided.status == Status.NOT_PUBLISHED
    assert decided.reason == "It accuses a neighbour of a crime"
    with pytest.raises(ValueError, match="Say why"):
        moderation.response_decide(response=response, publish=False, reason=" ", actor=User())


def test_bulk_publishing_publishes_only_the_clean_responses(client: Client, consultation, officer) -> None:
    clean = _respond(consultation, "AAAA1111", "Keep the paper forms.")
    also_clean = _respond(consultation, "BBBB2222", "Fees are too high.")
    flagged = _respond(consultation, "CCCC3333", "Email me at alys@example.org")
    sign_in(client, officer)
    queue = client.get(_queue(consultation)).content.decode()
    assert f'value="{clean.code}" form="publish-clean"' in queue
    assert f'value="{flagged.code}" form="publish-clean"' not in queue
    nothing = client.post(_queue(consultation), {}, follow=True).content.decode()
    assert "Select the responses to publish" in nothing
    assert not ResponseModeration.objects.exists()
    # A tampered form that also names the flagged one publishes only the clean ones.
    reply = client.post(
        _queue(consultation), {"responses": [str(clean.code), str(also_clean.code), str(flagged.code)]}
    )
    assert reply.status_code == 302
    statuses = dict(ResponseModeration.objects.values_list("response__reference", "status"))
    assert statuses == {"AAAA1111": Status.PUBLISHED, "BBBB2222": Status.PUBLISHED}
    followed = client.get(reply.url).content.decode()
    assert "2 responses published." in followed
    assert "1 selected response has passages to check" in followed


@pytest.mark.parametrize(
    ("role", "in_team", "status"),
    [
        (Role.ENGAGEMENT_OFFICER, True, 200),
        (Role.ADMINISTRATOR, False, 200),
        (Role.VIEWER, True, 403),
        (Role.ANALYST, True, 403),
        (Role.ENGAGEMENT_OFFICER, False, 404),
    ],
)
def test_only_administrators_and_the_teams_officers_moderate(
    client: Client, consultation, team: Team, other_team: Team, role: str, in_team: bool, status: int
) -> None:
    Consultation.objects.filter(pk=consultation.pk).update(team=team)
    response = _respond(consultation, "AAAA1111", "Keep the paper forms.")
    user = UserFactory(role=role, teams=[team if in_team else other_team])
    sign_in(client, user)
    assert client.get(_queue(consultation)).status_code == status
    assert client.get(_decide_url(consultation, response)).status_code == status
    decided = client.post(_decide_url(consultation, response), {f"r{response.code.hex}-decision": "publish"})
    assert decided.status_code == (302 if status == 200 else status)
    assert ResponseModeration.objects.filter(status=Status.PUBLISHED).exists() == (status == 200)


def test_a_response_of_another_consultation_is_not_found(client: Client, consultation, officer) -> None:
    other = ConsultationFactory(
        title="Other", summary="Other", opens_at=consultation.opens_at, closes_at=consultation.closes_at
    )
    SectionFactory(consultation=other, title="S", order=1)
    response = _respond(consultation, "AAAA1111", "Keep the paper forms.")
    sign_in(client, officer)
    assert client.get(_decide_url(other, response)).status_code == 404


def test_views_redactions_and_decisions_are_audited(client: Client, consultation, officer) -> None:
    response = _respond(consultation, "AAAA1111", "Ring me on 01632 960001.", name="Alys Jones")
    sign_in(client, officer)
    client.get(_queue(consultation))
    viewed = AuditEntry.objects.get(action=AuditAction.VIEW, object_type="consultations.response")
    assert viewed.detail["responses shown"] == ["AAAA1111"]
    _redact_post(client, consultation, response, "01632 960001")
    client.post(_decide_url(consultation, response), {f"r{response.code.hex}-decision": "publish"})
    changes = list(
        AuditEntry.objects.filter(action=AuditAction.CHANGE, object_id=str(response.code))
        .order_by("at")
        .values_list("object_repr", flat=True)
    )
    assert changes == [
        "Response AAAA1111: redacted a passage (phone number) from the answer to “Why do you say that?”",
        "Response AAAA1111: published with redactions",
    ]
    assert all("01632" not in str(e.detail) for e in AuditEntry.objects.all())


def test_the_public_page_and_download_show_only_the_moderated_text(
    client: Client, consultation, officer
) -> None:
    redacted = _respond(consultation, "AAAA1111", "I saw Dr Rees on 01632 960001 about it.")
    as_written = _respond(consultation, "BBBB2222", "Keep the paper forms.")
    withheld = _respond(consultation, "CCCC3333", "My neighbour is a thief.")
    moderation.response_texts_edit(
        response=redacted,
        texts={str(_free(consultation).code): "I saw [name] on [phone] about it."},
        actor=officer,
    )
    moderation.response_decide(response=redacted, publish=True, actor=officer)
    moderation.response_decide(response=as_written, publish=True, actor=officer)
    moderation.response_decide(response=withheld, publish=False, reason="Accuses someone", actor=officer)
    _close(consultation)
    page, rows = _public(client, consultation)
    assert "I saw [name] on [phone] about it." in page and "Keep the paper forms." in page
    assert "Dr Rees" not in page and "thief" not in page
    assert "2 responses are published here." in page
    flat = "\n".join(",".join(row) for row in rows)
    assert "I saw [name] on [phone] about it." in flat and "Keep the paper forms." in flat
    assert "Dr Rees" not in flat and "thief" not in flat and len(rows) == 3


def test_changing_the_text_of_a_published_response_takes_it_off_the_public_page(
    client: Client, consultation, officer
) -> None:
    response = _respond(consultation, "AAAA1111", "Keep the paper forms.")
    moderation.response_decide(response=response, publish=True, actor=officer)
    _close(consultation)
    assert "Keep the paper forms." in _public(client, consultation)[0]
    moderation.response_texts_edit(
        response=response, texts={str(_free(consultation).code): "Keep the forms."}, actor=officer
    )
    assert "Keep the" not in _public(client, consultation)[0]
    assert ResponseModeration.objects.get(response=response).status == Status.PENDING


def test_organisations_are_named_and_individuals_only_as_they_chose(
    client: Client, consultation, officer
) -> None:
    made = [
        _respond(consultation, "AAAA1111", "One.", name="Alys Jones", publish="named"),
        _respond(consultation, "BBBB2222", "Two.", name="Bryn Hughes", email="bryn@example.org"),
        _respond(
            consultation,
            "CCCC3333",
            "Three.",
            name="Ceri Lloyd",
            organisation="Citizens Advice Cardiff",
            respondent_type="organisation",
        ),
        _respond(consultation, "DDDD4444", "Four.", name="Dai Evans", organisation="Dai's shop"),
    ]
    for response in made:
        moderation.response_decide(response=response, publish=True, actor=officer)
    _close(consultation)
    page, rows = _public(client, consultation)
    assert [row[1] for row in rows[1:]] == ["Alys Jones", "Anonymous", "Citizens Advice Cardiff", "Anonymous"]
    assert "Alys Jones" in page and "Citizens Advice Cardiff" in page
    for hidden in ("Bryn Hughes", "bryn@example.org", "Ceri Lloyd", "Dai Evans", "Dai&#x27;s shop"):
        assert hidden not in page
    assert page.count("Anonymous") >= 2


def test_contact_details_typed_into_a_published_name_are_redacted_and_checked(
    client: Client, consultation, officer
) -> None:
    typed = _respond(
        consultation,
        "AAAA1111",
        "Keep the paper forms.",
        respondent_type="organisation",
        organisation="Tenants' group, ring 07700 900123",
    )
    assert moderation.suspects_in(typed, moderation.known_names([typed])).count == 1
    assert moderation.responses_publish_clean(
        consultation=consultation, codes=[str(typed.code)], actor=officer
    ) == (
        0,
        1,
    )
    moderation.response_decide(response=typed, publish=True, actor=officer)
    _close(consultation)
    page, rows = _public(client, consultation)
    assert "07700 900123" not in page and rows[1][1] == "Tenants' group, ring [phone]"


def test_editing_by_hand_and_undoing_it(client: Client, consultation, officer) -> None:
    response = _respond(consultation, "AAAA1111", "My son Tom was upset.")
    question = _free(consultation)
    sign_in(client, officer)
    page = client.get(_decide_url(consultation, response)).content.decode()
    assert "My son Tom was upset." in page and "Edit the text to publish" in page
    client.post(
        _decide_url(consultation, response), {"action": "edit", f"t_{question.code.hex}": "My son was upset."}
    )
    assert ResponseModeration.objects.get(response=response).texts == {
        str(question.code): "My son was upset."
    }
    client.post(_decide_url(consultation, response), {"action": "reset"})
    assert ResponseModeration.objects.get(response=response).texts == {}
    assert AuditEntry.objects.filter(object_repr__contains="undid the redactions").count() == 1


def _free(consultation: Consultation) -> Question:
    return Question.objects.get(section__consultation=consultation, kind="text")


def test_names_from_the_directory_and_the_respondent_s_own_are_highlighted(
    client: Client, consultation, officer
) -> None:
    make_person(first_name="Ysolde", last_name="Brackenbury")
    _respond(consultation, "AAAA1111", "Ysolde Brackenbury at the counter was kind.")
    _respond(consultation, "BBBB2222", "Thank you. Signed, Ottoline Quarrington", name="Ottoline Quarrington")
    sign_in(client, officer)
    queue = client.get(_queue(consultation)).content.decode()
    assert "<mark>Ysolde Brackenbury</mark>" in queue
    assert "<mark>Ottoline Quarrington</mark>" in queue
    assert "Matches a name in the directory" in queue


def test_the_demo_publishes_moderated_text_only(client: Client) -> None:
    import random

    from chorus.consultations import demo
    from chorus.core.registry import Scale

    ProjectFactory(name="Court fees")
    rng = random.Random(4)
    scale = Scale("test", 0, 0, 0, 0, 6, 3000, 0, 0)
    demo.build_consultations(scale, rng)
    demo.build_questions_and_responses(scale, rng)
    made = demo.build_moderation(scale, rng)
    assert made["responses published"] > made["responses published with redactions"] > 0
    assert made["responses not published"] > 0
    shown = 0
    for consultation in Consultation.objects.all():
        for response in moderation.published_responses(consultation).prefetch_related("answers__question"):
            for answer in response.answers.all():
                text = moderation.published_text(response, answer, str(answer.value))
                assert "I have a disability" not in text and "I care for my father" not in text
                shown += 1
    assert shown > 100


def test_the_queue_shows_questions_and_chosen_answers_in_the_page_language(
    client: Client, consultation, officer
) -> None:
    from django.utils import translation

    choice, free = Question.objects.filter(section__consultation=consultation).order_by("order")
    choice.text_cy = "Ydych chi'n cytuno?"
    choice.options = [{"value": "yes", "label": "Yes", "label_cy": "Ydw"}, {"value": "no", "label": "No"}]
    choice.save()
    free.text_cy = "Pam ydych chi'n dweud hynny?"
    free.save()
    _respond(consultation, "AAAA1111", "Ring me on 01632 960001 about the fees.")
    sign_in(client, officer)
    with translation.override("cy"):
        welsh = client.get(_queue(consultation)).content.decode()
    assert "Ydych chi&#x27;n cytuno?" in welsh and "Ydw" in welsh
    assert "Pam ydych chi&#x27;n dweud hynny?" in welsh
    assert "Do you agree?" not in welsh


def test_the_box_to_edit_is_labelled_with_its_question_in_the_page_language(
    client: Client, consultation, officer
) -> None:
    from django.utils import translation

    free = _free(consultation)
    free.text_cy = "Pam ydych chi'n dweud hynny?"
    free.save()
    response = _respond(consultation, "AAAA1111", "My son Tom was upset.")
    sign_in(client, officer)
    with translation.override("cy"):
        welsh = client.get(_decide_url(consultation, response)).content.decode()
    label = welsh.split(f'for="id_t_{free.code.hex}"', 1)[1].split("</label>", 1)[0]
    assert "Pam ydych chi&#x27;n dweud hynny?" in label
    assert free.text not in label
