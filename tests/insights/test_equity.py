"""Equity of reach: population figures imported from Census tables, who took part beside
them with Wilson intervals and flags, disclosure control, access, and the flags on the
project page and the engagement report."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.accounts.models import Role, User
from chorus.core.models import AuditEntry
from chorus.directory.models import Person, Region
from chorus.directory.reference import regions_ensure
from chorus.engagement.models import Attendance
from chorus.equality.services import equality_save, release_due
from chorus.insights.equity import UNDER, GroupRow, compare, equity
from chorus.insights.models import PopulationFigure
from chorus.insights.population import PopulationImportError, population_import
from tests.conftest import sign_in
from tests.factories import (
    ActivityFactory,
    ConsultationFactory,
    ProjectFactory,
    ResponseFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SEX_HEADER = (
    "date,geography,geography code,Sex: All persons; measures: Value,"
    "Sex: Female; measures: Value,Sex: Male; measures: Value"
)
# Wales has three times the North East's people; London is in the file but not served.
SEX_ROWS = [
    "2021,North East,E12000001,1000,510,490",
    "2021,Wales,W92000004,3000,1530,1470",
    "2021,London,E12000007,9000,4600,4400",
]


def _csv(
    header: str = SEX_HEADER, rows: list[str] | None = None, name: str = "census2021-ts008.csv"
) -> SimpleUploadedFile:
    text = "\n".join([header, *(SEX_ROWS if rows is None else rows)]) + "\n"
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


@pytest.fixture
def regions(db: None) -> dict[str, Region]:
    regions_ensure()
    return {r.ons_code: r for r in Region.objects.all()}


@pytest.fixture
def served(regions: dict[str, Region]) -> list[Region]:
    return [regions["E12000001"], regions["W92000004"]]


def _import(admin: User, served: list[Region], upload: SimpleUploadedFile | None = None) -> int:
    return population_import(actor=admin, upload=upload or _csv(), dimension="sex", regions=served)


# --- Importing -----------------------------------------------------------------------------


def test_it_imports_a_census_table_for_the_regions_served(admin: User, served: list[Region]) -> None:
    assert _import(admin, served) == 2
    held = {
        (f.region.ons_code, f.category): f.count for f in PopulationFigure.objects.select_related("region")
    }
    assert held == {
        ("E12000001", "total"): 1000,
        ("E12000001", "female"): 510,
        ("E12000001", "male"): 490,
        ("W92000004", "total"): 3000,
        ("W92000004", "female"): 1530,
        ("W92000004", "male"): 1470,
    }
    figure = PopulationFigure.objects.first()
    assert figure is not None
    assert (figure.source_file, figure.source_table, figure.source_date, figure.imported_by) == (
        "census2021-ts008.csv",
        "TS008",
        "2021",
        admin,
    )
    assert AuditEntry.objects.filter(object_type="insights.populationfigure").exists()


def test_a_second_import_of_a_table_replaces_the_first(admin: User, served: list[Region]) -> None:
    _import(admin, served)
    _import(admin, served[:1], _csv(rows=["2021,North East,E12000001,100,60,40"]))
    assert set(PopulationFigure.objects.values_list("region__ons_code", "category", "count")) == {
        ("E12000001", "total", 100),
        ("E12000001", "female", 60),
        ("E12000001", "male", 40),
    }


@pytest.mark.parametrize(
    ("header", "rows", "message"),
    [
        (
            SEX_HEADER,
            [SEX_ROWS[0], "2021,Hartlepool,E06000001,90,50,40"],
            "Line 3: “E06000001” is not the code of a nation or English region.",
        ),
        (
            SEX_HEADER,
            [SEX_ROWS[0], "2021,Wales,W92000004,3000,1530.5,1470"],
            "Line 3: “1530.5” in “Sex: Female; measures: Value” is not a whole number.",
        ),
        (
            SEX_HEADER,
            [SEX_ROWS[0], "2021,Wales,W92000004,3000,,1470"],
            "Line 3: “” in “Sex: Female; measures: Value” is not a whole number.",
        ),
        (
            "date,geography,geography code,Sex: All persons,Sex: Female",
            ["2021,Wales,W92000004,3000,1530"],
            "The file has no column “Sex: Male”.",
        ),
    ],
)
def test_a_wrong_row_or_column_stores_nothing(
    admin: User, served: list[Region], header: str, rows: list[str], message: str
) -> None:
    _import(admin, served)
    before = list(PopulationFigure.objects.values_list("region_id", "category", "count"))
    with pytest.raises(PopulationImportError) as raised:
        _import(admin, served, _csv(header, rows))
    assert any(problem.startswith(message) for problem in raised.value.problems), raised.value.problems
    assert list(PopulationFigure.objects.values_list("region_id", "category", "count")) == before


def test_a_file_too_large_is_refused(admin: User, served: list[Region], settings: object) -> None:
    settings.CHORUS_IMPORT_MAX_BYTES = 100  # type: ignore[attr-defined]
    with pytest.raises(PopulationImportError) as raised:
        _import(admin, served)
    assert "Chorus imports files up to 100" in raised.value.problems[0]
    assert not PopulationFigure.objects.exists()


def test_the_import_page_shows_every_problem_and_stores_nothing(
    admin: User, served: list[Region], client: Client
) -> None:
    sign_in(client, admin)
    bad = _csv(rows=["2021,Wales,W92000004,3000,lots,1470", "2021,Nowhere,X99999999,1,1,0"])
    got = client.post(
        reverse("insights:population_import"),
        {"table": "sex", "regions": [r.pk for r in served], "file": bad},
    )
    page = got.content.decode()
    assert got.status_code == 200
    assert "There is a problem" in page
    assert "Line 2: “lots” in “Sex: Female; measures: Value” is not a whole number." in page
    assert "Line 3: “X99999999” is not the code of a nation or English region." in page
    assert not PopulationFigure.objects.exists()
    got = client.post(
        reverse("insights:population_import"),
        {"table": "sex", "regions": [r.pk for r in served], "file": _csv()},
    )
    assert got.status_code == 302
    assert PopulationFigure.objects.count() == 6


def test_only_administrators_may_import(officer: User, viewer: User, client: Client) -> None:
    for user in (officer, viewer):
        sign_in(client, user)
        assert client.get(reverse("insights:population_import")).status_code == 403
        assert client.post(reverse("insights:population_import"), {"table": "sex"}).status_code == 403


# --- Shares, intervals and flags --------------------------------------------------------


def test_shares_have_wilson_intervals_and_flags_on_known_numbers() -> None:
    rows, total = compare(
        {"north_east": 40, "wales": 10},
        {"north_east": "North East", "wales": "Wales"},
        {"north_east": 1000, "wales": 3000},
    )
    assert total == 50
    north_east, wales = rows
    assert north_east.share == pytest.approx(0.8)
    assert (north_east.low, north_east.high) == (
        pytest.approx(0.6696, abs=1e-4),
        pytest.approx(0.8876, abs=1e-4),
    )
    assert wales.share == pytest.approx(0.2)
    assert (wales.low, wales.high) == (pytest.approx(0.1124, abs=1e-4), pytest.approx(0.3304, abs=1e-4))
    assert wales.population_share == pytest.approx(0.75)
    assert wales.flag == UNDER  # 75% of the population, at most 33% of the participants
    assert north_east.flag == "over"


def test_a_group_whose_population_share_is_within_the_interval_is_not_flagged() -> None:
    rows, _total = compare({"a": 22, "b": 28}, {"a": "A", "b": "B"}, {"a": 500, "b": 500})
    assert [row.flag for row in rows] == ["", ""]
    assert rows[0].low is not None and rows[0].low < 0.5 < rows[0].high  # type: ignore[operator]


def test_small_counts_are_suppressed_with_their_shares() -> None:
    rows, total = compare(
        {"a": 40, "b": 3, "c": 30}, {"a": "A", "b": "B", "c": "C"}, {"a": 1, "b": 1, "c": 1}
    )
    by_key = {row.key: row for row in rows}
    assert by_key["b"].count is None and by_key["b"].share is None and by_key["b"].flag == ""
    assert by_key["c"].count is None  # or B could be worked out from the total
    assert by_key["a"].count == 40 and total == 73


def test_a_table_of_too_few_people_shows_nothing() -> None:
    rows, total = compare({"a": 5, "b": 3}, {"a": "A", "b": "B"}, {"a": 1, "b": 1})
    assert total is None and all(row.count is None for row in rows)


# --- Who took part, on the pages -----------------------------------------------------------


def _people(region: Region, n: int, *, language: str = "en") -> list[Person]:
    return [
        Person.objects.create(
            first_name="Sam", last_name=f"{region.name_en} {i}", region=region, preferred_language=language
        )
        for i in range(n)
    ]


@pytest.fixture
def project_with_reach(team: object, admin: User, served: list[Region]) -> object:
    """A project whose event drew 40 people from the North East and 10 from Wales, in an
    area where Wales has three times the people."""
    _import(admin, served)
    north_east, wales = served
    project = ProjectFactory(name="Family court reform", team=team)
    activity = ActivityFactory(title="Open meeting", starts_at=timezone.now() - timedelta(days=3))
    activity.projects.add(project)
    people = _people(north_east, 40) + _people(wales, 10)
    Attendance.objects.bulk_create(Attendance(activity=activity, person=p, attended=True) for p in people)
    # People who signed up but did not come do not count.
    Attendance.objects.bulk_create(
        Attendance(activity=activity, person=p, attended=False) for p in _people(wales, 30)
    )
    return project


def _period() -> str:
    today = timezone.localdate()
    return f"?start={(today - timedelta(days=30)).isoformat()}&end={today.isoformat()}"


def test_the_equity_page_flags_a_group_under_represented_among_those_who_took_part(
    project_with_reach: object, officer: User, client: Client
) -> None:
    sign_in(client, officer)
    got = client.get(reverse("insights:equity") + _period())
    page = got.content.decode()
    assert got.status_code == 200
    assert "80.0% (67.0% to 88.8%)" in page  # the North East
    assert "20.0% (11.2% to 33.0%)" in page  # Wales
    wales = re.search(r"Wales</th>.*?</tr>", page, re.S)
    assert wales is not None and "Under-represented" in wales.group(0)
    assert AuditEntry.objects.filter(object_type="insights.equity", actor=officer).exists()


def test_the_project_page_shows_the_groups_under_represented_beside_its_checkpoints(
    project_with_reach: object, officer: User, client: Client
) -> None:
    sign_in(client, officer)
    page = client.get(reverse("engagement:project_detail", args=[project_with_reach.code])).content.decode()  # type: ignore[attr-defined]
    section = page.split("Groups under-represented among the people who took part")[1]
    assert "Wales (Region)" in section.split("</ul>")[0]
    # Next to the checkpoints, before the form that adds one.
    checkpoints = page.index("Engagement checkpoints</h2>")
    assert checkpoints < page.index("Groups under-represented") < page.index("Add checkpoint</h3>")
    assert reverse("insights:equity_project", args=[project_with_reach.code]) in section  # type: ignore[attr-defined]


def test_the_engagement_report_links_to_equity_with_its_flags(
    project_with_reach: object, officer: User, client: Client
) -> None:
    sign_in(client, officer)
    page = client.get(reverse("engagement:report") + _period()).content.decode()
    section = page.split('<h2 class="govuk-heading-m">Equity of reach</h2>')[1]
    assert "Wales (Region)" in section.split("</ul>")[0]
    assert reverse("insights:equity") in section


def test_an_outsider_cannot_see_a_project_of_another_team(
    project_with_reach: object, outsider: User, viewer: User, client: Client
) -> None:
    url = reverse("insights:equity_project", args=[project_with_reach.code]) + _period()  # type: ignore[attr-defined]
    sign_in(client, outsider)
    assert client.get(url).status_code == 404
    sign_in(client, viewer)  # the project's team: viewers read reports
    assert client.get(url).status_code == 200


def test_welsh_speakers_compare_people_in_wales_with_the_census(
    admin: User, served: list[Region], team: object
) -> None:
    skills = "Welsh language skills (speaking)"
    header = (
        f"date,geography,geography code,{skills}: Total: All usual residents aged 3 and over,"
        f"{skills}: Can speak Welsh,{skills}: Cannot speak Welsh"
    )
    population_import(
        actor=admin,
        upload=_csv(header, ["2021,Wales,W92000004,2900,540,2360"], name="ts033.csv"),
        dimension="welsh",
        regions=served,
    )
    activity = ActivityFactory(starts_at=timezone.now() - timedelta(days=2))
    people = (
        _people(served[1], 30, language="cy") + _people(served[1], 20) + _people(served[0], 15, language="cy")
    )
    Attendance.objects.bulk_create(Attendance(activity=activity, person=p, attended=True) for p in people)
    today = timezone.localdate()
    found = equity(user=admin, project=None, start=today - timedelta(days=7), end=today)
    welsh = next(d for d in found.dimensions if d.key == "welsh")
    assert welsh.participants == 50  # the North East's Welsh speakers are not in Wales
    yes = next(row for row in welsh.rows if row.key == "yes")
    assert yes.count == 30 and yes.population_share == pytest.approx(540 / 2900)
    assert yes.flag == "over"


# --- Equality rows: only in releases, only for those who may see them ----------------------

CROWD = {"age_band": "35_44", "sex": "male", "ethnic_group": "white", "disability": "no"}
VICTIM = {"age_band": "75_over", "sex": "female", "ethnic_group": "other", "disability": "yes_a_lot"}


def _respond(consultation: object, answers: dict[str, str]) -> None:
    key = uuid.uuid4()
    ResponseFactory(consultation=consultation, equality_key=key)
    equality_save(key=key, asked_for=consultation.code, answers=answers, submitted=True)  # type: ignore[attr-defined]


def _normalised(body: bytes) -> str:
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body.decode())
    return re.sub(r'nonce="[^"]+"', "", text)


@pytest.fixture
def released(admin: User, served: list[Region]) -> object:
    """A consultation asking the equality questions, 40 of whose respondents were released."""
    _import(admin, served)
    consultation = ConsultationFactory(equality_monitoring=True)
    # 12 women: one more would be 13, shown rounded as 15 instead of 10, were it counted.
    for i in range(40):
        _respond(consultation, CROWD if i % 10 >= 3 else {**CROWD, "sex": "female"})
    assert release_due(now=timezone.now()) == 1
    return consultation


def test_equality_rows_come_only_from_releases_and_one_new_person_changes_nothing(
    released: object, officer: User, client: Client
) -> None:
    sign_in(client, officer)
    url = reverse("insights:equity") + _period()
    before = client.get(url)
    page = before.content.decode()
    sex = page.split('id="dimension-sex"')[1].split("</table>")[0]
    assert ">30<" in sex and ">10<" in sex  # 28 men and 12 women, rounded, as released
    start = timezone.now()
    _respond(released, VICTIM)
    for moment in (None, start + timedelta(hours=1), start + timedelta(days=2)):
        if moment is not None:
            release_due(now=moment)
        assert _normalised(client.get(url).content) == _normalised(before.content)
    # The figures move only once the threshold of new people have answered.
    for _i in range(9):
        _respond(released, CROWD)
    release_due(now=start + timedelta(days=3))
    assert _normalised(client.get(url).content) != _normalised(before.content)


def test_viewers_see_no_equality_rows(released: object, viewer: User, client: Client) -> None:
    sign_in(client, viewer)
    page = client.get(reverse("insights:equity") + _period()).content.decode()
    assert 'id="dimension-sex"' not in page and 'id="dimension-region"' in page
    assert "which only administrators, engagement officers and analysts may see" in page


def test_the_equity_page_reads_in_welsh(project_with_reach: object, officer: User, client: Client) -> None:
    sign_in(client, officer)
    got = client.get("/cy" + reverse("insights:equity") + _period())
    assert got.status_code == 200
    assert "Cymru" in got.content.decode()


def test_group_rows_say_nothing_without_an_interval() -> None:
    row = GroupRow("a", "A", None, None, None, None, 0.5)
    assert row.flag == "" and row.percents["share"] is None


def test_equality_rows_are_shown_for_the_whole_organisation_never_one_project(
    released: object, team: object
) -> None:
    """A project's equality figures less the organisation's would narrow down the rest."""
    project = ProjectFactory(team=team)
    released.project = project  # type: ignore[attr-defined]
    released.save()  # type: ignore[attr-defined]
    analyst = UserFactory(role=Role.ANALYST, teams=[team])
    today = timezone.localdate()
    whole = equity(user=analyst, project=None, start=today - timedelta(days=7), end=today)
    assert next(d for d in whole.dimensions if d.key == "sex").participants == 40
    one = equity(user=analyst, project=project, start=today - timedelta(days=7), end=today)
    assert not [d for d in one.dimensions if d.key == "sex"]


def test_another_teams_restricted_consultation_is_not_counted(released: object, team: object) -> None:
    from chorus.accounts.models import Team

    released.team = Team.objects.create(name="Another team")  # type: ignore[attr-defined]
    released.save()  # type: ignore[attr-defined]
    analyst = UserFactory(role=Role.ANALYST, teams=[team])
    today = timezone.localdate()
    found = equity(user=analyst, project=None, start=today - timedelta(days=7), end=today)
    assert next(d for d in found.dimensions if d.key == "sex").participants in (None, 0)


def test_the_demo_carries_a_plausible_population(db: None) -> None:
    import random

    from chorus.core.registry import SCALES
    from chorus.insights.demo import demo_population

    demo_population(SCALES["small"], random.Random(1))
    wales = {
        f.category: f.count
        for f in PopulationFigure.objects.filter(dimension="sex", region__ons_code="W92000004")
    }
    assert 3_000_000 < wales["total"] == wales["female"] + wales["male"] < 3_200_000
    assert set(PopulationFigure.objects.values_list("dimension", flat=True)) == {
        "age",
        "sex",
        "ethnic_group",
        "disability",
        "welsh",
    }


def test_periods_do_not_choose_the_consultations_of_the_equality_rows(released: object, admin: User) -> None:
    """Were they chosen by period, two periods' sums would single one consultation out."""
    today = timezone.localdate()
    long_ago = equity(
        user=admin, project=None, start=today - timedelta(days=900), end=today - timedelta(days=800)
    )
    assert next(d for d in long_ago.dimensions if d.key == "sex").participants == 40


