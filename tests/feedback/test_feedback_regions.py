"""Where the person was: the region or place a service records with in-page feedback and
exit survey answers, checked, kept, read through the staff API and counted by region."""

from __future__ import annotations

import csv
import io
import json
import time
from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.api.services import token_issue
from chorus.directory.models import Place, Region
from chorus.directory.reference import regions_ensure
from chorus.feedback import public
from chorus.feedback.models import ExitSurveyResponse, PageFeedback, Service
from tests.api.conftest import Api, every_scope
from tests.cases.conftest import open_case
from tests.factories import ExitSurveyResponseFactory, PageFeedbackFactory, PlaceFactory, ServiceFactory

pytestmark = pytest.mark.django_db

API = "/api/feedback/v1/feedback"
ORIGIN = "https://apply-for-probate.example.gov.uk"


@pytest.fixture
def service(team) -> Service:
    regions_ensure()
    return ServiceFactory(
        name="Apply for probate", slug="apply-for-probate", allowed_origins=ORIGIN, team=team
    )


@pytest.fixture
def cardiff() -> Place:
    regions_ensure()
    return PlaceFactory(name="Cardiff Civil Justice Centre", region=Region.objects.get(ons_code="W92000004"))


def _post(client: Client, **more: object):
    body = {"service": "apply-for-probate", "kind": "useful", "page": f"{ORIGIN}/start", **more}
    return client.post(
        API, data=json.dumps(body), content_type="application/json", headers={"Origin": ORIGIN}
    )


def test_feedback_keeps_the_region_the_service_sends(client: Client, service) -> None:
    assert _post(client, region="e12000007").status_code == 201  # any case
    assert PageFeedback.objects.get().region.name_en == "London"


def test_feedback_about_a_place_keeps_the_place_and_its_region(client: Client, service, cardiff) -> None:
    assert _post(client, place=str(cardiff.code)).status_code == 201
    stored = PageFeedback.objects.get()
    assert stored.place == cardiff and stored.region.ons_code == "W92000004"


def test_a_null_region_is_no_region(client: Client, service) -> None:
    assert _post(client, region=None, place=None).status_code == 201
    assert PageFeedback.objects.get().region is None


@pytest.mark.parametrize(
    ("more", "field", "says"),
    [
        ({"region": "E99999999"}, "region", "There is no region with the code “E99999999”"),
        ({"region": 7}, "region", "Must be a string"),
        ({"place": "not-a-code"}, "place", "There is no place with that code"),
        ({"region": ""}, "region", "Region must be the ONS code"),
        ({"place": " "}, "place", "Place must be a place's code"),
    ],
)
def test_an_unknown_region_or_place_is_refused_with_how_to_fix_it(
    client: Client, service, more: dict[str, object], field: str, says: str
) -> None:
    reply = _post(client, **more)
    assert reply.status_code == 400
    assert says in reply.json()["errors"][field][0]
    assert not PageFeedback.objects.exists()


def test_a_place_in_another_region_is_refused(client: Client, service, cardiff) -> None:
    reply = _post(client, place=str(cardiff.code), region="E12000007")
    assert reply.status_code == 400 and "another region" in reply.json()["errors"]["place"][0]
    # A nation holds its regions: Wales agrees with Cardiff.
    assert _post(client, place=str(cardiff.code), region="W92000004").status_code == 201


def test_the_openapi_document_describes_region_and_place(client: Client) -> None:
    document = client.get("/api/feedback/v1/openapi.json").json()
    schema = document["paths"][API]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert schema["properties"]["region"]["maxLength"] == 9
    assert schema["properties"]["place"]["format"] == "uuid"
    assert "region" not in schema["required"]


def test_the_script_sends_the_region_it_is_given() -> None:
    from pathlib import Path

    from django.contrib.staticfiles import finders

    script = Path(str(finders.find("feedback/chorus-feedback.js"))).read_text(encoding="utf-8")
    assert 'getAttribute("data-region")' in script and 'getAttribute("data-place")' in script


