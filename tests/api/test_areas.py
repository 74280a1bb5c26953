"""Activities, consultations, feedback, analysis, subscribers and ideas through the staff API."""

from __future__ import annotations

import pytest

from chorus.core.models import AuditAction, AuditEntry
from chorus.engagement.models import Activity, Attendance
from tests.api.conftest import Api, Issue
from tests.factories import (
    ActivityFactory,
    AnswerFactory,
    AssignmentFactory,
    ExitSurveyResponseFactory,
    IdeaFactory,
    PageFeedbackFactory,
    ParticipantFactory,
    ProjectFactory,
    QuestionFactory,
    ResponseFactory,
    SubscriberFactory,
    TeamFactory,
    make_person,
)

pytestmark = pytest.mark.django_db


def test_it_adds_an_activity_with_the_staff_forms_checks(api: Api) -> None:
    project = ProjectFactory(name="Family court reform")
    refused = api.post(
        "/activities",
        {"kind": "event", "title": "Open day", "starts_at": "2026-05-01T10:00:00Z", "is_public": True},
    )
    assert refused.status_code == 400
    assert "needs a place or a link" in refused.json()["errors"]["place"][0]
    wrong_order = api.post(
        "/activities",
        {
            "kind": "meeting",
            "title": "Forum",
            "starts_at": "2026-05-01T10:00:00Z",
            "ends_at": "2026-05-01T09:00:00Z",
        },
    )
    assert wrong_order.json()["errors"]["ends_at"] == ["The end must be after the start"]
    made = api.post(
        "/activities",
        {
            "kind": "meeting",
            "title": "Forum",
            "starts_at": "2026-05-01T10:00:00+01:00",
            "projects": [str(project.code)],
        },
    )
    assert made.status_code == 201, made.json()
    assert made.json()["starts_at"].startswith("2026-05-01T09:00:00")
    assert made.json()["projects"][0]["name"] == "Family court reform"
    changed = api.patch(f"/activities/{made.json()['code']}", {"summary": "Went well"})
    assert changed.status_code == 200, changed.json()
    activity = Activity.objects.get(code=made.json()["code"])
    assert activity.summary == "Went well" and list(activity.projects.all()) == [project]


def test_it_records_who_came_and_lists_them(api: Api) -> None:
    activity = ActivityFactory(title="Forum")
    person = make_person(first_name="Ann", last_name="Lee")
    put = api.put(
        f"/activities/{activity.code}/attendance/{person.code}", {"invitation": "accepted", "attended": True}
    )
    assert put.status_code == 200, put.json()
    assert Attendance.objects.get(activity=activity, person=person).attended
    listed = api.get(f"/activities/{activity.code}/attendance").json()["results"]
    assert listed == [
        {"person": {"code": str(person.code), "name": "Ann Lee"}, "invitation": "accepted", "attended": True}
    ]
    wrong = api.put(f"/activities/{activity.code}/attendance/{person.code}", {"invitation": "maybe"})
    assert wrong.status_code == 400 and "invitation" in wrong.json()["errors"]


def test_attendance_names_people_so_it_needs_the_people_scope(issue: Issue) -> None:
    activity = ActivityFactory(title="Forum")
    api = Api(issue(scopes=["activities:read"]))
    assert api.get(f"/activities/{activity.code}").status_code == 200
    assert api.get(f"/activities/{activity.code}/attendance").status_code == 403


def test_an_out_of_team_activity_is_a_404(issue: Issue) -> None:
    team, other = TeamFactory(name="Family"), TeamFactory(name="Crime")
    theirs = ActivityFactory(title="Hidden", team=other)
    api = Api(issue(teams=[team]))
    assert api.get(f"/activities/{theirs.code}").status_code == 404
    assert api.get("/activities").json()["results"] == []


def test_responses_come_with_their_answers_and_never_an_equality_key(api: Api) -> None:
    question = QuestionFactory(text="What should change?")
    consultation = question.section.consultation
    response = ResponseFactory(
        consultation=consultation, name="Ann Lee", equality_key="5b8a2f0e-0000-4000-8000-000000000001"
    )
    AnswerFactory(response=response, question=question, value="Later opening")
    read = api.get(f"/consultations/{consultation.code}").json()
    assert read["sections"][0]["questions"][0]["text"] == "What should change?"
    assert read["responses"] == 1
    listed = api.get(f"/consultations/{consultation.code}/responses")
    body = listed.content.decode()
    assert listed.json()["results"][0]["answers"] == [
        {"question": str(question.code), "value": "Later opening"}
    ]
    assert "equality" not in body and "5b8a2f0e" not in body
    assert api.get(f"/responses/{response.code}").json()["name"] == "Ann Lee"
    assert AuditEntry.objects.filter(action=AuditAction.VIEW, object_id=str(response.code)).exists()


