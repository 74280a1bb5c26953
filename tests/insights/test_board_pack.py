from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from chorus.core.models import AuditAction, AuditEntry
from chorus.directory.services import people_first_attended_refresh
from chorus.engagement.models import Commitment, CommitmentUpdate
from chorus.insights.board_pack import Pack, Table, board_pack
from tests.conftest import sign_in
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    BulletinFactory,
    CheckpointFactory,
    ConsultationFactory,
    DeliveryFactory,
    ExitSurveyResponseFactory,
    GroupMembershipFactory,
    ImpactRecordFactory,
    PageFeedbackFactory,
    ProjectFactory,
    ResponseFactory,
    ServiceFactory,
    StakeholderGroupFactory,
    make_person,
)

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
Q3 = (date(2026, 7, 1), date(2026, 9, 30))


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=LONDON)


def _commitment(**fields: Any) -> Commitment:
    values: dict[str, Any] = {
        "kind": Commitment.Kind.RECOMMENDATION,
        "source_body": "Justice Select Committee",
    }
    return Commitment.objects.create(**(values | fields))


@pytest.fixture
def world(team) -> dict[str, Any]:
    """Q3 2026 against Q2 2026, in every part of the pack."""
    advice = StakeholderGroupFactory(name="Advice sector")
    judiciary = StakeholderGroupFactory(name="Judiciary")
    divorce = ProjectFactory(name="Online divorce", team=team)
    probate = ProjectFactory(name="Probate")
    people = [make_person(first_name=f"P{i}", last_name="Jones") for i in range(4)]
    GroupMembershipFactory(person=people[0], group=advice)
    # Engagement: one person in Q2; three in Q3, two of them for the first time.
    forum = ActivityFactory(kind="user_forum", title="Forum", starts_at=_at(date(2026, 5, 1)))
    forum.projects.add(divorce)
    AttendanceFactory(activity=forum, person=people[0], attended=True)
    webinar = ActivityFactory(kind="webinar", title="Webinar", starts_at=_at(date(2026, 8, 3)))
    webinar.projects.add(divorce)
    for person in people[:3]:
        AttendanceFactory(activity=webinar, person=person, attended=True)
    AttendanceFactory(activity=webinar, person=people[3], attended=False)
    people_first_attended_refresh()
    # Checkpoints: Q3 has one met, one waived and one missed; Q2 one missed.
    CheckpointFactory(project=divorce, stage_id="alpha", group=advice, due_on=date(2026, 9, 1))
    CheckpointFactory(
        project=divorce,
        stage_id="beta",
        group=judiciary,
        due_on=date(2026, 8, 1),
        waived_reason="Not affected",
    )
    CheckpointFactory(project=probate, stage_id="alpha", group=judiciary, due_on=date(2026, 9, 15))
    CheckpointFactory(project=probate, stage_id="beta", group=advice, due_on=date(2026, 5, 10))
    # Consultations: one opened and closed in Q3 with an outcome published; one opened in
    # Q2 and closed in Q3; a draft, which does not count.
    fees = ConsultationFactory(
        title="Court fees",
        title_cy="Ffioedd llys",
        is_published=True,
        opens_at=_at(date(2026, 7, 10)),
        closes_at=_at(date(2026, 8, 20)),
        project=divorce,
    )
    forms = ConsultationFactory(
        title="Divorce forms",
        is_published=True,
        opens_at=_at(date(2026, 4, 1)),
        closes_at=_at(date(2026, 7, 15)),
    )
    ConsultationFactory(title="Draft", opens_at=_at(date(2026, 7, 2)), closes_at=_at(date(2026, 7, 30)))
    for _n in range(3):
        ResponseFactory(consultation=fees, submitted_at=_at(date(2026, 7, 20)))
    for _n in range(2):
        ResponseFactory(consultation=forms, submitted_at=_at(date(2026, 5, 20)))
    record = ImpactRecordFactory(
        project=divorce,
        you_said="Fees are hard to understand",
        you_said_cy="Mae ffioedd yn anodd eu deall",
        we_did="We rewrote the fees page",
        decided_on=date(2026, 9, 1),
        shared_back_on=date(2026, 9, 5),
        shared_back_how="Email to everyone who responded",
        is_published=True,
    )
    record.consultations.add(fees)
    # Share-back by email: four people told in Q3 (one address failed).
    shareback = BulletinFactory(kind="share_back", impact=record, status="sent", team=team)
    for _n in range(4):
        DeliveryFactory(bulletin=shareback, status="sent", sent_at=_at(date(2026, 9, 5)))
    DeliveryFactory(bulletin=shareback, status="failed")
    # Commitments.
    made_early = _at(date(2026, 1, 10))
    done = _commitment(title="Publish the fees review", status="done", created_at=made_early, team=team)
    CommitmentUpdate.objects.create(commitment=done, status="on_track", on=date(2026, 3, 1))
    CommitmentUpdate.objects.create(commitment=done, status="done", on=date(2026, 8, 10))
    _commitment(title="Plain English forms", created_at=_at(date(2026, 8, 1)))
    _commitment(title="Fix the helpline", status="at_risk", created_at=made_early, due_on=date(2026, 9, 1))
    _commitment(title="Review the leaflets", status="on_track", created_at=_at(date(2026, 5, 1)))
    # Service feedback: five pieces in Q3 and two in Q2; satisfaction 75% against 50%.
    service = ServiceFactory(name="Apply for divorce")
    for day in [date(2026, 7, 5)] * 5 + [date(2026, 4, 5)] * 2:
        PageFeedbackFactory(service=service, created_at=_at(day))
    for day, score in [(date(2026, 8, 1), s) for s in (5, 4, 4, 2)] + [(date(2026, 5, 1), s) for s in (1, 5)]:
        ExitSurveyResponseFactory(service=service, satisfaction=score, created_at=_at(day))
    return {"fees": fees, "divorce": divorce}


