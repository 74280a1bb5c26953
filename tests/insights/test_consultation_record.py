"""The consultation record: one page, a PDF and a ZIP file of the evidence, and the
Gunning checklist that also warns before a consultation opens or closes."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from chorus.accounts.models import Role
from chorus.analysis.models import AnalysisRun, ReviewEvent, ThemeChange
from chorus.consultations.gunning import MET, MISSING, WARNING
from chorus.consultations.models import Consultation, HelpRequest, Response, SupportingDocument
from chorus.core.audit import audit_record
from chorus.core.models import AuditAction, AuditEntry
from chorus.directory.models import Region
from chorus.insights.consultation_record import consultation_record
from chorus.insights.record_pdf import record_pdf_bytes, record_zip_bytes
from tests.conftest import sign_in
from tests.factories import (
    AnalysisRunFactory,
    ConsultationFactory,
    HelpRequestFactory,
    ImpactRecordFactory,
    ProjectFactory,
    QuestionFactory,
    ResponseFactory,
    SectionFactory,
    ThemeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.CHORUS_CONSULTATION_STANDARD_WEEKS = 12


def _document(
    consultation: Consultation, title: str, *, title_cy: str = "", added=None
) -> SupportingDocument:
    document = SupportingDocument(
        consultation=consultation, title=title, title_cy=title_cy, original_name="p.pdf"
    )
    document.file.save("proposal.pdf", ContentFile(b"%PDF-1.4 the proposal"), save=False)
    document.size = 21
    document.save()
    if added is not None:
        SupportingDocument.objects.filter(pk=document.pk).update(created_at=added)
        document.refresh_from_db()
    return document


@pytest.fixture
def closed(team, officer) -> Consultation:
    """A closed consultation of the officer's team, with something in every part of the record."""
    now = timezone.now()
    opens = now - timedelta(weeks=13)
    consultation = ConsultationFactory(
        title="Court fees review",
        team=team,
        is_published=True,
        opens_at=opens,
        closes_at=opens + timedelta(weeks=12, days=3),
        contact_email="consult@example.gov.uk",
        project=ProjectFactory(team=team),
    )
    Consultation.objects.filter(pk=consultation.pk).update(created_at=opens - timedelta(days=20))
    consultation.refresh_from_db()
    _document(consultation, "The full proposal", added=opens - timedelta(days=5))
    question = QuestionFactory(
        section=SectionFactory(consultation=consultation), text="What do you think of the fees?"
    )
    AuditEntry.objects.create(
        at=opens - timedelta(days=10),
        actor=officer,
        action=AuditAction.CHANGE,
        object_type="consultations.consultation",
        object_id=str(consultation.code),
        detail={"question added": question.text},
    )
    HelpRequestFactory(
        consultation=consultation,
        way=HelpRequest.Way.PAPER,
        status=HelpRequest.Status.DONE,
        email="sam@example.com",
    )
    ResponseFactory.create_batch(3, consultation=consultation, channel=Response.Channel.ONLINE)
    ResponseFactory(
        consultation=consultation,
        channel=Response.Channel.POST,
        respondent_type=Response.RespondentType.ORGANISATION,
    )
    analyst = UserFactory(role=Role.ANALYST, full_name="Ana Lyst", teams=[team])
    run = AnalysisRunFactory(
        consultation=consultation, subject="consultation", team=team, status="done", finished_at=now
    )
    ThemeFactory(run=run, label="Cost", locked=True)
    ThemeChange.objects.create(
        run=run, actor=analyst, action=ThemeChange.Action.RENAME, summary="“Fees” is now “Cost”"
    )
    ReviewEvent.objects.create(run=run, actor=analyst, action=ReviewEvent.Action.SIGNED_OFF)
    impact = ImpactRecordFactory(
        project=consultation.project,
        we_did="We froze the fees for a year",
        is_published=True,
        published_at=now,
    )
    impact.consultations.add(consultation)
    return consultation


def _url(name: str, consultation: Consultation) -> str:
    return reverse(f"insights:{name}", args=[consultation.code])


