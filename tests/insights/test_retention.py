"""Retention: no record outlives its rule; the job reports, then acts, and records both."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chorus.core.models import AuditEntry
from chorus.insights.models import RetentionRule, RetentionRun
from chorus.insights.retention import KINDS, report, retention_run, rules
from tests.factories import ConsultationFactory, ResponseDraftFactory, ResponseFactory, SubscriberFactory

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.now() - timedelta(days=20 * 365)


def _consultation() -> Any:

    now = timezone.now()
    return ConsultationFactory(
        title="C", summary="S", opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=9)
    )


def _drafts(old: bool) -> Callable[[], bool]:
    from chorus.consultations.models import ResponseDraft

    draft = ResponseDraftFactory(
        consultation=_consultation(), expires_at=LONG_AGO if old else timezone.now() + timedelta(days=5)
    )
    return lambda: ResponseDraft.objects.filter(pk=draft.pk).exists()


def _responses(old: bool) -> Callable[[], bool]:
    from chorus.consultations.models import Response

    response = ResponseFactory(
        consultation=_consultation(),
        reference=f"R{int(old)}{Response.objects.count():05d}",
        name="Alys Hopkins",
        email="alys@example.org",
        submitted_at=LONG_AGO if old else timezone.now(),
    )
    return lambda: Response.objects.get(pk=response.pk).email != ""


def _equality(old: bool) -> Callable[[], bool]:
    import uuid

    from chorus.equality.models import EqualityRecord

    record = EqualityRecord.objects.create(
        key=uuid.uuid4(),
        asked_for=uuid.uuid4(),
        submitted=True,
        recorded_on=(LONG_AGO if old else timezone.now()).date(),
    )
    return lambda: EqualityRecord.objects.filter(pk=record.pk).exists()


def _people(old: bool) -> Callable[[], bool]:
    from chorus.directory.models import Person
    from tests.factories import make_person

    person = make_person(first_name="Rhodri", last_name="Morgan", emails=[f"r{int(old)}@example.org"])
    if old:
        Person.objects.filter(pk=person.pk).update(updated_at=LONG_AGO)
    return lambda: Person.objects.get(pk=person.pk).erased_at is None


def _stopped(old: bool) -> Callable[[], bool]:
    from chorus.bulletins.models import Subscriber

    s = SubscriberFactory(email=f"stopped{int(old)}@example.org", status=Subscriber.Status.UNSUBSCRIBED)
    if old:
        Subscriber.objects.filter(pk=s.pk).update(updated_at=LONG_AGO)
    return lambda: Subscriber.objects.filter(pk=s.pk).exists()


def _unconfirmed(old: bool) -> Callable[[], bool]:
    from chorus.bulletins.models import Subscriber

    s = SubscriberFactory(
        email=f"pending{int(old)}@example.org",
        status=Subscriber.Status.PENDING,
        created_at=LONG_AGO if old else timezone.now(),
    )
    return lambda: Subscriber.objects.filter(pk=s.pk).exists()


def _audit(old: bool) -> Callable[[], bool]:
    entry = AuditEntry.objects.create(
        action="view",
        object_type="test.thing",
        object_repr=f"old={old}",
        at=LONG_AGO if old else timezone.now(),
    )
    return lambda: AuditEntry.objects.filter(pk=entry.pk).exists()


def _import_files(old: bool) -> Callable[[], bool]:
    from django.core.files.base import ContentFile

    from chorus.directory.models import ImportJob

    job = ImportJob(original_name="people.csv", status=ImportJob.Status.DONE, problems=[{"line": 2}])
    job.file.save("people.csv", ContentFile(b"first_name,email\nAlys,alys@example.org\n"), save=True)
    path = job.file.path
    if old:
        ImportJob.objects.filter(pk=job.pk).update(updated_at=LONG_AGO)

    def still_there() -> bool:
        import os

        kept = ImportJob.objects.get(pk=job.pk)
        return bool(kept.file) or os.path.exists(path) or bool(kept.problems)

    return still_there


def _staged(model_path: str, make: Callable[[], dict[str, Any]]) -> Callable[[bool], Callable[[], bool]]:
    def maker(old: bool) -> Callable[[], bool]:
        from django.apps import apps

        model = apps.get_model(model_path)
        job = model.objects.create(
            original_name="list.csv", rows=[{"line": 2, "values": {"email": "a@b.org"}}], **make()
        )
        if old:
            model.objects.filter(pk=job.pk).update(updated_at=LONG_AGO)
        return lambda: model.objects.get(pk=job.pk).rows != []

    return maker


def _activity() -> dict[str, Any]:
    from tests.factories import ActivityFactory

    return {"activity": ActivityFactory()}


def _event_registrations(old: bool) -> Callable[[], bool]:
    from chorus.events.models import Evaluation, Registration
    from tests.factories import ActivityFactory, RegistrationFactory, make_person

    activity = ActivityFactory(starts_at=LONG_AGO if old else timezone.now() - timedelta(days=3))
    person = make_person(first_name="Ffion", last_name="Rees", emails=[f"ffion{int(old)}@example.org"])
    registration = RegistrationFactory(
        activity=activity,
        email=f"ffion{int(old)}@example.org",
        status=Registration.Status.CONFIRMED,
        person=person,
        adjustments="A hearing loop, please",
        answers={"organisation": "Rees and Daughters"},
    )
    # A second registrant of the same event, so two anonymised rows share it (the
    # one-live-registration-per-email rule must still hold).
    RegistrationFactory(activity=activity, status=Registration.Status.CONFIRMED)
    evaluation = Evaluation.objects.create(activity=activity, person=person)

    def still_there() -> bool:
        kept = Registration.objects.get(pk=registration.pk)
        identified = bool(kept.name or kept.email or kept.adjustments or kept.answers or kept.person_id)
        return identified or Evaluation.objects.get(pk=evaluation.pk).person_id is not None

    return still_there


def _closed_cases(old: bool) -> Callable[[], bool]:
    from chorus.cases.models import Case, Status
    from chorus.cases.services import CaseData, case_open

    case = case_open(
        actor=None,
        acknowledge=False,
        data=CaseData(
            kind="complaint", channel="phone", description="Late", name="Gwen", email="gwen@example.org"
        ),
    )
    closed_at = LONG_AGO if old else timezone.now() - timedelta(days=3)
    Case.objects.filter(pk=case.pk).update(status=Status.CLOSED, outcome="upheld", closed_at=closed_at)

    def still_there() -> bool:
        kept = Case.objects.get(pk=case.pk)
        return bool(kept.name or kept.email or kept.person_id or kept.description != "(removed)")

    return still_there


MAKERS: dict[str, Callable[[bool], Callable[[], bool]]] = {
    "import_files": _import_files,
    "response_import_rows": _staged(
        "consultations.ResponseImport", lambda: {"consultation": _consultation()}
    ),
    "attendance_import_rows": _staged("engagement.AttendanceImport", _activity),
    "subscriber_import_rows": _staged("bulletins.SubscriberImport", dict),
    "response_drafts": _drafts,
    "responses": _responses,
    "equality_answers": _equality,
    "inactive_contacts": _people,
    "stopped_subscribers": _stopped,
    "unconfirmed_subscribers": _unconfirmed,
    "audit_entries": _audit,
    "event_registrations": _event_registrations,
    "closed_cases": _closed_cases,
}


def test_every_kind_of_record_with_a_rule_is_covered_here() -> None:
    assert set(MAKERS) == set(KINDS), "A retention kind was added without a test of its rule"


@pytest.mark.parametrize("key", sorted(KINDS))
def test_no_record_outlives_its_rule(key: str) -> None:
    still_there_old = MAKERS[key](True)
    still_there_new = MAKERS[key](False)
    assert report()[key] >= 1
    run = retention_run()
    assert not still_there_old(), f"{key}: a record past its time survived the retention run"
    assert still_there_new(), f"{key}: a record within its time was removed"
    assert run.results[key]["done"] >= 1 and not run.dry_run


def test_a_report_changes_nothing_and_a_switched_off_rule_is_not_applied(admin) -> None:
    still_there = _drafts(True)
    run = retention_run(dry_run=True, actor=admin)
    assert run.results["response_drafts"] == {"due": 1, "done": 0} and still_there()
    RetentionRule.objects.create(kind="response_drafts", keep_days=30, enabled=False)
    assert rules()["response_drafts"] is None
    retention_run()
    assert still_there()


def test_administrators_set_rules_with_clear_errors(client: Client, admin) -> None:
    from tests.conftest import sign_in

    staff = sign_in(client, admin)
    url = reverse("insights:retention")
    data = {f"{k}-days": "365" for k in KINDS} | {f"{k}-enabled": "yes" for k in KINDS}
    page = staff.post(url, data | {"responses-days": "soon"})
    assert "Enter the number of days to keep them" in page.content.decode()
    assert not RetentionRule.objects.exists()
    staff.post(url, data)
    assert RetentionRule.objects.get(kind="responses").keep_days == 365
    staff.post(url, {"what": "run", "dry_run": "yes"})
    assert RetentionRun.objects.get().dry_run
    assert "Equality monitoring answers" in staff.get(reverse("insights:inventory")).content.decode()


def test_only_administrators_change_retention(officer_client: Client) -> None:
    assert officer_client.get(reverse("insights:retention")).status_code == 403
