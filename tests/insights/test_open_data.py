"""The open-data catalogue: preview, a deliberate recorded publish, and the public
downloads (CSV with CSVW, JSON, DCAT) and API, with small numbers suppressed."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.core.models import AuditEntry
from chorus.feedback.models import PageFeedback, Service
from chorus.insights.models import Dataset, DatasetVersion
from tests.factories import (
    AnalysisRunFactory,
    AnswerFactory,
    ConsultationFactory,
    QuestionFactory,
    ResponseFactory,
    SectionFactory,
    ServiceFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def feedback() -> Service:
    service = ServiceFactory(name="Apply for probate", slug="probate")
    now = timezone.now()
    rows = [
        PageFeedback(service=service, kind="useful", page="https://example.gov.uk/a", created_at=now)
        for _ in range(40)
    ]
    rows += [
        PageFeedback(service=service, kind="problem", page="https://example.gov.uk/a", created_at=now)
        for _ in range(12)
    ]
    small = ServiceFactory(name="Tiny service", slug="tiny")
    rows += [
        PageFeedback(service=small, kind="useful", page="https://example.gov.uk/b", created_at=now)
        for _ in range(3)
    ]
    PageFeedback.objects.bulk_create(rows)
    return service


def _publish(client: Client, slug: str) -> None:
    client.get(reverse("insights:staff_datasets"))
    page = client.post(reverse("insights:staff_dataset", args=[slug]), {"confirm": "yes"})
    assert page.status_code == 302


def test_publishing_is_a_deliberate_recorded_step(officer_client: Client, officer, feedback) -> None:
    officer_client.get(reverse("insights:staff_datasets"))
    preview = officer_client.get(reverse("insights:staff_dataset", args=["service-feedback"]))
    assert "Apply for probate" in preview.content.decode()
    assert Client().get("/data/service-feedback/").status_code == 404
    officer_client.post(reverse("insights:staff_dataset", args=["service-feedback"]))
    assert not DatasetVersion.objects.exists()
    _publish(officer_client, "service-feedback")
    version = DatasetVersion.objects.get()
    assert version.published_by == officer and version.number == 1
    assert AuditEntry.objects.filter(detail__published_version=1).exists()


def test_the_public_downloads_suppress_small_numbers(officer_client: Client, feedback) -> None:
    _publish(officer_client, "service-feedback")
    public = Client()
    page = public.get("/data/service-feedback/")
    assert page.status_code == 200 and "Open Government Licence" in page.content.decode()
    rows = list(csv.DictReader(io.StringIO(public.get("/data/service-feedback.csv").content.decode())))
    by_service = {r["service"]: r for r in rows}
    assert by_service["Apply for probate"]["feedback"] == "52"
    assert by_service["Apply for probate"]["not_useful_percent"] == "23.1"
    assert by_service["Tiny service"]["feedback"] == ""  # 3 is below 10
    for row in rows:
        for value in (row["feedback"],):
            assert value == "" or int(value) >= 10
    metadata = public.get("/data/service-feedback.csv-metadata.json").json()
    assert metadata["@context"] == "http://www.w3.org/ns/csvw"
    assert [c["name"] for c in metadata["tableSchema"]["columns"]] == list(rows[0])
    data = public.get("/data/service-feedback.json").json()
    assert data["suppressed_below"] == 10 and any(r["feedback"] is None for r in data["rows"])
    catalogue = public.get("/data/catalog.jsonld").json()
    assert catalogue["@type"] == "dcat:Catalog"
    assert [d["dct:identifier"] for d in catalogue["dcat:dataset"]] == ["service-feedback"]


def test_the_api_lists_and_serves_published_data_and_is_rate_limited(
    officer_client: Client, feedback, settings
) -> None:
    _publish(officer_client, "service-feedback")
    public = Client()
    listed = public.get("/api/data/v1/datasets").json()["datasets"]
    assert [d["dataset"] for d in listed] == ["service-feedback"]
    assert public.get("/api/data/v1/datasets/service-feedback").json()["version"] == 1
    missing = public.get("/api/data/v1/datasets/engagement-by-quarter")
    assert missing.status_code == 404 and "GET /api/data/v1/datasets lists them" in missing.json()["error"]
    spec = public.get("/api/data/v1/openapi.json").json()
    assert "/api/data/v1/datasets/{slug}" in spec["paths"]
    from chorus.insights import views

    views.API_LIMIT, old = 2, views.API_LIMIT
    try:
        codes = [public.get("/api/data/v1/datasets").status_code for _ in range(3)]
    finally:
        views.API_LIMIT = old
    assert codes[-1] == 429


@pytest.mark.slow
def test_every_catalogue_dataset_builds(officer_client: Client) -> None:
    from django.core.management import call_command

    from chorus.core.management.commands.demo import Command  # noqa: F401  (the demo builders register)

    call_command("demo", scale="small")
    # The demo's analyses wait for the task worker; stand in for one finished analysis.
    from chorus.analysis.models import AnalysisRun

    run = AnalysisRun.objects.get(subject="question")
    run.status, run.item_count, run.finished_at = AnalysisRun.Status.DONE, 120, timezone.now()
    run.save()
    ThemeFactory(run=run, key=1, level="broad", label="Waiting times", counted=40)
    officer_client.get(reverse("insights:staff_datasets"))
    assert Dataset.objects.count() == 5
    for dataset in Dataset.objects.all():
        _publish(officer_client, dataset.slug)
        version = dataset.latest
        assert version is not None and version.rows, dataset.slug
        assert Client().get(f"/data/{dataset.slug}.csv").status_code == 200


def test_viewers_cannot_publish(client: Client, viewer) -> None:
    from tests.conftest import sign_in

    staff = sign_in(client, viewer)
    staff.get(reverse("insights:staff_datasets"))
    assert (
        staff.post(
            reverse("insights:staff_dataset", args=["service-feedback"]), {"confirm": "yes"}
        ).status_code
        == 403
    )
    assert not DatasetVersion.objects.exists()


def test_closed_question_results_suppress_small_answers_and_their_neighbours() -> None:
    from datetime import timedelta

    from chorus.insights.datasets import closed_questions

    now = timezone.now()
    public = ConsultationFactory(
        title="Court hours", opens_at=now - timedelta(days=9), closes_at=now, is_published=True
    )
    ConsultationFactory(title="Draft")  # never published: not in the dataset
    section = SectionFactory(consultation=public, title="Q", order=1)
    agree = QuestionFactory(section=section, kind="yes_no", text="Do you agree?", order=1)
    used = QuestionFactory(
        section=section,
        kind="multiple",
        text="Which have you used?",
        order=2,
        options=[{"value": v, "label": v.title()} for v in ("online", "phone", "court")],
    )
    for i in range(40):
        response = ResponseFactory(consultation=public, reference=f"C{i:05d}", submitted_at=now)
        AnswerFactory(response=response, question=agree, value="yes" if i < 36 else "no")
        AnswerFactory(response=response, question=used, value=["online", "court"] if i < 35 else ["phone"])
    built = closed_questions()
    rows = {(r[2], r[3]): r[4:] for r in built.rows}
    assert {r[0] for r in built.rows} == {"Court hours"}
    # Yes 36, No 4: "No" is small, and "Yes" would give it away from the total.
    assert rows[("Do you agree?", "Yes")] == [None, None, 40]
    assert rows[("Do you agree?", "No")] == [None, None, 40]
    # Online 35 of 40: the 5 who did not choose it are too few, so it is hidden.
    assert rows[("Which have you used?", "Online")] == [None, None, 40]
    assert rows[("Which have you used?", "Phone")] == [None, None, 40]
    assert rows[("Which have you used?", "Court")] == [None, None, 40]
    assert built.suppressed == 5


def test_theme_shares_publish_the_latest_analysis_of_public_consultations() -> None:
    from datetime import timedelta

    from chorus.insights.datasets import theme_shares

    now = timezone.now()
    public = ConsultationFactory(
        title="Court hours", opens_at=now - timedelta(days=9), closes_at=now, is_published=True
    )
    old = AnalysisRunFactory(
        title="First look",
        subject="consultation",
        consultation=public,
        status="done",
        item_count=50,
        finished_at=now - timedelta(days=2),
    )
    ThemeFactory(run=old, key=1, level="broad", label="Old theme", counted=30)
    run = AnalysisRunFactory(
        title="Final",
        subject="consultation",
        consultation=public,
        status="done",
        item_count=200,
        finished_at=now,
    )
    ThemeFactory(run=run, key=1, level="broad", label="Waiting times", description="Delays", counted=80)
    ThemeFactory(run=run, key=2, level="broad", label="Rare worry", counted=4)
    ThemeFactory(run=run, key=3, level="fine", label="Fine detail", counted=50)
    built = theme_shares()
    assert [r[2:] for r in built.rows] == [
        ["Waiting times", "Delays", 80, 40.0, 200],
        ["Rare worry", "", None, None, 200],
    ]
    assert built.suppressed == 1