def _statuses(consultation: Consultation, user) -> dict[str, str]:
    return {check.name: check.status for check in consultation_record(consultation, user).checklist}


# The page


def test_the_page_assembles_every_part_of_the_record(officer_client: Client, closed: Consultation) -> None:
    phoned = ResponseFactory(consultation=closed, channel=Response.Channel.PHONE)
    HelpRequestFactory(consultation=closed, status=HelpRequest.Status.DONE, response=phoned)
    page = officer_client.get(_url("consultation_record", closed)).content.decode()
    assert "Staff entered a response for them." in page
    assert "Court fees review" in page
    assert "12 weeks and 3 days" in page
    assert "Yes, it meets the standard of 12 weeks" in page
    opens = timezone.localtime(closed.opens_at)
    assert f"{opens.day} {opens:%B} {opens.year}" in page  # dates as people read them
    assert "The full proposal" in page
    assert "Question added: What do you think of the fees?" in page
    assert "Send me a paper copy" in page and "Done" in page
    assert "On behalf of an organisation" in page
    assert "Ana Lyst" in page and "“Fees” is now “Cost”" in page and "Framework signed off" in page
    assert "We froze the fees for a year" in page
    assert "sam@example.com" not in page  # no contact details of the public
    assert "None" not in page and "T00:" not in page
    assert "Equality" not in page and "equality" not in page


def test_every_check_is_met_by_a_full_record(closed: Consultation, officer) -> None:
    statuses = _statuses(closed, officer)
    assert set(statuses.values()) == {MET}, statuses


def test_the_page_counts_responses_by_channel_and_type(closed: Consultation, officer) -> None:
    record = consultation_record(closed, officer)
    channels = {t.label: t.count for t in record.by_channel}
    assert channels["Online"] == 3 and channels["Post"] == 1 and channels["Email"] == 0
    assert {t.label: t.count for t in record.by_type}["On behalf of an organisation"] == 1
    assert record.responses == 4


def test_the_record_takes_the_same_number_of_queries_however_much_it_holds(
    closed: Consultation, officer
) -> None:
    with CaptureQueriesContext(connection) as first:
        consultation_record(closed, officer)
    ResponseFactory.create_batch(5, consultation=closed, channel=Response.Channel.EMAIL)
    HelpRequestFactory.create_batch(4, consultation=closed)
    run = AnalysisRunFactory(consultation=closed, subject="consultation", team=closed.team)
    ThemeChange.objects.create(run=run, actor=officer, action=ThemeChange.Action.MERGE, summary="merged")
    with CaptureQueriesContext(connection) as second:
        consultation_record(closed, officer)
    assert len(second) == len(first)


# The checklist


def test_the_checklist_flags_what_is_missing(team, officer) -> None:
    wales = Region.objects.filter(ons_code__startswith="W").first() or Region.objects.create(
        ons_code="W92000004", name_en="Wales", name_cy="Cymru", kind=Region.Kind.NATION
    )
    opens = timezone.now() - timedelta(weeks=5)
    consultation = ConsultationFactory(
        team=team, is_published=True, opens_at=opens, closes_at=opens + timedelta(weeks=4)
    )
    consultation.regions.add(wales)
    HelpRequestFactory(consultation=consultation, status=HelpRequest.Status.NEW)
    statuses = _statuses(consultation, officer)
    assert statuses["Welsh version where the audience includes Wales"] == MISSING
    assert statuses["Open at least the standard 12 weeks, or a reason recorded"] == MISSING
    assert statuses["Every help request answered"] == MISSING
    assert statuses["Documents published before opening"] == MISSING
    assert statuses["Analysis run and themes reviewed"] == MISSING
    assert statuses["Published response or “you said, we did” record"] == MISSING
    page = sign_in(Client(), officer).get(_url("consultation_record", consultation)).content.decode()
    assert "Open for 4 weeks, shorter than the standard 12 weeks. No reason recorded." in page
    assert "1 request for help is still waiting." in page


def test_a_question_changed_after_opening_is_a_warning(closed: Consultation, officer) -> None:
    audit_record(actor=officer, action=AuditAction.CHANGE, obj=closed, detail={"question changed": "Fees?"})
    assert _statuses(closed, officer)["Questions settled before it opened"] == WARNING


