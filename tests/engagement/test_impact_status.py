from __future__ import annotations

import importlib
from datetime import date

import pytest
from django.db import migrations
from django.test import Client
from django.urls import reverse

from chorus.accounts.models import User
from chorus.core.models import AuditAction, AuditEntry
from chorus.engagement.models import Commitment, ImpactRecord, ImpactUpdate, Project
from tests.conftest import sign_in
from tests.factories import ImpactRecordFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(team) -> Project:
    return ProjectFactory(name="Online divorce", team=team)


def _update_url(record: ImpactRecord) -> str:
    return reverse("engagement:impact_update_add", kwargs={"code": record.code})


def _update(status: str, note: str = "", on: date = date(2026, 6, 1)) -> dict[str, str]:
    return {
        "status": status,
        "note": note,
        "on_day": str(on.day),
        "on_month": str(on.month),
        "on_year": str(on.year),
    }


def test_existing_records_become_done_when_the_status_is_added() -> None:
    migration = importlib.import_module(
        "chorus.engagement.migrations.0013_impact_status_and_commitment_evidence"
    ).Migration
    [added] = [
        op
        for op in migration.operations
        if isinstance(op, migrations.AddField) and (op.model_name, op.name) == ("impactrecord", "status")
    ]
    assert added.field.default == "done"


def test_an_update_moves_the_record_on_and_is_audited(
    officer_client: Client, officer: User, project: Project
) -> None:
    record = ImpactRecordFactory(project=project)
    form = officer_client.get(_update_url(record)).content.decode()
    assert "Add an update" in form and "In progress" in form
    response = officer_client.post(_update_url(record), _update("in_progress", "Drafting the new page"))
    assert response.url == reverse("engagement:project_detail", kwargs={"code": project.code})
    record.refresh_from_db()
    assert record.status == ImpactRecord.Status.IN_PROGRESS
    update = ImpactUpdate.objects.get(record=record)
    assert (update.note, update.by, update.on) == ("Drafting the new page", officer, date(2026, 6, 1))
    assert AuditEntry.objects.filter(action=AuditAction.CHANGE, object_id=str(record.code)).exists()
    page = officer_client.get(reverse("engagement:project_detail", kwargs={"code": project.code}))
    text = page.content.decode()
    assert "In progress" in text and "1 June 2026" in text and "Drafting the new page" in text
    assert _update_url(record) in text


def test_not_doing_needs_a_reason(officer_client: Client, project: Project) -> None:
    record = ImpactRecordFactory(project=project)
    page = officer_client.post(_update_url(record), _update("not_doing")).content.decode()
    assert "Say why it will not be done" in page
    record.refresh_from_db()
    assert record.status == ImpactRecord.Status.DONE and not record.updates.exists()
    officer_client.post(_update_url(record), _update("not_doing", "The budget was withdrawn"))
    record.refresh_from_db()
    assert record.status == ImpactRecord.Status.NOT_DOING


def test_an_update_dated_before_the_latest_leaves_the_status(
    officer_client: Client, project: Project
) -> None:
    record = ImpactRecordFactory(project=project)
    officer_client.post(_update_url(record), _update("in_progress", on=date(2026, 6, 1)))
    officer_client.post(_update_url(record), _update("planned", on=date(2026, 5, 1)))
    record.refresh_from_db()
    assert record.status == ImpactRecord.Status.IN_PROGRESS and record.updates.count() == 2


def test_a_viewer_may_not_add_an_update(client: Client, viewer: User, project: Project) -> None:
    record = ImpactRecordFactory(project=project)
    sign_in(client, viewer)
    assert client.get(_update_url(record)).status_code == 403
    assert client.post(_update_url(record), _update("planned")).status_code == 403
    assert not record.updates.exists()


def test_another_team_cannot_see_the_update_page(client: Client, outsider: User, project: Project) -> None:
    record = ImpactRecordFactory(project=project)
    sign_in(client, outsider)
    assert client.get(_update_url(record)).status_code == 404
    assert client.post(_update_url(record), _update("planned")).status_code == 404
    assert not record.updates.exists()


def test_the_public_page_shows_status_and_date_in_english_and_welsh(
    officer_client: Client, officer: User, project: Project
) -> None:
    record = ImpactRecordFactory(project=project, is_published=True)
    officer_client.post(_update_url(record), _update("in_progress", "Note by the officer"))
    english = (
        Client().get(reverse("engagement:public_impact", kwargs={"code": project.code})).content.decode()
    )
    assert "In progress" in english and "Last updated 1 June 2026" in english
    assert officer.full_name not in english and "Note by the officer" not in english
    welsh = Client().get(f"/cy/you-said-we-did/{project.code}/").content.decode()
    assert "Ar y gweill" in welsh and "Diweddarwyd ddiwethaf 1 Mehefin 2026" in welsh


def test_the_card_lists_the_records_commitments(
    officer_client: Client, project: Project, team, other_team
) -> None:
    record = ImpactRecordFactory(project=project)
    commitment = Commitment.objects.create(
        kind=Commitment.Kind.PROMISE,
        title="Move the link to the start page",
        impact_record=record,
        team=team,
        due_on=date(2027, 3, 31),
        status=Commitment.Status.ON_TRACK,
    )
    hidden = Commitment.objects.create(
        kind=Commitment.Kind.PROMISE, title="Secret promise", impact_record=record, team=other_team
    )
    page = officer_client.get(
        reverse("engagement:project_detail", kwargs={"code": project.code})
    ).content.decode()
    assert reverse("engagement:commitment_detail", kwargs={"code": commitment.code}) in page
    assert "due by 31 March 2027" in page and "On track" in page
    assert hidden.title not in page
