from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.core.models import AuditAction, AuditEntry
from chorus.engagement.models import ImpactRecord, Project
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    ImpactRecordFactory,
    ProjectFactory,
    make_person,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(team) -> Project:
    return ProjectFactory(name="Online divorce", team=team)


def test_a_you_said_we_did_record_is_drafted_published_and_shown_publicly(
    officer_client: Client, project: Project
) -> None:
    forum = ActivityFactory(kind="user_forum", title="Divorce forum", starts_at=timezone.now())
    forum.projects.add(project)
    url = reverse("engagement:impact_create", kwargs={"project": project.code})
    bad = officer_client.post(url, {"you_said": "", "we_did": "", "decided_on": "soon"}).content.decode()
    assert "Summarise what people said" in bad and "Decision date must be a real date" in bad
    officer_client.post(
        url,
        {
            "you_said": "The form was hard to find",
            "we_did": "We moved the link to the start page",
            "we_did_cy": "Symudon ni'r ddolen",
            "decided_on": "2026-06-01",
            "activities": [forum.pk],
        },
    )
    record = ImpactRecord.objects.get()
    public = reverse("engagement:public_impact", kwargs={"code": project.code})
    assert Client().get(public).status_code == 404  # a draft is not public
    officer_client.post(reverse("engagement:impact_publish", kwargs={"code": record.code}), {"publish": "1"})
    page = Client().get(public).content.decode()
    assert "The form was hard to find" in page and "We moved the link to the start page" in page
    assert "Symudon ni&#x27;r ddolen" in Client().get(f"/cy/you-said-we-did/{project.code}/").content.decode()
    assert "Online divorce" in Client().get(reverse("engagement:public_impact_index")).content.decode()


def test_sharing_back_lists_the_participants_and_records_it(officer_client: Client, project: Project) -> None:
    forum = ActivityFactory(kind="user_forum", title="Divorce forum", starts_at=timezone.now())
    came = make_person(first_name="Aled", last_name="Price", emails=["aled@example.org"])
    invited_only = make_person(first_name="Bethan", last_name="Lloyd")
    AttendanceFactory(activity=forum, person=came, attended=True)
    AttendanceFactory(activity=forum, person=invited_only, invitation="invited")
    record = ImpactRecordFactory(project=project)
    record.activities.add(forum)
    response = officer_client.get(reverse("engagement:impact_participants", kwargs={"code": record.code}))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1:] == [["Aled", "Price", "aled@example.org", "en"]]
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, object_id=str(record.code)).exists()
    officer_client.post(
        reverse("engagement:impact_share", kwargs={"code": record.code}),
        {"shared_back_on": "2026-06-10", "shared_back_how": "Email to forum members"},
    )
    record.refresh_from_db()
    assert str(record.shared_back_on) == "2026-06-10" and record.shared_back_how == "Email to forum members"


def test_an_outsider_cannot_change_another_teams_record(client: Client, outsider, project: Project) -> None:
    from tests.conftest import sign_in

    record = ImpactRecordFactory(project=project)
    sign_in(client, outsider)
    assert (
        client.post(
            reverse("engagement:impact_publish", kwargs={"code": record.code}), {"publish": "1"}
        ).status_code
        == 404
    )