def test_panel_members_when_it_met_and_known_respondents_took_part(team: object, admin: object) -> None:
    from chorus.insights.equity import participants

    def participant_ids(**kwargs: object) -> set[int]:
        return set(participants(**kwargs).values_list("pk", flat=True))  # type: ignore[arg-type]

    from tests.factories import GroupMembershipFactory, StakeholderGroupFactory, make_person

    project = ProjectFactory(team=team)
    panel = StakeholderGroupFactory(is_panel=True)
    meeting = ActivityFactory(starts_at=timezone.now() - timedelta(days=3))
    meeting.projects.add(project)
    meeting.groups.add(panel)
    member = GroupMembershipFactory(group=panel).person
    joined_later = GroupMembershipFactory(group=panel, start=timezone.localdate()).person
    respondent = make_person(first_name="Rhian", last_name="Jones", emails=["rhian@example.org"])
    ResponseFactory(consultation=ConsultationFactory(project=project), email="Rhian@Example.org")
    ResponseFactory(consultation=ConsultationFactory(), email="rhian@example.org")  # another project's
    today = timezone.localdate()
    took_part = participant_ids(user=admin, project=project, start=today - timedelta(days=7), end=today)
    assert took_part == {member.pk, respondent.pk}
    assert joined_later.pk not in took_part
    assert participant_ids(user=admin, project=project, start=today - timedelta(days=1), end=today) == {
        respondent.pk
    }


