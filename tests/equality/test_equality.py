from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib import admin as django_admin
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from chorus.consultations.models import Consultation, Question, Response, ResponseDraft
from chorus.core.disclosure import suppress
from chorus.equality.models import EqualityRecord
from chorus.equality.questions import QUESTIONS
from chorus.equality.routers import EqualityRouter
from chorus.equality.services import equality_counts, equality_save, release_due, sealed, unsubmitted_remove
from tests.conftest import sign_in
from tests.core.export_helpers import exported
from tests.factories import ConsultationFactory, QuestionFactory, SectionFactory


def test_every_question_has_a_column_and_prefer_not_to_say() -> None:
    columns = {f.name for f in EqualityRecord._meta.get_fields()}
    for question in QUESTIONS:
        assert question.name in columns
        assert "prefer_not" in dict(question.choices)


def test_small_cells_are_suppressed_and_one_small_cell_takes_another_with_it() -> None:
    cells, total = suppress({"a": 40, "b": 3, "c": 25}, below=10)
    assert total == 68
    assert [c.count for c in cells] == [40, None, None]  # c hidden too, or b = 68 - 40 - 25
    cells, total = suppress({"a": 4, "b": 5}, below=10)
    assert total is None and all(c.suppressed for c in cells)
    cells, total = suppress({"a": 12, "b": 0, "c": 2}, below=10)
    assert [c.count for c in cells] == [12, None, None]


@given(st.dictionaries(st.sampled_from("abcdefgh"), st.integers(min_value=0, max_value=60), min_size=1))
def test_no_suppressed_cell_can_be_worked_out_from_the_table(counts: dict[str, int]) -> None:
    cells, total = suppress(counts, below=10)
    shown = [c.count for c in cells if c.count is not None]
    assert all(count >= 10 for count in shown)
    hidden = [c for c in cells if c.suppressed]
    if total is not None and hidden:
        # The total minus what is shown is the sum of at least two hidden cells.
        assert len(hidden) >= 2
    if total is None:
        assert not shown


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
@override_settings(DATABASES={**settings.DATABASES, "equality": {"ENGINE": "django.db.backends.sqlite3"}})
def test_a_configured_equality_database_holds_that_table_and_nothing_else() -> None:
    router = EqualityRouter()
    assert router.db_for_read(EqualityRecord) == "equality"
    assert router.db_for_write(EqualityRecord) == "equality"
    assert router.db_for_read(Response) is None
    assert router.allow_migrate("equality", "equality") is True
    assert router.allow_migrate("default", "equality") is False
    assert router.allow_migrate("equality", "consultations") is False
    assert router.allow_migrate("default", "consultations") is True


def test_without_one_everything_shares_the_default_database() -> None:
    router = EqualityRouter()
    assert router.db_for_read(EqualityRecord) is None
    assert router.allow_migrate("default", "equality") is None


@pytest.fixture
def consultation(db) -> Consultation:
    now = timezone.now()
    consultation = ConsultationFactory(
        title="Changes to court fees",
        summary="We propose to change some court fees.",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
        is_published=True,
        equality_monitoring=True,
    )
    section = SectionFactory(consultation=consultation, title="The proposal", order=1)
    QuestionFactory(section=section, kind="text", text="What do you think?", required=True)
    return consultation


def _answer_questions(client: Client, consultation: Consultation) -> None:
    client.post(reverse("consultations:respond_start", args=[consultation.code]))
    client.post(
        reverse("consultations:respond_about", args=[consultation.code]),
        {"respondent_type": "individual", "email": "alys@example.org", "publish": "no"},
    )
    ResponseDraft.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    question = Question.objects.get(section__consultation=consultation)
    after = client.post(
        reverse("consultations:respond_section", args=[consultation.code, 1]),
        {f"q_{question.code.hex}": "Fees are too high"},
    )
    assert after.url == reverse("consultations:respond_equality", args=[consultation.code])


EQUALITY = {"age_band": "35_44", "ethnic_group": "mixed", "religion": "sikh", "caring": "20_34"}


def test_equality_answers_are_stored_apart_and_linked_only_through_a_secret(
    client: Client, consultation, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    _answer_questions(client, consultation)
    page = client.get(reverse("consultations:respond_equality", args=[consultation.code])).content.decode()
    assert "Prefer not to say" in page and "I do not want to answer these questions" in page
    bad = client.post(reverse("consultations:respond_equality", args=[consultation.code]), {"sex": "robot"})
    assert "Select one of the options, or leave the question blank" in bad.content.decode()
    assert not EqualityRecord.objects.exists()
    client.post(reverse("consultations:respond_equality", args=[consultation.code]), EQUALITY)
    check = client.get(reverse("consultations:respond_check", args=[consultation.code])).content.decode()
    assert "Answered (kept apart from your response)" in check
    assert "Sikh" not in check  # the check page says answered, not what
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("consultations:respond_check", args=[consultation.code]))
    response = Response.objects.get()
    record = EqualityRecord.objects.get()
    # The table holds a keyed hash of the response's key: no join without the secret.
    assert record.submitted and record.key == sealed(response.equality_key)
    assert record.key != response.equality_key
    with override_settings(CHORUS_EQUALITY_SECRET="another secret held elsewhere"):
        assert sealed(response.equality_key) != record.key
    assert record.asked_for == consultation.code
    assert (record.age_band, record.ethnic_group, record.sex) == ("35_44", "mixed", "")
    assert not any(f.is_relation for f in EqualityRecord._meta.get_fields())
    remove = reverse("equality:remove", args=[response.equality_key])
    assert (
        remove in client.get(reverse("consultations:respond_done", args=[consultation.code])).content.decode()
    )
    assert remove in mailoutbox[0].body
    # Anyone holding the link deletes them; the response is untouched.
    Client().post(remove)
    assert not EqualityRecord.objects.exists()
    assert Response.objects.filter(pk=response.pk).exists()