def test_a_document_added_after_opening_is_a_warning(closed: Consultation, officer) -> None:
    _document(closed, "A late addendum", added=closed.opens_at + timedelta(days=3))
    assert _statuses(closed, officer)["Documents published before opening"] == WARNING


# Access and auditing


@pytest.mark.parametrize(
    "name", ["consultation_record", "consultation_record_pdf", "consultation_record_zip"]
)
def test_another_teams_officer_gets_404(client: Client, outsider, closed: Consultation, name: str) -> None:
    assert sign_in(client, outsider).get(_url(name, closed)).status_code == 404


def test_a_viewer_reads_the_page_but_takes_no_files(client: Client, viewer, closed: Consultation) -> None:
    sign_in(client, viewer)
    page = client.get(_url("consultation_record", closed))
    assert page.status_code == 200
    assert b"record.pdf" not in page.content
    assert client.get(_url("consultation_record_pdf", closed)).status_code == 403
    assert client.get(_url("consultation_record_zip", closed)).status_code == 403


def test_every_view_and_download_is_audited(officer_client: Client, closed: Consultation, officer) -> None:
    for name in ("consultation_record", "consultation_record_pdf", "consultation_record_zip"):
        officer_client.get(_url(name, closed))
    entries = AuditEntry.objects.filter(object_id=str(closed.code), actor=officer).exclude(
        action=AuditAction.CHANGE
    )
    assert sorted(entries.values_list("action", flat=True)) == ["export", "export", "view"]


def test_the_consultation_page_links_to_its_record(officer_client: Client, closed: Consultation) -> None:
    page = officer_client.get(reverse("consultations:consultation_detail", args=[closed.code]))
    assert _url("consultation_record", closed).encode() in page.content


# The files


def test_the_pdf_is_a_pdf(officer_client: Client, closed: Consultation, officer) -> None:
    assert record_pdf_bytes(consultation_record(closed, officer)).startswith(b"%PDF")
    download = officer_client.get(_url("consultation_record_pdf", closed))
    assert download["Content-Type"] == "application/pdf"
    assert download.content.startswith(b"%PDF")


def test_the_pdf_shows_nothing_internal(closed: Consultation, officer) -> None:
    text = " ".join(
        page.extract_text()
        for page in PdfReader(io.BytesIO(record_pdf_bytes(consultation_record(closed, officer)))).pages
    )
    assert "12 weeks and 3 days" in text and "We froze the fees for a year" in text
    assert "None" not in text and "T00:" not in text


def test_the_pdf_is_written_in_welsh_too(closed: Consultation, officer) -> None:
    closed.title = "Adolygiad o ffioedd llys: ŵyn a ŷd"
    with translation.override("cy"):
        assert record_pdf_bytes(consultation_record(closed, officer)).startswith(b"%PDF")


def test_the_zip_holds_the_pdf_documents_and_csv_files(officer_client: Client, closed: Consultation) -> None:
    AnalysisRun.objects.filter(consultation=closed).update(title="=HYPERLINK(1)")
    download = officer_client.get(_url("consultation_record_zip", closed))
    assert download["Content-Type"] == "application/zip"
    body = b"".join(download.streaming_content)
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        names = set(archive.namelist())
        assert names == {
            "consultation-record.pdf",
            "documents/01-the-full-proposal/v1-p.pdf",
            "documents-every-version.csv",
            "responses-by-channel-and-type.csv",
            "help-requests.csv",
            "history-of-documents-and-questions.csv",
            "analysis-audit-trail.csv",
        }
        assert archive.read("documents/01-the-full-proposal/v1-p.pdf") == b"%PDF-1.4 the proposal"
        assert archive.read("consultation-record.pdf").startswith(b"%PDF")
        counts = list(csv.reader(io.StringIO(archive.read("responses-by-channel-and-type.csv").decode())))
        assert ["Channel", "Online", "3"] in counts
        trail = archive.read("analysis-audit-trail.csv").decode()
        assert "'=HYPERLINK(1)" in trail  # never a formula
        assert "sam@example.com" not in archive.read("help-requests.csv").decode()