def test_panel_members_who_joined_or_left_in_the_period_took_part_only_if_it_met_while_they_belonged(
    admin: object,
) -> None:
    from chorus.insights.equity import participants
    from tests.factories import GroupMembershipFactory, StakeholderGroupFactory

    today = timezone.localdate()
    panel = StakeholderGroupFactory(is_panel=True)
    group = StakeholderGroupFactory(is_panel=False)
    meeting = ActivityFactory(starts_at=timezone.now() - timedelta(days=10))
    meeting.groups.add(panel, group)
    met_on = timezone.localdate(meeting.starts_at)

    def member(**dates: object) -> int:
        return int(GroupMembershipFactory(group=panel, **dates).person.pk)

    joined_before = member(start=met_on - timedelta(days=1))
    joined_that_day = member(start=met_on)
    joined_after = member(start=met_on + timedelta(days=1))
    left_that_day = member(start=today - timedelta(days=400), end=met_on)
    left_before = member(start=today - timedelta(days=400), end=met_on - timedelta(days=1))
    throughout = member()
    not_a_panel = GroupMembershipFactory(group=group).person.pk
    took_part = set(
        participants(user=admin, project=None, start=today - timedelta(days=20), end=today).values_list(  # type: ignore[arg-type]
            "pk", flat=True
        )
    )
    assert took_part == {joined_before, joined_that_day, left_that_day, throughout}
    assert not took_part & {joined_after, left_before, not_a_panel}