def _figures(table: Table) -> dict[str, tuple[int | None, int | None]]:
    return {str(f.label): (f.current, f.previous) for f in table.figures}


def _pack(user) -> Pack:
    return board_pack(user, *Q3)


def test_each_figure_stands_beside_the_previous_quarter(world, admin, settings) -> None:
    settings.CHORUS_SUPPRESS_BELOW = 0  # every count shown, to check the arithmetic
    pack = _pack(admin)
    assert (pack.previous_start, pack.previous_end) == (date(2026, 4, 1), date(2026, 6, 30))
    engagement = _figures(pack.engagement)
    assert engagement["People from the directory who came"] == (3, 1)
    assert engagement["of whom engaged for the first time"] == (2, 1)
    assert engagement["Activities"] == (1, 1)
    assert _figures(pack.activity_types) == {"Webinar": (1, 0), "Public user forum": (0, 1)}
    assert _figures(pack.checkpoints) == {
        "Checkpoints due": (3, 1),
        "Met: people of the group took part": (1, 0),
        "Waived, with a reason": (1, 0),
        "Missed": (1, 1),
    }
    assert [(c.project, c.group) for c in pack.checkpoints_missed] == [("Probate", "Judiciary")]
    assert _figures(pack.consultations) == {
        "Consultations and surveys opened": (1, 1),
        "Consultations and surveys closed": (2, 0),
        "Responses received": (3, 2),
    }
    assert [(str(c.title), c.responses, str(c.outcome)) for c in pack.consultations_opened] == [
        ("Court fees", 3, "“You said, we did” published")
    ]
    assert [(str(c.title), c.responses, str(c.outcome)) for c in pack.consultations_closed] == [
        ("Divorce forms", 2, "No outcome published yet"),
        ("Court fees", 3, "“You said, we did” published"),
    ]
    assert _figures(pack.sharebacks) == {
        "“You said, we did” records made": (1, 0),
        "“You said, we did” records shared back": (1, 0),
        "People told by email what changed": (4, 0),
    }
    assert [(str(s.you_said), s.shared_on) for s in pack.shared] == [
        ("Fees are hard to understand", date(2026, 9, 5))
    ]
    assert _figures(pack.feedback) == {
        "Feedback on pages of our services": (5, 2),
        "Exit survey answers": (4, 2),
        "Satisfied or very satisfied": (75, 50),
    }


def test_commitments_are_counted_at_the_start_and_end_with_what_changed(world, admin) -> None:
    pack = _pack(admin)
    status = _figures(pack.commitment_status)
    assert status["Done"] == (1, 0)
    assert status["On track"] == (1, 2)
    assert status["At risk"] == (1, 1)
    assert status["Not started"] == (1, 0)
    assert _figures(pack.commitment_movement) == {
        "New commitments": (1, 1),
        "Commitments done": (1, 0),
        "Overdue at the end of the period": (1, 0),
    }
    changed = {str(c.title): (str(c.was), str(c.now)) for c in pack.commitments_changed}
    assert changed == {
        "Publish the fees review": ("On track", "Done"),
        "Plain English forms": ("New", "Not started"),
    }
    assert pack.commitments_changed_count == 2


