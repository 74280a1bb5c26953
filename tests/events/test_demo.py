"""The demo gives a few public events registrations, a waiting list and adjustments, and a
past one its attendance and evaluation answers."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from chorus.core.registry import SCALES
from chorus.engagement.models import Attendance
from chorus.events.demo import PLACES, build
from chorus.events.evaluation import evaluation_results
from chorus.events.models import Evaluation, Registration
from tests.factories import ActivityFactory, make_person

pytestmark = pytest.mark.django_db


def test_the_demo_registers_people_for_upcoming_events_and_evaluates_a_past_one() -> None:
    upcoming = ActivityFactory(is_public=True, starts_at=timezone.now() + timedelta(days=10))
    past = ActivityFactory(is_public=True, starts_at=timezone.now() - timedelta(days=10))
    for n in range(15):
        make_person(first_name="Demo", last_name=f"Person {n}", emails=[f"demo{n}@example.org"])
    summary = build(SCALES["small"], random.Random(3))
    assert summary["events open for registration"] == 1
    assert Registration.objects.filter(activity=upcoming, status="confirmed").count() == PLACES
    assert Registration.objects.filter(activity=upcoming, status="waiting").count() == 3
    assert Attendance.objects.filter(activity=past, attended=True).count() == PLACES
    assert Evaluation.objects.filter(activity=past).count() == PLACES
    assert evaluation_results([past]).asked == PLACES
