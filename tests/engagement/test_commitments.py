from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.accounts.models import Team, User
from chorus.core.models import AuditAction, AuditEntry
from chorus.core.registry import attention_for
from chorus.engagement.models import Commitment, CommitmentUpdate
from tests.conftest import sign_in
from tests.factories import ActivityFactory, ConsultationFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def _commitment(**fields: Any) -> Commitment:
    values: dict[str, Any] = {
        "kind": Commitment.Kind.RECOMMENDATION,
        "title": "Publish the fees review in plain English",
        "source_body": "Justice Select Committee",
    }
    return Commitment.objects.create(**(values | fields))


def _date(name: str, day: date) -> dict[str, str]:
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month), f"{name}_year": str(day.year)}


def _form(**fields: Any) -> dict[str, Any]:
    return {
        "kind": "recommendation",
        "title": "Publish the fees review in plain English",
        "source_body": "Justice Select Committee",
        "source": "Court fees report, recommendation 4",
        "status": "not_started",
        "due_on_day": "31",
        "due_on_month": "3",
        "due_on_year": "2027",
    } | fields


def test_a_commitment_is_added_with_its_source_owner_and_evidence(
    officer_client: Client, officer: User, team: Team
) -> None:
    project = ProjectFactory(name="Court fees", team=team)
    forum = ActivityFactory(title="Fees forum")
    forum.projects.add(project)
    response = officer_client.post(
        reverse("engagement:commitment_create"),
        _form(owner=officer.pk, team=team.pk, project=project.pk, activities=[forum.pk]),
    )
    commitment = Commitment.objects.get()
    assert response.url == reverse("engagement:commitment_detail", kwargs={"code": commitment.code})
    assert (commitment.owner, commitment.team, commitment.project) == (officer, team, project)
    assert list(commitment.activities.all()) == [forum]
    assert str(commitment.due_on) == "2027-03-31"
    assert AuditEntry.objects.filter(object_id=str(commitment.code), action=AuditAction.CREATE).exists()
    page = officer_client.get(response.url).content.decode()
    assert "Justice Select Committee" in page and "Fees forum" in page and "Court fees" in page


