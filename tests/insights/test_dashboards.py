"""The service excellence dashboard: services side by side, this period against the last,
filters in the URL, a CSV of the same table, small groups left out, per-team access."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.feedback.models import ExitSurveyResponse, PageFeedback, Service
from tests.factories import (
    AnswerFactory,
    ConsultationFactory,
    QuestionFactory,
    ResponseFactory,
    SectionFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def services(team, other_team) -> tuple[Service, Service]:
    now = timezone.now()
    probate = ServiceFactory(name="Apply for probate", slug="probate", team=team)
    secret = ServiceFactory(name="Other team's service", slug="secret", team=other_team)
    rows = [
        PageFeedback(
            service=probate, kind="useful", page="https://x.gov.uk/a", created_at=now - timedelta(days=1)
        )
        for _ in range(30)
    ]
    rows += [
        PageFeedback(
            service=probate, kind="problem", page="https://x.gov.uk/a", created_at=now - timedelta(days=2)
        )
        for _ in range(10)
    ]
    rows += [
        PageFeedback(
            service=probate, kind="useful", page="https://x.gov.uk/a", created_at=now - timedelta(days=40)
        )
        for _ in range(20)
    ]
    PageFeedback.objects.bulk_create(rows)
    ExitSurveyResponse.objects.bulk_create(
        [
            ExitSurveyResponse(
                service=probate, satisfaction=4, effort=3, needed_help=i < 3, submission_key=uuid.uuid4()
            )
            for i in range(12)
        ]
    )
    return probate, secret


def test_services_side_by_side_with_the_change(officer_client: Client, services) -> None:
    page = officer_client.get(reverse("insights:services_dashboard"), {"days": 30}).content.decode()
    assert "Apply for probate" in page and "Other team" not in page
    assert "+20" in page  # 40 this period against 20 in the one before
    assert "25%" in page  # 10 of 40 negative


def test_the_csv_matches_the_filters(officer_client: Client, services) -> None:
    probate, _secret = services
    reply = officer_client.get(
        reverse("insights:services_dashboard"), {"days": 7, "service": str(probate.code), "format": "csv"}
    )
    rows = list(csv.DictReader(io.StringIO(b"".join(reply.streaming_content).decode())))
    assert [r["service"] for r in rows] == ["Apply for probate"]
    assert rows[0]["feedback"] == "40" and rows[0]["feedback_previous_period"] == "0"
    assert rows[0]["mean_satisfaction"] == "4.0" and rows[0]["needed_help_share"] == "0.25"


def test_small_numbers_of_answers_give_no_means(officer_client: Client, team) -> None:
    tiny = ServiceFactory(name="Tiny", slug="tiny", team=team)
    ExitSurveyResponse.objects.bulk_create(
        [ExitSurveyResponse(service=tiny, satisfaction=1, submission_key=uuid.uuid4()) for _ in range(3)]
    )
    reply = officer_client.get(reverse("insights:services_dashboard"), {"format": "csv"})
    row = next(csv.DictReader(io.StringIO(b"".join(reply.streaming_content).decode())))
    assert row["service"] == "Tiny" and row["mean_satisfaction"] == "" and row["needed_help_share"] == ""


def test_a_consultation_dashboard_shows_weeks_channels_types_and_closed_answers(
    officer_client: Client, team
) -> None:

    now = timezone.now()
    consultation = ConsultationFactory(
        title="Court hours",
        summary="s",
        opens_at=now - timedelta(days=30),
        closes_at=now + timedelta(days=30),
        team=team,
    )
    section = SectionFactory(consultation=consultation, title="Q", order=1)
    question = QuestionFactory(
        section=section,
        kind="single",
        text="Do you agree?",
        order=1,
        options=[{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}],
    )
    for i in range(12):
        response = ResponseFactory(
            consultation=consultation,
            reference=f"R{i:05d}",
            channel="post" if i < 4 else "online",
            submitted_at=now - timedelta(days=(i % 3) * 7),
        )
        AnswerFactory(response=response, question=question, value="yes" if i % 2 else "no")
    url = reverse("insights:consultations_dashboard")
    page = officer_client.get(url, {"consultation": str(consultation.code)}).content.decode()
    assert "12 responses" in page and "Responses each week, by channel" in page and "Do you agree?" in page
    rows = list(
        csv.DictReader(
            io.StringIO(
                b"".join(
                    officer_client.get(
                        url, {"consultation": str(consultation.code), "format": "csv"}
                    ).streaming_content
                ).decode()
            )
        )
    )
    assert sum(int(r["all"]) for r in rows) == 12 and sum(int(r["post"]) for r in rows) == 4
    assert (
        "Choose a consultation from the list."
        in officer_client.get(url, {"consultation": "nope"}).content.decode()
    )


def test_the_service_dashboard_shows_case_figures_beside_feedback(
    officer_client: Client, officer, team, other_team, services
) -> None:
    from chorus.cases.models import Case, Kind
    from chorus.directory.models import AdjustmentsRecord
    from tests.cases.conftest import open_case
    from tests.factories import make_person

    today = timezone.localdate()

    def case(kind: str, service: str, days_ago: int, team=team) -> None:
        made = open_case(team=team, kind=kind, service=service)
        Case.objects.filter(pk=made.pk).update(received_on=today - timedelta(days=days_ago))

    case(Kind.COMPLAINT, "Apply for probate", 1)
    case(Kind.COMPLAINT, "apply for probate ", 3)  # as a person typed it
    case(Kind.COMPLAINT, "Apply for probate", 40)  # the period before
    case(Kind.COMPLIMENT, "Apply for probate", 2)
    case(Kind.ENQUIRY, "Apply for probate", 2)  # neither
    case(Kind.COMPLAINT, "Apply for probate", 2, team=other_team)  # not theirs to see
    case(Kind.COMPLIMENT, "Something else", 5)
    now = make_person(first_name="Ada", last_name="Now")
    AdjustmentsRecord.objects.create(person=now, recorded_via="staff")
    then = make_person(first_name="Bo", last_name="Then")
    AdjustmentsRecord.objects.create(
        person=then, recorded_via="staff", created_at=timezone.now() - timedelta(days=45)
    )

    reply = officer_client.get(reverse("insights:services_dashboard"), {"days": 30, "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(b"".join(reply.streaming_content).decode())))
    probate = next(r for r in rows if r["service"] == "Apply for probate")
    assert (probate["complaints"], probate["complaints_previous_period"]) == ("2", "1")
    assert (probate["compliments"], probate["compliments_previous_period"]) == ("1", "0")

    page = officer_client.get(reverse("insights:services_dashboard"), {"days": 30}).content.decode()
    assert "Cases and reasonable adjustments" in page
    figures = page[page.index("Cases and reasonable adjustments") :]
    assert "Complaints received</th>" in figures and "Reasonable adjustments requested</th>" in figures

    from chorus.insights.dashboards import case_figures

    got = {str(f.label): (f.current, f.previous) for f in case_figures(officer, 30)}
    assert got == {
        "Complaints received": (2, 1),
        "Compliments received": (2, 0),
        "Reasonable adjustments requested": (1, 1),
    }


def test_a_service_code_that_is_not_one_is_ignored_not_a_server_error(officer_client: Client) -> None:
    reply = officer_client.get(reverse("insights:services_dashboard"), {"service": "x" * 36})
    assert reply.status_code == 200
