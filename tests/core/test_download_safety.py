"""Every CSV and Excel file Chorus writes is safe to open in a spreadsheet.

Text the public or staff typed (a name, an answer, a comment) that starts like a formula
must reach the file as text, never as something a spreadsheet runs. The walk below
downloads each file with hostile records in place; a new download is one more line in
``DOWNLOADS``. The guard test keeps every file going through chorus.core.downloads.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from chorus.accounts.models import Team, User
from chorus.core.audit import audit_record
from chorus.core.downloads import csv_text, safe_csv_writer, spreadsheet_safe, xlsx_bytes
from chorus.core.models import AuditAction, AuditEntry
from tests.conftest import sign_in
from tests.core.export_helpers import exported
from tests.factories import (
    ActivityFactory,
    AnalysisRunFactory,
    AnswerFactory,
    AssessmentFactory,
    AssignmentFactory,
    AttendanceFactory,
    ChallengeFactory,
    CommentFactory,
    ConsultationFactory,
    DatasetFactory,
    DatasetVersionFactory,
    ExitSurveyResponseFactory,
    IdeaFactory,
    ImpactRecordFactory,
    ItemFactory,
    NoteFactory,
    OrganisationFactory,
    PageFeedbackFactory,
    ParticipantFactory,
    PerceptionSeriesFactory,
    ProjectFactory,
    QuestionFactory,
    ResponseFactory,
    SectionFactory,
    ServiceFactory,
    StakeholderGroupFactory,
    ThemeFactory,
    make_person,
)

LINK = '=HYPERLINK("http://evil.example","x")'
PLUS = "+SUM(1)"
MINUS = "-2+3"
AT = "@cmd"
HOSTILE = (LINK, PLUS, MINUS, AT)

FORMULA_FIRST = set("=+-@\uff1d\uff0b\uff0d\uff20")
PLAIN_NUMBER = re.compile(r"[+-]?((\d{1,3}(,\d{3})+|\d+)(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?", re.ASCII)


def unsafe(cell: str) -> bool:
    """Would a spreadsheet run this cell (or hide what follows a tab or return)?"""
    if cell[:1] in ("\t", "\r", "\n"):
        return True
    return cell.lstrip()[:1] in FORMULA_FIRST and not PLAIN_NUMBER.fullmatch(cell.strip())


# The escaping itself ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [*HOSTILE, " =1+1", "  +1+1", "\t=1", "\r=1", "\n=1", "\uff1d1+1", "\uff0bSUM(1)", "\u3000=1", "-1e3+A1"],
)
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(value: str) -> None:
    assert spreadsheet_safe(value) == "'" + value
    assert not unsafe(spreadsheet_safe(value))


@pytest.mark.parametrize("value", ["Hello", "", "a=b", "-3", "+44", "0.5", " -12.5 ", 7, -7, None, 1.5])
def test_plain_text_and_numbers_are_left_as_they_are(value: Any) -> None:
    assert spreadsheet_safe(value) == value


@pytest.mark.parametrize("value", ["-16", "-16%", "+4.5%", "-1,600", "-1,600.25", " -3 "])
def test_a_figure_written_as_text_is_not_mistaken_for_a_formula(value: str) -> None:
    assert spreadsheet_safe(value) == value


@pytest.mark.parametrize("value", ["-1,6", "-16%%", "-16%+A1", "-1,600,0", "-16-2"])
def test_text_that_only_starts_like_a_figure_still_gets_an_apostrophe(value: str) -> None:
    assert spreadsheet_safe(value) == "'" + value


def test_negative_numbers_are_written_as_numbers() -> None:
    assert csv_text([[-16, -0.5, Decimal("-2.25"), "-16"]]) == "-16,-0.5,-2.25,-16\r\n"
    sheet = load_workbook(io.BytesIO(xlsx_bytes([[-16, -0.5, Decimal("-2.25")]], "Figures"))).active
    cells = next(sheet.iter_rows())
    assert [cell.value for cell in cells] == [-16, -0.5, -2.25]
    assert all(cell.data_type == "n" for cell in cells)


def test_the_csv_writers_escape_every_cell() -> None:
    out = io.StringIO()
    safe_csv_writer(out).writerows([["name", "n"], [LINK, -2], [PLUS, None]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["name", "n"],
        ["'" + LINK, "-2"],
        ["'" + PLUS, ""],
    ]
    assert csv_text([[AT]]) == "'@cmd\r\n"


def test_an_excel_file_never_holds_a_formula() -> None:
    data = xlsx_bytes(
        [
            ["name", "count", "other"],
            [LINK, -3, "#N/A"],
            [" =1+1", None, uuid.UUID(int=1)],
            ["bad\x01byte", 2.5, AT],
        ],
        "People",
    )
    sheet = load_workbook(io.BytesIO(data)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[1] == ["'" + LINK, -3, "#N/A"]
    assert values[2] == ["' =1+1", None, "00000000-0000-0000-0000-000000000001"]
    assert values[3] == ["badbyte", 2.5, "'@cmd"]
    assert sheet.cell(row=2, column=3).data_type == "s"  # text, not an error code


# The guard --------------------------------------------------------------------------------

CHORUS = Path(__file__).resolve().parents[2] / "chorus"
WRITERS = re.compile(
    r"csv\.(writer|DictWriter)\(|(?<![\w.])Workbook\(|from csv import[^\n]*\b(writer|DictWriter)\b|xlsxwriter"
)


def test_only_the_core_download_module_writes_csv_or_excel() -> None:
    allowed = CHORUS / "core" / "downloads.py"
    offenders = [
        f"{path.relative_to(CHORUS.parent)}:{number}: {line.strip()}"
        for path in sorted(CHORUS.rglob("*.py"))
        if path != allowed
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if WRITERS.search(line)
    ]
    assert offenders == [], "Write CSV and Excel through chorus.core.downloads:\n" + "\n".join(offenders)


# Every download, with hostile records -------------------------------------------------------


@pytest.fixture
def world(db: None, admin: User, django_capture_on_commit_callbacks) -> SimpleNamespace:
    """One of every record a download reads, each named and filled with formula-like text."""
    from chorus.analysis.models import AnalysisRun, Item
    from chorus.consultations.models import Response, ResponseImport
    from chorus.directory.models import ImportJob
    from chorus.directory.rights import sar_build, sar_request

    now = timezone.now()
    w = SimpleNamespace()
    w.person = make_person(
        first_name=LINK,
        last_name=PLUS,
        job_title=MINUS,
        emails=["hostile@example.org"],
        organisation=OrganisationFactory(name=AT),
    )
    AssessmentFactory(person=w.person, influence=3, interest=4, assessed_by=admin)
    from chorus.cases.services import CaseData, case_open

    case_open(
        actor=None,
        acknowledge=False,
        data=CaseData(kind="complaint", channel="phone", description=MINUS, name="Cai", service=LINK),
    )
    NoteFactory(person=w.person, text=LINK, author=admin)
    StakeholderGroupFactory(name=LINK)
    w.sar = sar_request(actor=admin, person=w.person, reference=PLUS)
    sar_build(w.sar)
    w.import_job = ImportJob.objects.create(
        original_name="people.csv",
        file=ContentFile(f'first name,last name\n"{LINK}",{PLUS}\n'.encode(), name="people.csv"),
        created_by=admin,
        status=ImportJob.Status.CHECKED,
        headers=["first name", "last name"],
        problems=[{"line": 2, "errors": [AT]}],
    )

    w.consultation = ConsultationFactory(
        title=LINK,
        summary=PLUS,
        opens_at=now - timedelta(days=40),
        closes_at=now - timedelta(days=1),
        is_published=True,
    )
    section = SectionFactory(consultation=w.consultation, title=MINUS, order=1)
    question = QuestionFactory(section=section, kind="text", text=LINK, order=1)
    response = ResponseFactory(
        consultation=w.consultation,
        reference="HOSTILE1",
        name=MINUS,
        organisation=PLUS,
        email="hostile@example.org",
        publish=Response.Publish.NAMED,
    )
    answer = AnswerFactory(response=response, question=question, value=AT)
    w.response_import = ResponseImport.objects.create(
        consultation=w.consultation,
        created_by=admin,
        original_name="responses.csv",
        headers=[LINK],
        rows=[{"line": 2, "row": [PLUS], "errors": [AT], "about": {}, "answers": {}}],
    )

    w.service = ServiceFactory(name=LINK, slug="hostile")
    PageFeedbackFactory(service=w.service, kind="problem", page="https://example.gov.uk/a", text=LINK)
    ExitSurveyResponseFactory(
        service=w.service, satisfaction=1, improvement=PLUS, came_from=AT, submission_key=uuid.uuid4()
    )

    project = ProjectFactory(name=LINK)
    forum = ActivityFactory(kind="user_forum", title=PLUS, starts_at=now - timedelta(days=2))
    forum.projects.add(project)
    AttendanceFactory(activity=forum, person=w.person, attended=True)
    w.impact = ImpactRecordFactory(project=project, you_said=LINK, we_did=PLUS, decided_on="2026-06-01")
    w.impact.activities.add(forum)

    w.challenge = ChallengeFactory(
        title=LINK, description=PLUS, opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=30)
    )
    participant = ParticipantFactory(email="idea@example.org", name=MINUS, confirmed_at=now)
    idea = IdeaFactory(challenge=w.challenge, participant=participant, title=LINK, body=PLUS, response=AT)
    CommentFactory(idea=idea, participant=participant, body=AT)

    audit_record(actor=admin, action=AuditAction.CHANGE, object_type="directory.person", object_repr=LINK)

    w.series = PerceptionSeriesFactory(name=LINK, baseline=w.consultation)
    w.series.waves.set([w.consultation])
    yes_no = QuestionFactory(section=section, kind="yes_no", text=PLUS, order=2)
    AnswerFactory(response=response, question=yes_no, value="yes")

    dataset = DatasetFactory(
        slug="hostile", builder="service-feedback", title=LINK, description=PLUS, frequency="monthly"
    )
    DatasetVersionFactory(
        dataset=dataset,
        number=1,
        columns=[{"name": "service", "title": "Service", "description": "", "datatype": "string"}],
        rows=[[LINK], [None], [MINUS]],
        threshold=10,
    )

    w.run = AnalysisRunFactory(
        title=LINK,
        subject=AnalysisRun.Subject.CONSULTATION,
        consultation=w.consultation,
        status=AnalysisRun.Status.DONE,
    )
    item = ItemFactory(
        run=w.run, source=Item.Source.ANSWER, source_id=answer.pk, text=LINK, redacted=LINK, stance=PLUS
    )
    broad = ThemeFactory(
        run=w.run, key=1, level="broad", label=LINK, description=PLUS, keyphrases=[MINUS], quotes=[item.pk]
    )
    fine = ThemeFactory(run=w.run, key=2, level="fine", parent=broad, label=AT, description=MINUS)
    AssignmentFactory(item=item, theme=fine)
    return w


@dataclass(frozen=True)
class Download:
    name: str
    url: Callable[[SimpleNamespace], str]
    kind: str = "csv"  # csv, xlsx or zip
    public: bool = False  # downloaded without signing in
    audited: bool = True  # holds personal data or what people wrote, so the download is recorded
    hostile: bool = True  # the file shows at least one of the hostile values


def _at(name: str, *args: Any, query: str = "") -> Callable[[SimpleNamespace], str]:
    def url(w: SimpleNamespace) -> str:
        values = [getattr(w, a).code if isinstance(a, str) and hasattr(w, a) else a for a in args]
        return reverse(name, args=values) + (f"?{query}" if query else "")

    return url


DOWNLOADS = [
    Download("directory people CSV", _at("directory:person_list", query="format=csv")),
    Download("directory people Excel", _at("directory:person_list", query="format=xlsx"), kind="xlsx"),
    Download("stakeholder map CSV", _at("directory:stakeholder_map", query="format=csv")),
    Download("subject access ZIP", _at("directory:subject_access_download", "sar"), kind="zip"),
    Download("directory import rows to fix", _at("directory:import_rejected", "import_job")),
    Download("consultation responses CSV", _at("consultations:response_export", "consultation", "csv")),
    Download(
        "consultation responses Excel",
        _at("consultations:response_export", "consultation", "xlsx"),
        kind="xlsx",
    ),
    Download(
        "published responses",
        _at("consultations:public_responses_download", "consultation"),
        public=True,
        audited=False,
    ),
    Download(
        "response import rows to fix",
        lambda w: reverse(
            "consultations:response_import_problems", args=[w.consultation.code, w.response_import.code]
        ),
    ),
    Download("service page feedback", _at("feedback:feedback_export", "service")),
    Download("service exit survey", _at("feedback:exit_export", "service")),
    Download("you said we did participants", _at("engagement:impact_participants", "impact")),
    Download("engagement report", _at("engagement:report_csv"), audited=False),
    Download("challenge ideas CSV", _at("ideas:export", "challenge", "ideas")),
    Download(
        "challenge ideas Excel", _at("ideas:export", "challenge", "ideas", query="format=xlsx"), kind="xlsx"
    ),
    Download("challenge comments CSV", _at("ideas:export", "challenge", "comments")),
    Download("audit log", _at("core:audit_log", query="format=csv")),
    Download("perception series", _at("insights:perception", "series", query="format=csv"), audited=False),
    Download("services dashboard", _at("insights:services_dashboard", query="format=csv"), audited=False),
    Download("cases dashboard", _at("cases:case_dashboard", query="format=csv")),
    Download(
        "consultations dashboard",
        lambda w: (
            reverse("insights:consultations_dashboard") + f"?consultation={w.consultation.code}&format=csv"
        ),
        audited=False,
        hostile=False,  # weeks and counts only
    ),
    Download("data quality list", _at("insights:quality", query="download=people_without_region")),
    Download(
        "open data CSV",
        lambda w: reverse("insights_files:dataset_csv", args=["hostile"]),
        public=True,
        audited=False,
    ),
    Download("analysis themes", _at("analysis:themes_csv", "run")),
    Download("analysis assignments", _at("analysis:assignments_csv", "run")),
]


def _csv_cells(data: bytes) -> Iterator[str]:
    for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))):
        yield from row


def _xlsx_cells(data: bytes) -> Iterator[str]:
    book = load_workbook(io.BytesIO(data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if cell.value is not None:
                    yield str(cell.value)


def _cells(kind: str, data: bytes) -> list[str]:
    if kind == "csv":
        return list(_csv_cells(data))
    if kind == "xlsx":
        return list(_xlsx_cells(data))
    cells: list[str] = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.endswith(".csv"):
                cells += _csv_cells(archive.read(name))
            elif name.endswith(".xlsx"):
                cells += _xlsx_cells(archive.read(name))
    return cells


@pytest.mark.parametrize("download", DOWNLOADS, ids=[d.name for d in DOWNLOADS])
def test_every_download_escapes_formula_like_text(
    client: Client, admin: User, world: SimpleNamespace, download: Download
) -> None:
    if not download.public:
        sign_in(client, admin)
    exports_before = AuditEntry.objects.filter(action=AuditAction.EXPORT).count()
    response = exported(client, download.url(world))  # a big export is prepared first
    assert response.status_code == 200, response
    data = b"".join(response.streaming_content) if response.streaming else response.content
    cells = _cells(download.kind, data)
    assert cells, "the file is empty"
    assert [cell for cell in cells if unsafe(cell)] == []
    if download.hostile:
        assert any(h in cell for cell in cells for h in HOSTILE), "no hostile record reached the file"
    if download.audited:
        assert AuditEntry.objects.filter(action=AuditAction.EXPORT).count() > exports_before


# Who may download, beyond the analysis exports (tests/analysis/test_export_access.py) --------


def test_sharing_back_leaves_out_people_another_team_keeps_private(
    client: Client, officer: User, team: Team, other_team: Team
) -> None:

    project = ProjectFactory(name="Online divorce", team=team)
    forum = ActivityFactory(kind="user_forum", title="Divorce forum", starts_at=timezone.now())
    ours = make_person(first_name="Aled", last_name="Price", emails=["aled@example.org"])
    theirs = make_person(
        first_name="Secret", last_name="Witness", emails=["secret@example.org"], team=other_team
    )
    for person in (ours, theirs):
        AttendanceFactory(activity=forum, person=person, attended=True)
    record = ImpactRecordFactory(project=project, you_said="x", we_did="y", decided_on="2026-06-01")
    record.activities.add(forum)
    response = sign_in(client, officer).get(reverse("engagement:impact_participants", args=[record.code]))
    text = b"".join(response.streaming_content).decode()
    assert "Aled" in text and "Secret" not in text and "secret@example.org" not in text


def test_downloading_the_rows_to_fix_of_a_response_import_is_audited(
    client: Client, officer: User, team: Team
) -> None:
    from chorus.consultations.models import ResponseImport

    now = timezone.now()
    consultation = ConsultationFactory(
        title="Court visits", summary="s", opens_at=now - timedelta(days=5), closes_at=now, team=team
    )
    job = ResponseImport.objects.create(
        consultation=consultation,
        created_by=officer,
        original_name="paper.csv",
        headers=["name"],
        rows=[{"line": 2, "row": ["Rhian Morgan"], "errors": ["Add an answer"], "about": {}, "answers": {}}],
    )
    url = reverse("consultations:response_import_problems", args=[consultation.code, job.code])
    text = b"".join(sign_in(client, officer).get(url).streaming_content).decode()
    assert "Rhian Morgan" in text
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT, object_id=str(job.code))
    assert entry.actor == officer