def test_bad_input_is_refused_with_messages_that_say_how_to_fix_it(officer_client: Client) -> None:
    response = officer_client.post(
        reverse("engagement:commitment_create"),
        _form(kind="", title="", due_on_day="31", due_on_month="2", due_on_year="2027"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert "Choose what kind of commitment it is" in page
    assert "Enter what was committed to" in page
    assert "Due date must be a real date" in page
    assert not Commitment.objects.exists()


def test_not_doing_needs_a_reason(officer_client: Client, officer: User) -> None:
    page = officer_client.post(
        reverse("engagement:commitment_create"), _form(status="not_doing", status_reason="  ")
    ).content.decode()
    assert "Say why it will not be done" in page
    assert not Commitment.objects.exists()

    commitment = _commitment()
    url = reverse("engagement:commitment_update_add", kwargs={"code": commitment.code})
    page = officer_client.post(url, {"status": "not_doing", "note": ""}).content.decode()
    assert "Say what has happened since the last update" in page
    commitment.refresh_from_db()
    assert commitment.status == "not_started" and not commitment.updates.exists()


def test_an_update_changes_the_status_and_is_listed_newest_first(
    officer_client: Client, officer: User
) -> None:
    commitment = _commitment(due_on=timezone.localdate() + timedelta(days=30))
    url = reverse("engagement:commitment_update_add", kwargs={"code": commitment.code})
    officer_client.post(
        url,
        {
            "status": "on_track",
            "note": "Drafting started",
            **_date("on", timezone.localdate() - timedelta(days=2)),
        },
    )
    officer_client.post(url, {"status": "at_risk", "note": "The data is late"})
    commitment.refresh_from_db()
    assert commitment.status == "at_risk"
    assert [u.note for u in commitment.updates.all()] == ["The data is late", "Drafting started"]
    assert commitment.updates.first().by == officer  # type: ignore[union-attr]
    page = officer_client.get(reverse("engagement:commitment_detail", kwargs={"code": commitment.code}))
    text = page.content.decode()
    assert text.index("The data is late") < text.index("Drafting started")
    assert AuditEntry.objects.filter(object_id=str(commitment.code), action=AuditAction.CHANGE).count() == 2


def test_an_update_that_drops_a_commitment_keeps_its_note_as_the_reason(officer_client: Client) -> None:
    commitment = _commitment()
    officer_client.post(
        reverse("engagement:commitment_update_add", kwargs={"code": commitment.code}),
        {"status": "not_doing", "note": "The service is closing"},
    )
    commitment.refresh_from_db()
    assert (commitment.status, commitment.status_reason) == ("not_doing", "The service is closing")


def test_editing_the_status_keeps_a_record_of_the_change(officer_client: Client) -> None:
    commitment = _commitment()
    officer_client.post(
        reverse("engagement:commitment_edit", kwargs={"code": commitment.code}), _form(status="done")
    )
    assert list(CommitmentUpdate.objects.values_list("status", flat=True)) == ["done"]
    page = officer_client.get(reverse("engagement:commitment_detail", kwargs={"code": commitment.code}))
    assert "Status changed." in page.content.decode()


def test_a_commitment_past_its_date_and_not_finished_is_overdue(officer_client: Client) -> None:
    yesterday = timezone.localdate() - timedelta(days=1)
    late = _commitment(title="Late one", due_on=yesterday, status="on_track")
    _commitment(title="Done one", due_on=yesterday, status="done")
    _commitment(title="Future one", due_on=timezone.localdate() + timedelta(days=1))
    assert late.is_overdue
    assert list(Commitment.objects.overdue()) == [late]
    page = officer_client.get(reverse("engagement:commitment_list"), {"overdue": "on"}).content.decode()
    assert "Late one" in page and "Done one" not in page and "Future one" not in page
    assert "govuk-tag--red" in page and "Overdue" in page


def test_the_list_filters_by_source_body_status_and_kind(officer_client: Client) -> None:
    _commitment(title="From the committee", status="at_risk")
    _commitment(title="From the plan", kind="action", source_body="Engagement strategy 2026")
    url = reverse("engagement:commitment_list")
    page = officer_client.get(url, {"q": "select"}).content.decode()
    assert "From the committee" in page and "From the plan" not in page
    page = officer_client.get(url, {"kind": "action"}).content.decode()
    assert "From the plan" in page and "From the committee" not in page
    page = officer_client.get(url, {"status": "at_risk"}).content.decode()
    assert "From the committee" in page and "From the plan" not in page


def test_an_officer_of_another_team_cannot_see_or_change_a_restricted_commitment(
    client: Client, outsider: User, team: Team
) -> None:
    commitment = _commitment(title="Family team only", team=team)
    sign_in(client, outsider)
    assert "Family team only" not in client.get(reverse("engagement:commitment_list")).content.decode()
    for name in ("commitment_detail", "commitment_edit"):
        assert client.get(reverse(f"engagement:{name}", kwargs={"code": commitment.code})).status_code == 404
    for name in ("commitment_update_add", "commitment_publish"):
        url = reverse(f"engagement:{name}", kwargs={"code": commitment.code})
        assert client.post(url, {"status": "done", "note": "x", "publish": "1"}).status_code == 404
    commitment.refresh_from_db()
    assert commitment.status == "not_started" and not commitment.is_published


def test_an_officer_cannot_give_a_commitment_to_a_team_they_are_not_in(
    officer_client: Client, other_team: Team
) -> None:
    page = officer_client.post(reverse("engagement:commitment_create"), _form(team=other_team.pk))
    assert "Choose one of your own teams, or none" in page.content.decode()
    assert not Commitment.objects.exists()


def test_a_viewer_reads_but_cannot_change(client: Client, viewer: User, team: Team) -> None:
    commitment = _commitment(team=team)
    sign_in(client, viewer)
    page = client.get(reverse("engagement:commitment_detail", kwargs={"code": commitment.code}))
    assert page.status_code == 200 and "Add an update" not in page.content.decode()
    assert "Add a commitment" not in client.get(reverse("engagement:commitment_list")).content.decode()
    assert (
        client.get(reverse("engagement:commitment_edit", kwargs={"code": commitment.code})).status_code == 403
    )
    url = reverse("engagement:commitment_update_add", kwargs={"code": commitment.code})
    assert client.post(url, {"status": "done", "note": "Done"}).status_code == 403
    assert not commitment.updates.exists()


def test_a_published_commitment_shows_on_the_public_page_in_english_and_welsh(officer_client: Client) -> None:
    welsh = _commitment(
        title="Publish the review", title_cy="Cyhoeddi adolygiad y ffioedd", status="on_track"
    )
    english_only = _commitment(title="Answer letters faster", source_body="Public Accounts Committee")
    draft = _commitment(title="Still a draft")
    _commitment(title="A promise to forum members", source_body="", is_published=True)
    CommitmentUpdate.objects.create(commitment=welsh, status="on_track", note="Drafting started")
    for commitment in (welsh, english_only):
        officer_client.post(
            reverse("engagement:commitment_publish", kwargs={"code": commitment.code}), {"publish": "1"}
        )
    assert AuditEntry.objects.filter(object_id=str(welsh.code), detail__published=True).exists()
    page = Client().get(reverse("engagement:public_commitments")).content.decode()
    assert "Publish the review" in page and "Answer letters faster" in page and draft.title not in page
    assert page.index("Justice Select Committee") < page.index("Publish the review")
    assert page.index("Public Accounts Committee") < page.index("Other commitments")
    assert page.index("Other commitments") < page.index("A promise to forum members")
    assert "Drafting started" in page and "On track" in page
    welsh_page = Client().get("/cy/commitments/").content.decode()
    assert "Cyhoeddi adolygiad y ffioedd" in welsh_page
    assert '<span lang="en">Answer letters faster</span>' in welsh_page
    officer_client.post(
        reverse("engagement:commitment_publish", kwargs={"code": welsh.code}), {"publish": "0"}
    )
    assert "Publish the review" not in Client().get(reverse("engagement:public_commitments")).content.decode()


def test_overdue_and_at_risk_commitments_are_on_their_owners_home(
    officer_client: Client, officer: User, outsider: User, team: Team, viewer: User
) -> None:
    yesterday = timezone.localdate() - timedelta(days=1)
    _commitment(title="Overdue for the team", team=team, due_on=yesterday)
    _commitment(title="At risk for me", owner=officer, status="at_risk")
    _commitment(title="Done already", owner=officer, due_on=yesterday, status="done")
    mine = {str(i.title): i for i in attention_for(officer)}
    item = mine["Commitments overdue or at risk"]
    assert item.count == 2 and item.urgent
    assert "Overdue for the team" in str(item.description)
    _commitment(title="Someone else's, at risk", status="at_risk")
    listed = officer_client.get(item.url).content.decode()
    assert "Overdue for the team" in listed and "At risk for me" in listed
    assert "Done already" not in listed and "Someone else" not in listed
    assert "Commitments overdue or at risk" in officer_client.get(reverse("core:staff_home")).content.decode()
    assert "Commitments overdue or at risk" not in {str(i.title) for i in attention_for(outsider)}
    assert "Commitments overdue or at risk" not in {str(i.title) for i in attention_for(viewer)}


def test_a_commitment_started_from_a_project_page_is_linked_to_it(officer_client: Client, team: Team) -> None:
    project = ProjectFactory(name="Court fees", team=team)
    forum = ActivityFactory(title="Fees forum")
    forum.projects.add(project)
    ActivityFactory(title="Some other meeting")
    page = officer_client.get(reverse("engagement:project_detail", kwargs={"code": project.code}))
    assert f"/staff/commitments/new/?project={project.code}" in page.content.decode()
    form = officer_client.get(reverse("engagement:commitment_create"), {"project": str(project.code)})
    text = form.content.decode()
    assert f'value="{project.pk}" selected' in text and f'value="{team.pk}" selected' in text
    assert "Fees forum" in text and "Some other meeting" not in text
    _commitment(title="Publish the fees review", project=project, team=team)
    page = officer_client.get(reverse("engagement:project_detail", kwargs={"code": project.code}))
    assert "Publish the fees review" in page.content.decode()


def test_evidence_from_another_team_is_not_shown(officer_client: Client, other_team: Team) -> None:
    commitment = _commitment()
    commitment.activities.add(ActivityFactory(title="Crime team meeting", team=other_team))
    commitment.project = ProjectFactory(name="Crime team project", team=other_team)
    commitment.save()
    page = officer_client.get(reverse("engagement:commitment_detail", kwargs={"code": commitment.code}))
    text = page.content.decode()
    assert page.status_code == 200 and "Crime team meeting" not in text and "Crime team project" not in text


def test_an_update_that_fills_in_the_past_leaves_the_current_status(officer_client: Client) -> None:
    commitment = _commitment(status="at_risk")
    CommitmentUpdate.objects.create(commitment=commitment, status="at_risk", note="Data late")
    officer_client.post(
        reverse("engagement:commitment_update_add", kwargs={"code": commitment.code}),
        {"status": "on_track", "note": "Started", **_date("on", timezone.localdate() - timedelta(days=30))},
    )
    commitment.refresh_from_db()
    assert commitment.status == "at_risk"
    assert [u.note for u in commitment.updates.all()] == ["Data late", "Started"]


def test_consultations_and_evidence_links_are_kept_and_shown_publicly_only_when_public(
    officer_client: Client, team: Team, other_team: Team
) -> None:
    project = ProjectFactory(name="Court fees", team=team)
    response_paper = ConsultationFactory(title="Court fees consultation", project=project, is_published=True)
    draft = ConsultationFactory(title="Draft fees questions", project=project)
    restricted = ConsultationFactory(title="Restricted fees review", team=other_team, is_published=True)
    form = officer_client.get(reverse("engagement:commitment_create")).content.decode()
    assert "Court fees consultation" in form and "Restricted fees review" not in form
    officer_client.post(
        reverse("engagement:commitment_create"),
        _form(
            project=project.pk,
            consultations=[response_paper.pk, draft.pk],
            evidence_title="The published response (PDF)",
            evidence_url="https://www.example.org/response.pdf",
        ),
    )
    commitment = Commitment.objects.get()
    assert set(commitment.consultations.all()) == {response_paper, draft}
    # Linked some other way: still never shown to the public.
    commitment.consultations.add(restricted)
    detail = officer_client.get(reverse("engagement:commitment_detail", kwargs={"code": commitment.code}))
    text = detail.content.decode()
    assert "Court fees consultation" in text and "https://www.example.org/response.pdf" in text
    assert "Restricted fees review" not in text
    officer_client.post(
        reverse("engagement:commitment_publish", kwargs={"code": commitment.code}), {"publish": "1"}
    )
    public = Client().get(reverse("engagement:public_commitments")).content.decode()
    assert "Court fees consultation" in public and "The published response (PDF)" in public
    assert "https://www.example.org/response.pdf" in public
    assert "Draft fees questions" not in public and "Restricted fees review" not in public


def test_an_evidence_link_must_be_a_web_address_with_a_title(officer_client: Client) -> None:
    bad = officer_client.post(
        reverse("engagement:commitment_create"), _form(evidence_title="Response", evidence_url="not a link")
    ).content.decode()
    assert "Enter a web address, like https://www.example.org/response.pdf" in bad
    untitled = officer_client.post(
        reverse("engagement:commitment_create"), _form(evidence_url="https://www.example.org/response.pdf")
    ).content.decode()
    assert "Enter a title for the evidence" in untitled
    assert not Commitment.objects.exists()
