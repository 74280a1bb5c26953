from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pypdf
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.directory.models import Person, Region
from chorus.directory.reference import regions_ensure
from chorus.directory.services import people_first_attended_refresh
from chorus.engagement.models import Activity, Attendance, Project
from chorus.engagement.report import engagement_report, previous_period, quarter_of, report_rows
from tests.conftest import sign_in
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    CheckpointFactory,
    ImpactRecordFactory,
    MembershipFactory,
    OrganisationFactory,
    ProjectFactory,
    StakeholderGroupFactory,
    make_person,
)

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=LONDON)


@pytest.fixture
def world(team):
    regions_ensure()
    wales = Region.objects.get(name_en="Wales")
    advice = StakeholderGroupFactory(name="Advice sector")
    StakeholderGroupFactory(name="Judiciary")
    divorce = ProjectFactory(name="Online divorce", team=team)
    probate = ProjectFactory(name="Probate")
    cab = OrganisationFactory(name="Cyngor Ar Bopeth Gŵyr")
    people = [make_person(first_name=f"P{i}", last_name="Jones") for i in range(4)]
    for person in people[:2]:
        MembershipFactory(person=person, organisation=cab)
    # Q2 2026: one forum, one person.
    forum = ActivityFactory(kind="user_forum", title="Forum", starts_at=_at(date(2026, 5, 1)))
    forum.projects.add(divorce)
    AttendanceFactory(activity=forum, person=people[0], attended=True)
    # Q3 2026: a webinar (online) for the advice sector in Wales, and a bulletin.
    webinar = ActivityFactory(
        kind="webinar",
        title="Webinar",
        starts_at=_at(date(2026, 8, 3)),
        online_link="https://example.org/join",
        unlisted_attendees=5,
    )
    webinar.projects.add(divorce)
    webinar.groups.add(advice)
    webinar.regions.add(wales)
    for person in people[:3]:
        AttendanceFactory(activity=webinar, person=person, attended=True)
    AttendanceFactory(activity=webinar, person=people[3], attended=False)
    bulletin = ActivityFactory(
        kind="bulletin", title="Bulletin", starts_at=_at(date(2026, 9, 30)), recipients=1200
    )
    bulletin.projects.add(probate)
    ImpactRecordFactory(
        project=divorce, you_said="Forms too long", we_did="Shortened", decided_on=date(2026, 9, 1)
    )
    CheckpointFactory(project=probate, stage_id="beta", group=advice, due_on=date(2026, 9, 1))
    people_first_attended_refresh()  # as the daily job does after writes made outside the services
    return {"divorce": divorce, "probate": probate, "advice": advice}


def test_periods() -> None:
    assert quarter_of(date(2026, 11, 21)) == (date(2026, 10, 1), date(2026, 12, 31))
    assert previous_period(date(2026, 7, 1), date(2026, 9, 30)) == (date(2026, 4, 1), date(2026, 6, 30))
    assert previous_period(date(2026, 7, 10), date(2026, 7, 19)) == (date(2026, 6, 30), date(2026, 7, 9))


def test_the_report_counts_a_quarter_beside_the_one_before(world, admin) -> None:
    report = engagement_report(user=admin, start=date(2026, 7, 1), end=date(2026, 9, 30))
    headline = {str(r.label): (r.current, r.previous) for r in report.headline}
    assert headline["Activities"] == (2, 1)
    assert headline["People from the directory who came"] == (3, 1)
    assert headline["of whom engaged for the first time"] == (2, 1)
    assert headline["Attendees not in the directory"] == (5, 0)
    assert headline["Unique organisations reached"] == (1, 1)
    assert headline["Broadcast recipients"] == (1200, 0)
    assert headline["“You said, we did” records made"] == (1, 0)
    sections = {s.key: {str(r.label): (r.current, r.previous) for r in s.rows} for s in report.sections}
    assert sections["type"] == {"Webinar": (1, 0), "Bulletin": (1, 0), "Public user forum": (0, 1)}
    assert sections["channel"]["Online"] == (1, 0)
    assert sections["group"] == {"Advice sector": (1, 0)}
    assert sections["region"] == {"Wales": (1, 0)}
    assert sections["project"] == {"Online divorce": (1, 1), "Probate": (1, 0)}
    assert sections["project_people"] == {"Online divorce": (3, 1)}
    assert report.groups_not_engaged == ["Judiciary"]
    assert "Wales" not in report.regions_not_engaged and "London" in report.regions_not_engaged
    assert report.projects_overdue == [("Probate", 1)]


def test_filters_by_project_and_team_and_hides_what_a_user_may_not_see(world, admin, team, outsider) -> None:
    by_project = engagement_report(
        user=admin, start=date(2026, 7, 1), end=date(2026, 9, 30), project=world["probate"]
    )
    assert by_project.headline[0].current == 1 and by_project.projects_overdue == [("Probate", 1)]
    by_team = engagement_report(user=admin, start=date(2026, 7, 1), end=date(2026, 9, 30), team=team)
    assert (by_team.headline[0].current, by_team.headline[0].previous) == (1, 1)
    assert by_team.projects_overdue == []
    Activity.objects.filter(title="Webinar").update(team=team)
    hidden = engagement_report(user=outsider, start=date(2026, 7, 1), end=date(2026, 9, 30))
    assert hidden.headline[0].current == 1  # the bulletin only


