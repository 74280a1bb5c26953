"""Subscribers through the staff API: subscribed on a recorded lawful basis or by the
sign-up page's confirmation email, changed, unsubscribed, and never subscribed again
once they said stop."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from chorus.api.models import Area, Level, scope_name
from chorus.bulletins.models import Subscriber
from chorus.core.models import AuditAction, AuditEntry
from chorus.directory.models import Consent, Region
from chorus.directory.reference import regions_ensure
from tests.api.conftest import Api, Issue
from tests.factories import SubscriberFactory, SubscriberListFactory, TopicFactory, make_person

pytestmark = pytest.mark.django_db


def test_an_address_is_subscribed_on_a_recorded_basis_with_consent_on_its_person(api: Api) -> None:
    regions_ensure()
    region = Region.objects.order_by("ons_code").first()
    assert region is not None
    topic, partners = TopicFactory(), SubscriberListFactory(name="Partner organisations")
    person = make_person(first_name="Ann", last_name="Lewis", emails=["ann@example.org"])

    response = api.post(
        "/subscribers",
        {
            "email": "Ann@Example.org",
            "language": "cy",
            "regions": [region.ons_code],
            "topics": [topic.pk],
            "lists": ["Partner organisations"],
            "lawful_basis": "public_task",
            "source": "Stakeholder CRM",
        },
    )

    assert response.status_code == 201, response.json()
    made = response.json()
    assert made["email"] == "ann@example.org" and made["status"] == "active" and made["language"] == "cy"
    assert made["lists"] == [partners.name] and made["lawful_basis"] == "public_task"
    subscriber = Subscriber.objects.get()
    assert subscriber.person_id == person.pk
    assert Consent.objects.filter(person=person, lawful_basis="public_task").exists()
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_id=str(subscriber.code)).exists()

    again = api.post("/subscribers", {"email": "ann@example.org", "lawful_basis": "consent", "source": "x"})
    assert again.status_code == 200 and Subscriber.objects.count() == 1


def test_without_a_basis_the_address_is_sent_a_link_to_confirm(
    api: Api, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/subscribers", {"email": "new@example.org"})

    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    assert [m.to for m in mail.outbox] == [["new@example.org"]]


def test_bad_input_says_what_is_wrong_and_stores_nothing(api: Api) -> None:
    cases = {
        "email": {"email": "not an address"},
        "language": {"email": "a@example.org", "language": "fr"},
        "regions": {"email": "a@example.org", "regions": ["Narnia"]},
        "lists": {"email": "a@example.org", "lists": ["No such list"]},
        "lawful_basis": {"email": "a@example.org", "lawful_basis": "because", "source": "x"},
        "source": {"email": "a@example.org", "lawful_basis": "consent"},
    }
    for field, body in cases.items():
        response = api.post("/subscribers", body)
        assert response.status_code == 400, field
        assert field in response.json()["errors"], (field, response.json())
    assert not Subscriber.objects.exists()
    assert not mail.outbox


def test_someone_who_said_stop_is_never_subscribed_again(api: Api) -> None:
    SubscriberFactory(email="gone@example.org", status=Subscriber.Status.UNSUBSCRIBED)
    SubscriberFactory(email="bounced@example.org", status=Subscriber.Status.BOUNCED)

    recorded = api.post(
        "/subscribers", {"email": "gone@example.org", "lawful_basis": "consent", "source": "x"}
    )
    bounced = api.post("/subscribers", {"email": "bounced@example.org"})

    assert recorded.status_code == 409 and "Only the person can" in recorded.json()["errors"]["email"][0]
    assert bounced.status_code == 409
    assert Subscriber.objects.get(email="gone@example.org").status == Subscriber.Status.UNSUBSCRIBED


def test_a_change_replaces_interests_and_unsubscribing_is_one_way(api: Api) -> None:
    topic, other = TopicFactory(), TopicFactory()
    subscriber = SubscriberFactory(status=Subscriber.Status.ACTIVE, language="en")
    subscriber.topics.add(topic)
    path = f"/subscribers/{subscriber.code}"

    changed = api.patch(path, {"language": "cy", "topics": [other.pk]})
    assert changed.status_code == 200, changed.json()
    assert changed.json()["language"] == "cy" and changed.json()["topics"] == [other.pk]

    stopped = api.patch(path, {"status": "unsubscribed"})
    assert stopped.status_code == 200 and stopped.json()["status"] == "unsubscribed"
    back = api.patch(path, {"status": "active"})
    assert back.status_code == 400 and "status" in back.json()["errors"]
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.UNSUBSCRIBED and "Staff API" in subscriber.stopped_reason


def test_reading_is_not_writing(issue: Issue) -> None:
    reader = Api(issue(scopes=[scope_name(Area.SUBSCRIBERS, Level.READ)]))
    subscriber = SubscriberFactory()
    assert reader.get("/subscribers").status_code == 200
    assert reader.post("/subscribers", {"email": "x@example.org"}).status_code == 403
    assert reader.patch(f"/subscribers/{subscriber.code}", {"language": "cy"}).status_code == 403


def test_without_a_basis_no_one_is_emailed_twice_or_subscribed_again(
    api: Api, django_capture_on_commit_callbacks: Any
) -> None:
    topic, other = TopicFactory(), TopicFactory()
    SubscriberFactory(email="gone@example.org", status=Subscriber.Status.UNSUBSCRIBED)
    active = SubscriberFactory(email="here@example.org", status=Subscriber.Status.ACTIVE)
    active.topics.add(topic)

    with django_capture_on_commit_callbacks(execute=True):
        gone = api.post("/subscribers", {"email": "gone@example.org"})
        here = api.post("/subscribers", {"email": "here@example.org", "topics": [other.pk]})
        first = api.post("/subscribers", {"email": "new@example.org", "topics": [topic.pk]})
        again = api.post("/subscribers", {"email": "new@example.org", "topics": [other.pk]})

    assert gone.status_code == 409
    assert Subscriber.objects.get(email="gone@example.org").status == Subscriber.Status.UNSUBSCRIBED
    assert here.status_code == 200 and sorted(here.json()["topics"]) == sorted([topic.pk, other.pk])
    assert first.status_code == 201 and again.status_code == 200
    assert sorted(again.json()["topics"]) == sorted([topic.pk, other.pk])  # gained, not replaced
    assert [m.to for m in mail.outbox] == [["new@example.org"]]  # one email, to the new address only


def test_a_change_through_the_api_names_the_integration_in_the_audit_log(api: Api) -> None:
    subscriber = SubscriberFactory(status=Subscriber.Status.ACTIVE)

    api.patch(f"/subscribers/{subscriber.code}", {"language": "cy"})

    change = AuditEntry.objects.get(action=AuditAction.CHANGE, object_id=str(subscriber.code))
    assert "(API: " in change.actor_label and change.detail["integration"]


def test_a_list_needs_a_lawful_basis(api: Api) -> None:
    SubscriberListFactory(name="Partner digest")

    refused = api.post("/subscribers", {"email": "a@example.org", "lists": ["Partner digest"]})

    assert refused.status_code == 400 and "lawful basis" in refused.json()["errors"]["lists"][0]
    assert not Subscriber.objects.exists()
