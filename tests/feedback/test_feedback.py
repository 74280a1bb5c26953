from __future__ import annotations

import json
import re
import time
import uuid
from pathlib import Path

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from chorus.core.models import AuditEntry
from chorus.equality.models import EqualityRecord
from chorus.equality.services import sealed
from chorus.feedback import public
from chorus.feedback.models import ExitSurveyResponse, PageFeedback, Service
from tests.conftest import sign_in
from tests.core.export_helpers import exported_bytes
from tests.factories import ExitSurveyResponseFactory, ServiceFactory

pytestmark = pytest.mark.django_db

API = "/api/feedback/v1/feedback"
ORIGIN = "https://apply-for-probate.example.gov.uk"


@pytest.fixture
def service(team) -> Service:
    return ServiceFactory(
        name="Apply for probate",
        name_cy="Gwneud cais am brofiant",
        slug="apply-for-probate",
        allowed_origins=ORIGIN,
        team=team,
    )


def _post(client: Client, body: object, origin: str = ORIGIN, content_type: str = "application/json"):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(
        API, data=data, content_type=content_type, headers={"Origin": origin} if origin else {}
    )


def _body(**more: object) -> dict[str, object]:
    return {"service": "apply-for-probate", "kind": "useful", "page": f"{ORIGIN}/start", **more}


def test_a_page_on_an_allowed_origin_sends_feedback_once_and_gets_no_cookie(client: Client, service) -> None:
    submission = str(uuid.uuid4())
    first = _post(client, _body(id=submission))
    assert first.status_code == 201
    assert first.json() == {"id": submission, "status": "received"}
    assert first["Access-Control-Allow-Origin"] == ORIGIN
    assert not first.cookies
    again = _post(client, _body(id=submission))  # a retry after a timeout
    assert again.status_code == 200 and again.json()["status"] == "already received"
    assert PageFeedback.objects.count() == 1
    problem = _post(client, _body(kind="problem", text="  The upload button does nothing  "))
    assert problem.status_code == 201
    stored = PageFeedback.objects.get(kind="problem")
    assert (stored.service, stored.page, stored.text) == (
        service,
        f"{ORIGIN}/start",
        "The upload button does nothing",
    )


