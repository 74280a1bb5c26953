"""The differencing attack, played against every page that shows equality figures.

A member of staff reads a page, one person answers, and they read it again. Nothing about
that person may be read from the difference: not at once, not after the release job has
run, not a day later. Figures move only in releases of at least the suppression threshold
of new records, at most once a day, and counts are rounded. Viewers cannot open the pages.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone

from chorus.accounts.models import Role, User
from chorus.analysis.models import AnalysisRun, Item
from chorus.consultations.models import Response
from chorus.core.disclosure import threshold
from chorus.equality.models import EqualityRelease
from chorus.equality.services import equality_remove, equality_save, release_due
from chorus.feedback.models import ExitSurveyResponse
from tests.conftest import sign_in
from tests.factories import (
    AnalysisRunFactory,
    AnswerFactory,
    ConsultationFactory,
    ExitSurveyResponseFactory,
    ItemFactory,
    QuestionFactory,
    ResponseFactory,
    SectionFactory,
    ServiceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# Every answer one person can give differs from the crowd's, so a difference would show.
VICTIM = {
    "age_band": "85_over",
    "sex": "female",
    "ethnic_group": "other",
    "religion": "sikh",
    "disability": "yes_a_lot",
    "sexual_orientation": "bisexual",
    "marital_status": "widowed",
    "pregnancy": "yes",
    "caring": "50_plus",
}
CROWD = {"age_band": "35_44", "sex": "male", "ethnic_group": "white", "religion": "none"}


class Subject:
    """A consultation and a service, each with equality answers and outcomes."""

    def __init__(self, team: object) -> None:
        now = timezone.now()
        self.consultation = ConsultationFactory(
            title="Changes to court fees",
            summary="We propose to change some court fees.",
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=30),
            is_published=True,
            equality_monitoring=True,
        )
        section = SectionFactory(consultation=self.consultation, title="The proposal", order=1)
        self.question = QuestionFactory(
            section=section, kind="text", text="What do you think?", required=True
        )
        self.run = AnalysisRunFactory(
            title="Court fees",
            subject=AnalysisRun.Subject.CONSULTATION,
            consultation=self.consultation,
            status=AnalysisRun.Status.DONE,
            finished_at=now,
        )
        self.service = ServiceFactory(name="Apply for probate", slug="probate", equality_monitoring=True)
        self.made = 0

    def person(self, answers: dict[str, str], *, satisfaction: int, negative: bool) -> None:
        """One person answers the consultation and the exit survey, equality questions too."""
        self.made += 1
        key = uuid.uuid4()
        response = ResponseFactory(
            consultation=self.consultation, reference=f"REF{self.made:08d}", equality_key=key
        )
        answer = AnswerFactory(response=response, question=self.question, value="Fees are too high")
        ItemFactory(
            run=self.run,
            source=Item.Source.ANSWER,
            source_id=answer.pk,
            text="Fees are too high",
            redacted="Fees are too high",
            sentiment="negative" if negative else "positive",
        )
        equality_save(key=key, asked_for=self.consultation.code, answers=answers, submitted=True)
        exit_key = uuid.uuid4()
        ExitSurveyResponseFactory(
            service=self.service,
            satisfaction=satisfaction,
            equality_key=exit_key,
            submission_key=uuid.uuid4(),
        )
        equality_save(key=exit_key, asked_for=self.service.code, answers=answers, submitted=True)


def _pages(subject: Subject) -> dict[str, str]:
    """Every page that shows equality figures, by URL name (with its query)."""
    analysis = reverse("insights:equality")
    service = f"{analysis}?subject=service:{subject.service.code}"
    consultation = f"{analysis}?subject=consultation:{subject.consultation.code}"
    return {
        "consultations:consultation_equality": reverse(
            "consultations:consultation_equality", args=[subject.consultation.code]
        ),
        "feedback:service_equality": reverse("feedback:service_equality", args=[subject.service.code]),
        "insights:equality satisfaction": f"{service}&outcome=satisfaction",
        "insights:equality satisfied": f"{service}&outcome=satisfied",
        "insights:equality negative": f"{consultation}&outcome=negative",
        # Equity of reach: the organisation's equality rows, summed over releases.
        "insights:equity": reverse("insights:equity"),
    }


# Every URL that shows equality figures must be in _pages (or be a public page of the
# journey or the deletion link): a new page, export or API with figures fails here.
# A project's equity page holds no equality rows (insights/equity.py: the organisation only).
NOT_FIGURES = {
    "consultations:respond_equality",
    "feedback:exit_equality",
    "equality:remove",
    "insights:equity_project",
}
ATTACKED = {
    "consultations:consultation_equality",
    "feedback:service_equality",
    "insights:equality",
    "insights:equity",
}


def test_every_url_that_shows_equality_figures_is_attacked_here() -> None:
    names: set[str] = set()

    def walk(resolver: object, prefix: str) -> None:
        for pattern in resolver.url_patterns:  # type: ignore[attr-defined]
            if hasattr(pattern, "url_patterns"):
                walk(pattern, f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix)
            elif pattern.name:
                names.add(prefix + pattern.name)

    walk(get_resolver(), "")
    equality = {name for name in names if "equality" in name or "equity" in name}
    assert equality - NOT_FIGURES == ATTACKED


def _normalised(body: bytes) -> str:
    """The page without what changes on every request (CSRF tokens, CSP nonces)."""
    text = body.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    return re.sub(r'nonce="[^"]+"', "", text)


def _read_all(clients: dict[str, Client], pages: dict[str, str]) -> dict[tuple[str, str], str]:
    read = {}
    for role, client in clients.items():
        for name, url in pages.items():
            got = client.get(url)
            assert got.status_code == 200, (role, name)
            read[(role, name)] = _normalised(got.content)
    return read


@pytest.fixture
def staff(team: object) -> dict[str, Client]:
    users: dict[str, User] = {
        "administrator": UserFactory(role=Role.ADMINISTRATOR, email="a@example.gov.uk"),
        "officer": UserFactory(role=Role.ENGAGEMENT_OFFICER, email="o@example.gov.uk", teams=[team]),
        "analyst": UserFactory(role=Role.ANALYST, email="n@example.gov.uk", teams=[team]),
    }
    return {role: sign_in(Client(), user) for role, user in users.items()}


@pytest.mark.slow
def test_one_new_record_changes_nothing_any_role_can_read(team: object, staff: dict[str, Client]) -> None:
    subject = Subject(team)
    start = timezone.now()
    for i in range(60):
        subject.person(CROWD, satisfaction=2 + i % 4, negative=i % 3 == 0)
    assert release_due(now=start) == 2  # the consultation and the service
    pages = _pages(subject)
    assert {name.split(" ")[0] for name in pages} == ATTACKED
    before = _read_all(staff, pages)
    assert "Too small to report" in before[("officer", "insights:equality satisfaction")]
    assert "<table" in before[("officer", "consultations:consultation_equality")]

    subject.person(VICTIM, satisfaction=5, negative=False)
    moments: list[Callable[[], object]] = [
        lambda: None,  # at once
        lambda: release_due(now=start + timedelta(hours=1)),  # the job runs within the hour
        lambda: release_due(now=start + timedelta(days=2)),  # and days later
    ]
    for moment in moments:
        moment()
        assert _read_all(staff, pages) == before

    # Figures move only when the threshold of new people have answered, in one step.
    for _i in range(threshold() - 2):
        subject.person(CROWD, satisfaction=3, negative=True)
    release_due(now=start + timedelta(days=3))
    assert _read_all(staff, pages) == before
    subject.person(CROWD, satisfaction=3, negative=True)
    release_due(now=start + timedelta(days=3))
    after = _read_all(staff, pages)
    assert after != before
    latest = EqualityRelease.objects.filter(asked_for=subject.consultation.code).order_by("-number").first()
    assert latest is not None and latest.records >= threshold()


def test_changed_or_deleted_answers_and_corrected_outcomes_show_only_at_the_next_release(
    team: object, staff: dict[str, Client]
) -> None:
    subject = Subject(team)
    start = timezone.now()
    for i in range(40):
        subject.person(CROWD, satisfaction=2 + i % 4, negative=i % 2 == 0)
    subject.person(VICTIM, satisfaction=5, negative=False)
    release_due(now=start)
    pages = _pages(subject)
    before = _read_all(staff, pages)
    victim = Response.objects.order_by("-pk").first()
    assert victim is not None and victim.equality_key is not None
    # An analyst corrects the sentiment of the victim's answer; the person changes, then
    # withdraws, their answers; another respondent withdraws theirs.
    Item.objects.filter(source_id__in=victim.answers.values("pk")).update(sentiment="negative")
    ExitSurveyResponse.objects.filter(pk=ExitSurveyResponse.objects.order_by("-pk").first().pk).update(
        satisfaction=1
    )
    assert _read_all(staff, pages) == before
    equality_save(key=victim.equality_key, asked_for=subject.consultation.code, answers=CROWD, submitted=True)
    assert _read_all(staff, pages) == before
    equality_remove(victim.equality_key)
    equality_remove(Response.objects.order_by("pk").first().equality_key)
    release_due(now=start + timedelta(days=2))
    assert _read_all(staff, pages) == before


def test_releases_come_at_most_once_a_day_however_many_answer(team: object) -> None:
    subject = Subject(team)
    start = timezone.now()
    for _i in range(threshold()):
        subject.person(CROWD, satisfaction=3, negative=False)
    assert release_due(now=start) == 2
    for _i in range(3 * threshold()):
        subject.person(CROWD, satisfaction=3, negative=False)
    assert release_due(now=start + timedelta(hours=23)) == 0
    assert release_due(now=start + timedelta(hours=24)) == 2
    assert all(r.records >= threshold() for r in EqualityRelease.objects.all())


def test_a_release_that_would_hold_fewer_than_the_threshold_waits(team: object) -> None:
    subject = Subject(team)
    for _i in range(threshold() - 1):
        subject.person(CROWD, satisfaction=3, negative=False)
    assert release_due() == 0 and not EqualityRelease.objects.exists()


def test_viewers_cannot_open_equality_figures(team: object, viewer: User) -> None:
    subject = Subject(team)
    client = sign_in(Client(), viewer)
    for name, url in _pages(subject).items():
        if name == "insights:equity":
            # The equity page is theirs too, for where people live, without equality rows.
            page = client.get(url)
            assert page.status_code == 200 and 'id="dimension-sex"' not in page.content.decode()
            continue
        assert client.get(url).status_code == 403, name
    detail = client.get(reverse("consultations:consultation_detail", args=[subject.consultation.code]))
    assert reverse("consultations:consultation_equality", args=[subject.consultation.code]) not in (
        detail.content.decode()
    )