def test_a_group_one_consultation_holds_few_of_stays_hidden_in_the_sum(released: object, admin: User) -> None:
    """Another consultation with 3 women: the organisation's sum of women would otherwise
    show them, less the first consultation's figure."""
    other = ConsultationFactory(equality_monitoring=True)
    for i in range(12):
        _respond(other, CROWD if i >= 3 else {**CROWD, "sex": "female"})
    release_due(now=timezone.now() + timedelta(days=2))
    today = timezone.localdate()
    found = equity(user=admin, project=None, start=today - timedelta(days=7), end=today)
    sex = {row.key: row for row in next(d for d in found.dimensions if d.key == "sex").rows}
    assert sex["female"].count is None


# --- In the engagement report's CSV and PDF --------------------------------------------------


def _csv_rows(client: Client, url: str) -> list[list[str]]:
    import csv
    import io

    got = client.get(url)
    assert got.status_code == 200
    return list(csv.reader(io.StringIO(b"".join(got.streaming_content).decode())))  # type: ignore[attr-defined]


def _block(rows: list[list[str]], heading: str) -> list[list[str]]:
    """The rows of one added section of the CSV: its heading, note, header and rows."""
    start = rows.index([heading])
    end = next((i for i in range(start, len(rows)) if not rows[i]), len(rows))
    return rows[start:end]