def test_the_number_of_queries_does_not_grow_with_the_records(
    world, admin, django_assert_num_queries
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        _pack(admin)
    for n in range(5):
        closing = ConsultationFactory(
            title=f"More {n}",
            is_published=True,
            opens_at=_at(date(2026, 6, 1)),
            closes_at=_at(date(2026, 8, 1)),
        )
        ResponseFactory(consultation=closing, submitted_at=_at(date(2026, 7, 1)))
        ImpactRecordFactory(
            project=world["divorce"], decided_on=date(2026, 7, 1), shared_back_on=date(2026, 7, 2)
        )
        CheckpointFactory(group=StakeholderGroupFactory(), due_on=date(2026, 7, 3))
        done = _commitment(title=f"Done {n}", status="done", created_at=_at(date(2026, 1, 1)))
        CommitmentUpdate.objects.create(commitment=done, status="done", on=date(2026, 7, 4))
    with django_assert_num_queries(len(first.captured_queries)):
        pack = _pack(admin)
    assert len(pack.consultations_closed) == 7 and len(pack.shared) == 6


def test_groups_that_stand_out_in_reach_are_flagged_beside_the_previous_period(admin, settings) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from chorus.directory.models import Person, Region
    from chorus.directory.reference import regions_ensure
    from chorus.engagement.models import Attendance
    from chorus.insights.population import population_import

    regions_ensure()
    north_east, wales = Region.objects.get(ons_code="E12000001"), Region.objects.get(ons_code="W92000004")
    census = (
        "date,geography,geography code,Sex: All persons; measures: Value,"
        "Sex: Female; measures: Value,Sex: Male; measures: Value\n"
        "2021,North East,E12000001,1000,510,490\n2021,Wales,W92000004,3000,1530,1470\n"
    )
    upload = SimpleUploadedFile("census2021-ts008.csv", census.encode(), content_type="text/csv")
    population_import(actor=admin, upload=upload, dimension="sex", regions=[north_east, wales])
    # Q3: forty people from the North East and ten from Wales, which has three times the people.
    meeting = ActivityFactory(starts_at=_at(date(2026, 8, 3)))
    people = [
        Person.objects.create(first_name="Sam", last_name=f"NE {i}", region=north_east) for i in range(40)
    ]
    people += [Person.objects.create(first_name="Sam", last_name=f"W {i}", region=wales) for i in range(10)]
    Attendance.objects.bulk_create(Attendance(activity=meeting, person=p, attended=True) for p in people)
    pack = _pack(admin)
    flags = {(e.group, str(e.now), str(e.before)) for e in pack.equity}
    assert flags == {
        ("Wales", "Under-represented", "Not known"),
        ("North East", "Over-represented", "Not known"),
    }
    assert pack.equity_missing == ["No population figures for Welsh language skills have been imported."]


def test_without_population_figures_the_pack_says_equity_cannot_be_shown(world, admin) -> None:
    pack = _pack(admin)
    assert pack.equity == [] and "No population figures have been imported." in pack.equity_missing


def test_small_numbers_of_people_are_not_shown(world, admin, settings) -> None:
    settings.CHORUS_SUPPRESS_BELOW = 3
    pack = _pack(admin)
    engagement = _figures(pack.engagement)
    assert engagement["People from the directory who came"] == (3, None)
    assert engagement["of whom engaged for the first time"] == (None, None)
    assert _figures(pack.consultations)["Responses received"] == (3, None)
    assert [c.responses for c in pack.consultations_closed] == [None, 3]
    assert _figures(pack.sharebacks)["People told by email what changed"] == (4, None)
    # Counts of things, not people, are shown whatever their size.
    assert _figures(pack.checkpoints)["Missed"] == (1, 1)
    # 3 of 4 satisfied: 75% would tell that one person was not, so it is not shown.
    assert _figures(pack.feedback)["Satisfied or very satisfied"] == (None, None)


def test_an_officer_sees_nothing_of_another_teams_restricted_records(world, outsider, team, settings) -> None:
    settings.CHORUS_SUPPRESS_BELOW = 0
    world["fees"].team = team
    world["fees"].save()
    pack = _pack(outsider)
    assert _figures(pack.consultations)["Consultations and surveys opened"] == (0, 1)
    assert [str(c.title) for c in pack.consultations_closed] == ["Divorce forms"]
    assert _figures(pack.checkpoints)["Checkpoints due"] == (1, 1)  # Probate's only: no team
    assert "Publish the fees review" not in {str(c.title) for c in pack.commitments_changed}
    assert _figures(pack.sharebacks)["People told by email what changed"] == (0, 0)
    assert pack.shared == []


def test_welsh_titles_and_texts_are_used_in_a_welsh_pack(world, admin, settings) -> None:
    settings.CHORUS_SUPPRESS_BELOW = 0
    with translation.override("cy"):
        pack = _pack(admin)
    assert pack.language == "cy"
    assert str(pack.consultations_opened[0].title) == "Ffioedd llys"
    assert str(pack.shared[0].you_said) == "Mae ffioedd yn anodd eu deall"


def _get(client: Client, name: str, **query: str) -> Any:
    return client.get(reverse(name), query)


PERIOD = {"start": "2026-07-01", "end": "2026-09-30"}


def test_the_page_shows_the_pack_for_the_period_chosen(world, admin, client, settings) -> None:
    settings.CHORUS_SUPPRESS_BELOW = 0
    sign_in(client, admin)
    response = _get(client, "insights:board_pack", **PERIOD)
    text = response.content.decode()
    assert response.status_code == 200
    assert "1 July 2026 to 30 September 2026" in text
    assert "Checkpoint compliance" in text and "Court fees" in text
    assert "“You said, we did” published" in text
    assert "Publish the fees review" in text
    for internal in ("None", "2026-07-01T", "not_started", "at_risk", "Figure(", "Text("):
        assert internal not in text.replace('href="', "")  # the download links carry the dates


def test_the_page_hides_small_numbers_of_people(world, admin, client) -> None:
    sign_in(client, admin)
    text = _get(client, "insights:board_pack", **PERIOD).content.decode()
    assert "fewer than 10" in text


def test_a_welsh_page_uses_welsh_texts_and_marks_english_as_english(world, admin, client) -> None:
    sign_in(client, admin)
    with translation.override("cy"):
        url = reverse("insights:board_pack")
    text = client.get(url, PERIOD).content.decode()
    assert url.startswith("/cy/")
    assert "Ffioedd llys" in text
    assert '<span lang="en">Divorce forms</span>' in text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "2026-09-30", "end": "2026-07-01"}, "The last day must be on or after the first day"),
        (
            {"start_day": "31", "start_month": "2", "start_year": "2026", "end": "2026-09-30"},
            "must be a real date",
        ),
        ({"start": "2020-01-01", "end": "2026-09-30"}, "Choose a period of three years or less"),
        ({"start": "2099-01-01", "end": "2099-03-31"}, "The first day must be today or in the past"),
        ({"start_day": "", "start_month": "", "start_year": "", "end": "2026-09-30"}, "Enter the first day"),
    ],
)
def test_a_bad_period_is_refused_with_a_clear_error(admin, client, query, message) -> None:
    sign_in(client, admin)
    page = _get(client, "insights:board_pack", **query)
    assert page.status_code == 200 and message in page.content.decode()
    assert "govuk-error-summary" in page.content.decode()
    download = _get(client, "insights:board_pack_pdf", **query)
    assert download.status_code == 400 and message in download.content.decode()


