"""Every page named in the foundation issue passes axe-core, in English and Welsh."""

from __future__ import annotations

import re

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from chorus.accounts.models import Role
from tests.browser.conftest import assert_accessible
from tests.conftest import PASSWORD
from tests.factories import (
    ActivityFactory,
    AnswerFactory,
    CheckpointFactory,
    ConsultationFactory,
    DuplicateCandidateFactory,
    ExitSurveyResponseFactory,
    HelpRequestFactory,
    ImpactRecordFactory,
    PageFeedbackFactory,
    PlaceFactory,
    ProjectFactory,
    QuestionFactory,
    ResponseFactory,
    SectionFactory,
    ServiceFactory,
    StakeholderGroupFactory,
    TeamFactory,
    ToolkitItemFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = [("", "en"), ("/cy", "cy")]


def _sign_in(page: Page, base: str, prefix: str, email: str) -> None:
    page.goto(f"{base}{prefix}/sign-in/")
    page.get_by_label("Email address" if prefix == "" else "Cyfeiriad e-bost").fill(email)
    page.get_by_label("Password" if prefix == "" else "Cyfrinair", exact=True).fill(PASSWORD)
    page.locator("form button[type=submit]").click()


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_the_public_home_page_is_accessible(page: Page, live_server, prefix: str, lang: str) -> None:
    page.goto(f"{live_server.url}{prefix}/")
    assert page.locator("html").get_attribute("lang") == lang
    expect(page.locator("h1")).to_have_text("Have your say" if lang == "en" else "Dweud eich dweud")
    assert_accessible(page)


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_the_sign_in_page_is_accessible_with_and_without_errors(
    page: Page, live_server, prefix: str, lang: str
) -> None:
    page.goto(f"{live_server.url}{prefix}/sign-in/")
    assert_accessible(page)
    page.locator("form button[type=submit]").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_the_staff_home_page_is_accessible(page: Page, live_server, prefix: str, lang: str) -> None:
    UserFactory(email="officer@example.gov.uk", role=Role.ENGAGEMENT_OFFICER, teams=[TeamFactory()])
    _sign_in(page, live_server.url, prefix, "officer@example.gov.uk")
    expect(page.locator("h1")).to_contain_text("Hello" if lang == "en" else "Helo")
    assert_accessible(page)


def test_the_language_switch_keeps_the_page(page: Page, live_server) -> None:
    page.goto(f"{live_server.url}/accessibility/")
    page.get_by_role("link", name="Cymraeg").click()
    expect(page).to_have_url(f"{live_server.url}/cy/accessibility/")
    expect(page.locator("h1")).to_have_text("Datganiad hygyrchedd")
    page.get_by_role("link", name="English").click()
    expect(page.locator("h1")).to_have_text("Accessibility statement")
    assert_accessible(page)


def test_an_administrator_sets_up_two_factor_and_reads_the_audit_log(page: Page, live_server) -> None:
    admin = UserFactory(email="admin@example.gov.uk", role=Role.ADMINISTRATOR)
    _sign_in(page, live_server.url, "", "admin@example.gov.uk")
    expect(page.locator("h1")).to_have_text("Set up two-factor authentication")
    assert_accessible(page)
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    code = TOTP(device.bin_key, device.step, device.t0, device.digits).token()
    page.get_by_label("Security code").fill(f"{code:06d}")
    page.get_by_role("button", name="Confirm and continue").click()
    expect(page.locator("h1")).to_contain_text("Hello")
    page.get_by_role("link", name="Audit log").click()
    expect(page.locator("h1")).to_have_text("Audit log")
    expect(page.locator("table")).to_contain_text("Signed in")
    assert_accessible(page)
    page.get_by_role("link", name="Users and teams").click()
    expect(page.locator("table")).to_contain_text("admin@example.gov.uk")
    assert_accessible(page)


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_the_directory_pages_are_accessible(page: Page, live_server, prefix: str, lang: str) -> None:
    from tests.factories import make_person

    UserFactory(email="officer@example.gov.uk", role=Role.ENGAGEMENT_OFFICER)
    a = make_person(
        first_name="Jonathan", last_name="Smith", emails=["js@example.org"], communication_needs="Large print"
    )
    b = make_person(first_name="Jon", last_name="Smith", emails=["jon@example.org"])
    pair = DuplicateCandidateFactory(
        person_a=a, person_b=b, match_probability=0.9, match_weight=4, agreement={"first_name": "nickname"}
    )
    _sign_in(page, live_server.url, prefix, "officer@example.gov.uk")
    for path in (
        "/staff/directory/",
        "/staff/directory/?q=smith",
        f"/staff/directory/people/{a.code}/",
        "/staff/directory/people/new/",
        f"/staff/directory/duplicates/{pair.code}/",
        "/staff/directory/organisations/",
    ):
        page.goto(f"{live_server.url}{prefix}{path}")
        assert page.locator("html").get_attribute("lang") == lang
        assert_accessible(page)


def test_an_officer_adds_a_person_and_finds_them(page: Page, live_server) -> None:
    UserFactory(email="officer@example.gov.uk", role=Role.ENGAGEMENT_OFFICER)
    _sign_in(page, live_server.url, "", "officer@example.gov.uk")
    page.get_by_role("link", name="Directory", exact=True).click()
    page.get_by_role("link", name="Add a person").click()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the person's last name")
    assert_accessible(page)
    page.get_by_label("First name").fill("Gwenllian")
    page.get_by_label("Last name").fill("Parry")
    page.get_by_label("Email addresses (optional)").fill("gwen@example.org")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_have_text("Gwenllian Parry")
    page.get_by_role("link", name="Directory", exact=True).click()
    page.get_by_label("Name, email or organisation").fill("gwenlian")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("table")).to_contain_text("Gwenllian Parry")


