"""Sharing a "you said, we did" record back by email: once to each person however many
ways they took part, only to those who may be emailed, each in their language, never
twice, without subscribing anyone, and for the record's own team's editors only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from chorus.accounts.models import Team, User
from chorus.bulletins import services
from chorus.bulletins.models import AddressEvent, Bulletin, Delivery, Subscriber
from chorus.core.models import AuditAction, AuditEntry
from chorus.directory.reference import regions_ensure
from chorus.engagement.models import ImpactRecord
from tests.conftest import sign_in
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    BulletinFactory,
    ConsentFactory,
    ConsultationFactory,
    ImpactRecordFactory,
    ProjectFactory,
    ResponseFactory,
    SubscriberFactory,
    TopicFactory,
    make_person,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def regions(db: None) -> None:
    regions_ensure()


@pytest.fixture
def record(team: Team) -> ImpactRecord:
    record = ImpactRecordFactory(
        project=ProjectFactory(name="Court forms", team=team),
        you_said="The forms were hard to find",
        you_said_cy="Roedd y ffurflenni'n anodd dod o hyd iddynt",
        we_did="We linked them from the start page",
        we_did_cy="Rydym wedi'u cysylltu o'r dudalen gychwyn",
        is_published=True,
        published_at=timezone.now(),
    )
    record.activities.add(ActivityFactory(team=team), ActivityFactory(team=team))
    record.consultations.add(ConsultationFactory(team=team))
    return record


def _attended(record: ImpactRecord, email: str = "", language: str = "en", *, both: bool = False):
    person = make_person(
        first_name="Sam", last_name="Attendee", emails=[email] if email else [], preferred_language=language
    )
    for activity in list(record.activities.all())[: 2 if both else 1]:
        AttendanceFactory(activity=activity, person=person, attended=True)
    return person


def _responded(record: ImpactRecord, email: str, language: str = "en", *, may_contact: bool = False):
    return ResponseFactory(
        consultation=record.consultations.get(), email=email, language=language, may_contact=may_contact
    )


def _subscriber(email: str, *, topics=(), **more) -> Subscriber:
    more.setdefault("status", Subscriber.Status.ACTIVE)
    subscriber = SubscriberFactory(email=email, consented_at=timezone.now(), **more)
    subscriber.topics.set(topics)
    return subscriber


def _send(record: ImpactRecord, actor: User, captured, **choices) -> Bulletin:
    with captured(execute=True):
        return services.shareback_send(record=record, actor=actor, **choices)


def _to(messages) -> list[str]:
    return sorted(address for m in messages for address in m.to)


def test_each_person_gets_one_email_however_many_ways_they_took_part(
    record, officer, django_capture_on_commit_callbacks
) -> None:
    topic = TopicFactory()
    # Came to both activities, responded (in capitals) and subscribes to the topic.
    _attended(record, "all@example.org", both=True)
    _responded(record, "ALL@example.org")
    _subscriber("all@example.org", topics=[topic])
    _attended(record, "came@example.org")
    # A respondent who asked, in their response, to hear what changed.
    _responded(record, "said@example.org", may_contact=True)
    _subscriber("reader@example.org", topics=[topic])
    _subscriber("elsewhere@example.org", topics=[TopicFactory()])

    plan = services.shareback_plan(record, topics=[topic.pk])
    assert dict(plan.by_source()) == {
        "Came to an activity": 2,
        "Responded to a consultation": 1,
        "Subscribers to the topics and areas chosen": 1,
    }
    assert plan.overlap == 1

    bulletin = _send(record, officer, django_capture_on_commit_callbacks, topics=[topic])

    assert _to(mail.outbox) == [
        "all@example.org",
        "came@example.org",
        "reader@example.org",
        "said@example.org",
    ]
    assert Delivery.objects.filter(bulletin=bulletin, status=Delivery.Status.SENT).count() == 4
    bulletin.refresh_from_db()
    assert bulletin.kind == Bulletin.Kind.SHARE_BACK and bulletin.impact == record
    assert bulletin.status == Bulletin.Status.SENT


def test_without_topics_or_areas_chosen_no_subscriber_is_added(
    record, officer, django_capture_on_commit_callbacks
) -> None:
    _attended(record, "came@example.org")
    _subscriber("reader@example.org")
    _send(record, officer, django_capture_on_commit_callbacks)
    assert _to(mail.outbox) == ["came@example.org"]


def test_respondents_are_told_only_if_they_agreed_to_hear_from_us(
    record, officer, django_capture_on_commit_callbacks
) -> None:
    _responded(record, "receipt-only@example.org")  # gave an email for the receipt, nothing more
    # Consent in the directory for something else (photographs, say) is not agreement to email.
    ConsentFactory(person=make_person(last_name="Photographed", emails=["photo@example.org"]))
    _responded(record, "photo@example.org")
    withdrawn = make_person(last_name="Withdrawn", emails=["withdrew@example.org"])
    ConsentFactory(person=withdrawn, withdrawn_on=timezone.localdate())
    _responded(record, "withdrew@example.org")
    _responded(record, "")  # by post, or anonymised under the retention rules
    _subscriber("subscriber@example.org")
    _responded(record, "subscriber@example.org")
    _responded(record, "Asked@Example.org", may_contact=True)  # ticked "email me what changed"

    plan = services.shareback_plan(record)
    assert plan.excluded["not_agreed"] == 3
    assert plan.excluded["no_email"] == 1

    _send(record, officer, django_capture_on_commit_callbacks)
    assert _to(mail.outbox) == ["asked@example.org", "subscriber@example.org"]


def test_unsubscribed_and_bounced_addresses_are_never_emailed(
    record, officer, django_capture_on_commit_callbacks
) -> None:
    _attended(record, "left@example.org")
    _subscriber("left@example.org", status=Subscriber.Status.UNSUBSCRIBED)
    _attended(record, "bounced@example.org")
    _subscriber("bounced@example.org", status=Subscriber.Status.BOUNCED)
    _attended(record, "complained@example.org")
    AddressEvent.objects.create(email="complained@example.org", kind=AddressEvent.Kind.COMPLAINT)
    _attended(record)  # no email address in the directory
    _attended(record, "fine@example.org")

    plan = services.shareback_plan(record)
    assert (plan.excluded["unsubscribed"], plan.excluded["stopped"], plan.excluded["no_email"]) == (1, 2, 1)

    _send(record, officer, django_capture_on_commit_callbacks)
    assert _to(mail.outbox) == ["fine@example.org"]
    assert not Subscriber.objects.filter(email="complained@example.org").exists()


def test_people_who_asked_for_welsh_get_the_welsh_email(
    record, officer, django_capture_on_commit_callbacks
) -> None:
    _attended(record, "cymraeg@example.org", language="cy")
    _responded(record, "ymateb@example.org", language="cy", may_contact=True)
    _attended(record, "english@example.org")
    # Told about another change before, in English; the directory now says Welsh.
    _subscriber("newid@example.org", status=Subscriber.Status.SHARE_BACK, language="en")
    _attended(record, "newid@example.org", language="cy")

    _send(record, officer, django_capture_on_commit_callbacks)

    by_address = {m.to[0]: m for m in mail.outbox}
    for address in ("cymraeg@example.org", "ymateb@example.org", "newid@example.org"):
        welsh = by_address[address].body
        assert "Roedd y ffurflenni'n anodd dod o hyd iddynt" in welsh
        assert "The forms were hard to find" not in welsh
        assert Subscriber.objects.get(email=address).language == "cy"
    english = by_address["english@example.org"].body
    assert "The forms were hard to find" in english and "ffurflenni" not in english


def test_the_email_links_to_the_public_page_and_does_not_say_they_subscribed(
    record, officer, client: Client, django_capture_on_commit_callbacks
) -> None:
    _attended(record, "came@example.org")
    _send(record, officer, django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert "You are not subscribed" in message.body and "you subscribed" not in message.body
    html = message.alternatives[0][0]
    tracked = html.split('href="http://localhost:8000', 1)[1].split('"', 1)[0]
    reply = client.get(tracked)
    assert reply["Location"].endswith(reverse("engagement:public_impact", args=[record.project.code]))


def test_a_second_share_back_reaches_only_people_not_told_before(
    record, officer, django_capture_on_commit_callbacks
) -> None:
    _attended(record, "first@example.org")
    _send(record, officer, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    _attended(record, "later@example.org")

    plan = services.shareback_plan(record)
    assert plan.excluded["already"] == 1 and [r.email for r in plan.recipients] == ["later@example.org"]

    _send(record, officer, django_capture_on_commit_callbacks)
    assert _to(mail.outbox) == ["later@example.org"]
    with pytest.raises(services.SendError):
        services.shareback_send(record=record, actor=officer)
    assert record.sharebacks.count() == 2


def test_the_page_shows_the_reach_and_says_who_was_told_before(
    record, officer_client: Client, django_capture_on_commit_callbacks
) -> None:
    _attended(record, "first@example.org")
    _attended(record, "cymraeg@example.org", language="cy")
    _attended(record)
    url = reverse("bulletins:shareback", args=[record.code])

    page = officer_client.get(url).content.decode()
    assert "Send to 2 people" in page
    assert "No email address" in page
    assert "Roedd y ffurflenni" in page and "The forms were hard to find" in page  # both previews

    with django_capture_on_commit_callbacks(execute=True):
        reply = officer_client.post(url)
    assert reply.status_code == 302
    assert len(mail.outbox) == 2

    _attended(record, "later@example.org")
    page = officer_client.get(url).content.decode()
    assert "Shared back before" in page
    assert "Already told by an earlier share-back" in page
    assert "Send to 1 person" in page

    project = officer_client.get(reverse("engagement:project_detail", args=[record.project.code]))
    assert "Shared back by email" in project.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(url)
    page = officer_client.get(url).content.decode()
    assert "There is nobody to tell" in page and "Send to" not in page
    with django_capture_on_commit_callbacks(execute=True):
        refused = officer_client.post(url)
    assert refused.status_code == 200 and "govuk-error-summary" in refused.content.decode()
    assert len(mail.outbox) == 3


def test_people_told_are_not_added_to_any_bulletin_audience(
    record, officer, django_capture_on_commit_callbacks
) -> None:
    _attended(record, "came@example.org")
    pending = _subscriber("pending@example.org", status=Subscriber.Status.PENDING)
    _attended(record, "pending@example.org")
    _subscriber("reader@example.org")
    _send(record, officer, django_capture_on_commit_callbacks)
    assert _to(mail.outbox) == ["came@example.org", "pending@example.org"]
    mail.outbox.clear()

    told = Subscriber.objects.get(email="came@example.org")
    assert told.status == Subscriber.Status.SHARE_BACK and told.source == Subscriber.Source.SHARE_BACK
    assert list(services.audience(BulletinFactory()).values_list("email", flat=True)) == [
        "reader@example.org"
    ]
    with django_capture_on_commit_callbacks(execute=True):
        services.bulletin_send(bulletin=BulletinFactory(), actor=officer)
    assert _to(mail.outbox) == ["reader@example.org"]
    # Someone who had signed up but not confirmed can still confirm, and then subscribes.
    services.confirm(Subscriber.objects.get(pk=pending.pk))
    assert Subscriber.objects.get(pk=pending.pk).status == Subscriber.Status.ACTIVE


def test_undoing_an_unsubscribe_from_a_share_back_does_not_subscribe(
    record, officer, client: Client, django_capture_on_commit_callbacks
) -> None:
    _attended(record, "came@example.org")
    _send(record, officer, django_capture_on_commit_callbacks)
    told = Subscriber.objects.get(email="came@example.org")
    page = client.get(reverse("bulletins:unsubscribe", args=[told.token])).content.decode()
    told.refresh_from_db()
    assert told.status == Subscriber.Status.UNSUBSCRIBED
    # The page speaks of the emails they had, not of bulletins they never asked for.
    assert "We will not email you about changes again" in page and "subscribe me again" not in page
    undone = client.post(reverse("bulletins:unsubscribe", args=[told.token]), {"undo": "1"}).content.decode()
    told.refresh_from_db()
    assert told.status == Subscriber.Status.SHARE_BACK
    assert "We will tell you what changes" in undone and "You are not subscribed to our bulletins" in undone
    # Signing up themselves makes them a subscriber in waiting, on their consent.
    services.subscribe(email="came@example.org", regions=[], topics=[], language="en")
    told.refresh_from_db()
    assert told.status == Subscriber.Status.PENDING and told.lawful_basis == "consent"


def test_the_record_is_marked_shared_back_when_the_send_finishes(
    record, officer, django_capture_on_commit_callbacks
) -> None:
    _attended(record, "a@example.org")
    _attended(record, "b@example.org")
    with override_settings(CHORUS_BULLETIN_SENDERS=1):
        bulletin = services.shareback_send(record=record, actor=officer)  # the commit never comes here
    record.refresh_from_db()
    assert record.shared_back_on is None
    with django_capture_on_commit_callbacks(execute=True):
        services.bulletin_deliver.enqueue(bulletin_id=bulletin.pk)
    record.refresh_from_db()
    assert record.shared_back_on == timezone.localdate()
    assert record.shared_back_how == "Emailed to 2 people through Chorus"
    bulletin.refresh_from_db()
    assert list(bulletin.activity.projects.all()) == [record.project]
    # Told later, the record keeps the day it was first shared back (a quarter already
    # reported keeps its count) and says how many it has reached in all.
    first = timezone.localdate() - timedelta(days=100)
    ImpactRecord.objects.filter(pk=record.pk).update(shared_back_on=first)
    _attended(record, "c@example.org")
    _send(record, officer, django_capture_on_commit_callbacks)
    record.refresh_from_db()
    assert record.shared_back_on == first
    assert record.shared_back_how == "Emailed to 3 people through Chorus"


def test_an_interrupted_share_back_never_sends_anyone_a_second_copy(
    record, officer, django_capture_on_commit_callbacks
) -> None:
    for i in range(5):
        _attended(record, f"r{i}@example.org")
    with override_settings(CHORUS_BULLETIN_SENDERS=1):
        bulletin = services.shareback_prepare(record, actor=officer)
    # A worker claimed two an hour ago and died before marking them sent.
    claimed = list(Delivery.objects.filter(bulletin=bulletin).order_by("pk").values_list("pk", flat=True)[:2])
    Delivery.objects.filter(pk__in=claimed).update(
        status=Delivery.Status.SENDING, claimed_at=timezone.now() - timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.bulletins_resume()
    assert len(mail.outbox) == 3
    assert Delivery.objects.filter(bulletin=bulletin, status=Delivery.Status.UNKNOWN).count() == 2
    # Those two may have had it: a second share-back leaves them out too.
    plan = services.shareback_plan(record)
    assert plan.total == 0 and plan.excluded["already"] == 5
    record.refresh_from_db()
    assert record.shared_back_on == timezone.localdate()


def test_an_unpublished_record_cannot_be_shared_back(record, officer) -> None:
    _attended(record, "came@example.org")
    record.is_published = False
    record.save()
    with pytest.raises(services.SendError):
        services.shareback_send(record=record, actor=officer)
    assert not Bulletin.objects.exists()


def test_only_the_records_team_editors_may_share_it_back(
    record, client: Client, viewer, outsider, django_capture_on_commit_callbacks
) -> None:
    _attended(record, "came@example.org")
    url = reverse("bulletins:shareback", args=[record.code])
    assert sign_in(client, viewer).get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert sign_in(client, outsider).get(url).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 404
    assert mail.outbox == [] and not Bulletin.objects.exists()


def test_the_share_back_is_audited(
    record, officer_client: Client, officer, django_capture_on_commit_callbacks
) -> None:
    _attended(record, "came@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(reverse("bulletins:shareback", args=[record.code]))
    sent, finished = AuditEntry.objects.filter(
        object_type="engagement.impactrecord", object_id=str(record.code)
    ).order_by("pk")
    assert sent.actor == officer and sent.action == "change"
    assert sent.detail["recipients"] == 1
    assert finished.actor is None and "Emailed to 1 person" in finished.detail["shared back"]


def test_a_sign_up_nobody_confirmed_does_not_undo_an_unsubscribe_or_subscribe_anyone(
    record, officer, client: Client, django_capture_on_commit_callbacks
) -> None:
    _attended(record, "came@example.org")
    # They came, were told once, and unsubscribed.
    _send(record, officer, django_capture_on_commit_callbacks)
    told = Subscriber.objects.get(email="came@example.org")
    client.get(reverse("bulletins:unsubscribe", args=[told.token]))
    # Someone else types their address into the sign-up page and never confirms.
    services.subscribe(email="came@example.org", regions=[], topics=[], language="en")
    told.refresh_from_db()
    assert told.status == Subscriber.Status.PENDING
    _attended(record, "new@example.org")
    mail.outbox.clear()
    plan = services.shareback_plan(record)
    assert plan.excluded["unsubscribed"] == 1
    _send(record, officer, django_capture_on_commit_callbacks)
    assert _to(mail.outbox) == ["new@example.org"]
    # Undoing an unsubscribe never subscribes someone who never confirmed.
    pending = Subscriber.objects.get(email="came@example.org")
    services.unsubscribe(pending, how="link")
    client.post(reverse("bulletins:unsubscribe", args=[pending.token]), {"undo": "1"})
    pending.refresh_from_db()
    assert pending.status == Subscriber.Status.SHARE_BACK and pending.consented_at is None


def test_the_subscriber_rows_a_share_back_adds_are_audited(
    record, officer, django_capture_on_commit_callbacks
) -> None:
    _attended(record, "came@example.org")
    _send(record, officer, django_capture_on_commit_callbacks)
    told = Subscriber.objects.get(email="came@example.org")
    entry = AuditEntry.objects.get(object_id=str(told.code), action=AuditAction.CREATE)
    assert entry.actor == officer
