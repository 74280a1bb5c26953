"""An administrator imports a Census table (getting a row wrong once), reads the equity of
reach page, then the project page with its under-represented groups. Every page passes
axe-core in English and Welsh.

Set ``CHORUS_SCREENSHOTS`` to a folder to keep a screenshot of each page visited."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from chorus.accounts.models import Role
from chorus.directory.models import Person, Region
from chorus.directory.reference import regions_ensure
from chorus.engagement.models import Attendance
from tests.browser.conftest import assert_accessible
from tests.browser.test_accessibility import LANGUAGES, _sign_in
from tests.factories import ActivityFactory, ProjectFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "date,geography,geography code,Sex: All persons,Sex: Female,Sex: Male"


def _look(page: Page, name: str) -> None:
    assert_accessible(page)
    if folder := os.environ.get("CHORUS_SCREENSHOTS"):
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize(("prefix", "lang"), LANGUAGES)
def test_an_administrator_imports_the_population_and_reads_who_took_part(
    page: Page, live_server, prefix: str, lang: str, tmp_path: Path
) -> None:
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    regions_ensure()
    north_east, wales = Region.objects.get(ons_code="E12000001"), Region.objects.get(ons_code="W92000004")
    project = ProjectFactory(name="Court fees")
    meeting = ActivityFactory(title="Fees users' forum", starts_at=timezone.now() - timedelta(days=5))
    meeting.projects.add(project)
    people = [
        Person.objects.create(
            first_name="Sam", last_name=f"Person {i}", region=north_east if i < 40 else wales
        )
        for i in range(50)
    ]
    Attendance.objects.bulk_create(Attendance(activity=meeting, person=p, attended=True) for p in people)
    admin = UserFactory(email="admin@example.gov.uk", role=Role.ADMINISTRATOR)
    device = TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    _sign_in(page, live_server.url, prefix, "admin@example.gov.uk")
    code = TOTP(device.bin_key, device.step, device.t0, device.digits).token()
    page.locator("#id_code").fill(f"{code:06d}")
    page.locator("main form button[type=submit]").click()

    page.goto(f"{live_server.url}{prefix}/staff/data/equity/population/")
    assert page.locator("html").get_attribute("lang") == lang
    _look(page, f"{lang}-1-import")
    wrong = tmp_path / "ts008.csv"
    wrong.write_text(
        f"{HEADER}\n2021,North East,E12000001,1000,510,many\n2021,Wales,W92000004,3000,1530,1470\n"
    )
    page.locator("#id_table-1").check()  # sex
    page.locator(f"input[name=regions][value='{north_east.pk}']").check()
    page.locator(f"input[name=regions][value='{wales.pk}']").check()
    page.locator("#id_file").set_input_files(str(wrong))
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("many")
    _look(page, f"{lang}-2-import-errors")

    right = tmp_path / "census2021-ts008.csv"
    right.write_text(
        f"{HEADER}\n2021,North East,E12000001,1000,510,490\n2021,Wales,W92000004,3000,1530,1470\n"
    )
    page.locator("#id_table-1").check()
    page.locator(f"input[name=regions][value='{north_east.pk}']").check()
    page.locator(f"input[name=regions][value='{wales.pk}']").check()
    page.locator("#id_file").set_input_files(str(right))
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    today = timezone.localdate()
    page.goto(
        f"{live_server.url}{prefix}/staff/data/equity/?start={(today - timedelta(days=30)).isoformat()}"
        f"&end={today.isoformat()}"
    )
    expect(page.locator("#dimension-region + p + table .govuk-tag--red")).to_have_count(1)
    _look(page, f"{lang}-3-equity")

    page.goto(f"{live_server.url}{prefix}/staff/projects/{project.code}/")
    expect(page.locator("main")).to_contain_text("Wales" if lang == "en" else "Cymru")
    _look(page, f"{lang}-4-project")
    page.locator(f"a[href*='/staff/data/equity/projects/{project.code}/']").click()
    expect(page.locator("#dimension-region + p + table .govuk-tag--red")).to_have_count(1)
    _look(page, f"{lang}-5-project-equity")