def test_an_out_of_team_consultation_and_its_responses_are_404s(issue: Issue) -> None:
    team, other = TeamFactory(name="Family"), TeamFactory(name="Crime")
    response = ResponseFactory(consultation__team=other)
    api = Api(issue(teams=[team]))
    assert api.get(f"/consultations/{response.consultation.code}").status_code == 404
    assert api.get(f"/consultations/{response.consultation.code}/responses").status_code == 404
    assert api.get(f"/responses/{response.code}").status_code == 404


def test_service_feedback_and_exit_survey_answers(api: Api) -> None:
    feedback = PageFeedbackFactory(text="The page was clear")
    ExitSurveyResponseFactory(service=feedback.service, satisfaction=5, improvement="Nothing")
    services = api.get("/services").json()["results"]
    assert [s["slug"] for s in services] == [feedback.service.slug]
    assert (
        api.get(f"/services/{feedback.service.code}/feedback").json()["results"][0]["text"]
        == "The page was clear"
    )
    survey = api.get(f"/services/{feedback.service.code}/exit-survey").json()["results"][0]
    assert survey["satisfaction"] == 5 and "equality" not in str(survey)


def test_analysis_runs_with_themes_and_assignments(api: Api) -> None:
    response = ResponseFactory()
    question = QuestionFactory(section__consultation=response.consultation)
    answer = AnswerFactory(response=response, question=question, value="Call me on 07700 900123")
    assignment = AssignmentFactory(
        item__text="Call me on 07700 900123", item__redacted="Call me on [phone]", item__source_id=answer.pk
    )
    run = assignment.item.run
    read = api.get(f"/analysis-runs/{run.code}").json()
    assert [t["label"] for t in read["themes"]] == [assignment.theme.label]
    texts = api.get(f"/analysis-runs/{run.code}/assignments").json()["results"]
    assert texts == [
        {
            "item": assignment.item.pk,
            "source": "answer",
            "source_id": assignment.item.source_id,
            "text": "Call me on [phone]",
            "sentiment": "",
            "stance": "",
            "response": str(response.code),
            "question": str(question.code),
            "themes": [assignment.theme.pk],
        }
    ]


def test_subscribers_and_ideas_are_read(api: Api) -> None:
    subscriber = SubscriberFactory(email="ann@example.org", status="active")
    assert api.get("/subscribers", email="ANN@example.org").json()["results"][0]["code"] == str(
        subscriber.code
    )
    assert api.get(f"/subscribers/{subscriber.code}").json()["status"] == "active"
    idea = IdeaFactory(participant=ParticipantFactory(email="poster@example.org", name="Ann"))
    shown = api.get(f"/ideas/{idea.code}")
    assert shown.json()["shown_name"] == "Ann" and "poster@example.org" not in shown.content.decode()
    assert [i["code"] for i in api.get("/ideas", challenge=str(idea.challenge.code)).json()["results"]] == [
        str(idea.code)
    ]
    assert api.get("/challenges").json()["results"][0]["code"] == str(idea.challenge.code)


def test_each_area_needs_its_own_scope(issue: Issue) -> None:
    api = Api(issue(scopes=["people:read"]))
    for path in ("/activities", "/consultations", "/services", "/analysis-runs", "/subscribers", "/ideas"):
        assert api.get(path).status_code == 403, path


def test_an_idea_gets_its_official_response(issue: Issue) -> None:
    idea = IdeaFactory(title="Free parking")
    reader = Api(issue(scopes=["ideas:read"], name="Reader"))
    assert (
        reader.post(f"/ideas/{idea.code}/response", {"status": "considering", "response": "Yes"}).status_code
        == 403
    )
    api = Api(issue(scopes=["ideas:write"]))
    empty = api.post(f"/ideas/{idea.code}/response", {"status": "open", "response": ""})
    assert empty.status_code == 400
    assert set(empty.json()["errors"]) == {"status", "response"}
    done = api.post(
        f"/ideas/{idea.code}/response", {"status": "taken_forward", "response": "We will trial it."}
    )
    assert done.status_code == 200, done.json()
    assert done.json()["status"] == "taken_forward" and done.json()["response"] == "We will trial it."