def test_the_zip_can_be_built_for_a_benchmark(closed: Consultation, officer) -> None:
    assert record_zip_bytes(consultation_record(closed, officer))[:2] == b"PK"


# Warnings before opening and closing


def test_the_publish_page_warns_before_opening_but_does_not_block(admin_client: Client, team) -> None:
    opens = timezone.now() + timedelta(days=1)
    draft = ConsultationFactory(
        opens_at=opens,
        closes_at=opens + timedelta(weeks=2),
        privacy_url="https://example.gov.uk/privacy",
        contact_email="consult@example.gov.uk",
    )
    QuestionFactory(section=SectionFactory(consultation=draft))
    url = reverse("consultations:publish", args=[draft.code])
    page = admin_client.get(url).content.decode()
    assert "No supporting documents have been added." in page
    assert "Open for 2 weeks, shorter than the standard 12 weeks. No reason recorded." in page
    admin_client.post(url)
    draft.refresh_from_db()
    assert draft.is_published


def test_the_change_form_warns_before_closing(officer_client: Client, closed: Consultation) -> None:
    now = timezone.now()
    Consultation.objects.filter(pk=closed.pk).update(
        opens_at=now - timedelta(weeks=2), closes_at=now + timedelta(weeks=11)
    )
    HelpRequestFactory(consultation=closed, status=HelpRequest.Status.IN_PROGRESS)
    page = officer_client.get(reverse("consultations:consultation_edit", args=[closed.code])).content.decode()
    assert "1 request for help is still waiting: answer it before it closes." in page
    assert "would make it shorter than the standard 12 weeks" in page


def test_the_change_form_of_a_closed_consultation_has_no_warnings(
    officer_client: Client, closed: Consultation
) -> None:
    page = officer_client.get(reverse("consultations:consultation_edit", args=[closed.code])).content.decode()
    assert "data-gunning-warnings" not in page


def test_a_reason_for_a_shorter_consultation_is_kept_and_shown_in_its_record(
    officer_client: Client, closed: Consultation
) -> None:
    now = timezone.now()
    Consultation.objects.filter(pk=closed.pk).update(
        opens_at=now - timedelta(weeks=6), closes_at=now - timedelta(weeks=2)
    )
    page = officer_client.get(reverse("insights:consultation_record", args=[closed.code])).content.decode()
    assert "No reason recorded." in page
    Consultation.objects.filter(pk=closed.pk).update(
        shorter_reason="The change to the fees takes effect in April by law."
    )
    page = officer_client.get(reverse("insights:consultation_record", args=[closed.code])).content.decode()
    assert "The reason recorded: The change to the fees takes effect in April by law." in page
    assert "No reason recorded." not in page


def test_the_questions_link_suits_the_reader(
    closed: Consultation, officer_client: Client, team: object
) -> None:
    """Editors open the builder; a viewer or analyst, who may not, sees the questions as asked."""
    from chorus.core.roles import Role
    from tests.factories import UserFactory

    url = reverse("insights:consultation_record", args=[closed.code])
    page = officer_client.get(url).content.decode()
    assert reverse("consultations:questions", args=[closed.code]) in page
    analyst = Client()
    analyst.force_login(UserFactory(role=Role.ANALYST, teams=[team]))
    page = analyst.get(url).content.decode()
    assert reverse("consultations:questions", args=[closed.code]) not in page
    assert reverse("consultations:preview", args=[closed.code]) in page


def test_the_preview_sends_a_reader_back_to_the_consultation_not_the_builder(
    closed: Consultation, team: object
) -> None:
    from chorus.core.roles import Role
    from tests.factories import UserFactory

    analyst = Client()
    analyst.force_login(UserFactory(role=Role.ANALYST, teams=[team]))
    page = analyst.get(reverse("consultations:preview", args=[closed.code])).content.decode()
    assert reverse("consultations:questions", args=[closed.code]) not in page
    assert reverse("consultations:consultation_detail", args=[closed.code]) in page