def test_the_pdf_is_a_pdf_and_its_download_is_audited(world, admin, client) -> None:
    sign_in(client, admin)
    response = _get(client, "insights:board_pack_pdf", **PERIOD, lang="cy")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert "board-pack-2026-07-01-to-2026-09-30-cy.pdf" in response["Content-Disposition"]
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT, object_type="insights.boardpack")
    assert entry.actor == admin and entry.detail == {"format": "pdf", "language": "cy"}
    assert entry.object_repr == "Board pack, 1 July 2026 to 30 September 2026"


def test_the_word_document_holds_the_organisation_period_and_headings(world, admin, client, settings) -> None:
    from docx import Document

    settings.CHORUS_ORGANISATION_NAME = "Cyngor Sir Demo"
    sign_in(client, admin)
    response = _get(client, "insights:board_pack_docx", **PERIOD, lang="en")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    paragraphs = [p.text for p in document.paragraphs]
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert "Cyngor Sir Demo" in paragraphs
    assert "1 July 2026 to 30 September 2026" in paragraphs
    assert headings[:1] == ["Board pack"]
    for heading in ("Engagement reach", "Checkpoint compliance", "Consultations and surveys", "Commitments"):
        assert heading in headings
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert "Court fees" in cells and "Publish the fees review" in cells
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, detail__format="docx").count() == 1


def test_a_welsh_word_document_uses_the_welsh_texts(world, admin, client) -> None:
    from docx import Document

    sign_in(client, admin)
    response = _get(client, "insights:board_pack_docx", **PERIOD, lang="cy")
    document = Document(io.BytesIO(response.content))
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert "Ffioedd llys" in cells and "Court fees" not in cells
    assert document.core_properties.language == "cy"


def test_another_teams_officer_gets_a_pack_without_the_teams_restricted_records(
    world, outsider, team, client
) -> None:
    world["fees"].team = team
    world["fees"].save()
    sign_in(client, outsider)
    text = _get(client, "insights:board_pack", **PERIOD).content.decode()
    assert "Divorce forms" in text and "Court fees" not in text


def test_signing_in_comes_first(client) -> None:
    response = _get(client, "insights:board_pack_pdf", **PERIOD)
    assert response.status_code == 302
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()