def test_an_officer_imports_a_spreadsheet(page: Page, live_server, tmp_path) -> None:
    UserFactory(email="officer@example.gov.uk", role=Role.ENGAGEMENT_OFFICER)
    sheet = tmp_path / "forum.csv"
    sheet.write_text("Name,Email,Postcode\nAlys Hopkins,alys@example.org,LL57 2DG\nBad Row,nope,\n")
    _sign_in(page, live_server.url, "", "officer@example.gov.uk")
    page.goto(f"{live_server.url}/staff/directory/imports/new/")
    page.get_by_label("Upload a file").set_input_files(str(sheet))
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("h1")).to_have_text("Match the columns")
    assert_accessible(page)
    page.get_by_role("button", name="Check the rows").click()
    expect(page.locator("#import-status")).to_contain_text("nope” is not an email address")
    assert_accessible(page)
    page.get_by_label("Where the list came from").fill("Bangor forum")
    page.get_by_label("Consent").check()
    page.get_by_role("button", name="Import 1 valid row").click()
    expect(page.locator(".govuk-panel")).to_contain_text("1 person added", timeout=15000)
    assert_accessible(page)


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_the_public_calendar_and_an_event_page_are_accessible(
    page: Page, live_server, prefix: str, lang: str
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    place = PlaceFactory(name="Swansea Civil Justice Centre", step_free=True)
    event = ActivityFactory(
        kind="user_forum",
        title="Swansea user forum",
        title_cy="Fforwm defnyddwyr Abertawe",
        starts_at=timezone.now() + timedelta(days=5),
        place=place,
        is_public=True,
    )
    past = ActivityFactory(
        kind="webinar",
        title="Webinar",
        starts_at=timezone.now() - timedelta(days=5),
        online_link="https://meet.example.org/a",
        is_public=True,
    )
    past.materials.create(kind="recording", title="Recording", url="https://video.example.org/a")
    page.goto(f"{live_server.url}{prefix}/events/")
    expect(page.locator("main")).to_contain_text(
        "Fforwm defnyddwyr Abertawe" if lang == "cy" else "Swansea user forum"
    )
    assert_accessible(page)
    for item in (event, past):
        page.goto(f"{live_server.url}{prefix}/events/{item.code}/")
        assert_accessible(page)


def test_an_officer_records_an_activity_with_an_attendee(page: Page, live_server) -> None:
    from tests.factories import make_person

    UserFactory(email="officer@example.gov.uk", role=Role.ENGAGEMENT_OFFICER)
    make_person(first_name="Rhodri", last_name="Morgan", communication_needs="Hearing loop")
    _sign_in(page, live_server.url, "", "officer@example.gov.uk")
    page.get_by_role("link", name="Engagement").click()
    page.get_by_role("link", name="Record an activity").click()
    expect(page).to_have_url(re.compile(r"/staff/activities/new/"))
    assert_accessible(page)
    page.get_by_label("Type").select_option("meeting")
    page.get_by_label("Title", exact=True).fill("Meeting with the advice sector")
    # The GOV.UK date input: day, month and year boxes, and a time.
    for box, value in (("day", "1"), ("month", "10"), ("year", "2026"), ("time", "10:00")):
        page.fill(f"input[name=starts_at_{box}]", value)
    page.get_by_role("button", name="Save activity").click()
    expect(page.locator("h1")).to_have_text("Meeting with the advice sector")
    page.get_by_label("Name, email or organisation").fill("rhodri")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("button", name="Add as came Rhodri Morgan").click()
    expect(page.locator("table")).to_contain_text("Hearing loop")
    assert_accessible(page)


def test_a_published_you_said_we_did_page_is_accessible_in_both_languages(page: Page, live_server) -> None:

    project = ProjectFactory(name="Online divorce")
    ImpactRecordFactory(
        project=project,
        you_said="The form was hard to find",
        we_did="We moved the link",
        we_did_cy="Symudon ni'r ddolen",
        decided_on="2026-06-01",
        is_published=True,
    )
    for prefix in ("", "/cy"):
        page.goto(f"{live_server.url}{prefix}/you-said-we-did/{project.code}/")
        expect(page.locator("main")).to_contain_text("Symudon ni'r ddolen" if prefix else "We moved the link")
        assert_accessible(page)
        page.goto(f"{live_server.url}{prefix}/you-said-we-did/")
        assert_accessible(page)


def test_an_officer_imports_attendance_from_a_sign_up_list(page: Page, live_server, tmp_path) -> None:
    from django.utils import timezone

    from chorus.engagement.models import Attendance
    from tests.factories import make_person

    UserFactory(email="officer@example.gov.uk", role=Role.ENGAGEMENT_OFFICER)
    make_person(first_name="Jon", last_name="Smith", postcode="CF10 1AA", emails=["jsmith@example.org"])
    make_person(first_name="Mari", last_name="Evans", emails=["mari@example.org"])
    activity = ActivityFactory(kind="user_forum", title="Civil users' forum", starts_at=timezone.now())
    sheet = tmp_path / "eventbrite.csv"
    sheet.write_text(
        "First name,Last name,Email,Postcode,Checked in\n"
        "Mari,Evans,mari@example.org,,yes\n"
        "Jonathan,Smith,,CF10 1AA,yes\n"
        "Siôn,Pritchard,sion@example.org,,no\n"
    )
    _sign_in(page, live_server.url, "", "officer@example.gov.uk")
    page.goto(f"{live_server.url}/staff/activities/{activity.code}/")
    page.get_by_role("link", name="Import attendance from a sign-up list").click()
    expect(page.get_by_label("Upload the sign-up list")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Upload the sign-up list").set_input_files(str(sheet))
    page.get_by_role("button", name="Check the list").click()
    expect(page.locator("h1")).to_have_text("Check the sign-up list")
    expect(page.locator("table")).to_contain_text("Linked")
    assert_accessible(page)
    page.get_by_label("Yes, it is Jon Smith").check()
    page.get_by_role("button", name="Import attendance").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the lawful basis")
    assert_accessible(page)
    # Every row says whether the person came, so the page does not ask.
    expect(page.get_by_label("They came (this is the list of who attended)")).to_have_count(0)
    page.get_by_label("Legitimate interests").check()
    page.get_by_role("button", name="Import attendance").click()
    expect(page.locator("h1")).to_have_text("Civil users' forum")
    expect(page.locator("table").first).to_contain_text("Siôn Pritchard")
    came = dict(Attendance.objects.values_list("person__last_name", "attended"))
    assert came == {"Evans": True, "Smith": True, "Pritchard": False}


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_the_engagement_report_and_checkpoints_are_accessible(
    page: Page, live_server, prefix: str, lang: str
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from chorus.engagement.models import Checkpoint

    UserFactory(email="officer@example.gov.uk", role=Role.ENGAGEMENT_OFFICER)
    project = ProjectFactory(name="Online divorce")
    group = StakeholderGroupFactory(name="Judiciary")
    CheckpointFactory(
        project=project, stage_id="alpha", group=group, due_on=timezone.localdate() - timedelta(days=3)
    )
    activity = ActivityFactory(
        kind="webinar", title="Webinar", starts_at=timezone.now() - timedelta(days=100)
    )
    activity.projects.add(project)
    _sign_in(page, live_server.url, prefix, "officer@example.gov.uk")
    for path in (
        "/staff/engagement-report/",
        "/staff/engagement-report/?start=2026-09-30&end=2026-01-01",
        "/staff/checkpoints/",
        f"/staff/checkpoints/{Checkpoint.objects.get().code}/waive/",
    ):
        page.goto(f"{live_server.url}{prefix}{path}")
        assert page.locator("html").get_attribute("lang") == lang
        assert_accessible(page)


def test_a_published_you_said_we_did_reaches_the_event_page_and_the_calendar_feed(
    page: Page, live_server
) -> None:
    from datetime import timedelta

    import icalendar
    from django.utils import timezone

    UserFactory(email="officer@example.gov.uk", role=Role.ENGAGEMENT_OFFICER)
    project = ProjectFactory(name="Online probate")
    forum = ActivityFactory(
        kind="user_forum",
        title="Probate users' forum",
        starts_at=timezone.now() - timedelta(days=10),
        online_link="https://meet.example.org/1",
        is_public=True,
    )
    forum.projects.add(project)
    _sign_in(page, live_server.url, "", "officer@example.gov.uk")
    page.goto(f"{live_server.url}/staff/projects/{project.code}/")
    page.get_by_role("link", name="Record what changed").click()
    page.get_by_label("You said", exact=True).fill("The fee page was hard to find")
    page.get_by_label("We did", exact=True).fill("We linked the fee page from the start page")
    for box, value in (("day", "1"), ("month", "10"), ("year", "2026")):
        page.fill(f"input[name=decided_on_{box}]", value)
    page.get_by_label("Probate users' forum").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".govuk-summary-card")).to_contain_text("Published")

    page.goto(f"{live_server.url}/events/{forum.code}/")
    expect(page.locator("main")).to_contain_text("We linked the fee page from the start page")
    assert_accessible(page)
    page.goto(f"{live_server.url}/you-said-we-did/{project.code}/")
    expect(page.locator("main")).to_contain_text("The fee page was hard to find")
    feed = page.request.get(f"{live_server.url}/events/calendar.ics")
    events = icalendar.Calendar.from_ical(feed.body()).walk("VEVENT")
    description = str(next(e for e in events if str(e["SUMMARY"]) == "Probate users' forum")["DESCRIPTION"])
    assert "We did: We linked the fee page from the start page" in description


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_consultation_pages_are_accessible(page: Page, live_server, prefix: str, lang: str) -> None:
    from datetime import timedelta

    from django.utils import timezone

    UserFactory(email="officer@example.gov.uk", role=Role.ENGAGEMENT_OFFICER)
    consultation = ConsultationFactory(
        title="Changes to court fees",
        title_cy="Newidiadau i ffioedd llys",
        summary="We propose to change some court fees.",
        body="## What we propose\n\n- A lower fee for appeals",
        opens_at=timezone.now() - timedelta(days=1),
        closes_at=timezone.now() + timedelta(days=30),
        is_published=True,
    )
    for path in ("/events/", f"/consultations/{consultation.code}/"):
        page.goto(f"{live_server.url}{prefix}{path}")
        expect(page.locator("main")).to_contain_text(
            "Newidiadau i ffioedd llys" if prefix else "Changes to court fees"
        )
        assert_accessible(page)
    _sign_in(page, live_server.url, prefix, "officer@example.gov.uk")
    for path in (
        "/staff/consultations/",
        "/staff/consultations/new/",
        f"/staff/consultations/{consultation.code}/",
        f"/staff/consultations/{consultation.code}/equality/",
        "/staff/toolkit/",
    ):
        page.goto(f"{live_server.url}{prefix}{path}")
        assert page.locator("html").get_attribute("lang") == lang
        assert_accessible(page)
    page.goto(f"{live_server.url}{prefix}/staff/consultations/new/")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_responding_to_a_consultation_is_accessible(page: Page, live_server, prefix: str, lang: str) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from chorus.consultations.models import Response, ResponseDraft

    consultation = ConsultationFactory(
        title="Changes to court fees",
        title_cy="Newidiadau i ffioedd llys",
        summary="We propose to change some court fees.",
        opens_at=timezone.now() - timedelta(days=1),
        closes_at=timezone.now() + timedelta(days=30),
        is_published=True,
        equality_monitoring=True,
    )
    section = SectionFactory(consultation=consultation, title="The proposal", title_cy="Y cynnig", order=1)
    QuestionFactory(
        section=section, kind="scale", text="Do you agree?", text_cy="Ydych chi'n cytuno?", required=True
    )
    QuestionFactory(section=section, kind="text", text="Why?", text_cy="Pam?", max_length=500)
    page.goto(f"{live_server.url}{prefix}/consultations/{consultation.code}/")
    page.locator(".govuk-button--start").click()
    assert page.locator("html").get_attribute("lang") == lang
    page.locator("main form button[type=submit]").click()  # nothing chosen
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.locator("input[name=respondent_type]").first.check()
    page.locator("input[name=publish]").first.check()
    page.locator("main form button[type=submit]").first.click()
    page.locator("main form button[type=submit]").first.click()  # the required question left out
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.locator("input[type=radio]").nth(1).check()
    page.locator("textarea").fill("The appeal fee is too high")
    page.locator("main form button[type=submit]").first.click()
    # The optional equality monitoring page, then check your answers.
    expect(page.locator("input[name=age_band]").first).to_be_visible()
    assert_accessible(page)
    page.locator("input[name=age_band][value='35_44']").check()
    page.locator("input[name=caring][value='no']").check()
    page.locator("main form .govuk-button-group button[type=submit]").first.click()  # Continue comes first
    expect(page.locator("main")).to_contain_text("The appeal fee is too high")
    assert_accessible(page)
    ResponseDraft.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".govuk-panel")).to_contain_text(Response.objects.get().reference)
    assert_accessible(page)
    page.locator(f"a[href$='/equality-answers/{Response.objects.get().equality_key}/remove/']").click()
    expect(page).to_have_url(re.compile(r"/equality-answers/[0-9a-f-]+/remove/$"))
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".govuk-panel")).to_be_visible()
    assert_accessible(page)
    from chorus.equality.models import EqualityRecord

    assert not EqualityRecord.objects.exists()


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_published_responses_and_getting_help_are_accessible(
    page: Page, live_server, prefix: str, lang: str
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    closed = ConsultationFactory(
        title="Old fees",
        summary="Fees.",
        opens_at=now - timedelta(days=60),
        closes_at=now - timedelta(days=1),
        is_published=True,
    )
    question = QuestionFactory(
        section=SectionFactory(consultation=closed, title="Views", order=1),
        kind="text",
        text="Your view",
    )
    response = ResponseFactory(consultation=closed, reference="AAAA1111", name="Alys", publish="named")
    AnswerFactory(response=response, question=question, value="Keep the paper forms")
    from chorus.consultations.moderation import response_decide

    response_decide(response=response, publish=True, actor=UserFactory(role=Role.ENGAGEMENT_OFFICER))
    open_one = ConsultationFactory(
        title="New fees",
        summary="Fees.",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=9),
        is_published=True,
    )
    page.goto(f"{live_server.url}{prefix}/consultations/{closed.code}/responses/")
    expect(page.locator("main")).to_contain_text("Keep the paper forms")
    assert_accessible(page)
    page.goto(f"{live_server.url}{prefix}/consultations/{open_one.code}/get-help/")
    assert page.locator("html").get_attribute("lang") == lang
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)