def test_the_page_csv_and_pdf(world, admin_client: Client) -> None:
    query = "?start=2026-07-01&end=2026-09-30"
    page = admin_client.get(reverse("engagement:report") + query).content.decode()
    assert "Activities by type" in page and "<svg" in page and "Judiciary" in page
    assert 'class="govuk-table__caption govuk-table__caption--s">Activities by region: figures' in page
    rows = list(
        csv.reader(io.StringIO(b"".join(admin_client.get(reverse("engagement:report_csv") + query)).decode()))
    )
    assert rows[0][:2] == ["section", "item"]
    assert ["Headline", "Activities", "2", "1", "1"] in rows
    assert ["Stakeholder groups not engaged", "Judiciary", "0", "", ""] in rows
    response = admin_client.get(reverse("engagement:report_pdf") + query)
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages)
    assert "Engagement report" in text and "Activities by stakeholder group targeted" in text
    assert "Judiciary" in text and "1 July 2026" in text


def test_the_report_in_welsh_keeps_welsh_letters_in_the_pdf(world, admin_client: Client) -> None:
    Project.objects.filter(name="Probate").update(name="Profiant Gŵyr")
    response = admin_client.get("/cy" + reverse("engagement:report_pdf") + "?start=2026-07-01&end=2026-09-30")
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(response.content)).pages)
    assert "Profiant Gŵyr" in text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?start=2026-09-30&end=2026-07-01", "The last day must be on or after the first day"),
        ("?start=yesterday&end=2026-07-01", "First day must be a real date"),
        ("?start=2020-01-01&end=2026-07-01", "Choose a period of three years or less"),
    ],
)
def test_a_bad_period_is_explained(admin_client: Client, query: str, message: str) -> None:
    page = admin_client.get(reverse("engagement:report") + query).content.decode()
    assert message in page and "Headline figures" not in page
    assert admin_client.get(reverse("engagement:report_pdf") + query).status_code == 400


def test_the_default_is_the_last_full_quarter(admin_client: Client, client, viewer) -> None:
    page = sign_in(client, viewer).get(reverse("engagement:report")).content.decode()
    start, end = quarter_of(quarter_of(timezone.localdate())[0] - timedelta(days=1))
    for name, day in (("start", start), ("end", end)):
        for part in ("day", "month", "year"):
            box = f'name="{name}_{part}" type="text" inputmode="numeric" value="{getattr(day, part)}"'
            assert box in page


def test_first_time_means_first_among_the_activities_reported(world, admin) -> None:
    """Someone who came to another project's activity before is new to this project; being
    invited without coming does not count as having come."""
    people = {p.first_name: p for p in Person.objects.filter(last_name="Jones")}
    clinic = ActivityFactory(kind="meeting", title="Clinic", starts_at=_at(date(2026, 4, 20)))
    clinic.projects.add(world["probate"])
    AttendanceFactory(activity=clinic, person=people["P1"], attended=True)
    AttendanceFactory(activity=clinic, person=people["P2"], attended=False)
    people_first_attended_refresh()

    assert _first_time_row(admin) == (1, 2)  # P2 only; in Q2, P0 and P1
    assert _first_time_row(admin, project=world["divorce"]) == (2, 1)  # P1 and P2 are new to divorce
    assert _first_time_row(admin, project=world["probate"]) == (0, 1)


def _first_time_row(user, **filters) -> tuple[int, int]:
    report = engagement_report(user=user, start=date(2026, 7, 1), end=date(2026, 9, 30), **filters)
    row = next(r for r in report.headline if str(r.label) == "of whom engaged for the first time")
    return row.current, row.previous