def test_the_preflight_lets_a_browser_send_json(client: Client, service) -> None:
    response = client.options(API, headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"})
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    assert "POST" in response["Access-Control-Allow-Methods"]
    assert "Content-Type" in response["Access-Control-Allow-Headers"]
    assert not response.cookies


@pytest.mark.parametrize(
    ("body", "content_type", "status", "field", "message"),
    [
        ("not json", "application/json", 400, "body", "The body is not valid JSON"),
        ("[1, 2]", "application/json", 400, "body", "The body must be a JSON object"),
        ("kind=useful", "application/x-www-form-urlencoded", 415, "body", "Send the feedback as JSON"),
        (_body(kind="problem"), "application/json", 400, "text", "Describe the problem"),
        (_body(kind="great"), "application/json", 400, "kind", "Kind must be useful, not_useful or problem"),
        (_body(page="start"), "application/json", 400, "page", "Page must be a full web address"),
        (_body(page=7), "application/json", 400, "page", "Must be a string"),
        (_body(id=""), "application/json", 400, "id", "Id must be a UUID"),
        (_body(text="x" * 2001), "application/json", 400, "text", "2000 characters or fewer"),
        (_body(text="x" * 17_000), "application/json", 400, "body", "send at most 16 KB"),
        (_body(service="no-such-service"), "application/json", 404, "service", "There is no service"),
        ({"service": "apply-for-probate"}, "application/json", 400, "kind", "Say what kind of feedback"),
    ],
)
def test_bad_feedback_is_refused_with_a_reason_and_nothing_stored(
    client: Client, service, body, content_type, status, field, message
) -> None:
    response = _post(client, body, content_type=content_type)
    assert response.status_code == status
    assert any(message in error for error in response.json()["errors"][field])
    assert not PageFeedback.objects.exists()


def test_pages_elsewhere_cannot_send_feedback(client: Client, service) -> None:
    response = _post(client, _body(), origin="https://evil.example.com")
    assert response.status_code == 403
    assert "may not send feedback" in response.json()["errors"]["origin"][0]
    assert "Access-Control-Allow-Origin" not in response
    assert not PageFeedback.objects.exists()


def test_a_paused_service_takes_no_feedback(client: Client, service) -> None:
    Service.objects.update(is_active=False)
    assert _post(client, _body()).status_code == 404


def test_too_much_feedback_from_one_address_is_refused(client: Client, service, monkeypatch) -> None:
    from chorus.feedback import api

    monkeypatch.setattr(api, "MOST_PER_ADDRESS", 3)
    statuses = [_post(client, _body()).status_code for _i in range(5)]
    assert statuses == [201, 201, 201, 429, 429]
    assert PageFeedback.objects.count() == 3
    assert _post(client, _body())["Retry-After"] == "600"


def test_the_openapi_document_describes_the_api(client: Client) -> None:
    document = client.get("/api/feedback/v1/openapi.json").json()
    assert document["openapi"].startswith("3.")
    operation = document["paths"][API]["post"]
    assert set(operation["requestBody"]["content"]["application/json"]["schema"]["required"]) == {
        "service",
        "kind",
        "page",
    }
    assert {"201", "400", "403", "404", "429"} <= set(operation["responses"])


def test_the_script_is_served_and_needs_no_cookies(client: Client) -> None:
    from django.contrib.staticfiles import finders

    path = finders.find("feedback/chorus-feedback.js")
    assert path
    script = Path(path).read_text(encoding="utf-8")
    assert 'credentials: "omit"' in script and "document.cookie" not in script
    assert "/api/feedback/v1/feedback" in script


# The exit survey


def _exit_form(client: Client, service: Service, **query: str) -> dict[str, str]:
    page = client.get(reverse("feedback:exit_survey", args=[service.slug]), query)
    assert page.status_code == 200
    form = page.context["form"]
    key = str(form.initial["submission_key"])
    started = signing.dumps({"key": key, "at": time.time() - 60}, salt=public.SALT)
    return {"submission_key": key, "started": started, "came_from": page.context["came_from"]}


def test_a_user_answers_the_exit_survey_once(client: Client, service) -> None:
    hidden = _exit_form(client, service, **{"from": f"{ORIGIN}/done?case=1"})
    assert hidden["came_from"] == f"{ORIGIN}/done?case=1"
    url = reverse("feedback:exit_survey", args=[service.slug])
    bad = client.post(url, {**hidden, "needed_help": "no", "help_from": ["family"]}).content.decode()
    assert "Select how you felt about the service" in bad
    assert "You said you did not need help" in bad
    answers = {
        **hidden,
        "satisfaction": "4",
        "effort": "2",
        "needed_help": "yes",
        "help_from": ["family", "helpline"],
        "improvement": "Let me save my answers",
    }
    assert client.post(url, answers).url == reverse("feedback:exit_done", args=[service.slug])
    assert client.post(url, answers).status_code == 302  # a resubmission
    stored = ExitSurveyResponse.objects.get()
    assert (stored.satisfaction, stored.effort, stored.needed_help) == (4, 2, True)
    assert stored.help_from == ["family", "helpline"]
    assert stored.came_from == f"{ORIGIN}/done?case=1"
    assert (
        "Thank you for your feedback"
        in client.get(reverse("feedback:exit_done", args=[service.slug])).content.decode()
    )


def test_the_exit_survey_refuses_robots(client: Client, service) -> None:
    url = reverse("feedback:exit_survey", args=[service.slug])
    hidden = _exit_form(client, service, **{"from": "https://elsewhere.example.com/"})
    assert hidden["came_from"] == ""
    assert client.post(url, {**hidden, "satisfaction": "5", "website": "spam"}).status_code == 302
    fresh = signing.dumps({"key": hidden["submission_key"], "at": time.time()}, salt=public.SALT)
    assert client.post(url, {**hidden, "started": fresh, "satisfaction": "5"}).status_code == 429
    assert client.post(url, {**hidden, "started": "forged", "satisfaction": "5"}).status_code == 429
    assert not ExitSurveyResponse.objects.exists()


def test_exit_survey_equality_answers_are_kept_apart(client: Client, service) -> None:
    Service.objects.update(equality_monitoring=True)
    service.refresh_from_db()
    url = reverse("feedback:exit_survey", args=[service.slug])
    response = client.post(url, {**_exit_form(client, service), "satisfaction": "2"})
    assert response.url == reverse("feedback:exit_equality", args=[service.slug])
    client.post(response.url, {"age_band": "25_34", "disability": "yes_a_little"})
    record = EqualityRecord.objects.get()
    answer = ExitSurveyResponse.objects.get()
    assert record.submitted and record.key == sealed(answer.equality_key) and record.asked_for == service.code
    done = client.get(reverse("feedback:exit_done", args=[service.slug])).content.decode()
    assert reverse("equality:remove", args=[answer.equality_key]) in done


# Staff


def test_an_officer_sets_up_a_service_with_allowed_origins(officer_client: Client, team) -> None:
    url = reverse("feedback:service_create")
    bad = officer_client.post(
        url, {"name": "Pay a fine", "slug": "Pay a fine!", "allowed_origins": "not a site"}
    )
    page = bad.content.decode()
    assert "Use only lower case letters, numbers and hyphens" in page
    assert "“not a site” is not a web address" in page
    assert not Service.objects.exists()
    officer_client.post(
        url,
        {
            "name": "Pay a fine",
            "slug": "pay-a-fine",
            "team": team.pk,
            "is_active": "on",
            "allowed_origins": "https://pay-a-fine.example.gov.uk/some/page\n\nhttp://localhost:8080",
        },
    )
    service = Service.objects.get()
    assert service.origins() == ["https://pay-a-fine.example.gov.uk", "http://localhost:8080"]
    assert AuditEntry.objects.filter(object_id=str(service.code), action="create").exists()


def test_staff_read_a_services_feedback_and_download_it(officer_client: Client, service, outsider) -> None:
    client = Client()
    _post(client, _body())
    _post(client, _body(kind="not_useful", text="Too long"))
    _post(client, _body(kind="problem", text="Broken link", page=f"{ORIGIN}/upload"))
    ExitSurveyResponseFactory(
        service=service,
        satisfaction=5,
        effort=1,
        needed_help=True,
        help_from=["charity"],
        improvement="More Welsh",
    )
    ExitSurveyResponseFactory(service=service, satisfaction=2)
    page = officer_client.get(reverse("feedback:service_detail", args=[service.code]))
    summary = page.context["summary"]
    assert (summary.useful, summary.not_useful, summary.problems) == (1, 1, 1)
    assert summary.useful_share == 0.5 and summary.exit_count == 2 and summary.satisfied_share == 0.5
    assert summary.satisfaction_mean == 3.5 and summary.needed_help_share == 1.0
    assert summary.helpers == [("A charity or advice organisation", 1)]
    html = page.content.decode()
    assert "Broken link" in html and "More Welsh" in html and 'data-service="apply-for-probate"' in html
    csv = exported_bytes(officer_client, reverse("feedback:feedback_export", args=[service.code]))
    assert b"Broken link" in csv
    exits = exported_bytes(officer_client, reverse("feedback:exit_export", args=[service.code]))
    assert b"More Welsh" in exits and b"help from: charity" in exits
    assert AuditEntry.objects.filter(action="export", object_id=str(service.code)).count() == 2
    other = Client()
    sign_in(other, outsider)
    assert other.get(reverse("feedback:service_detail", args=[service.code])).status_code == 404
    assert other.get(reverse("feedback:exit_export", args=[service.code])).status_code == 404


def test_the_exit_survey_says_the_equality_questions_come_after_and_are_optional(
    client: Client, service
) -> None:
    optional = "we ask some optional questions about you"
    assert optional not in client.get(reverse("feedback:exit_survey", args=[service.slug])).content.decode()
    Service.objects.update(equality_monitoring=True)
    assert optional in client.get(reverse("feedback:exit_survey", args=[service.slug])).content.decode()


def test_pressing_enter_on_the_equality_page_continues_rather_than_declines(client: Client, service) -> None:
    Service.objects.update(equality_monitoring=True)
    url = reverse("feedback:exit_survey", args=[service.slug])
    equality = client.post(url, {**_exit_form(client, service), "satisfaction": "2"}).url
    page = client.get(equality).content.decode()
    form = page[page.index('<form method="post"') :]
    # A browser submits a form on Enter with its first submit button.
    first = re.search(r"<button[^>]*type=\"submit\"[^>]*>([^<]*)<", form)
    assert first and first.group(1) == "Continue" and 'name="decline"' not in first.group(0)
    assert "I do not want to answer these questions" in form
