"""Events are sent when things happen, with nothing that identifies a person."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.consultations.journey import response_submit
from chorus.core.hooks import event_happened
from chorus.webhooks.formats import body_for
from chorus.webhooks.models import Delivery, Endpoint
from tests.factories import (
    ChallengeFactory,
    ConsultationFactory,
    IdeaFactory,
    ParticipantFactory,
    ResponseDraftFactory,
    ServiceFactory,
    SubscriberFactory,
)
from tests.webhooks.conftest import Receiver

pytestmark = pytest.mark.django_db

PRIVATE = ("Alex Private", "alex.private@example.org", "01632 960 123", "12 Secret Road")


def _bodies(receiver: Receiver) -> list[dict[str, Any]]:
    return [json.loads(got.body) for got in receiver.got]


def _no_personal_data(receiver: Receiver) -> None:
    for got in receiver.got:
        text = got.body.decode()
        for private in PRIVATE:
            assert private not in text


def test_a_submitted_response_is_sent_without_the_respondents_details_or_answers(
    endpoint: Endpoint, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    draft = ResponseDraftFactory(
        consultation=ConsultationFactory(is_published=True),
        about={"name": PRIVATE[0], "email": PRIVATE[1], "respondent_type": "individual"},
        answers={},
    )
    with django_capture_on_commit_callbacks(execute=True):
        response, created = response_submit(draft=draft, language="en")
    assert created
    (body,) = _bodies(receiver)
    assert body["kind"] == "response_submitted"
    assert body["data"]["response"]["reference"] == response.reference
    assert body["data"]["url"].endswith(
        reverse("consultations:response_detail", args=[response.consultation.code, response.code])
    )
    _no_personal_data(receiver)


def test_a_help_request_is_sent_without_the_persons_contact_details(
    client: Client, endpoint: Endpoint, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    consultation = ConsultationFactory(is_published=True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("consultations:help_request", args=[consultation.code]),
            {"way": "phone", "name": PRIVATE[0], "phone": PRIVATE[2]},
        )
    (body,) = _bodies(receiver)
    assert body["kind"] == "help_requested"
    assert body["data"]["help_request"]["way"] == "phone"
    _no_personal_data(receiver)


def test_an_idea_posted_and_answered_are_sent(
    endpoint: Endpoint, admin: Any, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    from chorus.ideas.services import idea_propose, respond

    challenge = ChallengeFactory()
    participant = ParticipantFactory(email=PRIVATE[1])
    with django_capture_on_commit_callbacks(execute=True):
        idea = idea_propose(
            challenge=challenge, participant=participant, title="More benches", body="In the park"
        )
    with django_capture_on_commit_callbacks(execute=True):
        respond(ideas=[idea], status="taken_forward", response="We will.", actor=admin)
    kinds = [body["kind"] for body in _bodies(receiver)]
    assert kinds == ["idea_posted", "idea_answered"]
    assert _bodies(receiver)[0]["data"]["idea"]["title"] == "More benches"
    _no_personal_data(receiver)


def test_a_held_ideas_title_is_not_sent(
    endpoint: Endpoint, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    idea = IdeaFactory(title="Something held", moderation="held")
    with django_capture_on_commit_callbacks(execute=True):
        event_happened("idea_posted", idea)
    assert "Something held" not in receiver.got[0].body.decode()


def test_subscribers_joining_and_leaving_are_sent_without_their_address(
    endpoint: Endpoint, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    from chorus.bulletins.services.subscriptions import confirm, unsubscribe

    subscriber = SubscriberFactory(email=PRIVATE[1])
    with django_capture_on_commit_callbacks(execute=True):
        confirm(subscriber)
        confirm(subscriber)  # already confirmed: no second event
    with django_capture_on_commit_callbacks(execute=True):
        unsubscribe(subscriber, how="link")
    assert [body["kind"] for body in _bodies(receiver)] == ["subscriber_joined", "subscriber_left"]
    _no_personal_data(receiver)


def test_a_commitment_overdue_is_sent_once_however_often_the_job_runs(
    endpoint: Endpoint, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    from chorus.engagement.jobs import commitments_overdue_announce
    from chorus.engagement.models import Commitment

    today = timezone.localdate()
    late = Commitment.objects.create(
        kind="action", title="Publish the plan", due_on=today - timedelta(days=1)
    )
    Commitment.objects.create(
        kind="action", title="Done already", due_on=today - timedelta(days=1), status="done"
    )
    Commitment.objects.create(kind="action", title="Not due", due_on=today + timedelta(days=3))
    for _day in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            commitments_overdue_announce(today)
    (body,) = _bodies(receiver)
    assert body["kind"] == "commitment_overdue"
    assert body["data"]["commitment"]["code"] == str(late.code)


def test_an_import_finished_is_sent(
    endpoint: Endpoint, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    from chorus.directory.models import ImportJob

    job = ImportJob.objects.create(original_name="people.csv", status="done")
    with django_capture_on_commit_callbacks(execute=True):
        event_happened("import_finished", job)
    (body,) = _bodies(receiver)
    assert body["data"]["import"]["code"] == str(job.code)
    assert body["data"]["url"].endswith(reverse("directory:import_progress", args=[job.code]))


def _emerging_issue() -> Any:
    from chorus.analysis.models import EmergingIssue

    return EmergingIssue.objects.create(
        service=ServiceFactory(name="Bin collections"),
        about="page",
        key="/bins/missed",
        kind="volume",
        window_days=1,
        recent=12,
        expected=2.5,
        p_value=0.001,
        recent_count=12,
        comments=[{"id": 1, "text": f"Call {PRIVATE[0]}", "day": "2026-01-01"}],
        detected_on=timezone.localdate(),
    )


@pytest.mark.parametrize("format_", ["json", "teams", "slack", "jira", "servicenow", "zendesk"])
def test_an_emerging_issue_is_sent_in_each_format_without_the_comments(
    endpoint: Endpoint, receiver: Receiver, format_: str, django_capture_on_commit_callbacks: Any
) -> None:
    Endpoint.objects.filter(pk=endpoint.pk).update(
        format=format_, events=["emerging_issue_flagged"], project_key="ENG"
    )
    with django_capture_on_commit_callbacks(execute=True):
        event_happened("emerging_issue_flagged", _emerging_issue())
    (got,) = receiver.got
    text = got.body.decode()
    assert "Bin collections" in text and "/bins/missed" in text
    assert PRIVATE[0] not in text
    body = json.loads(got.body)
    if format_ == "jira":
        assert body["fields"]["project"]["key"] == "ENG"
    if format_ == "zendesk":
        assert body["ticket"]["external_id"] == got.headers["Chorus-Webhook-Id"]
    if format_ == "slack":
        assert "Bin collections" in body["text"]


def test_a_ticket_endpoint_gets_only_emerging_issues(
    endpoint: Endpoint, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    Endpoint.objects.filter(pk=endpoint.pk).update(format="zendesk")
    with django_capture_on_commit_callbacks(execute=True):
        event_happened("subscriber_joined", SubscriberFactory(status="active"))
    assert not receiver.got and not Delivery.objects.exists()


def test_an_event_no_endpoint_takes_makes_no_delivery(
    endpoint: Endpoint, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    Endpoint.objects.filter(pk=endpoint.pk).update(events=["idea_posted"])
    with django_capture_on_commit_callbacks(execute=True):
        event_happened("subscriber_joined", SubscriberFactory(status="active"))
    assert not Delivery.objects.exists()


def test_every_format_says_which_event_it_is(endpoint: Endpoint) -> None:
    delivery = Delivery.objects.create(
        endpoint=endpoint, kind="test", payload={"title": "T", "url": "https://x"}, retry_until=timezone.now()
    )
    for format_ in ("json", "teams", "slack", "jira", "servicenow", "zendesk"):
        endpoint.format = format_
        assert json.dumps(body_for(delivery))