def _pdf_text(client: Client, url: str) -> str:
    import io

    import pypdf

    got = client.get(url)
    assert got.status_code == 200 and got["Content-Type"] == "application/pdf"
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(got.content)).pages)


@pytest.fixture
def reach_with_a_small_group(team: object, admin: User, regions: dict[str, Region]) -> None:
    """40 people from the North East, 20 from London and 3 from Wales took part: Wales is
    too few to show, and London is hidden too, or Wales would be the total less the rest."""
    served = [regions["E12000001"], regions["W92000004"], regions["E12000007"]]
    _import(admin, served)
    activity = ActivityFactory(title="Open meeting", starts_at=timezone.now() - timedelta(days=3))
    people = _people(served[0], 40) + _people(served[1], 3) + _people(served[2], 20)
    Attendance.objects.bulk_create(Attendance(activity=activity, person=p, attended=True) for p in people)


def test_the_report_csv_has_equity_of_reach_suppressed_as_the_equity_page_is(
    reach_with_a_small_group: None, officer: User, client: Client
) -> None:
    sign_in(client, officer)
    page = client.get(reverse("insights:equity") + _period()).content.decode()
    region_table = page.split('id="dimension-region"')[1].split("</table>")[0]
    for name in ("Wales", "London"):
        shown = re.search(rf"{name}</th>.*?</tr>", region_table, re.S)
        assert shown is not None and "Too small to report" in shown.group(0)

    block = _block(_csv_rows(client, reverse("engagement:report_csv") + _period()), "Equity of reach: Region")
    assert block[1] == ["People in the directory who took part, by where they live. 63 people in all."]
    assert block[2] == [
        "Group",
        "People",
        "Share, per cent",
        "95 per cent interval, from",
        "95 per cent interval, to",
        "Share of population, per cent",
        "Representation",
    ]
    by_group = {row[0]: row[1:] for row in block[3:]}
    assert by_group["North East"][0] == "40"
    assert by_group["Wales"] == ["Too small to report", "", "", "", "23.1", "Not known"]
    assert by_group["London"] == ["Too small to report", "", "", "", "69.2", "Not known"]
    assert by_group["North East"][-1] == "Over-represented"  # 7.7% of the population


