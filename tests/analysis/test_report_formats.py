"""The summary report in HTML, PDF and Word: the same themes, quotes and breakdowns in each,
small counts suppressed, for the run's team only (never viewers), every download audited."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from chorus.accounts.models import Role, Team, User
from chorus.analysis.models import AnalysisRun
from chorus.core.models import AuditAction, AuditEntry
from tests.analysis.evidence_world import evidence_run
from tests.conftest import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FORMATS = ["analysis:report", "analysis:report_pdf", "analysis:report_docx"]


@pytest.fixture
def analyst(team: Team) -> User:
    return UserFactory(role=Role.ANALYST, teams=[team])


@pytest.fixture
def run(team: Team) -> AnalysisRun:
    return evidence_run(team)[0]


def _get(client: Client, name: str, run: AnalysisRun) -> bytes:
    response = client.get(reverse(name, args=[run.code]))
    assert response.status_code == 200
    return response.content


def _pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def _docx_rows(body: bytes) -> list[list[str]]:
    document = Document(io.BytesIO(body))
    return [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]


def _docx_text(body: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(body)).paragraphs)


def test_the_html_report_shows_each_themes_label_share_quotes_and_breakdowns(
    client: Client, analyst: User, run: AnalysisRun
) -> None:
    html = _get(sign_in(client, analyst), "analysis:report", run).decode()
    assert "Waiting (75%)" in html and "Delays before and at court." in html
    assert "<blockquote>The queue at court was long 0</blockquote>" in html
    assert "Respondent type" in html and "12 (75%)" in html
    assert "Citizens Advice" in html
    assert "07700" not in html


def test_the_pdf_report_holds_the_label_share_and_a_quote(
    client: Client, analyst: User, run: AnalysisRun
) -> None:
    response = sign_in(client, analyst).get(reverse("analysis:report_pdf", args=[run.code]))
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="analysis-{run.code}-report.pdf"' in response["Content-Disposition"]
    text = _pdf_text(response.content)
    assert "Waiting (75%)" in text and "The queue at court was long 0" in text
    assert "Channel" in text and "fewer than 10" in text
    assert "07700" not in text


def test_the_word_report_holds_the_label_and_a_breakdown_row(
    client: Client, analyst: User, run: AnalysisRun
) -> None:
    response = sign_in(client, analyst).get(reverse("analysis:report_docx", args=[run.code]))
    assert f'filename="analysis-{run.code}-report.docx"' in response["Content-Disposition"]
    text = _docx_text(response.content)
    assert "Waiting (75%)" in text and "The queue at court was long 0" in text
    rows = _docx_rows(response.content)
    assert ["Online", "12 (75%)"] in rows
    assert ["Email", "fewer than 10"] in rows
    assert "07700" not in text


@pytest.mark.parametrize("name", FORMATS)
def test_no_format_shows_a_count_under_the_threshold(
    client: Client, analyst: User, run: AnalysisRun, name: str
) -> None:
    body = _get(sign_in(client, analyst), name, run)
    if name == "analysis:report_docx":
        cells = [cell for row in _docx_rows(body) for cell in row[1:]]
    elif name == "analysis:report_pdf":
        cells = _pdf_text(body).split("\n")
    else:
        cells = body.decode().split("<td")
    # the organisations (2) and the post (2) and email (2) channels are all under 10
    assert not any(cell.strip().lstrip(">").startswith(("1 (", "2 (")) for cell in cells)
    assert any("fewer than 10" in cell for cell in cells)


@pytest.mark.parametrize("name", FORMATS)
def test_every_format_is_audited_as_an_export(
    client: Client, analyst: User, run: AnalysisRun, name: str
) -> None:
    _get(sign_in(client, analyst), name, run)
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT, object_id=str(run.code))
    assert entry.actor == analyst


@pytest.mark.parametrize("name", FORMATS)
def test_viewers_and_other_teams_are_refused_every_format(
    client: Client, viewer: User, other_team: Team, run: AnalysisRun, name: str
) -> None:
    url = reverse(name, args=[run.code])
    assert sign_in(client, viewer).get(url).status_code == 403
    outsider = UserFactory(role=Role.ANALYST, teams=[other_team])
    assert sign_in(client, outsider).get(url).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_run_page_offers_every_format_to_those_who_may_export(
    client: Client, analyst: User, run: AnalysisRun
) -> None:
    html = sign_in(client, analyst).get(reverse("analysis:run_detail", args=[run.code])).content.decode()
    for name in FORMATS:
        assert reverse(name, args=[run.code]) in html