def test_an_officer_imports_paper_responses(page: Page, live_server, tmp_path) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from chorus.consultations.models import Response

    UserFactory(email="officer@example.gov.uk", role=Role.ENGAGEMENT_OFFICER)
    consultation = ConsultationFactory(
        title="Court fees",
        summary="Fees.",
        opens_at=timezone.now() - timedelta(days=3),
        closes_at=timezone.now() + timedelta(days=9),
    )
    section = SectionFactory(consultation=consultation, title="Questions", order=1)
    QuestionFactory(section=section, kind="yes_no", text="Do you agree?")
    sheet = tmp_path / "paper.csv"
    sheet.write_text("channel,name,Q1\npost,Alys,Yes\npost,Bryn,Perhaps\n")
    _sign_in(page, live_server.url, "", "officer@example.gov.uk")
    page.goto(f"{live_server.url}/staff/consultations/{consultation.code}/responses/")
    page.get_by_role("link", name="Import responses from a spreadsheet").click()
    expect(page.get_by_label("Upload a file of responses")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Upload a file of responses").set_input_files(str(sheet))
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("main")).to_contain_text("“Perhaps” is not one of: Yes, No")
    assert_accessible(page)
    page.get_by_role("button", name="Import 1 response").click()
    expect(page.locator("main")).to_contain_text("1 response imported")
    assert Response.objects.get().name == "Alys"


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_the_staff_pages_this_change_added_are_accessible(
    page: Page, live_server, prefix: str, lang: str
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    UserFactory(email="admin@example.gov.uk", role=Role.ADMINISTRATOR)
    officer = UserFactory(email="officer@example.gov.uk", role=Role.ENGAGEMENT_OFFICER)
    StakeholderGroupFactory(name="Judiciary")
    activity = ActivityFactory(kind="webinar", title="Webinar", starts_at=timezone.now() + timedelta(days=2))
    items = [
        ToolkitItemFactory(kind="guidance", title="Planning", body="## Before\n\n- Invite people"),
        ToolkitItemFactory(kind="invitation", title="Invite", body="Come to {title} on {date}"),
        ToolkitItemFactory(kind="activity_plan", title="Forum", body="Agenda", activity_kind="user_forum"),
        ToolkitItemFactory(
            kind="checkpoint_set",
            title="Set",
            body="Use it",
            checkpoints=[{"stage": "alpha", "group": "Judiciary", "days": 30}],
        ),
    ]
    consultation = ConsultationFactory(
        title="Court fees",
        summary="Fees.",
        opens_at=timezone.now() - timedelta(days=1),
        closes_at=timezone.now() + timedelta(days=9),
    )
    section = SectionFactory(consultation=consultation, title="Questions", order=1)
    QuestionFactory(
        section=section,
        kind="single",
        text="How often?",
        options=[{"value": "a", "label": "Often"}, {"value": "b", "label": "Rarely"}],
    )
    ResponseFactory(consultation=consultation, reference="AAAA1111", entered_by=officer, channel="post")
    help_request = HelpRequestFactory(
        consultation=consultation, name="Megan", phone="01632 960001", way="phone"
    )
    _sign_in(page, live_server.url, prefix, "officer@example.gov.uk")
    paths = [
        f"/staff/activities/{activity.code}/attendees/import/",
        "/staff/toolkit/",
        *(f"/staff/toolkit/{item.code}/" for item in items),
        f"/staff/toolkit/{items[1].code}/?activity={activity.pk}",
        f"/staff/activities/new/?plan={items[2].code}",
        f"/staff/consultations/{consultation.code}/questions/",
        f"/staff/consultations/{consultation.code}/preview/",
        f"/staff/consultations/{consultation.code}/responses/",
        f"/staff/consultations/{consultation.code}/responses/new/",
        f"/staff/consultations/{consultation.code}/responses/new/?help={help_request.code}",
        f"/staff/consultations/{consultation.code}/responses/import/",
        "/staff/help-requests/",
    ]
    for path in paths:
        page.goto(f"{live_server.url}{prefix}{path}")
        assert page.locator("html").get_attribute("lang") == lang
        assert_accessible(page)


def _host_page_server(html: str):  # type: ignore[no-untyped-def]
    """A page of a digital service on another origin (another port), to embed the script."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.mark.parametrize(("lang", "yes", "thanks"), [("en", "Yes", "Thank you"), ("cy", "Ydy", "Diolch")])
def test_a_service_page_embeds_the_feedback_script(page: Page, live_server, lang, yes, thanks) -> None:
    from chorus.feedback.models import PageFeedback

    html = (
        f'<!doctype html><html lang="{lang}"><head><title>Apply for probate</title></head><body><main>'
        "<h1>Apply for probate</h1>"
        '<div id="chorus-feedback"></div>'
        f'<script src="{live_server.url}/static/feedback/chorus-feedback.js" '
        'data-service="apply-for-probate" defer>'
        "</script></main></body></html>"
    )
    server = _host_page_server(html)
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        ServiceFactory(name="Apply for probate", slug="apply-for-probate", allowed_origins=origin)
        page.goto(f"{origin}/start")
        page.get_by_role("button", name=yes, exact=False).first.click()
        expect(page.locator("#chorus-feedback")).to_contain_text(thanks)
        page.goto(f"{origin}/upload?case=123")
        page.locator("#chorus-feedback button.govuk-link").click()
        page.locator("#chorus-feedback form button[type=submit]").click()  # nothing written
        expect(page.locator("#chorus-feedback .govuk-error-message")).to_be_visible()
        assert_accessible(page)
        page.locator("#chorus-feedback textarea").fill("The upload button does nothing")
        page.locator("#chorus-feedback form button[type=submit]").click()
        expect(page.locator("#chorus-feedback")).to_contain_text(thanks)
        assert_accessible(page)
        stored = list(
            PageFeedback.objects.order_by("created_at").values_list("kind", "page", "text", "language")
        )
        assert stored == [
            ("useful", f"{origin}/start", "", lang),
            ("problem", f"{origin}/upload", "The upload button does nothing", lang),  # no query string
        ]
        assert page.context.cookies(live_server.url) == []
    finally:
        server.shutdown()


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_the_exit_survey_and_service_pages_are_accessible(
    page: Page, live_server, prefix: str, lang: str
) -> None:
    import uuid

    from chorus.feedback.models import ExitSurveyResponse

    UserFactory(email="officer@example.gov.uk", role=Role.ENGAGEMENT_OFFICER)
    service = ServiceFactory(
        name="Apply for probate",
        name_cy="Gwneud cais am brofiant",
        slug="apply-for-probate",
        allowed_origins="https://probate.example.gov.uk",
        equality_monitoring=True,
    )
    PageFeedbackFactory(service=service, kind="problem", page="https://probate.example.gov.uk/a", text="Slow")
    ExitSurveyResponseFactory(
        service=service,
        satisfaction=4,
        effort=2,
        needed_help=True,
        help_from=["family"],
        improvement="Clearer fees",
        submission_key=uuid.uuid4(),
    )
    page.goto(f"{live_server.url}{prefix}/services/apply-for-probate/feedback/")
    assert page.locator("html").get_attribute("lang") == lang
    page.locator("main form button[type=submit]").click()  # nothing chosen
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    import time as clock

    clock.sleep(3)  # the least time to answer
    page.locator("input[name=satisfaction][value='5']").check()
    page.locator("textarea[name=improvement]").fill("Good")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("input[name=age_band]").first).to_be_visible()
    assert_accessible(page)
    page.locator("main form button[name=decline]").click()
    expect(page.locator(".govuk-panel")).to_be_visible()
    assert_accessible(page)
    assert ExitSurveyResponse.objects.filter(improvement="Good").count() == 1
    _sign_in(page, live_server.url, prefix, "officer@example.gov.uk")
    for path in (
        "/staff/services/",
        "/staff/services/new/",
        f"/staff/services/{service.code}/",
        f"/staff/services/{service.code}/edit/",
        f"/staff/services/{service.code}/equality/",
    ):
        page.goto(f"{live_server.url}{prefix}{path}")
        assert_accessible(page)
    page.goto(f"{live_server.url}{prefix}/staff/services/new/")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
