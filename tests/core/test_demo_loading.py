from __future__ import annotations

import uuid

import pytest

from chorus.consultations.models import Answer, Response
from chorus.core.demo import column_update, ids_reserve, rows_load
from tests.factories import ConsultationFactory, QuestionFactory, ResponseFactory

pytestmark = pytest.mark.django_db


def test_loaded_rows_get_the_defaults_a_model_would_give_them() -> None:
    consultation = ConsultationFactory()
    ResponseFactory(consultation=consultation)  # keys continue after the rows already there

    ids = ids_reserve(Response, 2)
    made = rows_load(
        Response,
        ["id", "consultation", "reference", "channel"],
        [(ids[0], consultation.pk, "D00100001", "post"), (ids[1], consultation.pk, "D00100002", "online")],
    )

    assert made == 2
    first, second = Response.objects.filter(pk__in=ids).order_by("pk")
    assert (first.reference, first.channel, first.publish, first.name) == ("D00100001", "post", "no", "")
    assert first.code != second.code and isinstance(first.code, uuid.UUID)
    assert first.created_at is not None and first.equality_key is None


def test_answers_can_refer_to_reserved_keys_and_keep_their_json() -> None:
    consultation = ConsultationFactory()
    question = QuestionFactory(section__consultation=consultation)
    [key] = ids_reserve(Response, 1)
    rows_load(Response, ["id", "consultation", "reference"], [(key, consultation.pk, "D00200001")])

    rows_load(Answer, ["response", "question", "value"], [(key, question.pk, ["online", "court"])])

    assert Answer.objects.get(response_id=key).value == ["online", "court"]


def test_a_column_is_updated_row_by_row() -> None:
    responses = ResponseFactory.create_batch(3)
    keys = [uuid.uuid4(), uuid.uuid4()]

    column_update(Response, "equality_key", zip([r.pk for r in responses[:2]], keys, strict=True))

    stored = dict(Response.objects.values_list("pk", "equality_key"))
    assert [stored[r.pk] for r in responses] == [*keys, None]
