"""Core's hooks and registries: how lower apps tell higher ones, without importing them."""

from __future__ import annotations

import io
import random
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.consultations.models import Consultation, Question, Section
from chorus.core.hooks import TEXTS_RECEIVERS, TextsReceived, texts_received
from chorus.core.registry import DemoBuilder, Scale, demo_builders_in_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def received() -> Iterator[list[TextsReceived]]:
    heard: list[TextsReceived] = []
    TEXTS_RECEIVERS.append(heard.append)
    yield heard
    TEXTS_RECEIVERS.remove(heard.append)


def test_texts_received_are_sent_once_the_transaction_commits(
    received: list[TextsReceived], django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        with transaction.atomic():
            texts_received(source="page_feedback", ids=[7, 8], subject="service", target_id=3)
        assert received == []  # not while the transaction that stored them is open
    for callback in callbacks:
        callback()
    assert received == [TextsReceived(source="page_feedback", ids=(7, 8), subject="service", target_id=3)]


def test_texts_stored_in_a_transaction_that_rolls_back_are_never_sent(
    received: list[TextsReceived], django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            texts_received(source="exit_survey", ids=[1], subject="service", target_id=3)
            raise RuntimeError
        texts_received(source="exit_survey", ids=[], subject="service", target_id=3)
    assert received == []


def test_analysis_hears_of_texts_without_the_senders_importing_it() -> None:
    from chorus.analysis.apps import assign_to_live_analyses

    assert assign_to_live_analyses in TEXTS_RECEIVERS


def test_a_response_submitted_by_staff_is_announced_after_it_is_stored(
    officer_client: Client, team, received: list[TextsReceived], django_capture_on_commit_callbacks
) -> None:
    now = timezone.now()
    consultation = Consultation.objects.create(
        title="Court visits", summary="Tell us.", opens_at=now - timedelta(days=5), closes_at=now, team=team
    )
    section = Section.objects.create(consultation=consultation, title="Questions", order=1)
    question = Question.objects.create(section=section, kind="text", text="What happened?", order=1)
    with django_capture_on_commit_callbacks(execute=True):
        reply = officer_client.post(
            reverse("consultations:response_enter", args=[consultation.code]),
            {
                "channel": "email",
                "received_on": timezone.localdate().isoformat(),
                "respondent_type": "individual",
                "publish": "no",
                "submission_key": str(uuid.uuid4()),
                f"q_{question.code.hex}": "The usher was kind",
            },
        )
    assert reply.status_code == 302, reply.content.decode()[:2000]
    [texts] = received
    assert (texts.source, texts.subject, texts.target_id) == ("response", "consultation", consultation.pk)
    assert list(consultation.responses.values_list("pk", flat=True)) == list(texts.ids)


def _builder(name: str, *after: str) -> DemoBuilder:
    return DemoBuilder(name=name, after=after, build=lambda scale, rng: {})


def test_demo_builders_run_after_the_builders_they_name_and_otherwise_in_registration_order() -> None:
    builders = [
        _builder("moderation", "responses", "accounts"),
        _builder("responses", "consultations"),
        _builder("accounts"),
        _builder("consultations", "accounts"),
        _builder("feedback"),
    ]
    order = [b.name for b in demo_builders_in_order(builders)]
    assert order == ["accounts", "consultations", "responses", "moderation", "feedback"]


def test_demo_builders_that_wait_for_each_other_or_for_nothing_known_are_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="each wait for another"):
        demo_builders_in_order([_builder("a", "b"), _builder("b", "a")])
    with pytest.raises(ImproperlyConfigured, match="unknown ones: \\['nowhere'\\]"):
        demo_builders_in_order([_builder("a", "nowhere")])


def test_every_registered_demo_builder_comes_after_what_it_uses() -> None:
    order = [b.name for b in demo_builders_in_order()]
    assert order.index("accounts") < order.index("directory") < order.index("engagement")
    assert order.index("consultation-questions") < order.index("consultation-equality")
    assert order.index("service-feedback") < order.index("service-feedback-equality")


def test_the_equality_demo_answers_whoever_the_other_apps_choose() -> None:
    from chorus.equality.demo import demo_answers
    from chorus.equality.models import EqualityRecord
    from chorus.equality.services import sealed

    asked_for = [uuid.uuid4(), uuid.uuid4()]
    keys = demo_answers(random.Random(1), asked_for=asked_for)
    assert len(set(keys)) == 2
    for key, code in zip(keys, asked_for, strict=True):
        record = EqualityRecord.objects.get(key=sealed(key))
        assert record.asked_for == code and record.submitted


def test_serve_prints_the_sign_ins_that_the_accounts_demo_registers(settings) -> None:
    from chorus.accounts.demo import DEMO_PASSWORD
    from chorus.accounts.demo import build as build_accounts
    from chorus.core.management.commands.serve import Command

    settings.LOCAL = True
    build_accounts(Scale("tiny", 0, 0, 0, 0, 0, 0, 0, 0), random.Random(0))
    printed = io.StringIO()
    Command(stdout=printed)._announce("127.0.0.1", 8000, run_worker=False)
    assert "Demo sign-ins:" in printed.getvalue()
    assert f"admin@demo.chorus.test  password: {DEMO_PASSWORD}" in printed.getvalue()