def test_the_report_csv_says_each_flag_in_words_and_nothing_internal(
    project_with_reach: object, officer: User, client: Client
) -> None:
    sign_in(client, officer)
    rows = _csv_rows(client, reverse("engagement:report_csv") + _period())
    block = _block(rows, "Equity of reach: Region")
    by_group = {row[0]: row[1:] for row in block[3:]}
    assert by_group["Wales"] == ["10", "20.0", "11.2", "33.0", "75.0", "Under-represented"]
    assert by_group["North East"] == ["40", "80.0", "67.0", "88.8", "25.0", "Over-represented"]
    welsh = _block(rows, "Equity of reach: Welsh speakers")
    assert welsh == [
        ["Equity of reach: Welsh speakers"],
        ["No population figures for Welsh language skills have been imported."],
    ]
    added = "\n".join(",".join(row) for row in rows[rows.index(["Equity of reach: Region"]) :])
    for internal in ("None", "under", "over", "W92000004", "E12000001"):
        assert internal not in added
    assert not re.search(r"\d{4}-\d\d-\d\d", added)


def test_the_report_pdf_has_equity_of_reach(
    reach_with_a_small_group: None, officer: User, client: Client
) -> None:
    sign_in(client, officer)
    text = _pdf_text(client, reverse("engagement:report_pdf") + _period())
    assert "Equity of reach: Region" in text
    assert "Too small to report" in text and "Over-represented" in text
    assert "Representation" in text


