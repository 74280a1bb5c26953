"""Equality analysis: groups compared in aggregate with intervals; differences that are
real are called significant, noise is not, and small groups are never shown."""

from __future__ import annotations

import random
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from chorus.core.stats import mean_interval
from chorus.equality.models import EqualityRecord, EqualityRelease
from chorus.equality.services import sealed
from chorus.feedback.models import ExitSurveyResponse, Service
from chorus.insights.equality_analysis import OUTCOMES, analyse
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def service(team) -> Service:
    service = ServiceFactory(name="Apply for probate", slug="probate", team=team)
    rng = random.Random(4)
    records, responses = [], []
    # Older people are less satisfied; men and women alike; 4 people aged 16 to 24.
    plan = [
        ("65_74", 60, (1, 2, 3, 3, 4)),
        ("35_44", 80, (3, 4, 4, 5, 5)),
        ("45_54", 80, (3, 4, 4, 5, 5)),
        ("16_24", 4, (5,)),
    ]
    for age, n, scores in plan:
        for i in range(n):
            key = uuid.uuid4()
            records.append(
                EqualityRecord(
                    key=sealed(key),
                    asked_for=service.code,
                    submitted=True,
                    release=1,
                    age_band=age,
                    sex="female" if i % 2 else "male",
                )
            )
            responses.append(
                ExitSurveyResponse(
                    service=service,
                    satisfaction=rng.choice(scores),
                    equality_key=key,
                    submission_key=uuid.uuid4(),
                )
            )
    EqualityRecord.objects.bulk_create(records)
    EqualityRelease.objects.create(asked_for=service.code, number=1, records=len(records))
    ExitSurveyResponse.objects.bulk_create(responses)
    return service


def _outcomes(service: Service) -> dict:
    return OUTCOMES["satisfaction"][1](service)


def test_a_real_difference_is_significant_and_noise_is_not(service: Service) -> None:
    result = analyse(asked_for=service.code, outcomes=_outcomes(service), kind="mean", outcome="satisfaction")
    age = next(q for q in result.questions if str(q.heading) == "Age")
    older = next(g for g in age.groups if str(g.label) == "65 to 74")
    assert older.significant and older.direction == "lower" and older.low < older.value < older.high
    assert any("65 to 74 scored lower than others" in note for note in age.notes)
    sex = next(q for q in result.questions if str(q.heading) == "Sex")
    assert not any(g.significant for g in sex.groups)
    # The group's figures are those of its people's own answers, joined through the sealed key.
    scores = [
        float(r.satisfaction)
        for r in ExitSurveyResponse.objects.filter(service=service)
        if EqualityRecord.objects.get(key=sealed(r.equality_key)).age_band == "65_74"
    ]
    assert older.n == len(scores) == 60
    assert (older.value, older.low, older.high) == pytest.approx(mean_interval(scores))
    assert result.overall_n == 225  # 224 people, rounded to the nearest 5
    assert result.overall == pytest.approx(sum(OUTCOMES["satisfaction"][1](service).values()) / 224)


def test_small_groups_and_what_would_reveal_them_are_not_shown(service: Service) -> None:
    satisfied = {k: 1.0 if v >= 4 else 0.0 for k, v in _outcomes(service).items()}
    result = analyse(asked_for=service.code, outcomes=satisfied, kind="rate", outcome="satisfied")
    age = next(q for q in result.questions if str(q.heading) == "Age")
    young = next(g for g in age.groups if str(g.label) == "16 to 24")
    assert young.n is None and young.value is None and young.low is None
    shown = [g for g in age.groups if g.n is not None]
    # A hidden group never stands alone (empty groups count as hidden too), so it cannot be
    # worked out by subtracting the shown groups from those who answered.
    assert len([g for g in age.groups if g.n is None]) >= 2
    assert all(g.n >= 10 for g in shown)
    assert "16 to 24" in [str(label) for label in age.too_small]


def test_the_page_shows_aggregates_only(officer_client: Client, service: Service) -> None:
    page = officer_client.get(
        reverse("insights:equality"), {"subject": f"service:{service.code}", "outcome": "satisfaction"}
    )
    text = page.content.decode()
    assert page.status_code == 200 and "95% confidence interval" in text and "Too small to report" in text
    assert "65 to 74 scored lower than others" in text
    assert (
        "Choose a service or consultation from the list."
        in officer_client.get(reverse("insights:equality"), {"subject": "service:nope"}).content.decode()
    )
