from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.core.registry import attention_for
from chorus.directory.models import GroupMembership, Region, StakeholderGroup
from chorus.directory.panels import makeup_by_region
from chorus.directory.places import place_resolve
from chorus.directory.reference import regions_ensure
from tests.factories import GroupMembershipFactory, PlaceFactory, StakeholderGroupFactory, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def panel() -> StakeholderGroup:
    regions_ensure()
    wales, london = Region.objects.get(ons_code="W92000004"), Region.objects.get(ons_code="E12000007")
    panel = StakeholderGroupFactory(
        name="Court users' panel", is_panel=True, target_by_region={"W92000004": 50.0, "E12000007": 50.0}
    )
    today = timezone.localdate()
    for i, region in enumerate([wales, wales, wales, london]):
        person = make_person(first_name=f"Member{i}", last_name="Panel", region=region)
        GroupMembershipFactory(
            person=person,
            group=panel,
            start=today - timedelta(days=300),
            end=today + timedelta(days=10 if i == 0 else 400),
        )
    former = make_person(first_name="Former", last_name="Member", region=london)
    GroupMembershipFactory(
        person=former, group=panel, start=today - timedelta(days=800), end=today - timedelta(days=1)
    )
    return panel


def test_the_panel_make_up_is_shown_beside_its_target(panel: StakeholderGroup) -> None:
    rows = {row.label: row for row in makeup_by_region(panel)}
    assert (rows["Wales"].members, rows["Wales"].share, rows["Wales"].gap) == (3, 75.0, 25.0)
    assert (rows["London"].members, rows["London"].share, rows["London"].gap) == (1, 25.0, -25.0)


def test_places_ending_soon_are_on_the_officers_home_page(panel: StakeholderGroup, officer) -> None:
    items = {str(item.title): item for item in attention_for(officer)}
    assert items["Panel memberships ending soon"].count == 1


def test_the_panel_page_lists_current_members_only(officer_client: Client, panel: StakeholderGroup) -> None:
    body = officer_client.get(reverse("directory:panel_detail", kwargs={"code": panel.code})).content.decode()
    assert "Member0 Panel" in body and "Former Member" not in body
    assert "75.0%" in body


def test_free_text_place_names_resolve_to_one_place(db) -> None:
    court = PlaceFactory(
        name="Cardiff Civil and Family Justice Centre", other_names="Cardiff family court\nCCFJC"
    )
    online = PlaceFactory(name="Online", other_names="Teams\nZoom")
    assert place_resolve("cardiff family court") == court
    assert place_resolve("Cardiff Civil & Family Justice Centre") == court
    assert place_resolve("ZOOM") == online
    assert place_resolve("Swansea") is None


def test_an_officer_puts_someone_on_a_panel_with_dates(
    officer_client: Client, panel: StakeholderGroup
) -> None:
    person = make_person(first_name="Newydd", last_name="Aelod")
    url = reverse("directory:person_group_add", kwargs={"code": person.code})
    bad = officer_client.post(url, {"group": panel.pk, "start": "2026-05-01", "end": "2026-04-01"})
    assert "The end must be on or after the start" in bad.content.decode()
    assert not GroupMembership.objects.filter(person=person).exists()
    officer_client.post(url, {"group": panel.pk, "start": "2026-05-01", "end": "2028-04-30"})
    membership = GroupMembership.objects.get(person=person)
    assert (str(membership.start), str(membership.end)) == ("2026-05-01", "2028-04-30")
