"""Staff invite the people a saved search of the directory finds now: each gets the same
personal registration link as people invited from a group, a panel or by address."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.core.models import AuditEntry
from chorus.events.invitations import invitation_from_token
from chorus.events.models import Invitation
from tests.conftest import sign_in
from tests.factories import (
    RegistrationSettingsFactory,
    SavedSearchFactory,
    StakeholderGroupFactory,
    make_person,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _activity(team):
    return RegistrationSettingsFactory(
        activity__team=team, activity__is_public=False, activity__starts_at=timezone.now() + timedelta(days=9)
    ).activity


def test_an_officer_invites_everyone_a_saved_search_finds_now(
    officer_client: Client, officer, team, other_team
) -> None:
    activity = _activity(team)
    megan = make_person(first_name="Megan", last_name="Rees", emails=["megan@example.org"], team=team)
    make_person(first_name="Bryn", last_name="Rees", emails=["bryn@example.org"], team=other_team)
    make_person(first_name="Tom", last_name="Hill", emails=["tom@example.org"], team=team)
    no_email = make_person(first_name="Ifan", last_name="Rees", team=team)
    saved = SavedSearchFactory(name="Rees family", filters={"q": ["rees"]}, owner=officer, team=team)
    url = reverse("events:invitations", kwargs={"code": activity.code})
    assert "Rees family" in officer_client.get(url).content.decode()
    # Someone added after the search was saved who matches it is invited too.
    rhys = make_person(first_name="Rhys", last_name="Rees", emails=["rhys@example.org"], team=team)
    page = officer_client.post(url, {"saved_search": saved.pk}).content.decode()
    assert "2 people invited." in page and no_email.full_name in page and "no email address" in page
    assert {i.person for i in Invitation.objects.filter(activity=activity)} == {megan, rhys}
    assert sorted(m.to[0] for m in mail.outbox) == ["megan@example.org", "rhys@example.org"]
    # The same personal link as every other way of inviting.
    token = re.search(r"/events/invited/([^\s/]+)/", mail.outbox[0].body).group(1)  # type: ignore[union-attr]
    assert invitation_from_token(token).activity == activity  # type: ignore[union-attr]
    entry = AuditEntry.objects.filter(object_type="events.invitation", actor=officer).latest("id")
    assert entry.detail["invited"] == 2 and entry.detail["saved search"] == f"Rees family ({saved.code})"


def test_a_saved_search_of_another_team_cannot_be_chosen(client: Client, outsider, team, other_team) -> None:
    activity = _activity(other_team)
    make_person(last_name="Rees", emails=["megan@example.org"], team=team)
    theirs = SavedSearchFactory(name="Family only", filters={"q": ["rees"]}, team=team)
    sign_in(client, outsider)
    url = reverse("events:invitations", kwargs={"code": activity.code})
    assert "Family only" not in client.get(url).content.decode()
    page = client.post(url, {"saved_search": theirs.pk}).content.decode()
    assert "govuk-error-summary" in page and not Invitation.objects.exists() and mail.outbox == []


def test_a_saved_search_whose_filter_is_gone_is_refused_with_a_reason(
    officer_client: Client, officer, team
) -> None:
    activity = _activity(team)
    group = StakeholderGroupFactory(name="Court users")
    saved = SavedSearchFactory(name="Court users", filters={"group": [str(group.pk)]}, owner=officer)
    group.delete()
    url = reverse("events:invitations", kwargs={"code": activity.code})
    page = officer_client.post(url, {"saved_search": saved.pk}).content.decode()
    assert "The saved search “Court users” uses a filter that no longer exists" in page
    assert not Invitation.objects.exists()


def test_nothing_chosen_asks_for_a_group_a_saved_search_or_addresses(officer_client: Client, team) -> None:
    url = reverse("events:invitations", kwargs={"code": _activity(team).code})
    page = officer_client.post(url, {}).content.decode()
    assert "Choose a group or panel or a saved search, or enter email addresses of people to invite" in page