def test_the_report_downloads_are_audited_as_the_equity_page_is(
    project_with_reach: object, officer: User, client: Client
) -> None:
    from chorus.core.models import AuditAction

    sign_in(client, officer)
    client.get(reverse("engagement:report") + _period())
    assert not AuditEntry.objects.filter(object_type="insights.equity").exists()
    _csv_rows(client, reverse("engagement:report_csv") + _period())
    _pdf_text(client, reverse("engagement:report_pdf") + _period())
    entries = AuditEntry.objects.filter(
        object_type="insights.equity", action=AuditAction.EXPORT, actor=officer
    )
    assert entries.count() == 2
    assert entries.first().object_repr == "Equity of reach: the organisation's area"  # type: ignore[union-attr]


def test_the_report_csv_has_equality_rows_only_for_the_whole_organisation_and_those_who_may_see_them(
    released: object, officer: User, viewer: User, team: object, client: Client
) -> None:
    sign_in(client, officer)
    url = reverse("engagement:report_csv") + _period()
    sex = _block(_csv_rows(client, url), "Equity of reach: Sex")
    assert "rounded to the nearest 5" in sex[1][0]
    by_group = {row[0]: row[1:] for row in sex[3:]}
    assert by_group["Male"][0] == "30" and by_group["Female"][0] == "10"  # 28 and 12, rounded
    project = ProjectFactory(team=team)
    with_project = _csv_rows(client, url + f"&project={project.pk}")
    assert ["Equity of reach: Region"] in with_project and ["Equity of reach: Sex"] not in with_project
    sign_in(client, viewer)
    as_viewer = _csv_rows(client, url)
    assert ["Equity of reach: Region"] in as_viewer and ["Equity of reach: Sex"] not in as_viewer


