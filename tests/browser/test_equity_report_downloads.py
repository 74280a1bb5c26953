"""An officer reads last quarter's engagement report, with the groups under-represented
among the people who took part, and downloads it as CSV and PDF: both carry equity of reach,
small numbers suppressed as on the equity page, each flag in words. Then the project page
shows the flags beside its checkpoints. Every page passes axe-core in English and Welsh.

Set ``CHORUS_SCREENSHOTS`` to a folder to keep a screenshot of each page visited, and the
files downloaded."""

from __future__ import annotations

import csv
import io
import os
import re
import uuid
from datetime import datetime, time, timedelta
from pathlib import Path

import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import Page, expect

from chorus.accounts.models import Role
from chorus.directory.models import Person, Region
from chorus.directory.reference import regions_ensure
from chorus.engagement.models import Attendance
from chorus.engagement.report import quarter_of
from chorus.equality.services import equality_save, release_due
from chorus.insights.population import population_import
from tests.browser.conftest import assert_accessible
from tests.browser.test_accessibility import LANGUAGES, _sign_in
from tests.factories import (
    ActivityFactory,
    CheckpointFactory,
    ConsultationFactory,
    ProjectFactory,
    ResponseFactory,
    StakeholderGroupFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEX = (
    "date,geography,geography code,Sex: All persons,Sex: Female,Sex: Male\n"
    "2021,North East,E12000001,1000,510,490\n"
    "2021,Wales,W92000004,3000,1530,1470\n"
    "2021,London,E12000007,9000,4600,4400\n"
    "2021,North West,E12000002,7000,3600,3400\n"
)


def _look(page: Page, name: str) -> None:
    assert_accessible(page)
    if folder := os.environ.get("CHORUS_SCREENSHOTS"):
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _download(page: Page, link: str, name: str) -> bytes:
    with page.expect_download() as download:
        page.get_by_role("link", name=link).click()
    body = Path(download.value.path()).read_bytes()
    if folder := os.environ.get("CHORUS_SCREENSHOTS"):
        (Path(folder) / name).write_bytes(body)
    return body


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_an_officer_downloads_the_report_with_equity_of_reach(
    page: Page, live_server, prefix: str, lang: str
) -> None:
    regions_ensure()
    north_east, wales, london, north_west = (
        Region.objects.get(ons_code=code) for code in ("E12000001", "W92000004", "E12000007", "E12000002")
    )
    team = TeamFactory(name="Family justice")
    admin = UserFactory(role=Role.ADMINISTRATOR)
    population_import(
        actor=admin,
        upload=SimpleUploadedFile("census2021-ts008.csv", SEX.encode(), content_type="text/csv"),
        dimension="sex",
        regions=[north_east, wales, london, north_west],
    )
    start, _end = quarter_of(quarter_of(timezone.localdate())[0] - timedelta(days=1))
    project = ProjectFactory(name="Court fees", team=team)
    CheckpointFactory(project=project, group=StakeholderGroupFactory(name="Advice sector"))
    meeting = ActivityFactory(
        title="Fees users' forum",
        starts_at=timezone.make_aware(datetime.combine(start + timedelta(days=20), time(10))),
    )
    meeting.projects.add(project)
    homes = [north_east] * 40 + [wales] * 10 + [london] * 12 + [north_west] * 3
    people = [
        Person.objects.create(first_name="Sam", last_name=f"Person {i}", region=r)
        for i, r in enumerate(homes)
    ]
    Attendance.objects.bulk_create(Attendance(activity=meeting, person=p, attended=True) for p in people)
    consultation = ConsultationFactory(equality_monitoring=True)
    for i in range(40):
        key = uuid.uuid4()
        ResponseFactory(consultation=consultation, equality_key=key)
        sex = "female" if i < 12 else "male"
        equality_save(key=key, asked_for=consultation.code, answers={"sex": sex}, submitted=True)
    release_due(now=timezone.now())
    UserFactory(email="officer@example.gov.uk", role=Role.ENGAGEMENT_OFFICER, teams=[team])
    _sign_in(page, live_server.url, prefix, "officer@example.gov.uk")

    page.goto(f"{live_server.url}{prefix}/staff/engagement-report/")
    assert page.locator("html").get_attribute("lang") == lang
    expect(page.locator("main")).to_contain_text("Wales" if lang == "en" else "Cymru")
    _look(page, f"{lang}-1-report")

    body = _download(page, "Download as CSV" if lang == "en" else "Lawrlwytho fel CSV", f"{lang}-report.csv")
    text = body.decode()
    rows = list(csv.reader(io.StringIO(text)))
    added = "\n".join(",".join(row) for row in rows[rows.index([]) :])
    assert "None" not in added and "W92000004" not in added
    assert not re.search(r"\d{4}-\d\d-\d\d", added)
    by_group = {row[0]: row for row in rows if row}
    london = by_group["London" if lang == "en" else "Llundain"]
    assert london[1] == "12" and london[-1] == (
        "Under-represented" if lang == "en" else "Wedi'i dangynrychioli"
    )
    north_west = by_group["North West" if lang == "en" else "Gogledd Orllewin Lloegr"]
    assert not north_west[1].isdigit()  # 3 people: too few to show
    pdf = _download(page, "Download as PDF" if lang == "en" else "Lawrlwytho fel PDF", f"{lang}-report.pdf")
    pdf_text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert ("Wales" if lang == "en" else "Cymru") in pdf_text

    page.goto(f"{live_server.url}{prefix}/staff/projects/{project.code}/")
    expect(page.locator("main")).to_contain_text("Advice sector")
    _look(page, f"{lang}-2-project")
