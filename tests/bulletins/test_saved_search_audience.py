"""A saved search of the directory as a bulletin's audience: the subscribers among the
people it finds when the bulletin goes, as the sender may see them, and never anyone who
unsubscribed."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from chorus.bulletins import services
from chorus.bulletins.models import Bulletin, Delivery, Subscriber
from chorus.directory.reference import regions_ensure
from tests.factories import BulletinFactory, SavedSearchFactory, SubscriberFactory, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def regions(db: None) -> None:
    regions_ensure()


def _subscribed(person, email: str, status: str = Subscriber.Status.ACTIVE) -> Subscriber:
    return SubscriberFactory(email=email, person=person, status=status)


def test_a_saved_search_reaches_its_people_who_subscribe_and_stays_current(officer, team) -> None:
    megan = _subscribed(make_person(first_name="Megan", last_name="Rees", team=team), "megan@example.org")
    _subscribed(make_person(first_name="Tom", last_name="Hill"), "tom@example.org")
    _subscribed(
        make_person(first_name="Sian", last_name="Rees"), "sian@example.org", Subscriber.Status.UNSUBSCRIBED
    )
    make_person(first_name="Ifan", last_name="Rees")  # no subscription: not reached
    SubscriberFactory(email="anyone@example.org", status=Subscriber.Status.ACTIVE)
    saved = SavedSearchFactory(filters={"q": ["rees"]}, owner=officer, team=team)
    bulletin = BulletinFactory(team=team, created_by=officer)
    bulletin.saved_searches.add(saved)
    assert set(services.audience(bulletin)) == {megan}
    # Someone who matches the search and subscribes later is in the audience too.
    later = _subscribed(make_person(first_name="Rhys", last_name="Rees"), "rhys@example.org")
    assert set(services.audience(bulletin)) == {megan, later}


def test_the_saved_search_finds_people_as_the_sender_may_see_them(
    officer, outsider, team, other_team
) -> None:
    ours = _subscribed(make_person(last_name="Rees", team=team), "ours@example.org")
    theirs = _subscribed(make_person(last_name="Rees", team=other_team), "theirs@example.org")
    saved = SavedSearchFactory(filters={"q": ["rees"]}, owner=officer)  # everyone may use it
    bulletin = BulletinFactory(created_by=officer)
    bulletin.saved_searches.add(saved)
    assert set(services.audience(bulletin)) == {ours}
    assert set(services.audience(bulletin, outsider)) == {theirs}


def test_sending_to_a_saved_search_delivers_once_to_each_subscriber_it_finds(
    officer, team, django_capture_on_commit_callbacks
) -> None:
    _subscribed(make_person(last_name="Rees", team=team), "megan@example.org")
    _subscribed(make_person(last_name="Hill", team=team), "tom@example.org")
    saved = SavedSearchFactory(filters={"q": ["rees"]}, owner=officer, team=team)
    bulletin = BulletinFactory(team=team, created_by=officer)
    bulletin.saved_searches.add(saved)
    with django_capture_on_commit_callbacks(execute=True):
        services.bulletin_send(bulletin=bulletin, actor=officer)
    bulletin.refresh_from_db()
    assert bulletin.status == Bulletin.Status.SENT and bulletin.recipients == 1
    assert [m.to for m in mail.outbox] == [["megan@example.org"]]
    assert Delivery.objects.get().subscriber.email == "megan@example.org"


def test_a_saved_search_that_finds_no_subscriber_is_refused_at_sending(officer, team) -> None:
    make_person(last_name="Rees", team=team)
    bulletin = BulletinFactory(team=team, created_by=officer)
    bulletin.saved_searches.add(SavedSearchFactory(filters={"q": ["rees"]}, owner=officer))
    with pytest.raises(services.SendError, match="saved searches"):
        services.bulletin_send(bulletin=bulletin, actor=officer)


def test_the_bulletin_form_offers_the_saved_searches_the_officer_may_use(
    officer_client: Client, officer, team, other_team
) -> None:
    _subscribed(make_person(last_name="Rees", team=team), "megan@example.org")
    ours = SavedSearchFactory(name="Rees family", filters={"q": ["rees"]}, team=team)
    SavedSearchFactory(name="Crime team contacts", team=other_team)
    page = officer_client.get(reverse("bulletins:bulletin_create")).content.decode()
    assert "Rees family" in page and "Crime team contacts" not in page
    data = {"title": "News", "subject": "News", "body": "Hello", "saved_searches": [ours.pk], "team": team.pk}
    preview = officer_client.post(reverse("bulletins:bulletin_preview"), data).content.decode()
    assert "Reaches 1 subscriber" in preview
    response = officer_client.post(reverse("bulletins:bulletin_create"), data)
    assert response.status_code == 302
    bulletin = Bulletin.objects.get()
    assert list(bulletin.saved_searches.all()) == [ours]
    detail = officer_client.get(reverse("bulletins:bulletin_detail", kwargs={"code": bulletin.code}))
    assert "1 subscriber" in detail.content.decode()