def test_equality_answers_given_with_service_feedback_count_too(
    released: object, officer: User, team: object, other_team: object
) -> None:
    """Exit surveys ask the equality questions too; their givers have no area, so they
    count only in the equality rows of the whole organisation."""
    from tests.factories import ServiceFactory

    service = ServiceFactory(equality_monitoring=True, team=team)
    hidden = ServiceFactory(equality_monitoring=True, team=other_team)  # another team's
    for asked in (service, hidden):
        for _i in range(12):
            equality_save(key=uuid.uuid4(), asked_for=asked.code, answers=CROWD, submitted=True)
    release_due(now=timezone.now() + timedelta(days=2))
    today = timezone.localdate()
    found = equity(user=officer, project=None, start=today - timedelta(days=7), end=today)
    sex = next(d for d in found.dimensions if d.key == "sex")
    assert sex.participants == 50  # 40 respondents and 12 feedback givers, rounded
    assert {row.key: row.count for row in sex.rows} == {"female": 10, "male": 40}


# --- What it costs each page ------------------------------------------------------------------


def test_the_equity_sections_cost_a_few_queries_however_many_took_part(
    project_with_reach: object,
    officer: User,
    client: Client,
    monkeypatch: pytest.MonkeyPatch,
    django_assert_max_num_queries: object,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from chorus.core import registry

    sign_in(client, officer)
    pages = [
        ("project", reverse("engagement:project_detail", args=[project_with_reach.code])),  # type: ignore[attr-defined]
        ("engagement_report", reverse("engagement:report") + _period()),
    ]
    for place, url in pages:
        client.get(url)  # the session, settled
        with CaptureQueriesContext(connection) as with_section:
            assert client.get(url).status_code == 200
        with monkeypatch.context() as patched:
            # Without equity's sections only: other apps add theirs to these pages too.
            others = [p for p in registry.PAGE_SECTIONS[place] if "equity" not in p.__module__]
            patched.setitem(registry.PAGE_SECTIONS, place, others)
            with CaptureQueriesContext(connection) as without:
                client.get(url)
        # Population figures, the participants counted by region and the regions' names (two
        # queries: counted inside one, SQLite worked out who took part again per region),
        # the user's teams twice, and the panels' meetings in the period with the
        # memberships that began or ended within it.
        assert len(with_section) - len(without) <= 7, place


def test_equality_rows_cost_one_query_however_many_consultations_asked(
    released: object, admin: User, django_assert_max_num_queries: object
) -> None:
    for _n in range(3):
        other = ConsultationFactory(equality_monitoring=True)
        for _i in range(10):
            _respond(other, CROWD)
    release_due(now=timezone.now() + timedelta(days=2))
    today = timezone.localdate()
    # Population figures, the panels that met, participants by region, the regions'
    # names, the equality answers.
    with django_assert_max_num_queries(5):  # type: ignore[operator]
        found = equity(user=admin, project=None, start=today - timedelta(days=7), end=today)
    assert next(d for d in found.dimensions if d.key == "sex").participants == 70