def test_declining_deletes_answers_already_given(client: Client, consultation) -> None:
    _answer_questions(client, consultation)
    url = reverse("consultations:respond_equality", args=[consultation.code])
    client.post(url, EQUALITY)
    assert EqualityRecord.objects.count() == 1
    client.post(url, {"decline": "yes"})
    assert not EqualityRecord.objects.exists()
    client.post(reverse("consultations:respond_check", args=[consultation.code]))
    assert Response.objects.get().equality_key is None


def _records(consultation: Consultation, n: int, **answers: str) -> None:
    for _i in range(n):
        equality_save(key=uuid.uuid4(), asked_for=consultation.code, answers=answers, submitted=True)


def test_counts_are_aggregates_with_small_numbers_hidden(consultation) -> None:
    _records(consultation, 1, ethnic_group="mixed")
    release_due()
    people, _tables = equality_counts(consultation.code)
    assert people is None
    _records(consultation, 14, ethnic_group="white")
    _records(consultation, 11, ethnic_group="asian")
    _records(consultation, 5, ethnic_group="")  # answered nothing on that question
    equality_save(key=uuid.uuid4(), asked_for=consultation.code, answers={"ethnic_group": "black"})  # a draft
    assert equality_counts(consultation.code)[0] is None  # nothing released yet
    release_due()
    people, tables = equality_counts(consultation.code)
    assert people == 30  # 31, rounded to the nearest 5
    ethnic = next(t for t in tables if t.heading == "Ethnic group")
    shown = {str(label): cell.count for label, cell in ethnic.rows}
    assert shown["White"] == 15  # 14
    assert shown["Mixed or multiple ethnic groups"] is None
    assert shown["Black, Black British, Black Welsh, Caribbean or African"] is None
    assert ethnic.answered == 25  # 26
    with override_settings(CHORUS_EQUALITY_ROUND_TO=1):
        assert equality_counts(consultation.code)[0] == 31


def test_no_staff_page_or_export_shows_one_persons_answers(
    client: Client, consultation, admin, django_capture_on_commit_callbacks
) -> None:
    _answer_questions(client, consultation)
    client.post(reverse("consultations:respond_equality", args=[consultation.code]), EQUALITY)
    client.post(reverse("consultations:respond_check", args=[consultation.code]))
    response = Response.objects.get()
    key = str(response.equality_key)
    staff = Client()
    sign_in(staff, admin)
    pages = [
        reverse("consultations:consultation_detail", args=[consultation.code]),
        reverse("consultations:response_list", args=[consultation.code]),
        reverse("consultations:response_export", args=[consultation.code, "csv"]),
        reverse("consultations:response_export", args=[consultation.code, "xlsx"]),
        reverse("consultations:consultation_equality", args=[consultation.code]),
        reverse("core:audit_log"),
        "/django-admin/",
    ]
    for url in pages:
        got = exported(staff, url)  # an export: through the page that prepares it, to the file
        assert got.status_code == 200, url
        body = b"".join(got.streaming_content) if got.streaming else got.content
        assert key.encode() not in body and key.replace("-", "").encode() not in body, url
        for question in QUESTIONS:
            if url.endswith("/equality/"):
                continue  # the counts page names the questions, and shows no counts for one person
            assert str(question.label).encode() not in body, url
    counts = staff.get(
        reverse("consultations:consultation_equality", args=[consultation.code])
    ).content.decode()
    assert "Fewer than 10 people\u2019s answers have been added" in counts
    assert "<table" not in counts
    assert EqualityRecord not in django_admin.site._registry


def test_answers_to_drafts_never_sent_are_deleted_after_a_month(consultation) -> None:
    equality_save(key=uuid.uuid4(), asked_for=consultation.code, answers={"sex": "female"})
    EqualityRecord.objects.update(recorded_on=timezone.localdate() - timedelta(days=40))
    _records(consultation, 1, sex="male")
    EqualityRecord.objects.filter(sex="male").update(recorded_on=timezone.localdate() - timedelta(days=40))
    assert unsubmitted_remove() == 1
    assert list(EqualityRecord.objects.values_list("sex", flat=True)) == ["male"]
