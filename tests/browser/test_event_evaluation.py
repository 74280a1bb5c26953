"""An invitee registers for a team's own event through their personal link (name and email
filled in, their needs and who may see them asked), then after the event answers the
evaluation once; in English and Welsh, every page passing axe-core."""

from __future__ import annotations

import re
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from chorus.directory.models import AdjustmentsRecord
from chorus.engagement.models import Attendance
from chorus.events.evaluation import evaluations_send
from chorus.events.invitations import invitations_send
from chorus.events.models import Evaluation, Registration
from tests.browser.conftest import assert_accessible
from tests.browser.test_accessibility import LANGUAGES
from tests.factories import RegistrationSettingsFactory, TeamFactory, UserFactory, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(tempfile.gettempdir()) / "evaluate-shots"


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _path(message: mail.EmailMessage, kind: str) -> str:
    url = re.search(rf"https?://[^\s]+/events/{kind}/[^\s/]+/", message.body).group(0)
    return "/" + url.split("/", 3)[3]


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_an_invitee_registers_and_then_says_how_it_went(
    page: Page, live_server, prefix: str, lang: str
) -> None:
    team = TeamFactory(name="Family justice")
    officer = UserFactory(role="engagement_officer", teams=[team])
    settings_ = RegistrationSettingsFactory(
        questions=["adjustments"],
        activity__team=team,
        activity__is_public=False,
        activity__title="Family court panel",
        activity__title_cy="Panel y llys teulu",
        activity__starts_at=timezone.now() + timedelta(days=12),
    )
    activity = settings_.activity
    person = make_person(
        first_name="Gwen", last_name="Morgan", emails=["gwen@example.org"], team=team, preferred_language=lang
    )
    invitations_send(actor=officer, request=None, activity=activity, people=[person])
    invite = _path(mail.outbox[-1], "invited")
    assert invite.startswith(f"{prefix}/events/invited/")

    page.goto(f"{live_server.url}{invite}")
    expect(page).to_have_url(re.compile(r"/register/$"))
    expect(page.locator("input[name=name]")).to_have_value("Gwen Morgan")
    expect(page.locator("input[name=email]")).to_have_value("gwen@example.org")
    assert_accessible(page)
    _shot(page, f"{lang}-1-invited-details")
    page.locator("input[name=agree]").check()
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/register/questions/$"))
    page.locator("input[name=adjustment_categories][value=other]").check()
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.locator("textarea[name=adjustments]").fill("A seat near the door")
    page.locator("input[name=adjustments_share][value=event_team]").check()
    _shot(page, f"{lang}-2-questions")
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/register/check/$"))
    assert_accessible(page)
    _shot(page, f"{lang}-3-check")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/register/done/$"))
    assert_accessible(page)
    registration = Registration.objects.get(activity=activity)
    assert registration.person == person
    record = AdjustmentsRecord.objects.get(person=person)
    assert record.share_event_team and not record.share_venue

    # After the event: they came, and are asked how it went.
    type(activity).objects.filter(pk=activity.pk).update(starts_at=timezone.now() - timedelta(hours=5))
    Attendance.objects.filter(activity=activity, person=person).update(attended=True)
    assert evaluations_send() == 1
    survey = _path(mail.outbox[-1], "evaluation")
    assert survey.startswith(f"{prefix}/events/evaluation/")
    page.goto(f"{live_server.url}{survey}")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".govuk-error-summary__list li")).to_have_count(3)
    assert_accessible(page)
    _shot(page, f"{lang}-4-evaluation-errors")
    page.locator("input[name=useful][value='4']").check()
    page.locator("input[name=listened][value='5']").check()
    page.locator("input[name=accessible][value=partly]").check()
    page.locator("textarea[name=improve]").fill("Shorter sessions")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".govuk-panel--confirmation")).to_be_visible()
    assert_accessible(page)
    _shot(page, f"{lang}-5-evaluation-done")
    page.goto(f"{live_server.url}{survey}")
    expect(page.locator(".govuk-panel--confirmation")).to_be_visible()
    evaluation = Evaluation.objects.get()
    assert (evaluation.useful, evaluation.listened, evaluation.accessible) == (4, 5, "partly")


def test_an_officer_invites_a_panel_and_sees_who_cannot_be_reached(page: Page, live_server) -> None:
    from tests.browser.test_accessibility import _sign_in
    from tests.factories import GroupMembershipFactory, StakeholderGroupFactory

    team = TeamFactory(name="Family justice")
    UserFactory(role="engagement_officer", email="officer@example.gov.uk", teams=[team])
    settings_ = RegistrationSettingsFactory(
        activity__team=team,
        activity__title="Family court panel",
        activity__starts_at=timezone.now() + timedelta(days=9),
    )
    panel = StakeholderGroupFactory(name="Court users' panel")
    for first, emails in (("Gwen", ["gwen@example.org"]), ("Ifan", [])):
        GroupMembershipFactory(
            group=panel, person=make_person(first_name=first, last_name="Morgan", emails=emails, team=team)
        )
    _sign_in(page, live_server.url, "", "officer@example.gov.uk")
    page.goto(f"{live_server.url}/staff/activities/{settings_.activity.code}/invitations/")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.locator("select[name=group]").select_option(label="Court users' panel")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".govuk-warning-text")).to_contain_text("no email address")
    expect(page.locator("main")).to_contain_text("Ifan Morgan")
    assert_accessible(page)
    _shot(page, "en-6-invitations")
