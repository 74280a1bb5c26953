"""Consultations and entered responses through the staff API: added and changed with the
staff pages' checks, audit and team limits; a response sent twice is stored once."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest
from django.utils import timezone

from chorus.api.models import Area, Level, scope_name
from chorus.consultations.models import Consultation, Response
from chorus.core.models import AuditAction, AuditEntry
from chorus.directory.models import Region
from chorus.directory.reference import regions_ensure
from tests.api.conftest import Api, Issue
from tests.factories import ConsultationFactory, ProjectFactory, QuestionFactory, TeamFactory, make_person

pytestmark = pytest.mark.django_db


def _body(**more: object) -> dict:
    opens = timezone.now() + timedelta(days=7)
    return {
        "kind": "consultation",
        "title": "Court opening hours",
        "summary": "Should courts open later on weekdays?",
        "opens_at": opens.isoformat(),
        "closes_at": (opens + timedelta(weeks=12)).isoformat(),
        **more,
    }


def test_it_adds_a_draft_consultation_with_the_staff_forms_checks(api: Api) -> None:
    regions_ensure()
    region = Region.objects.order_by("ons_code").first()
    assert region is not None

    response = api.post("/consultations", _body(regions=[region.ons_code], equality_monitoring=True))

    assert response.status_code == 201, response.json()
    made = response.json()
    assert made["status"] == "draft" and made["is_published"] is False
    assert made["regions"] == [region.ons_code] and made["equality_monitoring"] is True
    consultation = Consultation.objects.get(code=made["code"])
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_id=str(consultation.code)).exists()

    backwards = api.post(
        "/consultations", _body(closes_at=(timezone.now() - timedelta(days=1)).isoformat())
    ).json()
    assert "The closing must be after the opening" in backwards["errors"]["closes_at"]
    untitled = api.post("/consultations", _body(title="")).json()
    assert "Enter a title" in untitled["errors"]["title"]
    bad_when = api.post("/consultations", _body(opens_at="next Tuesday"))
    assert bad_when.status_code == 400 and "opens_at" in bad_when.json()["errors"]
    nowhere = api.post("/consultations", _body(regions=["X99999999"]))
    assert nowhere.status_code == 400 and "regions" in nowhere.json()["errors"]
    assert Consultation.objects.count() == 1


def test_a_change_keeps_what_was_not_sent(api: Api) -> None:
    made = api.post("/consultations", _body(title_cy="Oriau agor llysoedd")).json()

    changed = api.patch(f"/consultations/{made['code']}", {"summary": "Later opening on weekdays?"})

    assert changed.status_code == 200, changed.json()
    body = changed.json()
    assert body["summary"] == "Later opening on weekdays?"
    assert body["title"] == "Court opening hours" and body["title_cy"] == "Oriau agor llysoedd"
    assert body["opens_at"] == made["opens_at"] and body["closes_at"] == made["closes_at"]
    refused = api.patch(f"/consultations/{made['code']}", {"title": ""})
    assert refused.status_code == 400
    assert Consultation.objects.get(code=made["code"]).title == "Court opening hours"


def test_team_limits_and_scopes_hold_for_writes(issue: Issue) -> None:
    family, crime = TeamFactory(name="Family"), TeamFactory(name="Crime")
    theirs = ConsultationFactory(team=crime)
    api = Api(issue(teams=[family]))
    entered = {"channel": "post", "received_on": timezone.localdate().isoformat()}
    assert api.patch(f"/consultations/{theirs.code}", {"title": "Mine now"}).status_code == 404
    assert api.post(f"/consultations/{theirs.code}/responses", entered).status_code == 404
    other_team = api.post("/consultations", _body(team=str(crime.code)))
    assert other_team.status_code == 400 and "team" in other_team.json()["errors"]
    own = api.post("/consultations", _body(team=str(family.code)))
    assert own.status_code == 201 and own.json()["team"] == str(family.code)

    reader = Api(issue(scopes=[scope_name(Area.CONSULTATIONS, Level.READ)]))
    assert reader.get("/consultations").status_code == 200
    assert reader.post("/consultations", _body()).status_code == 403
    assert reader.post(f"/consultations/{theirs.code}/responses", entered).status_code == 403


def test_an_entered_response_is_stored_once_with_its_answers_and_linked(api: Api) -> None:
    consultation = ConsultationFactory()
    why = QuestionFactory(section__consultation=consultation, kind="text", text="Why?")
    choice = QuestionFactory(
        section=why.section,
        kind="single",
        text="Do you agree?",
        options=[{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}],
    )
    person = make_person(first_name="Ann", last_name="Lewis", emails=["ann@example.org"])
    key = str(uuid4())
    body = {
        "channel": "post",
        "received_on": timezone.localdate().isoformat(),
        "name": "Ann",
        "email": "ann@example.org",
        "publish": "anonymous",
        "answers": [
            {"question": str(why.code), "value": "Buses stop at six"},
            {"question": str(choice.code), "value": "no"},
        ],
        "submission_key": key,
    }

    first = api.post(f"/consultations/{consultation.code}/responses", body)
    again = api.post(f"/consultations/{consultation.code}/responses", body)

    assert first.status_code == 201, first.json()
    assert again.status_code == 200 and again.json()["code"] == first.json()["code"]
    stored = Response.objects.get()
    assert stored.channel == "post" and stored.person_id == person.pk and stored.entered_by is not None
    assert {a["value"] for a in first.json()["answers"]} == {"Buses stop at six", "no"}
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_id=str(stored.code)).exists()


def test_a_bad_response_says_what_is_wrong_and_stores_nothing(api: Api) -> None:
    consultation = ConsultationFactory()
    choice = QuestionFactory(
        section__consultation=consultation,
        kind="single",
        options=[{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}],
    )
    today = timezone.localdate()
    path = f"/consultations/{consultation.code}/responses"

    future = api.post(path, {"channel": "post", "received_on": (today + timedelta(days=2)).isoformat()})
    online = api.post(path, {"channel": "online", "received_on": today.isoformat()})
    no_email = api.post(path, {"channel": "post", "received_on": today.isoformat(), "may_contact": True})
    wrong_option = api.post(
        path,
        {
            "channel": "post",
            "received_on": today.isoformat(),
            "answers": [{"question": str(choice.code), "value": "maybe"}],
        },
    )
    stranger = str(QuestionFactory().code)
    elsewhere = api.post(
        path,
        {
            "channel": "post",
            "received_on": today.isoformat(),
            "answers": [{"question": stranger, "value": "x"}],
        },
    )

    assert "cannot be in the future" in str(future.json()["errors"]["received_on"])
    assert "channel" in online.json()["errors"]
    assert "Enter their email address" in str(no_email.json()["errors"]["email"])
    assert list(wrong_option.json()["errors"]) == [f"answers.{choice.code}"]
    assert list(elsewhere.json()["errors"]) == [f"answers.{stranger}"]
    assert {r.status_code for r in (future, online, no_email, wrong_option, elsewhere)} == {400}
    assert not Response.objects.exists()


def test_an_analysis_is_started_for_what_the_token_may_see(issue: Issue) -> None:
    family, crime = TeamFactory(name="Family"), TeamFactory(name="Crime")
    ours = QuestionFactory(section__consultation__team=family, kind="text")
    theirs = QuestionFactory(section__consultation__team=crime, kind="text")
    choice = QuestionFactory(section=ours.section, kind="single")
    api = Api(issue(teams=[family]))

    started = api.post("/analysis-runs", {"subject": "question", "of": str(ours.code), "mode": "fast"})

    assert started.status_code == 201, started.json()
    assert started.json()["status"] in ("queued", "running", "done") and started.json()["team"] == str(
        family.code
    )
    for body, field in (
        ({"subject": "question", "of": str(theirs.code)}, "of"),
        ({"subject": "question", "of": str(choice.code)}, "of"),
        ({"subject": "cases", "of": str(ours.code)}, "subject"),
        ({"subject": "question", "of": str(ours.code), "mode": "remote"}, "mode"),
    ):
        refused = api.post("/analysis-runs", body)
        assert refused.status_code == 400 and field in refused.json()["errors"], body
    reader = Api(issue(scopes=[scope_name(Area.ANALYSIS, Level.READ)]))
    assert reader.post("/analysis-runs", {"subject": "question", "of": str(ours.code)}).status_code == 403


def test_answers_are_checked_against_each_questions_kind(api: Api) -> None:
    consultation = ConsultationFactory()
    why = QuestionFactory(section__consultation=consultation, kind="text")
    which = QuestionFactory(
        section=why.section,
        kind="multiple",
        options=[{"value": "buses", "label": "Buses"}, {"value": "trains", "label": "Trains"}],
    )
    scale = QuestionFactory(section=why.section, kind="scale")
    path = f"/consultations/{consultation.code}/responses"
    today = timezone.localdate().isoformat()

    listed = api.post(
        path,
        {
            "channel": "post",
            "received_on": today,
            "answers": [{"question": str(why.code), "value": ["a", "b"]}],
        },
    )
    one_of_several = api.post(
        path,
        {
            "channel": "post",
            "received_on": today,
            "answers": [{"question": str(which.code), "value": "buses"}],
        },
    )

    assert (
        listed.status_code == 400 and "takes one answer" in listed.json()["errors"][f"answers.{why.code}"][0]
    )
    assert one_of_several.status_code == 201
    assert one_of_several.json()["answers"] == [{"question": str(which.code), "value": ["buses"]}]
    read = api.get(f"/consultations/{consultation.code}").json()
    options = {q["code"]: q["options"] for s in read["sections"] for q in s["questions"]}
    assert "agree" in [o["value"] for o in options[str(scale.code)]]  # what a scale question takes


def test_a_change_keeps_a_project_the_token_may_not_see(issue: Issue) -> None:
    family, crime = TeamFactory(name="Family"), TeamFactory(name="Crime")
    hidden = ProjectFactory(name="Crime's own project", team=crime)
    consultation = ConsultationFactory(project=hidden)
    api = Api(issue(teams=[family]))

    changed = api.patch(f"/consultations/{consultation.code}", {"summary": "Changed"})

    assert changed.status_code == 200, changed.json()
    consultation.refresh_from_db()
    assert consultation.project_id == hidden.pk and consultation.summary == "Changed"


def test_wrong_addresses_methods_and_values_get_json_that_says_what_to_send(api: Api) -> None:
    slash = api.get("/people/")
    nowhere = api.get("/no-such-thing")
    deleted = api.client.delete("/api/v1/people", headers=api.headers)
    bad_code = api.get("/people/draft-1")

    assert slash.status_code == 404 and "end without a slash" in slash.json()["errors"]["path"][0]
    assert nowhere.status_code == 404 and nowhere["Content-Type"].startswith("application/json")
    assert deleted.status_code == 405 and "GET" in deleted.json()["errors"]["method"][0]
    assert "Send a code like" in bad_code.json()["errors"]["code"][0]
    union = api.post(
        f"/consultations/{ConsultationFactory().code}/responses",
        {"channel": "post", "received_on": "2026-01-01", "answers": [{"question": str(uuid4()), "value": 3}]},
    ).json()
    assert list(union["errors"]) == ["answers.0.value"]


def test_a_date_alone_is_not_taken_for_midnight(api: Api) -> None:
    response = api.post("/consultations", _body(closes_at="2030-04-05"))

    assert response.status_code == 400
    assert "Send a time as well as the date" in response.json()["errors"]["closes_at"][0]


def test_analyses_start_for_every_kind_of_subject(api: Api) -> None:
    from tests.factories import ActivityFactory, ServiceFactory

    service, event = ServiceFactory(), ActivityFactory()
    consultation = ConsultationFactory()
    QuestionFactory(section__consultation=consultation, kind="text")
    no_text = ConsultationFactory()
    QuestionFactory(section__consultation=no_text, kind="yes_no")

    for subject, code in (
        ("service", service.code),
        ("event", event.code),
        ("consultation", consultation.code),
    ):
        started = api.post("/analysis-runs", {"subject": subject, "of": str(code)})
        assert started.status_code == 201, (subject, started.json())
    refused = api.post("/analysis-runs", {"subject": "consultation", "of": str(no_text.code)})
    assert refused.status_code == 400 and "no free-text questions" in refused.json()["errors"]["of"][0]


def test_a_project_the_token_may_not_see_is_not_named(issue: Issue) -> None:
    from tests.factories import ActivityFactory

    family, crime = TeamFactory(name="Family"), TeamFactory(name="Crime")
    hidden = ProjectFactory(name="Crime's own project", team=crime)
    consultation = ConsultationFactory(project=hidden)
    activity = ActivityFactory()
    activity.projects.add(hidden)
    api = Api(issue(teams=[family]))

    assert api.get(f"/consultations/{consultation.code}").json()["project"] is None
    assert api.get("/consultations").json()["results"][0]["project"] is None
    assert api.get(f"/activities/{activity.code}").json()["projects"] == []
    assert "Crime's own project" not in api.get("/activities").content.decode()
