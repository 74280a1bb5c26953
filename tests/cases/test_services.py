"""Opening, assigning, noting, replying to, escalating and closing a case."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from chorus.accounts.models import Team, User
from chorus.cases import services
from chorus.cases.models import Case, CaseNote, Kind, Outcome, ReplyTemplate, ServiceLevel, Stage, Status
from chorus.cases.working_days import add_working_days
from chorus.core.models import AuditEntry
from tests.cases.conftest import open_case

pytestmark = pytest.mark.django_db


def test_a_case_gets_a_reference_from_its_year_and_number() -> None:
    case = open_case(received_on=date(2026, 11, 2))
    assert case.reference == f"CAS-2026-{case.pk:06d}"


def test_a_complaint_starts_at_first_response_due_in_its_service_level() -> None:
    case = open_case(received_on=date(2026, 12, 21))
    assert case.stage == Stage.FIRST_RESPONSE
    # Ten working days from Monday 21 December 2026, skipping Christmas, the Boxing Day
    # substitute and New Year's Day.
    assert case.due_on == date(2027, 1, 7)


def test_the_service_level_administrators_set_is_the_one_used() -> None:
    ServiceLevel.objects.update_or_create(kind=Kind.ENQUIRY, stage="", defaults={"working_days": 2})
    case = open_case(kind=Kind.ENQUIRY, received_on=date(2027, 6, 11))
    assert case.stage == "" and case.due_on == date(2027, 6, 15)


def test_the_data_migration_seeds_the_default_service_levels() -> None:
    import importlib

    from django.apps import apps

    # The migration's own function, on an empty table (another test's flush may have emptied
    # it after the migration ran), twice: the second run changes nothing.
    seeding = importlib.import_module("chorus.cases.migrations.0002_service_levels")
    ServiceLevel.objects.all().delete()
    seeding.seed(apps, None)
    seeding.seed(apps, None)
    levels = {(s.kind, s.stage): s.working_days for s in ServiceLevel.objects.all()}
    assert len(levels) == len(seeding.DEFAULTS)
    assert levels[(Kind.ENQUIRY, "")] == 10
    assert levels[(Kind.COMPLAINT, Stage.FIRST_RESPONSE)] == 10
    assert levels[(Kind.COMPLAINT, Stage.REVIEW)] == 20
    assert levels[(Kind.COMPLIMENT, "")] == 5
    assert levels[(Kind.SUGGESTION, "")] == 20


def test_a_compliment_may_be_anonymous_but_a_complaint_may_not() -> None:
    compliment = open_case(kind=Kind.COMPLIMENT, name="", email="")
    assert compliment.is_anonymous
    with pytest.raises(ValidationError):
        open_case(kind=Kind.COMPLAINT, name="", email="")


def test_the_same_submission_opens_one_case() -> None:
    data = services.CaseData(kind=Kind.SUGGESTION, channel="web", description="Text reminders")
    first = services.case_open(actor=None, data=data, submission="token-1", acknowledge=False)
    again = services.case_open(actor=None, data=data, submission="token-1", acknowledge=False)
    assert first.pk == again.pk and Case.objects.count() == 1


def test_opening_is_audited_and_on_the_timeline(officer: User) -> None:
    case = services.case_open(
        actor=officer,
        data=services.CaseData(kind=Kind.ENQUIRY, channel="phone", description="Opening hours?", name="Sam"),
        acknowledge=False,
    )
    assert AuditEntry.objects.filter(
        object_type="cases.case", object_id=str(case.code), action="create"
    ).exists()
    assert case.notes.get().kind == CaseNote.Kind.OPENED


def test_the_person_is_told_the_reference_by_email(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        case = services.case_open(
            actor=None,
            data=services.CaseData(
                kind=Kind.ENQUIRY,
                channel="web",
                description="When?",
                name="Sam Jones",
                email="sam@example.org",
            ),
        )
    sent = [m for m in mail.outbox if m.to == ["sam@example.org"]]
    assert len(sent) == 1 and case.reference in sent[0].subject and case.reference in sent[0].body


def test_the_welsh_acknowledgement_is_in_welsh(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.case_open(
            actor=None,
            data=services.CaseData(
                kind=Kind.ENQUIRY,
                channel="web",
                description="Pryd?",
                name="Siân",
                email="sian@example.org",
                language="cy",
            ),
        )
    assert mail.outbox[-1].body.startswith("Annwyl Siân")


def test_assigning_to_someone_outside_the_team_is_refused(officer: User, outsider: User, team: Team) -> None:
    case = open_case(team=team)
    with pytest.raises(ValidationError):
        services.case_assign(actor=officer, case=case, team=team, assignee=outsider)
    services.case_assign(actor=officer, case=case, team=team, assignee=officer)
    case.refresh_from_db()
    assert case.assignee == officer
    assert case.notes.filter(kind=CaseNote.Kind.ASSIGNED).exists()


def test_a_template_is_filled_in_for_the_case_in_its_language() -> None:
    case = open_case(name="Siân Evans", language="cy")
    template = ReplyTemplate.objects.create(
        name="Ack",
        subject_en="Your reference {reference}",
        subject_cy="Eich cyfeirnod {reference}",
        body_en="Dear {name}",
        body_cy="Annwyl {name}, {unknown}",
    )
    subject, body = services.template_render(template, case, "cy")
    assert subject == f"Eich cyfeirnod {case.reference}"
    assert body == "Annwyl Siân Evans, {unknown}"


def test_a_reply_is_sent_by_email_and_kept(officer: User, django_capture_on_commit_callbacks) -> None:
    case = open_case()
    with django_capture_on_commit_callbacks(execute=True):
        services.case_reply(actor=officer, case=case, subject="About your complaint", body="We are sorry.")
    assert mail.outbox[-1].to == ["carys@contact.example"] and mail.outbox[-1].body == "We are sorry."
    reply = case.replies.get()
    assert reply.sent_by == officer and reply.to == "carys@contact.example"


def test_the_same_reply_sent_twice_is_emailed_once(officer: User, django_capture_on_commit_callbacks) -> None:
    case = open_case()
    with django_capture_on_commit_callbacks(execute=True):
        first = services.case_reply(actor=officer, case=case, subject="Your complaint", body="We are sorry.")
        again = services.case_reply(actor=officer, case=case, subject="Your complaint", body="We are sorry.")
    assert again == first and case.replies.count() == 1 and len(mail.outbox) == 1
    # A different reply is sent.
    with django_capture_on_commit_callbacks(execute=True):
        services.case_reply(actor=officer, case=case, subject="Your complaint", body="One more thing.")
    assert case.replies.count() == 2 and len(mail.outbox) == 2


def test_the_same_reply_sent_again_after_the_address_is_put_right_goes_to_the_new_address(
    officer: User, django_capture_on_commit_callbacks
) -> None:
    case = open_case(email="carys@wrong.example")
    with django_capture_on_commit_callbacks(execute=True):
        services.case_reply(actor=officer, case=case, subject="Your complaint", body="We are sorry.")
    case.email = "carys@contact.example"
    case.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        again = services.case_reply(actor=officer, case=case, subject="Your complaint", body="We are sorry.")
    assert again.to == "carys@contact.example" and case.replies.count() == 2
    assert [m.to for m in mail.outbox] == [["carys@wrong.example"], ["carys@contact.example"]]


def test_a_case_without_email_cannot_be_replied_to(officer: User) -> None:
    case = open_case(email="", phone="07700 900123")
    with pytest.raises(ValidationError):
        services.case_reply(actor=officer, case=case, subject="Hello", body="Text")


def test_escalating_moves_to_review_with_a_new_due_date(officer: User) -> None:
    case = open_case(received_on=date(2026, 1, 5))
    services.case_escalate(actor=officer, case=case)
    case.refresh_from_db()
    today = timezone.localdate()
    assert case.stage == Stage.REVIEW and case.stage_started_on == today
    assert case.due_on == add_working_days(today, 20)
    services.case_escalate(actor=officer, case=case)
    case.refresh_from_db()
    assert case.stage == Stage.OMBUDSMAN
    with pytest.raises(ValidationError):
        services.case_escalate(actor=officer, case=case)


def test_only_complaints_escalate(officer: User) -> None:
    with pytest.raises(ValidationError):
        services.case_escalate(actor=officer, case=open_case(kind=Kind.ENQUIRY))


def test_closing_a_complaint_needs_an_outcome(officer: User) -> None:
    case = open_case()
    with pytest.raises(ValidationError):
        services.case_close(actor=officer, case=case, outcome="", lesson_learned="")
    services.case_close(
        actor=officer, case=case, outcome=Outcome.PARTLY_UPHELD, lesson_learned="Test the loops"
    )
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.outcome == Outcome.PARTLY_UPHELD
    assert case.lesson_learned == "Test the loops" and case.closed_at is not None
    with pytest.raises(ValidationError):
        services.case_close(actor=officer, case=case, outcome=Outcome.UPHELD, lesson_learned="")


def test_closing_an_enquiry_records_no_outcome(officer: User) -> None:
    case = open_case(kind=Kind.ENQUIRY)
    services.case_close(actor=officer, case=case, outcome=Outcome.UPHELD, lesson_learned="")
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.outcome == ""
