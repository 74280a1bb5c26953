"""Staff invite a group, a panel or chosen people; each gets a personal link, once, in their
language; the link lets them register for a team's own activity with their details filled in."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.core.models import AuditEntry
from chorus.events.invitations import invitations_send
from chorus.events.models import Invitation, Registration
from tests.conftest import sign_in
from tests.factories import (
    GroupMembershipFactory,
    RegistrationSettingsFactory,
    StakeholderGroupFactory,
    make_person,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _team_activity_settings(team):
    return RegistrationSettingsFactory(
        activity__team=team, activity__is_public=False, activity__starts_at=timezone.now() + timedelta(days=9)
    )


def _link(message: mail.EmailMessage) -> str:
    url = re.search(r"https?://[^\s]+/events/invited/[^\s/]+/", message.body).group(0)
    return "/" + url.split("/", 3)[3]


def test_an_officer_invites_a_group_once_and_hears_who_cannot_be_reached(
    officer_client: Client, officer, team
) -> None:
    settings_ = _team_activity_settings(team)
    group = StakeholderGroupFactory(name="Court users' panel")
    welsh = make_person(
        first_name="Gwen", last_name="Morgan", emails=["gwen@example.org"], preferred_language="cy", team=team
    )
    english = make_person(first_name="Tom", last_name="Hill", emails=["tom@example.org"], team=team)
    no_email = make_person(first_name="Ifan", last_name="Lloyd", team=team)
    for person in (welsh, english, no_email):
        GroupMembershipFactory(group=group, person=person)
    url = reverse("events:invitations", kwargs={"code": settings_.activity.code})
    response = officer_client.post(url, {"group": group.pk})
    page = response.content.decode()
    assert "2 people invited." in page and "Ifan Lloyd" in page and "no email address" in page
    assert Invitation.objects.filter(activity=settings_.activity).count() == 2
    by_address = {m.to[0]: m for m in mail.outbox}
    assert "/cy/events/invited/" in by_address["gwen@example.org"].body
    assert "/cy/" not in by_address["tom@example.org"].body
    mail.outbox.clear()
    again = officer_client.post(url, {"group": group.pk, "emails": "tom@example.org"}, follow=True)
    assert "0 people invited. 2 were invited before and were not sent another." in again.content.decode()
    assert mail.outbox == []
    entry = AuditEntry.objects.filter(object_type="events.invitation", actor=officer).latest("id")
    assert entry.detail == {"invited": 0, "invited before": 2, "not reachable": 1}


def test_an_outsider_cannot_invite_to_another_teams_activity(client: Client, outsider, team) -> None:
    settings_ = _team_activity_settings(team)
    sign_in(client, outsider)
    url = reverse("events:invitations", kwargs={"code": settings_.activity.code})
    assert client.get(url).status_code == 404


def test_an_invitee_registers_for_a_team_activity_with_their_details_filled_in(
    client: Client, officer, team
) -> None:
    settings_ = _team_activity_settings(team)
    person = make_person(first_name="Tom", last_name="Hill", emails=["tom@example.org"], team=team)
    code = settings_.activity.code
    # Not on the public calendar: no one can register without an invitation.
    assert client.get(reverse("events:register_details", kwargs={"code": code})).status_code == 404
    invitations_send(actor=officer, request=None, activity=settings_.activity, people=[person])
    response = client.get(_link(mail.outbox[0]))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert 'value="Tom Hill"' in page and 'value="tom@example.org"' in page
    client.post(response["Location"], {"name": "Tom Hill", "email": "tom@example.org", "agree": "on"})
    check = reverse("events:register_check", kwargs={"code": code})
    submission = re.search(r'name="submission" value="([^"]+)"', client.get(check).content.decode()).group(1)
    assert client.post(check, {"submission": submission}).status_code == 302
    registration = Registration.objects.get(activity=settings_.activity)
    assert registration.person == person and registration.status == "confirmed"


def test_an_altered_invitation_link_is_refused(client: Client, officer, team) -> None:
    settings_ = _team_activity_settings(team)
    person = make_person(first_name="Tom", last_name="Hill", emails=["tom@example.org"], team=team)
    invitations_send(actor=officer, request=None, activity=settings_.activity, people=[person])
    link = _link(mail.outbox[0])
    assert client.get(link[:-3] + "xx/").status_code == 404


def test_addresses_that_are_not_email_addresses_are_named_and_no_one_is_invited(
    officer_client: Client, team
) -> None:
    settings_ = _team_activity_settings(team)
    make_person(first_name="Tom", last_name="Hill", emails=["tom@example.org"], team=team)
    url = reverse("events:invitations", kwargs={"code": settings_.activity.code})
    response = officer_client.post(url, {"emails": "tom@example.org\nsian.example.org\n\njo@@example"})
    page = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in page
    assert "Line 2, “sian.example.org”, is not an email address" in page
    assert "Line 4, “jo@@example”, is not an email address" in page
    assert "name@example.com" in page
    assert "people invited" not in page and "Success" not in page
    assert not Invitation.objects.exists() and mail.outbox == []


def test_addresses_no_one_has_do_not_say_success(officer_client: Client, team) -> None:
    settings_ = _team_activity_settings(team)
    url = reverse("events:invitations", kwargs={"code": settings_.activity.code})
    page = officer_client.post(url, {"emails": "nobody@example.org"}).content.decode()
    assert "Success" not in page and "0 people invited" not in page
    assert "No one was invited." in page and "nobody@example.org" in page


def test_the_page_says_when_the_event_is_full_that_invitees_join_the_waiting_list(
    officer_client: Client, team
) -> None:
    settings_ = _team_activity_settings(team)
    settings_.capacity = 1
    settings_.save()
    url = reverse("events:invitations", kwargs={"code": settings_.activity.code})
    full = "This event is full: people you invite join the waiting list when they register."
    assert full not in officer_client.get(url).content.decode()
    Registration.objects.create(
        activity=settings_.activity,
        name="Tom Hill",
        email="tom@example.org",
        status=Registration.Status.CONFIRMED,
    )
    assert full in officer_client.get(url).content.decode()


def test_the_invited_list_is_paged_with_how_many_were_invited(
    officer_client: Client, officer, team, settings
) -> None:
    settings.CHORUS_PAGE_SIZE = 5
    settings_ = _team_activity_settings(team)
    people = [
        make_person(first_name=f"P{n}", last_name="Guest", emails=[f"p{n}@example.org"], team=team)
        for n in range(7)
    ]
    invitations_send(actor=officer, request=None, activity=settings_.activity, people=people)
    url = reverse("events:invitations", kwargs={"code": settings_.activity.code})

    first = officer_client.get(url).content.decode()
    second = officer_client.get(url + "?page=2").content.decode()

    assert "7 people invited, the latest first." in first
    assert first.count("/staff/directory/people/") == 5 and "Page 1 of 2" in first
    assert second.count("/staff/directory/people/") == 2 and "Page 2 of 2" in second