def _exit_answers(client: Client, service: Service, **query: str) -> dict[str, str]:
    page = client.get(reverse("feedback:exit_survey", args=[service.slug]), query)
    assert page.status_code == 200
    key = str(page.context["form"].initial["submission_key"])
    html = page.content.decode()
    hidden = {
        "submission_key": key,
        "started": signing.dumps({"key": key, "at": time.time() - 60}, salt=public.SALT),
        "satisfaction": "4",
    }
    for name in ("region", "place"):
        marker = f'name="{name}" value="'
        if marker in html:
            hidden[name] = html.split(marker, 1)[1].split('"', 1)[0]
    return hidden


def test_the_exit_survey_link_can_say_the_region(client: Client, service, cardiff) -> None:
    answers = _exit_answers(client, service, place=str(cardiff.code))
    client.post(reverse("feedback:exit_survey", args=[service.slug]), answers)
    stored = ExitSurveyResponse.objects.get()
    assert stored.place == cardiff and stored.region.ons_code == "W92000004"


def test_a_wrong_region_in_the_exit_survey_link_is_left_out_not_shown(client: Client, service) -> None:
    answers = _exit_answers(client, service, region="NOWHERE")
    assert "region" not in answers
    answers["region"] = "NOWHERE"  # or altered in the page
    reply = client.post(reverse("feedback:exit_survey", args=[service.slug]), answers)
    assert reply.status_code == 302
    assert ExitSurveyResponse.objects.get().region is None


def test_the_staff_api_gives_the_region_and_place(admin, cardiff) -> None:
    _token, secret = token_issue(
        actor=admin,
        request=None,
        name="Data platform",
        scopes=every_scope(),
        expires_at=timezone.now() + timedelta(days=1),
    )
    api = Api(secret)
    wales = cardiff.region
    feedback = PageFeedbackFactory(region=wales, place=cardiff)
    ExitSurveyResponseFactory(service=feedback.service, region=wales)
    read = api.get(f"/services/{feedback.service.code}/feedback").json()["results"][0]
    assert read["region"] == "W92000004" and read["place"] == str(cardiff.code)
    survey = api.get(f"/services/{feedback.service.code}/exit-survey").json()["results"][0]
    assert survey["region"] == "W92000004" and survey["place"] is None


def test_the_service_dashboard_shows_feedback_and_cases_by_region(
    officer_client: Client, service, cardiff, other_team
) -> None:
    wales, london = cardiff.region, Region.objects.get(ons_code="E12000007")
    for kind in ("useful", "not_useful", "problem"):
        PageFeedbackFactory(service=service, region=wales, kind=kind)
    PageFeedbackFactory(service=service, region=london)
    PageFeedbackFactory(service=service)  # no region recorded
    PageFeedbackFactory(service=ServiceFactory(team=other_team), region=london)  # not the officer's
    ExitSurveyResponseFactory(service=service, region=wales, satisfaction=2)
    open_case(team=service.team, place=cardiff)
    open_case(team=other_team, place=cardiff)  # a case the officer may not see
    url = reverse("insights:services_dashboard")
    page = officer_client.get(url, {"days": 30}).content.decode()
    assert "Feedback and cases by region" in page and "Wales" in page and "Not recorded" in page
    reply = officer_client.get(url, {"days": 30, "format": "csv", "table": "regions"})
    text = b"".join(reply.streaming_content).decode()
    rows = {r["region"]: r for r in csv.DictReader(io.StringIO(text))}
    assert list(rows) == ["London", "Wales", "Not recorded"]
    assert rows["Wales"]["ons_code"] == "W92000004"
    assert (rows["Wales"]["feedback"], rows["Wales"]["exit_survey_answers"], rows["Wales"]["cases"]) == (
        "3",
        "1",
        "1",
    )
    assert rows["London"]["feedback"] == "1" and rows["Not recorded"]["feedback"] == "1"
    assert "attachment" in reply["Content-Disposition"]
