"""The satisfaction survey: emailed once when an enquiry or complaint is closed, answered once
through its signed link in English or Welsh, shown to staff on the case, counted on the
dashboard, in the person's subject access file and blanked on erasure."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from chorus.accounts.models import Team, User
from chorus.cases import services
from chorus.cases.dashboard import case_dashboard, dashboard_rows, period_for
from chorus.cases.models import Case, Kind, Outcome, SatisfactionSurvey
from chorus.cases.satisfaction import OPEN_FOR, survey_token
from chorus.core.models import AuditEntry
from chorus.directory.rights import person_erase, subject_access_contents
from tests.cases.conftest import open_case
from tests.conftest import sign_in
from tests.factories import make_person

pytestmark = pytest.mark.django_db

GOOD = {"satisfaction": "satisfied", "resolved": "partly", "timely": "yes", "improve": "Ring back sooner"}


def _close(officer: User, case: Case, captured: Any, outcome: str = Outcome.UPHELD) -> None:
    with captured(execute=True):
        services.case_close(
            actor=officer,
            case=case,
            outcome=outcome if case.kind == Kind.COMPLAINT else "",
            lesson_learned="Check the loop each morning",
        )


def _link(body: str) -> str:
    found = re.search(r"https?://\S+/contact-us/how-did-we-do/\S+/", body)
    assert found, body
    return found.group(0)


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


@pytest.fixture
def survey(team: Team) -> SatisfactionSurvey:
    case = open_case(team=team)
    return SatisfactionSurvey.objects.create(case=case)


def _url(survey: SatisfactionSurvey, welsh: bool = False) -> str:
    with translation.override("cy" if welsh else "en"):
        return reverse("cases:satisfaction", args=[survey_token(survey)])


# Sending -------------------------------------------------------------------------------------


def test_closing_a_complaint_emails_the_person_one_personal_link_to_the_survey(
    officer: User, team: Team, django_capture_on_commit_callbacks: Any
) -> None:
    case = open_case(team=team)
    _close(officer, case, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["carys@contact.example"]
    assert case.reference and case.reference in sent.subject and "complaint" in sent.subject
    assert sent.body.startswith("Dear Carys Complainant,")
    link = _link(sent.body)
    assert "/cy/" not in link
    page = Client().get(_path(link))
    assert page.status_code == 200
    assert "How satisfied are you with how we handled your complaint?" in page.content.decode()
    assert SatisfactionSurvey.objects.get().case == case


def test_a_welsh_case_is_asked_in_welsh(
    officer: User, team: Team, django_capture_on_commit_callbacks: Any
) -> None:
    case = open_case(team=team, kind=Kind.ENQUIRY, name="Siân Jones", language="cy")
    _close(officer, case, django_capture_on_commit_callbacks)
    body = mail.outbox[-1].body
    assert body.startswith("Annwyl Siân Jones")
    link = _link(body)
    assert "/cy/contact-us/how-did-we-do/" in link
    page = Client().get(_path(link)).content.decode()
    assert 'lang="cy"' in page and "Bodlon iawn" in page and "Yn rhannol" in page


def test_the_email_goes_only_once_the_close_commits(officer: User, team: Team) -> None:
    case = open_case(team=team)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.case_close(actor=officer, case=case, outcome=Outcome.UPHELD, lesson_learned="")
        raise RuntimeError("the request failed after closing")
    assert mail.outbox == [] and not SatisfactionSurvey.objects.exists()


def test_a_close_sent_again_or_a_case_closed_again_asks_once(
    officer: User, team: Team, django_capture_on_commit_callbacks: Any
) -> None:
    case = open_case(team=team)
    stale = Case.objects.get(pk=case.pk)  # the same case, as a second request loaded it
    _close(officer, case, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError):
        _close(officer, stale, django_capture_on_commit_callbacks)
    services.case_reopen(actor=officer, case=case, reason="They rang back")
    case.refresh_from_db()
    _close(officer, case, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1 and SatisfactionSurvey.objects.count() == 1


def test_no_one_is_asked_without_an_email_address(
    officer: User, team: Team, django_capture_on_commit_callbacks: Any
) -> None:
    case = open_case(team=team, email="", phone="01234 567890")
    _close(officer, case, django_capture_on_commit_callbacks)
    assert mail.outbox == [] and not SatisfactionSurvey.objects.exists()


@pytest.mark.parametrize("kind", [Kind.COMPLIMENT, Kind.SUGGESTION])
def test_compliments_and_suggestions_are_not_asked(
    kind: str, officer: User, team: Team, django_capture_on_commit_callbacks: Any
) -> None:
    case = open_case(team=team, kind=kind)
    _close(officer, case, django_capture_on_commit_callbacks)
    assert mail.outbox == [] and not SatisfactionSurvey.objects.exists()


def test_a_case_has_one_survey_at_most(survey: SatisfactionSurvey) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        SatisfactionSurvey.objects.create(case=survey.case)


# The public page -----------------------------------------------------------------------------


def test_the_page_asks_the_four_questions_for_the_kind_of_case(client: Client, team: Team) -> None:
    enquiry = SatisfactionSurvey.objects.create(case=open_case(team=team, kind=Kind.ENQUIRY))
    page = client.get(_url(enquiry)).content.decode()
    assert "How satisfied are you with how we handled your enquiry?" in page
    assert "Was your enquiry resolved?" in page
    assert "Did we deal with it in a reasonable time?" in page
    assert "Is there anything we could do better? (optional)" in page
    for label in ("Very satisfied", "Neither satisfied nor dissatisfied", "Very dissatisfied", "Partly"):
        assert label in page
    assert enquiry.case.reference in page
    # Nothing of who the person is, or of staff's own records.
    assert "Carys" not in page and "carys@contact.example" not in page


def test_missing_answers_are_explained_the_govuk_way_and_nothing_is_kept(
    client: Client, survey: SatisfactionSurvey
) -> None:
    response = client.post(_url(survey), {"improve": "x"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in page and "govuk-error-summary" in page
    for message in (
        "Select how satisfied you are with how we handled your complaint",
        "Select whether your complaint was resolved",
        "Select yes if we dealt with it in a reasonable time",
    ):
        assert page.count(message) == 2  # in the summary and by the question
    assert 'href="#id_satisfaction"' in page
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_a_comment_too_long_is_refused_with_how_long_it_may_be(
    client: Client, survey: SatisfactionSurvey
) -> None:
    page = client.post(_url(survey), {**GOOD, "improve": "a" * 1201}).content.decode()
    assert "What we could do better must be 1,200 characters or fewer" in page
    assert "checked" in page  # the choices made are kept
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_an_answer_is_kept_once_and_a_second_submit_changes_nothing(
    client: Client, survey: SatisfactionSurvey
) -> None:
    url = _url(survey)
    response = client.post(url, GOOD)
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url).content.decode()
    assert "Thank you for your answers" in page and survey.case.reference in page
    survey.refresh_from_db()
    assert (survey.satisfaction, survey.resolved, survey.timely, survey.improve) == (
        "satisfied",
        "partly",
        "yes",
        "Ring back sooner",
    )
    # The same form sent again (a double click, Back and send), or another browser.
    for visitor in (client, Client()):
        again = visitor.post(url, {**GOOD, "satisfaction": "very_dissatisfied", "improve": "Changed"})
        assert again.status_code == 200
        assert "Thank you, we already have your answers" in again.content.decode()
    assert "Thank you, we already have your answers" in client.get(url).content.decode()
    survey.refresh_from_db()
    assert survey.satisfaction == "satisfied" and survey.improve == "Ring back sooner"
    entry = AuditEntry.objects.get(object_id=str(survey.case.code), detail__has_key="satisfaction survey")
    assert entry.actor is None and "survey link" in entry.actor_label


def test_the_welsh_page_is_in_welsh(client: Client, survey: SatisfactionSurvey) -> None:
    page = client.get(_url(survey, welsh=True)).content.decode()
    assert '<html lang="cy"' in page
    assert "Bodlon iawn" in page and "Anfodlon iawn" in page and "Yn rhannol" in page
    response = client.post(_url(survey, welsh=True), GOOD)
    assert response["Location"].startswith("/cy/")
    assert "Diolch am eich atebion" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("token", ["not-a-token", "eyJhIjoxfQ:1abc:def"])
def test_a_link_that_is_wrong_gets_a_page_that_says_what_to_do(client: Client, token: str) -> None:
    for method in (client.get, client.post):
        response = method(reverse("cases:satisfaction", args=[token]))
        page = response.content.decode()
        assert response.status_code == 200
        assert "This link does not work" in page and "Check that you copied the whole link" in page


def test_a_link_altered_by_a_character_does_not_work(client: Client, survey: SatisfactionSurvey) -> None:
    token = survey_token(survey)
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")
    page = client.get(reverse("cases:satisfaction", args=[altered])).content.decode()
    assert "This link does not work" in page


def test_an_expired_link_says_the_survey_has_closed_and_takes_no_answer(
    client: Client, survey: SatisfactionSurvey
) -> None:
    SatisfactionSurvey.objects.filter(pk=survey.pk).update(
        created_at=timezone.now() - OPEN_FOR - timedelta(minutes=1)
    )
    for response in (client.get(_url(survey)), client.post(_url(survey), GOOD)):
        assert response.status_code == 200
        assert "This survey has closed" in response.content.decode()
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_an_answered_survey_still_says_thank_you_after_the_link_expires(
    client: Client, survey: SatisfactionSurvey
) -> None:
    client.post(_url(survey), GOOD)
    SatisfactionSurvey.objects.filter(pk=survey.pk).update(created_at=timezone.now() - OPEN_FOR * 2)
    assert "we already have your answers" in Client().get(_url(survey)).content.decode()


# Staff ----------------------------------------------------------------------------------------


def test_staff_see_the_answers_on_the_case_escaped_and_the_view_is_audited(
    client: Client, viewer: User, survey: SatisfactionSurvey
) -> None:
    Client().post(_url(survey), {**GOOD, "improve": "<script>alert(1)</script> & call me"})
    sign_in(client, viewer)
    page = client.get(reverse("cases:case_detail", args=[survey.case.code])).content.decode()
    assert "Satisfaction survey sent" in page and "Satisfaction survey answered" in page
    assert "Satisfied" in page and "Partly" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; call me" in page
    assert "<script>alert(1)" not in page
    assert AuditEntry.objects.filter(
        action="view", object_type="cases.case", object_id=str(survey.case.code), actor=viewer
    ).exists()


def test_what_they_wrote_is_marked_with_its_language_on_a_page_in_the_other(
    officer_client: Client, team: Team
) -> None:
    """Their own words (not the choices, shown in the page's language) carry the survey's
    language, so a screen reader reads Welsh words as Welsh on an English page."""
    welsh = SatisfactionSurvey.objects.create(case=open_case(team=team, language="cy"), language="cy")
    english = reverse("cases:case_detail", args=[welsh.case.code])
    Client().post(_url(welsh, welsh=True), {**GOOD, "improve": "Ffoniwch yn ôl yn gynt"})
    page = officer_client.get(english).content.decode()
    assert '<dd class="govuk-summary-list__value" lang="cy">Ffoniwch yn ôl yn gynt</dd>' in page
    assert '<dd class="govuk-summary-list__value">Satisfied</dd>' in page
    assert 'lang="cy">Ffoniwch' not in officer_client.get("/cy" + english).content.decode()


def test_an_unanswered_survey_shows_only_that_it_was_sent(
    officer_client: Client, survey: SatisfactionSurvey
) -> None:
    url = reverse("cases:case_detail", args=[survey.case.code])
    page = officer_client.get(url).content.decode()
    assert "Satisfaction survey sent" in page and "Satisfaction survey answered" not in page
    assert "Not answered yet." in page
    SatisfactionSurvey.objects.filter(pk=survey.pk).update(created_at=timezone.now() - OPEN_FOR * 2)
    assert "Not answered: the link has closed." in officer_client.get(url).content.decode()


def test_another_teams_officer_cannot_see_the_answers(client: Client, outsider: User, survey: Any) -> None:
    Client().post(_url(survey), GOOD)
    sign_in(client, outsider)
    assert client.get(reverse("cases:case_detail", args=[survey.case.code])).status_code == 404


# The dashboard -------------------------------------------------------------------------------


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(11)))


def _surveyed(team: Team | None, sent: date, answer: str = "", answered: date | None = None) -> None:
    case = open_case(team=team)
    SatisfactionSurvey.objects.create(
        case=case,
        created_at=_at(sent),
        answered_at=_at(answered or sent) if answer else None,
        satisfaction=answer,
        resolved="yes" if answer else "",
        timely="yes" if answer else "",
    )


@override_settings(CHORUS_SUPPRESS_BELOW=3)
def test_the_dashboard_counts_surveys_sent_and_answered_and_the_share_satisfied(
    officer: User, team: Team, other_team: Team
) -> None:
    q2, q1 = date(2026, 5, 1), date(2026, 2, 1)
    for answer in ("very_satisfied", "satisfied", "neither", "dissatisfied"):
        _surveyed(team, q2, answer)
    _surveyed(team, q2)  # sent, not answered
    _surveyed(team, q1, "satisfied", answered=q2)  # sent last quarter, answered this one
    for answer in ("satisfied", "very_dissatisfied", "dissatisfied"):
        _surveyed(team, q1, answer)
    _surveyed(other_team, q2, "very_dissatisfied")  # another team's: not theirs to count
    period = period_for("custom", date(2026, 12, 7), date(2026, 4, 1), date(2026, 6, 30))
    s = case_dashboard(user=officer, period=period, filters={}).satisfaction
    assert (s.sent, s.sent_before) == (5, 4)
    assert (s.answered, s.answered_before) == (5, 3)
    assert (s.satisfied, s.satisfied_before) == (3, 1)
    assert (s.share, s.share_before, s.share_change) == (60, 33, 27)


@override_settings(CHORUS_SUPPRESS_BELOW=3)
def test_the_share_is_hidden_when_too_few_answered(officer: User, team: Team) -> None:
    for answer in ("satisfied", "very_satisfied", "dissatisfied"):
        _surveyed(team, date(2026, 5, 1), answer)
    _surveyed(team, date(2026, 2, 1), "satisfied")
    _surveyed(team, date(2026, 2, 1), "satisfied")
    period = period_for("custom", date(2026, 12, 7), date(2026, 4, 1), date(2026, 6, 30))
    board = case_dashboard(user=officer, period=period, filters={})
    s = board.satisfaction
    assert s.share == 67 and s.share_before is None and s.share_change is None
    rows = {row[1]: row[2:] for row in dashboard_rows(board) if row[0] == "Satisfaction"}
    assert rows["Surveys sent"] == [3, 2, 1]
    assert rows["Share satisfied or very satisfied, per cent"] == [67, "", ""]


@override_settings(CHORUS_SUPPRESS_BELOW=3)
def test_the_dashboard_page_and_csv_show_the_satisfaction_figures(officer_client: Client, team: Team) -> None:
    for answer in ("satisfied", "very_satisfied", "dissatisfied", "satisfied"):
        _surveyed(team, date(2026, 5, 1), answer)
    query = {
        "period": "custom",
        "start_day": "1",
        "start_month": "4",
        "start_year": "2026",
        "end_day": "30",
        "end_month": "6",
        "end_year": "2026",
    }
    page = officer_client.get(reverse("cases:case_dashboard"), query).content.decode()
    assert 'id="satisfaction-heading"' in page and "Surveys answered" in page and "75%" in page
    assert "fewer than 3 people answered" in page
    response = officer_client.get(reverse("cases:case_dashboard"), {**query, "format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert ["Satisfaction", "Surveys answered", "4", "0", "4"] in rows
    assert ["Satisfaction", "Share satisfied or very satisfied, per cent", "75", "", ""] in rows


# The person's rights -------------------------------------------------------------------------


def test_the_answers_are_in_the_persons_subject_access_file(client: Client) -> None:
    person = make_person(first_name="Carys", last_name="Complainant", emails=["carys@contact.example"])
    survey = SatisfactionSurvey.objects.create(case=open_case(person=person))
    client.post(_url(survey), {**GOOD, "improve": "Answer the phone sooner"})
    files = subject_access_contents(person)
    assert "Answer the phone sooner" in files["satisfactionsurvey.csv"]
    assert "partly" in files["satisfactionsurvey.csv"]


def test_erasing_the_person_removes_what_they_wrote_and_closes_the_link(admin: User, client: Client) -> None:
    person = make_person(first_name="Carys", last_name="Complainant", emails=["carys@contact.example"])
    answered = SatisfactionSurvey.objects.create(case=open_case(person=person))
    waiting = SatisfactionSurvey.objects.create(case=open_case(person=person, kind=Kind.ENQUIRY))
    client.post(_url(answered), {**GOOD, "improve": "Carys here: ring 07700 900123"})
    person_erase(actor=admin, person=person)
    answered.refresh_from_db()
    assert "Carys" not in answered.improve and "07700" not in answered.improve
    # The choices stay, counted without a name.
    assert answered.satisfaction == "satisfied" and answered.answered_at is not None
    response = Client().post(_url(waiting), GOOD)
    assert "This survey has closed" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.answered_at is None


def test_the_demo_has_surveys_for_closed_enquiries_and_complaints_about_half_answered() -> None:
    import random

    from chorus.cases.demo import build
    from chorus.core.registry import SCALES

    summary = build(SCALES["small"], random.Random(7))
    surveys = SatisfactionSurvey.objects.all()
    assert summary["satisfaction surveys"] == surveys.count() > 0
    assert set(surveys.values_list("case__kind", flat=True)) == {Kind.ENQUIRY, Kind.COMPLAINT}
    assert not surveys.filter(case__email="").exists() and not surveys.filter(case__closed_at=None).exists()
    answered = surveys.exclude(answered_at=None)
    assert 0 < answered.count() < surveys.count()
    assert not answered.filter(answered_at__gt=timezone.now()).exists()
