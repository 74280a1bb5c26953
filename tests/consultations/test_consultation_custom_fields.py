"""Fields administrators add to consultations: in the staff form, on the staff page, in the
staff list's filter and in the staff API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.accounts.models import Role, Team, User
from chorus.api.services import token_issue
from chorus.consultations.models import Consultation
from chorus.core.models import CustomField
from tests.api.conftest import Api, every_scope
from tests.conftest import sign_in
from tests.factories import ConsultationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def budget(db: None) -> CustomField:
    return CustomField.objects.create(
        applies_to="consultation",
        key="budget",
        label_en="Budget",
        label_cy="Cyllideb",
        kind="number",
        required=True,
        roles=[Role.ADMINISTRATOR, Role.ENGAGEMENT_OFFICER],
    )


@pytest.fixture
def statutory(db: None) -> CustomField:
    return CustomField.objects.create(
        applies_to="consultation",
        key="statutory",
        label_en="Required by law",
        label_cy="Yn ofynnol yn ôl y gyfraith",
        kind="yes_no",
    )


def _posted(**extra: object) -> dict[str, object]:
    return {
        "kind": "consultation",
        "title": "Changes to court fees",
        "summary": "We propose to change some court fees.",
        "opens_at": "2026-12-01 09:00",
        "closes_at": "2027-02-01 23:59",
        **extra,
    }


def test_a_consultation_takes_its_added_fields_with_the_forms_messages(
    officer_client: Client, budget: CustomField, statutory: CustomField
) -> None:
    url = reverse("consultations:consultation_create")
    assert "Budget" in officer_client.get(url).content.decode()
    page = officer_client.post(url, _posted()).content.decode()
    assert "Enter Budget" in page
    page = officer_client.post(url, _posted(custom_budget="lots")).content.decode()
    assert "Budget must be a number, like 12 or 3.5" in page
    assert not Consultation.objects.exists()
    response = officer_client.post(url, _posted(custom_budget="12000", custom_statutory="yes"))
    assert response.status_code == 302
    consultation = Consultation.objects.get()
    assert consultation.custom == {"budget": 12000, "statutory": True}
    detail = officer_client.get(reverse("consultations:consultation_detail", args=[consultation.code]))
    assert "Budget" in detail.content.decode() and "12,000" in detail.content.decode()
    # Changing it keeps the values, shown in the form, and takes new ones.
    edit = reverse("consultations:consultation_edit", args=[consultation.code])
    assert 'value="12000"' in officer_client.get(edit).content.decode()
    response = officer_client.post(edit, _posted(custom_budget="9500.5", custom_statutory="no"))
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.custom == {"budget": 9500.5, "statutory": False}
    # Welsh pages carry the Welsh labels.
    page = officer_client.get("/cy" + reverse("consultations:consultation_detail", args=[consultation.code]))
    assert "Cyllideb" in page.content.decode() and "Yn ofynnol yn ôl y gyfraith" in page.content.decode()


def test_a_role_that_may_not_see_a_field_neither_sees_nor_clears_it(
    client: Client, admin: User, budget: CustomField, statutory: CustomField
) -> None:
    analyst = UserFactory(role=Role.ANALYST, email="analyst@example.gov.uk")
    consultation = ConsultationFactory(title="Court fees", custom={"budget": 987654, "statutory": True})
    sign_in(client, analyst)
    detail = client.get(
        reverse("consultations:consultation_detail", args=[consultation.code])
    ).content.decode()
    assert "Budget" not in detail and "987,654" not in detail
    assert "Required by law" in detail
    # An administrator's role sees both; a field they may not see is kept when they save.
    budget.roles = [Role.ENGAGEMENT_OFFICER]
    budget.save()
    sign_in(client, admin)
    edit = reverse("consultations:consultation_edit", args=[consultation.code])
    page = client.get(edit).content.decode()
    assert "Budget" not in page and "Required by law" in page
    response = client.post(edit, _posted(custom_statutory="no"))
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.custom == {"budget": 987654, "statutory": False}


def test_the_consultation_list_filters_by_added_fields_for_the_roles_that_see_them(
    client: Client, officer: User, viewer: User, other_team: Team, budget: CustomField
) -> None:
    ConsultationFactory(title="Costly review", custom={"budget": 900})
    ConsultationFactory(title="Cheap review", custom={"budget": 0})
    ConsultationFactory(title="Crime review", custom={"budget": 900}, team=other_team)
    url = reverse("consultations:consultation_list")
    sign_in(client, officer)
    page = client.get(url).content.decode()
    assert "Budget" in page and "Apply filters" in page
    page = client.get(url + "?custom_budget=900").content.decode()
    assert "Costly review" in page and "Cheap review" not in page
    assert "Crime review" not in page  # another team's, still hidden
    page = client.get(url + "?custom_budget=42").content.decode()
    assert "No consultations match your search or filters." in page
    page = client.get(url + "?custom_budget=lots").content.decode()
    assert "Budget must be a number, like 12 or 3.5" in page
    sign_in(client, viewer)
    page = client.get(url + "?custom_budget=900").content.decode()
    assert "Budget" not in page  # not offered to a role that may not see it, nor applied
    assert "Costly review" in page and "Cheap review" in page


@pytest.fixture
def api(admin: User) -> Api:
    _token, secret = token_issue(
        actor=admin,
        request=None,
        name="Data platform",
        scopes=every_scope(),
        expires_at=timezone.now() + timedelta(days=30),
        teams=(),
    )
    return Api(secret)


def test_the_api_gives_the_values_of_the_fields_its_tokens_user_sees(
    api: Api, budget: CustomField, statutory: CustomField
) -> None:
    consultation = ConsultationFactory(custom={"budget": 900, "statutory": True, "gone": "x"})
    read = api.get(f"/consultations/{consultation.code}").json()
    assert read["custom"] == {"budget": 900, "statutory": True}
    listed = api.get("/consultations").json()["results"]
    assert [c["custom"] for c in listed] == [{"budget": 900, "statutory": True}]
    # The token acts as the administrator who issued it: a field their role does not see
    # is left out.
    budget.roles = [Role.ENGAGEMENT_OFFICER]
    budget.save()
    assert api.get(f"/consultations/{consultation.code}").json()["custom"] == {"statutory": True}
