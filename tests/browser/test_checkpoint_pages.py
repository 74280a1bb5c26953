"""Engagement checkpoints in the browser, as an engagement officer new to them: the project
page says which groups took part by the due date and which did not; moving the project on
past an unmet checkpoint asks for a reason (spaces are not one) and waives it with that
reason. Every page passes axe-core in English and Welsh."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from chorus.accounts.models import Role
from chorus.engagement.models import Checkpoint, Project, stages_ensure
from tests.browser.conftest import assert_accessible
from tests.browser.test_accessibility import LANGUAGES, _sign_in
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    CheckpointFactory,
    GroupMembershipFactory,
    ProjectFactory,
    StakeholderGroupFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("CHORUS_SCREENSHOTS", "")

TEXT = {
    "en": {
        "met": "Engaged",
        "overdue": "Overdue",
        "waived": "Waived",
        "took_part": "1 person took part by the due date (came to an activity: 1)",
        "nobody": "Nobody from this group has come to the project\u2019s activities",
        "change": "Change project",
        "stage": "Stage",
        "beta": "Beta",
        "reason": "Why the project moves on without them",
        "not_met": "1 checkpoint is not met. Give the reason the project moves on without it",
        "saved": "Project saved. 1 checkpoint was waived with your reason.",
        "reason_shown": "Reason: ",
        "add": "Add checkpoint",
    },
    "cy": {
        "met": "Wedi ymgysylltu",
        "overdue": "Hwyr",
        "waived": "Wedi'i hepgor",
        "took_part": "Cymerodd 1 person ran erbyn y dyddiad dyledus (daeth i weithgaredd: 1)",
        "nobody": "Nid oes neb o\u2019r grŵp hwn wedi dod i weithgareddau\u2019r prosiect",
        "change": "Newid y prosiect",
        "stage": "Cam",
        "beta": "Beta",
        "reason": "Pam mae\u2019r prosiect yn symud ymlaen hebddyn nhw",
        "not_met": "Nid yw 1 pwynt gwirio wedi\u2019i fodloni.",
        "saved": "Prosiect wedi\u2019i gadw. Cafodd 1 pwynt gwirio ei hepgor gyda\u2019ch rheswm.",
        "reason_shown": "Rheswm: ",
        "add": "Ychwanegu pwynt gwirio",
    },
}

REASON = "The judiciary's liaison office asked us to wait for the beta to show them a working service."


def _shot(page: Page, name: str, lang: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/checkpoints-{name}-{lang}.png", full_page=True)


def _project() -> Project:
    """Online divorce, in alpha: the advice sector came to a meeting in time, the judiciary
    were only invited to it, and both checkpoints are past their due date."""
    stages_ensure()  # a transactional test before this one flushed them
    team = TeamFactory(name="Family services")
    UserFactory(
        email="officer@example.gov.uk",
        full_name="Ceri Officer",
        role=Role.ENGAGEMENT_OFFICER,
        teams=[team],
    )
    project = ProjectFactory(name="Online divorce", team=team, stage_id="alpha")
    advice = StakeholderGroupFactory(name="Advice sector")
    judges = StakeholderGroupFactory(name="Judiciary")
    today = timezone.localdate()
    CheckpointFactory(project=project, stage_id="alpha", group=advice, due_on=today - timedelta(days=5))
    CheckpointFactory(project=project, stage_id="alpha", group=judges, due_on=today - timedelta(days=3))
    meeting = ActivityFactory(
        kind="meeting", title="Advice agencies round table", starts_at=timezone.now() - timedelta(days=10)
    )
    meeting.projects.add(project)
    meeting.groups.add(advice, judges)
    adviser = GroupMembershipFactory(group=advice).person
    AttendanceFactory(activity=meeting, person=adviser, invitation="accepted", attended=True)
    judge = GroupMembershipFactory(group=judges).person
    AttendanceFactory(activity=meeting, person=judge, invitation="invited", attended=False)
    return project


def _no_internals(page: Page) -> None:
    """Nothing of Python or the database on the page: no None, reprs, field names or ISO dates.
    (A list's own "None" option, for no team, is a word the page chose.)"""
    shown = page.evaluate(
        "() => { const main = document.querySelector('main').cloneNode(true);"
        " main.querySelectorAll('option').forEach((o) => o.remove()); return main.textContent; }"
    )
    iso_date = f"{timezone.localdate().year}-"
    for leak in ("None", "{'", "[<", "waived_reason", "due_on", "stage_id", iso_date):
        assert leak not in shown, f"{page.url}: {leak!r} on the page"


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_an_officer_sees_who_took_part_and_waives_an_unmet_checkpoint_to_move_on(
    page: Page, live_server, prefix: str, lang: str
) -> None:
    text = TEXT[lang]
    project = _project()
    _sign_in(page, live_server.url, prefix, "officer@example.gov.uk")
    base = f"{live_server.url}{prefix}"

    page.goto(f"{base}/staff/projects/{project.code}/")
    assert page.locator("html").get_attribute("lang") == lang
    assert page.title().startswith("Online divorce \u2013 ")
    advice = page.locator("tr", has_text="Advice sector")
    judges = page.locator("tr", has_text="Judiciary")
    expect(advice.locator(".govuk-tag--green")).to_have_text(text["met"])
    expect(advice).to_contain_text(text["took_part"])
    expect(judges.locator(".govuk-tag--red")).to_have_text(text["overdue"])
    expect(judges).to_contain_text(text["nobody"])
    expect(page.get_by_role("heading", name=text["add"])).to_be_visible()
    _no_internals(page)
    assert_accessible(page)
    _shot(page, "project", lang)

    page.goto(f"{base}/staff/checkpoints/")
    overdue = page.locator("tr", has_text="Judiciary")
    expect(overdue.locator(".govuk-tag--red")).to_have_text(text["overdue"])
    expect(overdue).to_contain_text(text["nobody"])
    expect(page.locator("tbody tr", has_text="Advice sector")).to_have_count(0)
    _no_internals(page)
    assert_accessible(page)
    _shot(page, "list-overdue", lang)
    page.goto(f"{base}/staff/checkpoints/?status=met")
    expect(page.locator("tr", has_text="Advice sector")).to_contain_text(text["took_part"])
    assert_accessible(page)
    _shot(page, "list-met", lang)

    # Moving on to beta without a reason: the page says which checkpoint is not met.
    page.goto(f"{base}/staff/projects/{project.code}/")
    page.get_by_role("link", name=text["change"]).click()
    expect(page.locator("h1")).to_have_text(text["change"])
    page.get_by_label(text["stage"], exact=True).select_option(label=text["beta"])
    page.locator("form[novalidate] button[type=submit]").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text(text["not_met"])
    expect(summary).to_be_focused()
    assert page.title().startswith("Error:" if lang == "en" else "Gwall:")
    inset = page.locator(".govuk-inset-text")
    expect(inset.locator("li")).to_have_count(1)
    expect(inset).to_contain_text("Judiciary")
    expect(inset).not_to_contain_text("Advice sector")
    _no_internals(page)
    assert_accessible(page)
    _shot(page, "reason-needed", lang)
    summary.locator("a").click()
    reason = page.get_by_label(text["reason"])
    expect(reason).to_be_focused()
    expect(page.get_by_label(text["stage"], exact=True)).to_have_value("beta")

    # Spaces are not a reason.
    reason.fill("   ")
    page.locator("form[novalidate] button[type=submit]").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(text["not_met"])
    expect(page.locator(".govuk-error-message")).to_contain_text(text["not_met"])
    assert Project.objects.get(pk=project.pk).stage_id == "alpha"
    assert_accessible(page)
    _shot(page, "spaces", lang)

    page.get_by_label(text["reason"]).fill(f"  {REASON}  ")
    page.locator("form[novalidate] button[type=submit]").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(text["saved"])
    expect(page.locator(".govuk-summary-list")).to_contain_text(text["beta"])
    waived = page.locator("tr", has_text="Judiciary")
    expect(waived.locator(".govuk-tag--grey")).to_have_text(text["waived"])
    expect(waived).to_contain_text(f"{text['reason_shown']}{REASON} (Ceri Officer)")
    met = page.locator("tr", has_text="Advice sector")
    expect(met.locator(".govuk-tag--green")).to_have_text(text["met"])
    _no_internals(page)
    assert_accessible(page)
    _shot(page, "waived", lang)
    assert Checkpoint.objects.get(group__name="Judiciary").waived_reason == REASON
    assert Checkpoint.objects.get(group__name="Advice sector").waived_reason == ""

    page.goto(f"{base}/staff/checkpoints/?status=waived")
    listed = page.locator("tr", has_text="Judiciary")
    expect(listed.locator(".govuk-tag--grey")).to_have_text(text["waived"])
    expect(listed).to_contain_text(f"{text['reason_shown']}{REASON} (Ceri Officer)")
    _no_internals(page)
    assert_accessible(page)
    _shot(page, "list-waived", lang)
