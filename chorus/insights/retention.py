"""Retention: how long each kind of personal record is kept, and the daily job that ends it.

Each kind registers how to find records past their time (``due``) and what to do with
them (``apply``: delete, or anonymise where counts rely on the record). Administrators
set the number of days per kind (``RetentionRule``); ``retention_run`` first writes what
it would do (the report), then does it, and records both in ``RetentionRun`` and the
audit log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chorus.core.audit import audit_record
from chorus.core.models import AuditAction


@dataclass(frozen=True)
class Kind:
    key: str
    label: Any
    action: str  # "delete" or "anonymise"
    default_days: int
    due: Callable[[Any], QuerySet[Any]]  # records past the cutoff datetime
    apply: Callable[[QuerySet[Any], Any], int]  # (the due records, the cutoff) -> how many


def _drafts(cutoff: Any) -> QuerySet[Any]:
    from chorus.consultations.models import ResponseDraft

    return ResponseDraft.objects.filter(expires_at__lt=cutoff, response__isnull=True)


def _responses(cutoff: Any) -> QuerySet[Any]:
    from chorus.consultations.models import Response

    return Response.objects.filter(submitted_at__lt=cutoff).exclude(name="", email="", organisation="")


def _responses_anonymise(due: QuerySet[Any], cutoff: Any) -> int:
    # The link to the directory person goes with the address it was matched from.
    return due.update(name="", email="", organisation="", may_contact=False, person=None)


def _equality(cutoff: Any) -> QuerySet[Any]:
    from chorus.equality.models import EqualityRecord

    return EqualityRecord.objects.filter(recorded_on__lt=cutoff.date())


def _inactive_people(cutoff: Any) -> QuerySet[Any]:
    from chorus.directory.models import Person
    from chorus.engagement.models import Attendance

    recent = Attendance.objects.filter(person=OuterRef("pk"), activity__starts_at__gte=cutoff)
    return Person.objects.filter(
        erased_at__isnull=True, merged_into__isnull=True, updated_at__lt=cutoff
    ).exclude(Exists(recent))


def _people_anonymise(due: QuerySet[Any], cutoff: Any) -> int:
    from chorus.directory.rights import person_erase

    done = 0
    for person in due.iterator(chunk_size=500):
        person_erase(actor=None, person=person)
        done += 1
    return done


def _stopped_subscribers(cutoff: Any) -> QuerySet[Any]:
    from chorus.bulletins.models import Subscriber

    stopped = [Subscriber.Status.UNSUBSCRIBED, Subscriber.Status.BOUNCED, Subscriber.Status.COMPLAINED]
    return Subscriber.objects.filter(status__in=stopped, updated_at__lt=cutoff)


def _unconfirmed_subscribers(cutoff: Any) -> QuerySet[Any]:
    from chorus.bulletins.models import Subscriber

    return Subscriber.objects.filter(status=Subscriber.Status.PENDING, created_at__lt=cutoff)


def _closed_cases(cutoff: Any) -> QuerySet[Any]:
    """Cases closed before the cutoff that still say who they came from."""
    from django.db.models import Q

    from chorus.cases.models import Case, Status

    identified = Q(person__isnull=False) | ~Q(name="") | ~Q(email="") | ~Q(phone="") | ~Q(address="")
    return Case.objects.filter(identified, status=Status.CLOSED, closed_at__lt=cutoff)


def _closed_cases_anonymise(due: QuerySet[Any], cutoff: Any) -> int:
    """Clear who the case came from, what they wrote and the replies to them; the kind,
    category, place, dates, outcome and lesson learned stay for the figures."""
    from chorus.cases.erasure import cases_anonymise

    return cases_anonymise(due)


def _event_registrations(cutoff: Any) -> QuerySet[Any]:
    """Registrations for events that ended before the cutoff and still hold who registered."""
    from django.db.models import Q

    from chorus.events.models import Registration

    ended = Q(activity__ends_at__lt=cutoff)
    ended |= Q(activity__ends_at__isnull=True, activity__starts_at__lt=cutoff)
    return Registration.objects.filter(ended).exclude(name="", email="")


def _event_registrations_anonymise(due: QuerySet[Any], cutoff: Any) -> int:
    """Clear what identifies the registrant and what they told us; the count of places,
    arrivals and waiting-list moves stay, and so does attendance on the directory's person
    (that follows the directory's own rule). The normalised email becomes the row's own
    marker, so the one-live-registration-per-email rule still holds."""
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast, Concat

    from chorus.events.models import Evaluation

    activities = list(due.values_list("activity_id", flat=True).distinct())
    done = due.update(
        name="",
        email="",
        email_normalised=Concat(Value("erased-"), Cast("pk", CharField())),
        answers={},
        adjustments="",
        adjustment_categories=[],
        adjustments_share=[],
        checkin_code=None,
        person=None,
    )
    # Those events' evaluations no longer say who answered them.
    Evaluation.objects.filter(activity_id__in=activities).exclude(person=None).update(person=None)
    return int(done)


def _import_files(cutoff: Any) -> QuerySet[Any]:
    from chorus.directory.models import ImportJob

    return ImportJob.objects.filter(updated_at__lt=cutoff).exclude(file="")


def _import_files_clear(due: QuerySet[Any], cutoff: Any) -> int:
    """Delete the uploaded spreadsheet and what was read from it; the job's counts stay."""
    from chorus.core.imports.models import FileImport

    done = 0
    for job in due.iterator(chunk_size=200):
        job.file.delete(save=False)
        job.problems, job.matches, job.headers = [], {}, []
        if job.status not in (FileImport.Status.DONE, FileImport.Status.CANCELLED):
            job.status = FileImport.Status.CANCELLED
        job.save(update_fields=["file", "problems", "matches", "headers", "status", "updated_at"])
        done += 1
    return done


def _staged(model_path: str) -> Callable[[Any], QuerySet[Any]]:
    def staged_due(cutoff: Any) -> QuerySet[Any]:
        from django.apps import apps

        model = apps.get_model(model_path)
        due: QuerySet[Any] = model._default_manager.filter(updated_at__lt=cutoff).exclude(rows=[])
        return due

    return staged_due


def _staged_clear(due: QuerySet[Any], cutoff: Any) -> int:
    """Delete the rows read from an upload; one never confirmed is cancelled."""
    from chorus.core.imports.models import StagedImport

    due.filter(status=StagedImport.Status.CHECKED).update(status=StagedImport.Status.CANCELLED)
    return due.update(rows=[])


def _audit(cutoff: Any) -> QuerySet[Any]:
    from chorus.core.models import AuditEntry

    return AuditEntry.objects.filter(at__lt=cutoff)


def _audit_expire(due: QuerySet[Any], cutoff: Any) -> int:
    """The one deletion the audit log allows (the model refuses all others): entries
    older than their retention period."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE at < %s", [cutoff])
        return int(cursor.rowcount)


def _delete(due: QuerySet[Any], cutoff: Any) -> int:
    deleted, _detail = due.delete()
    return int(deleted)


KINDS: dict[str, Kind] = {
    k.key: k
    for k in (
        Kind("response_drafts", _("Unfinished responses to consultations"), "delete", 30, _drafts, _delete),
        Kind(
            "responses",
            _("Names and emails on consultation responses"),
            "anonymise",
            3 * 365,
            _responses,
            _responses_anonymise,
        ),
        Kind("equality_answers", _("Equality monitoring answers"), "delete", 2 * 365, _equality, _delete),
        Kind(
            "inactive_contacts",
            _("Directory contacts with no activity"),
            "anonymise",
            3 * 365,
            _inactive_people,
            _people_anonymise,
        ),
        Kind(
            "stopped_subscribers",
            _("Bulletin subscribers who stopped"),
            "delete",
            365,
            _stopped_subscribers,
            _delete,
        ),
        Kind(
            "unconfirmed_subscribers",
            _("Bulletin sign-ups never confirmed"),
            "delete",
            30,
            _unconfirmed_subscribers,
            _delete,
        ),
        Kind(
            "closed_cases",
            _("Who enquiries, complaints and compliments came from, and what they wrote"),
            "anonymise",
            6 * 365,
            _closed_cases,
            _closed_cases_anonymise,
        ),
        Kind(
            "event_registrations",
            _("Names, emails and answers of people registered for events"),
            "anonymise",
            365,
            _event_registrations,
            _event_registrations_anonymise,
        ),
        Kind(
            "import_files",
            _("Uploaded spreadsheets of people and organisations"),
            "delete",
            30,
            _import_files,
            _import_files_clear,
        ),
        Kind(
            "response_import_rows",
            _("Rows read from uploaded paper and phone responses"),
            "delete",
            30,
            _staged("consultations.ResponseImport"),
            _staged_clear,
        ),
        Kind(
            "attendance_import_rows",
            _("Rows read from uploaded attendance lists"),
            "delete",
            30,
            _staged("engagement.AttendanceImport"),
            _staged_clear,
        ),
        Kind(
            "subscriber_import_rows",
            _("Rows read from uploaded subscriber lists"),
            "delete",
            30,
            _staged("bulletins.SubscriberImport"),
            _staged_clear,
        ),
        Kind("audit_entries", _("Audit log entries"), "delete", 7 * 365, _audit, _audit_expire),
    )
}


def rules() -> dict[str, int | None]:
    """Days kept per kind (None where an administrator switched the rule off)."""
    from chorus.insights.models import RetentionRule

    found = {r.kind: r for r in RetentionRule.objects.all()}
    out: dict[str, int | None] = {}
    for key, kind in KINDS.items():
        rule = found.get(key)
        out[key] = kind.default_days if rule is None else (rule.keep_days if rule.enabled else None)
    return out


def report(now: Any = None) -> dict[str, int]:
    """How many records of each kind are past their time now."""
    now = now or timezone.now()
    return {
        key: KINDS[key].due(now - timedelta(days=days)).count()
        for key, days in rules().items()
        if days is not None
    }


def retention_run(*, actor: Any = None, dry_run: bool = False, now: Any = None) -> Any:
    """Report, then (unless ``dry_run``) delete or anonymise; every step recorded."""
    from chorus.insights.models import RetentionRun

    now = now or timezone.now()
    due = report(now)
    run = RetentionRun.objects.create(
        dry_run=dry_run, actor=actor, results={k: {"due": n, "done": 0} for k, n in due.items()}
    )
    if dry_run:
        return run
    for key, days in rules().items():
        if days is None or not due.get(key):
            continue
        kind = KINDS[key]
        with transaction.atomic():
            cutoff = now - timedelta(days=days)
            done = kind.apply(kind.due(cutoff), cutoff)
        run.results[key]["done"] = done
        audit_record(
            actor=actor,
            action=AuditAction.DELETE,
            object_type=f"retention.{key}",
            object_repr=str(kind.label),
            detail={"action": kind.action, "records": done, "kept_days": days},
        )
    run.finished_at = timezone.now()
    run.save(update_fields=["results", "finished_at"])
    return run
