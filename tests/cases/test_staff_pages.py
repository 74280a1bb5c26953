"""The staff pages: the list and its filters, recording a case, the case page, and the
actions on it, each within the team restrictions and audited."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.accounts.models import Role, Team, User
from chorus.cases.models import Case, Category, Kind, Outcome, ReplyTemplate, Stage, Status
from chorus.core.models import AuditEntry
from tests.cases.conftest import open_case
from tests.conftest import sign_in
from tests.factories import PlaceFactory, UserFactory

pytestmark = pytest.mark.django_db


def _page(client: Client, url: str, **params: str) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_list_shows_the_teams_cases_and_audits_who_saw_them(
    officer_client: Client, team: Team, other_team: Team
) -> None:
    mine = open_case(team=team, name="Carys Complainant")
    theirs = open_case(team=other_team, name="Bryn Betaonly")
    page = _page(officer_client, reverse("cases:case_list"))
    assert mine.reference in page and "Carys Complainant" in page
    assert theirs.reference not in page and "Bryn Betaonly" not in page
    entry = AuditEntry.objects.get(object_type="cases.case", action="view")
    assert entry.detail["cases shown"] == [mine.reference]


def test_the_list_filters_by_what_the_address_says(officer_client: Client, team: Team) -> None:
    delays = Category.objects.create(name_en="Delays", name_cy="Oedi")
    place = PlaceFactory()
    complaint = open_case(team=team, category=delays, place=place)
    enquiry = open_case(team=team, kind=Kind.ENQUIRY, name="Ellis Enquirer")
    url = reverse("cases:case_list")
    page = _page(officer_client, url, kind="enquiry")
    assert enquiry.reference in page and complaint.reference not in page
    page = _page(officer_client, url, category=str(delays.pk))
    assert complaint.reference in page and enquiry.reference not in page
    if place.region_id:
        page = _page(officer_client, url, region=str(place.region_id))
        assert complaint.reference in page and enquiry.reference not in page
    page = _page(officer_client, url, status="closed")
    assert "No cases match these filters." in page


def test_a_filter_that_no_longer_fits_is_left_out_and_the_others_still_apply(
    officer_client: Client, team: Team
) -> None:
    complaint = open_case(team=team)
    enquiry = open_case(team=team, kind=Kind.ENQUIRY)
    page = _page(officer_client, reverse("cases:case_list"), kind="enquiry", category="999999", due="x")
    assert enquiry.reference in page and complaint.reference not in page
    assert "Select a valid choice" not in page and "govuk-form-group--error" not in page


def test_the_welsh_list_and_form_name_categories_in_welsh(officer_client: Client, team: Team) -> None:
    Category.objects.create(name_en="Delays", name_cy="Oedi")
    assert ">Oedi</option>" in _page(officer_client, "/cy/staff/cases/")
    assert ">Oedi</option>" in _page(officer_client, "/cy/staff/cases/new/")
    assert ">Delays</option>" in _page(officer_client, "/staff/cases/")


def test_overdue_and_due_soon_filters(officer_client: Client, team: Team) -> None:
    today = timezone.localdate()
    late = open_case(team=team, name="Lara Late")
    Case.objects.filter(pk=late.pk).update(due_on=today - timedelta(days=7))
    soon = open_case(team=team, name="Sunny Soon")
    Case.objects.filter(pk=soon.pk).update(due_on=today)
    later = open_case(team=team, name="Lou Later")
    Case.objects.filter(pk=later.pk).update(due_on=today + timedelta(days=60))
    url = reverse("cases:case_list")
    page = _page(officer_client, url, due="overdue")
    assert late.reference in page and soon.reference not in page and later.reference not in page
    assert "Overdue by" in page
    page = _page(officer_client, url, due="soon")
    assert soon.reference in page and late.reference not in page and later.reference not in page
    assert "Due today" in page


def test_the_list_is_paginated(officer_client: Client, team: Team) -> None:
    for number in range(51):
        open_case(team=team, kind=Kind.COMPLIMENT, name=f"Person {number}")
    page = _page(officer_client, reverse("cases:case_list"), kind="compliment")
    assert "Page 1 of 2" in page and "kind=compliment&amp;page=2" in page


def test_an_outsider_gets_404_for_another_teams_case(client: Client, outsider: User, team: Team) -> None:
    case = open_case(team=team)
    sign_in(client, outsider)
    for name in ("case_detail", "case_assign", "case_reply", "case_close", "case_escalate"):
        assert client.get(reverse(f"cases:{name}", args=[case.code])).status_code == 404


def test_a_viewer_sees_the_case_but_not_the_contact_details_and_cannot_change_it(
    client: Client, viewer: User, team: Team
) -> None:
    case = open_case(team=team, phone="07700 900123")
    sign_in(client, viewer)
    page = _page(client, reverse("cases:case_detail", args=[case.code]))
    assert "Carys Complainant" in page
    assert "carys@contact.example" not in page and "07700 900123" not in page
    assert reverse("cases:case_close", args=[case.code]) not in page
    assert client.get(reverse("cases:case_close", args=[case.code])).status_code == 403


def test_the_case_page_is_audited_and_says_when_the_reply_is_due(officer_client: Client, team: Team) -> None:
    case = open_case(team=team)
    Case.objects.filter(pk=case.pk).update(due_on=timezone.localdate() - timedelta(days=30))
    page = _page(officer_client, reverse("cases:case_detail", args=[case.code]))
    assert "Overdue by" in page and "working days" in page
    assert AuditEntry.objects.filter(object_id=str(case.code), action="view").exists()


def test_staff_record_a_phone_complaint(officer_client: Client, officer: User, team: Team) -> None:
    response = officer_client.post(
        reverse("cases:case_create"),
        {
            "kind": "complaint",
            "channel": "phone",
            "received_on_day": "21",
            "received_on_month": "12",
            "received_on_year": "2026",
            "name": "Pat Phoned",
            "email": "",
            "phone": "07700 900999",
            "language": "en",
            "description": "Nobody called back.",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "cases:case_detail", args=[case.code]
    )
    assert case.channel == "phone" and case.received_on == date(2026, 12, 21)
    assert case.team == team and case.stage == Stage.FIRST_RESPONSE


def test_recording_an_anonymous_complaint_says_what_to_fix(officer_client: Client) -> None:
    page = officer_client.post(
        reverse("cases:case_create"),
        {"kind": "complaint", "channel": "letter", "language": "en", "description": "Bad"},
    ).content.decode()
    assert "Enter their name: enquiries and complaints need someone to answer" in page
    assert "govuk-error-summary" in page and not Case.objects.exists()


def test_assigning_a_case(officer_client: Client, officer: User, team: Team) -> None:
    case = open_case(team=team)
    colleague = UserFactory(role=Role.ENGAGEMENT_OFFICER, full_name="Cara Colleague", teams=[team])
    response = officer_client.post(
        reverse("cases:case_assign", args=[case.code]), {"team": str(team.pk), "assignee": str(colleague.pk)}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.assignee == colleague
    page = _page(officer_client, reverse("cases:case_detail", args=[case.code]))
    assert "Assigned to Cara Colleague" in page


def test_an_internal_note_is_on_the_timeline(officer_client: Client, team: Team) -> None:
    case = open_case(team=team)
    officer_client.post(reverse("cases:case_note", args=[case.code]), {"text": "Called the court manager."})
    page = _page(officer_client, reverse("cases:case_detail", args=[case.code]))
    assert "Called the court manager." in page


def test_what_the_person_wrote_is_marked_with_its_language(officer_client: Client, team: Team) -> None:
    english = open_case(team=team, description="The lift was broken.")
    welsh = open_case(team=team, description="Roedd y lifft wedi torri.", language="cy")
    marked = '<p class="govuk-body chorus-break-words" lang="en">The lift'
    assert marked in _page(officer_client, f"/cy/staff/cases/{english.code}/")
    assert marked not in _page(officer_client, f"/staff/cases/{english.code}/")
    marked = '<p class="govuk-body chorus-break-words" lang="cy">Roedd'
    assert marked in _page(officer_client, f"/staff/cases/{welsh.code}/")
    assert marked not in _page(officer_client, f"/cy/staff/cases/{welsh.code}/")


def test_a_note_too_long_says_so_and_keeps_what_was_written(officer_client: Client, team: Team) -> None:
    case = open_case(team=team)
    response = officer_client.post(reverse("cases:case_note", args=[case.code]), {"text": "w" * 10_001})
    page = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in page
    assert "The note must be 10,000 characters or fewer" in page and "w" * 10_001 in page
    assert "<title>Error:" in page and not case.notes.filter(text__startswith="www").exists()
    page = officer_client.post(reverse("cases:case_note", args=[case.code]), {"text": " "}).content.decode()
    assert "Enter the note" in page and 'href="#id_text"' in page


def test_replying_from_a_template(
    officer_client: Client, team: Team, django_capture_on_commit_callbacks
) -> None:
    case = open_case(team=team, name="Carys Complainant")
    template = ReplyTemplate.objects.create(
        name="Sorry", subject_en="Your complaint {reference}", body_en="Dear {name},\n\nWe are sorry."
    )
    url = reverse("cases:case_reply", args=[case.code])
    page = _page(officer_client, url, template=str(template.pk))
    assert f"Your complaint {case.reference}" in page and "Dear Carys Complainant," in page
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            url,
            {
                "subject": f"Your complaint {case.reference}",
                "body": "Dear Carys,\n\nWe are very sorry.",
                "template": str(template.pk),
            },
        )
    assert response.status_code == 302
    assert mail.outbox[-1].body == "Dear Carys,\n\nWe are very sorry."
    reply = case.replies.get()
    assert reply.template == template
    assert "We are very sorry." in _page(officer_client, reverse("cases:case_detail", args=[case.code]))


def test_escalating_from_the_page(officer_client: Client, team: Team) -> None:
    case = open_case(team=team)
    url = reverse("cases:case_escalate", args=[case.code])
    assert "Escalate the complaint to: Review?" in _page(officer_client, url)
    officer_client.post(url)
    case.refresh_from_db()
    assert case.stage == Stage.REVIEW


def test_closing_a_complaint_asks_for_the_outcome(officer_client: Client, team: Team) -> None:
    case = open_case(team=team)
    url = reverse("cases:case_close", args=[case.code])
    page = officer_client.post(url, {"lesson_learned": ""}).content.decode()
    assert "Select whether the complaint was upheld" in page
    officer_client.post(url, {"outcome": "upheld", "lesson_learned": "Check loops daily"})
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.outcome == Outcome.UPHELD
    page = _page(officer_client, reverse("cases:case_detail", args=[case.code]))
    assert "Check loops daily" in page and "Upheld" in page


def test_the_staff_home_warns_of_the_users_cases_before_and_after_they_are_due(
    officer_client: Client, officer: User, team: Team
) -> None:
    today = timezone.localdate()
    late = open_case(team=team, assignee=officer)
    Case.objects.filter(pk=late.pk).update(due_on=today - timedelta(days=3))
    soon = open_case(team=team, assignee=officer)
    Case.objects.filter(pk=soon.pk).update(due_on=today)
    open_case(team=team)  # not theirs
    page = _page(officer_client, reverse("core:staff_home"))
    assert "Your cases past their reply date" in page and "Your cases due for a reply soon" in page
    assert f"assignee={officer.pk}&amp;due=overdue" in page


def test_a_closed_case_is_reopened_with_a_reason_and_is_due_again(officer_client: Client, team: Team) -> None:
    case = open_case(team=team)
    detail = reverse("cases:case_detail", args=[case.code])
    reopen = reverse("cases:case_reopen", args=[case.code])
    assert reopen not in _page(officer_client, detail)  # open: nothing to reopen
    officer_client.post(
        reverse("cases:case_close", args=[case.code]), {"outcome": Outcome.NOT_UPHELD, "lesson_learned": ""}
    )
    assert reopen in _page(officer_client, detail)
    page = _page(officer_client, reopen)
    assert "Not upheld" in page and "is cleared" in page
    empty = officer_client.post(reopen, {"reason": "  "}).content.decode()
    assert "Enter why the case is being reopened" in empty and "govuk-error-summary" in empty
    case.refresh_from_db()
    assert case.status == Status.CLOSED

    done = officer_client.post(reopen, {"reason": "She wrote back: the loop is still off"}, follow=True)
    assert "Case reopened." in done.content.decode()
    assert "She wrote back: the loop is still off" in done.content.decode()  # on the timeline
    case.refresh_from_db()
    assert case.status == Status.OPEN and case.outcome == "" and case.closed_at is None
    assert case.due_on > timezone.localdate()
    entry = AuditEntry.objects.filter(
        object_type="cases.case", object_id=str(case.code), action="change", detail__reopened=True
    ).get()
    assert entry.detail["reopened"] is True and entry.detail["outcome before"] == Outcome.NOT_UPHELD
    # Sent again (a reload): the case is open already, and nothing changes.
    again = officer_client.post(reopen, {"reason": "again"}, follow=True).content.decode()
    assert "This case is already open" in again
    assert case.notes.filter(kind="reopened").count() == 1


def test_a_viewer_cannot_reopen_a_case(client: Client, team: Team) -> None:
    case = open_case(team=team)
    Case.objects.filter(pk=case.pk).update(status=Status.CLOSED, closed_at=timezone.now())
    viewer = UserFactory(role=Role.VIEWER, teams=[team])
    response = sign_in(client, viewer).post(reverse("cases:case_reopen", args=[case.code]), {"reason": "x"})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == Status.CLOSED


def test_what_happened_is_kept_in_english_and_shown_in_the_readers_language(
    officer_client: Client, team: Team
) -> None:
    from django.utils import translation

    with translation.override("cy"):  # an officer working in Welsh records the case
        case = open_case(team=team, channel="web")
    assert case.notes.get(kind="opened").text == "Web form"
    english = _page(officer_client, reverse("cases:case_detail", args=[case.code]))
    welsh = _page(officer_client, "/cy" + reverse("cases:case_detail", args=[case.code]))
    assert "Web form" in english
    assert "Ffurflen ar y we" in welsh and "Web form" not in welsh


def test_the_demo_timeline_is_dated_as_it_happened() -> None:
    import random

    from chorus.cases.demo import build
    from chorus.cases.models import CaseNote
    from chorus.core.registry import SCALES

    build(SCALES["small"], random.Random(7))
    closed = Case.objects.filter(status=Status.CLOSED).first()
    assert closed is not None and closed.closed_at is not None
    assert closed.notes.get(kind=CaseNote.Kind.CLOSED).created_at == closed.closed_at
    opened = closed.notes.get(kind=CaseNote.Kind.OPENED)
    assert timezone.localdate(opened.created_at) == closed.received_on
