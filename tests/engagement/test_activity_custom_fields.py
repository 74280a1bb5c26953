"""Fields administrators add to activities: in the form, on the page, in the list's filter."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from chorus.accounts.models import Role, User
from chorus.core.models import CustomField
from chorus.engagement.models import Activity
from tests.conftest import sign_in
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def venue_cost(db: None) -> CustomField:
    return CustomField.objects.create(
        applies_to="activity",
        key="venue_cost",
        label_en="Venue cost",
        label_cy="Cost y lleoliad",
        kind="number",
        required=True,
        roles=[Role.ADMINISTRATOR, Role.ENGAGEMENT_OFFICER],
    )


def _posted(**extra: object) -> dict[str, object]:
    return {"kind": "meeting", "title": "Planning meeting", "starts_at": "2026-12-01 10:00", **extra}


def test_an_activity_takes_its_added_fields_with_the_forms_messages(
    officer_client: Client, venue_cost: CustomField
) -> None:
    url = reverse("engagement:activity_create")
    assert "Venue cost" in officer_client.get(url).content.decode()
    page = officer_client.post(url, _posted()).content.decode()
    assert "Enter Venue cost" in page
    page = officer_client.post(url, _posted(custom_venue_cost="cheap")).content.decode()
    assert "Venue cost must be a number, like 12 or 3.5" in page
    response = officer_client.post(url, _posted(custom_venue_cost="1250.50"))
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert activity.custom == {"venue_cost": 1250.5}
    detail = officer_client.get(reverse("engagement:activity_detail", kwargs={"code": activity.code}))
    assert "Venue cost" in detail.content.decode() and "1,250.5" in detail.content.decode()


def test_the_activity_list_filters_by_added_fields_for_the_roles_that_see_them(
    client: Client, officer: User, viewer: User, venue_cost: CustomField
) -> None:
    ActivityFactory(title="Costly forum", custom={"venue_cost": 900})
    ActivityFactory(title="Free forum", custom={"venue_cost": 0})
    sign_in(client, officer)
    page = client.get(reverse("engagement:activity_list") + "?custom_venue_cost=900").content.decode()
    assert "Costly forum" in page and "Free forum" not in page
    sign_in(client, viewer)
    page = client.get(reverse("engagement:activity_list") + "?custom_venue_cost=900").content.decode()
    assert "Venue cost" not in page  # not offered to a role that may not see it, nor applied
    assert "Costly forum" in page and "Free forum" in page
    activity = Activity.objects.get(title="Costly forum")
    detail = client.get(
        reverse("engagement:activity_detail", kwargs={"code": activity.code})
    ).content.decode()
    assert "Venue cost" not in detail and "900" not in detail


def test_the_activities_export_has_the_added_fields_the_user_sees(
    client: Client, officer: User, viewer: User, venue_cost: CustomField
) -> None:
    from chorus.core.models import AuditEntry
    from tests.core.export_helpers import exported_bytes

    CustomField.objects.create(
        applies_to="activity",
        key="format",
        label_en="Format",
        label_cy="Fformat",
        kind="choice",
        choices=[
            {"value": "in_person", "label_en": "In person", "label_cy": "Wyneb yn wyneb"},
            {"value": "online", "label_en": "Online", "label_cy": "Ar-lein"},
        ],
    )
    ActivityFactory(title="Costly forum", custom={"venue_cost": 900, "format": "in_person"})
    ActivityFactory(title="Free forum", custom={"venue_cost": 0})
    listing = reverse("engagement:activity_list")

    def rows(url: str) -> list[list[str]]:
        return list(csv.reader(io.StringIO(exported_bytes(client, url).decode())))

    sign_in(client, officer)
    assert "format=xlsx" in client.get(listing).content.decode()
    found = rows(listing + "?custom_venue_cost=900&format=csv")
    assert found[0][-2:] == ["Venue cost", "Format"]
    assert [r[1] for r in found[1:]] == ["Costly forum"]
    assert found[1][-2:] == ["900", "In person"]
    assert AuditEntry.objects.filter(action="export", object_type="engagement.activity").exists()
    sign_in(client, viewer)
    found = rows(listing + "?custom_venue_cost=900&format=csv")
    assert "Venue cost" not in found[0] and found[0][-1] == "Format"
    assert {r[1] for r in found[1:]} == {"Costly forum", "Free forum"}
    assert not any("900" in r for r in found[1:])


def test_the_activities_export_names_only_projects_the_user_may_see(client: Client, officer: User) -> None:
    from tests.core.export_helpers import exported_bytes
    from tests.factories import ProjectFactory, TeamFactory

    open_project = ProjectFactory(name="Open project")
    hidden = ProjectFactory(name="Crime secret project", team=TeamFactory(name="Crime"))
    activity = ActivityFactory(title="Shared forum")
    activity.projects.add(open_project, hidden)
    sign_in(client, officer)

    found = list(
        csv.reader(
            io.StringIO(exported_bytes(client, reverse("engagement:activity_list") + "?format=csv").decode())
        )
    )

    row = next(r for r in found if r[1] == "Shared forum")
    assert row[found[0].index("projects")] == "Open project"
