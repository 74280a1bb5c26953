"""Fields administrators add to cases: taken when staff record one, shown and changed on its
page, and removed with the rest when the case is anonymised."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from chorus.accounts.models import Role, Team, User
from chorus.cases.erasure import cases_anonymise
from chorus.cases.models import Case
from chorus.core.models import AuditAction, AuditEntry, CustomField
from tests.cases.conftest import open_case
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def court(db: None) -> CustomField:
    return CustomField.objects.create(
        applies_to="case",
        key="hearing",
        label_en="Hearing affected",
        label_cy="Gwrandawiad dan sylw",
        kind="yes_no",
        required=True,
        roles=[Role.ADMINISTRATOR, Role.ENGAGEMENT_OFFICER],
    )


def test_staff_record_a_case_with_its_added_fields(
    officer_client: Client, team: Team, court: CustomField
) -> None:
    posted = {
        "kind": "complaint",
        "channel": "phone",
        "name": "Pat Phoned",
        "language": "en",
        "description": "Nobody called back.",
    }
    page = officer_client.post(reverse("cases:case_create"), posted).content.decode()
    assert "Select yes or no for Hearing affected" in page
    assert not Case.objects.exists()
    officer_client.post(reverse("cases:case_create"), {**posted, "custom_hearing": "yes"})
    case = Case.objects.get()
    assert case.custom == {"hearing": True}
    detail = officer_client.get(reverse("cases:case_detail", args=[case.code])).content.decode()
    assert "Hearing affected" in detail and reverse("cases:case_fields", args=[case.code]) in detail


def test_the_fields_page_changes_them_and_the_change_is_audited(
    officer_client: Client, officer: User, team: Team, court: CustomField
) -> None:
    case = open_case(team=team, custom={"hearing": True})
    url = reverse("cases:case_fields", args=[case.code])
    assert officer_client.post(url, {"custom_hearing": "no"}).status_code == 302
    case.refresh_from_db()
    assert case.custom == {"hearing": False}
    entry = AuditEntry.objects.filter(object_id=str(case.code), action=AuditAction.CHANGE).latest("at")
    assert entry.actor == officer and entry.detail == {"hearing": ["True", "False"]}


def test_a_role_that_may_not_see_the_field_does_not_see_it(
    client: Client, viewer: User, team: Team, court: CustomField
) -> None:
    case = open_case(team=team, custom={"hearing": True})
    sign_in(client, viewer)
    detail = client.get(reverse("cases:case_detail", args=[case.code])).content.decode()
    assert "Hearing affected" not in detail


def test_anonymising_a_case_removes_its_added_fields(team: Team, court: CustomField) -> None:
    case = open_case(team=team, custom={"hearing": True})
    cases_anonymise(Case.objects.filter(pk=case.pk))
    case.refresh_from_db()
    assert case.custom == {}


def test_the_case_list_filters_by_added_fields(
    officer_client: Client, team: Team, court: CustomField
) -> None:
    affected = open_case(team=team, name="Aled Affected", custom={"hearing": True})
    open_case(team=team, name="Nia Notaffected", custom={"hearing": False})
    page = officer_client.get(reverse("cases:case_list") + "?custom_hearing=yes").content.decode()
    assert affected.reference in page
    assert Case.objects.exclude(pk=affected.pk).get().reference not in page