def test_first_attendance_is_kept_up_to_date_by_every_change(world, admin, officer, rf) -> None:
    """Across all activities an administrator's report reads each person's first attendance
    from the person; every service that changes attendance, an activity's date or who is
    who keeps it equal to what the attendance says (the count in a team member's report,
    which reads attendance itself: they see every activity here, as none has a team)."""
    from chorus.directory.duplicates import person_merge, person_merge_undo
    from chorus.engagement.services import activity_save, attendance_remove, attendance_set

    request = rf.get("/")
    request.user = admin
    people = {p.first_name: p for p in Person.objects.filter(last_name="Jones")}

    def check(expected: tuple[int, int]) -> None:
        assert _first_time_row(admin) == _first_time_row(officer) == expected

    check((2, 1))  # P1 and P2 in Q3; P0 in Q2
    forum = Activity.objects.get(title="Forum")
    webinar = Activity.objects.get(title="Webinar")
    # P1 comes to the Q2 forum too: no longer new in Q3.
    attendance_set(
        actor=admin,
        request=request,
        activity=forum,
        person=people["P1"],
        invitation="accepted",
        attended=True,
    )
    check((1, 2))
    # The forum moves into Q3: P0 and P1 are new in Q3 after all.
    activity_save(actor=admin, request=request, activity=forum, starts_at=_at(date(2026, 7, 20)))
    forum.refresh_from_db()
    assert forum.starts_at == _at(date(2026, 7, 20)), forum.starts_at
    check((3, 0))
    # P2 is taken off the webinar's list; then P0 merges into P3 (invited, did not come).
    attendance_remove(
        actor=admin, request=request, attendance=Attendance.objects.get(activity=webinar, person=people["P2"])
    )
    check((2, 0))
    merge = person_merge(actor=admin, survivor=people["P3"], duplicate=people["P0"], request=request)
    people["P0"].refresh_from_db()
    people["P3"].refresh_from_db()
    # The forum attendance moved to P3; the webinar's stayed with P0, as P3 was already on its list.
    assert people["P3"].first_attended_at == _at(date(2026, 7, 20))
    assert people["P0"].first_attended_at == _at(date(2026, 8, 3))
    check((3, 0))  # P0 and P3 are two people who came, until the merge is undone
    person_merge_undo(actor=admin, merge=merge, request=request)
    check((2, 0))


def test_saving_a_person_read_before_their_attendance_changed_keeps_their_first_attendance(
    world, admin, rf
) -> None:
    from chorus.engagement.services import attendance_set

    request = rf.get("/")
    request.user = admin
    newcomer = make_person(first_name="Ffion", last_name="Hughes")
    read_earlier = Person.objects.get(pk=newcomer.pk)  # an edit form, opened before she came
    forum = Activity.objects.get(title="Forum")
    attendance_set(
        actor=admin, request=request, activity=forum, person=newcomer, invitation="accepted", attended=True
    )
    read_earlier.job_title = "Adviser"
    read_earlier.save()
    newcomer.refresh_from_db()
    assert newcomer.job_title == "Adviser"
    assert newcomer.first_attended_at == forum.starts_at


def test_the_daily_job_mends_first_attendance_changed_another_way(
    world, admin, django_capture_on_commit_callbacks
) -> None:
    from chorus.core.schedule import schedule_due

    assert _first_time_row(admin) == (2, 1)
    # A change that bypassed the services (the admin site, a database fix): P0 never came to the forum.
    Attendance.objects.filter(activity__title="Forum").update(attended=False)
    assert _first_time_row(admin) == (2, 1)  # not yet seen
    name = "chorus.engagement.jobs.first_attended_daily"
    with django_capture_on_commit_callbacks(execute=True):
        assert name in schedule_due(timezone.now())
    assert _first_time_row(admin) == (3, 0)


def test_the_csv_keeps_a_fall_as_a_negative_number(world, admin, admin_client: Client) -> None:
    query = "?start=2026-10-01&end=2026-12-31"  # nothing this quarter, the activities the one before
    body = b"".join(admin_client.get(reverse("engagement:report_csv") + query)).decode()
    rows = list(csv.reader(io.StringIO(body)))
    activities = next(row for row in rows if row[:2] == ["Headline", "Activities"])
    assert activities[2:] == ["0", "2", "-2"]
    assert "'-" not in body

    report = engagement_report(user=admin, start=date(2026, 10, 1), end=date(2026, 12, 31))
    headline = next(row for row in report_rows(report) if row[:2] == ["Headline", "Activities"])
    assert headline[2:] == [0, 2, -2]  # numbers, so a spreadsheet can add them up


def test_sections_other_apps_add_are_in_the_csv_and_pdf_after_the_report(
    world, admin_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chorus.core import registry

    asked: list[object] = []

    def provider(request: object, subject: object) -> list[registry.ExportSection]:
        asked.append(subject)
        return [
            registry.ExportSection(
                heading="Reach by county",
                note="People who came, by county.",
                header=["County", "People", "Share, per cent"],
                rows=[["Gwynedd", 1200, 61.5], ["Powys", "Too small to report", ""]],
            )
        ]

    monkeypatch.setitem(registry.EXPORT_SECTIONS, "engagement_report", [provider])
    query = "?start=2026-07-01&end=2026-09-30"
    body = b"".join(admin_client.get(reverse("engagement:report_csv") + query)).decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[-6:] == [
        [],
        ["Reach by county"],
        ["People who came, by county."],
        ["County", "People", "Share, per cent"],
        ["Gwynedd", "1200", "61.5"],
        ["Powys", "Too small to report", ""],
    ]
    response = admin_client.get(reverse("engagement:report_pdf") + query)
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages)
    assert "Reach by county" in text and "1,200" in text and "61.5" in text and "Too small to report" in text
    assert [(s.start, s.end) for s in asked] == [(date(2026, 7, 1), date(2026, 9, 30))] * 2  # type: ignore[attr-defined]
    # The page shows its own sections, not these: it is a download's alone.
    assert "Reach by county" not in admin_client.get(reverse("engagement:report") + query).content.decode()
