"""A saved search of the directory as a bulletin's audience: the subscribers among the
people it finds when the bulletin goes, as the sender may see them, and never anyone who
unsubscribed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.bulletins import services
from chorus.bulletins.forms import BulletinForm
from chorus.bulletins.models import Bulletin, Delivery, Subscriber
from chorus.bulletins.services.sending import bulletins_resume
from chorus.directory.models import SavedSearch
from chorus.directory.reference import regions_ensure
from chorus.directory.saved_searches import saved_search_delete
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


def test_a_saved_search_a_bulletin_waits_to_send_to_cannot_be_deleted(
    officer_client: Client, officer, admin, team
) -> None:
    """Were it deleted, the bulletin would have no audience chosen, which means every active
    subscriber: a bulletin scheduled for a few would go to everyone."""
    _subscribed(make_person(last_name="Rees", team=team), "megan@example.org")
    SubscriberFactory(email="anyone@example.org", status=Subscriber.Status.ACTIVE)
    saved = SavedSearchFactory(filters={"q": ["rees"]}, owner=officer, team=team)
    bulletin = BulletinFactory(team=team, created_by=officer, title="Rees news")
    bulletin.saved_searches.add(saved)
    services.bulletin_send(bulletin=bulletin, actor=officer, send_at=timezone.now() + timedelta(days=1))
    with pytest.raises(ValidationError):
        saved_search_delete(saved=saved, actor=admin)
    delete = reverse("directory:saved_search_delete", kwargs={"code": saved.code})
    # The question says so before it is asked, and promises nothing the refusal takes back.
    confirm = officer_client.get(delete).content.decode()
    assert "cannot be deleted: take it out of the bulletin" in confirm
    assert "will no longer include" not in confirm
    page = officer_client.post(delete, follow=True).content.decode()
    assert "in the audience of a bulletin not yet sent" in page and "Rees news" not in page
    assert SavedSearch.objects.filter(pk=saved.pk).exists()
    assert [s.email for s in services.audience(bulletin)] == ["megan@example.org"]


def test_a_search_changed_on_a_scheduled_bulletin_finds_people_as_whoever_changed_it(
    admin, officer, team, other_team, django_capture_on_commit_callbacks
) -> None:
    """Scheduled by an administrator, then changed by an officer: the officer's saved
    search must not reach, with the administrator's access, people the officer may not see."""
    _subscribed(make_person(last_name="Rees", team=team), "ours@example.org")
    _subscribed(make_person(last_name="Rees", team=other_team), "theirs@example.org")
    _subscribed(make_person(last_name="Hill", team=team), "hill@example.org")
    hill = SavedSearchFactory(filters={"q": ["hill"]}, owner=admin)
    rees = SavedSearchFactory(filters={"q": ["rees"]}, owner=officer)
    bulletin = BulletinFactory(created_by=admin)
    bulletin.saved_searches.add(hill)
    services.bulletin_send(bulletin=bulletin, actor=admin, send_at=timezone.now() + timedelta(hours=1))
    bulletin.refresh_from_db()
    form = BulletinForm(
        {"title": bulletin.title, "subject": "News", "body": "Hello", "saved_searches": [rees.pk]},
        instance=bulletin,
        user=officer,
    )
    assert form.is_valid(), form.errors
    services.bulletin_save(form=form, actor=officer)
    Bulletin.objects.filter(pk=bulletin.pk).update(send_at=timezone.now() - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        bulletins_resume()
    assert sorted(d.subscriber.email for d in Delivery.objects.all()) == ["ours@example.org"]


def test_a_saved_search_the_sender_may_not_use_finds_no_one_for_them(
    officer, outsider, team, other_team
) -> None:
    _subscribed(make_person(last_name="Rees"), "anyone@example.org")
    theirs = SavedSearchFactory(filters={"q": ["rees"]}, owner=outsider, team=other_team)
    bulletin = BulletinFactory(created_by=outsider)
    bulletin.saved_searches.add(theirs)
    assert [s.email for s in services.audience(bulletin, outsider)] == ["anyone@example.org"]
    assert list(services.audience(bulletin, officer)) == []
