"""Importing an event's attendance from a sign-up list (CSV or XLSX).

The rows are checked with the directory import's rules and matched against the
directory: the same external id or email links at once, a probable match from the
linkage model waits for a person to confirm it, and anyone else is offered for
creation. Nothing is written until the person has reviewed every row; then people,
consents and attendance are written in one transaction, once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from chorus.core.audit import audit_record
from chorus.core.models import AuditAction
from chorus.core.spreadsheets import Limits, read_upload
from chorus.directory.imports import (
    LANGUAGES,
    ImportFileError,
    RowChecker,
    guess_mapping,
    match_people,
)
from chorus.directory.models import Consent, Person
from chorus.directory.normalise import fold, normalise_email
from chorus.directory.services import PersonData, people_first_attended_refresh, person_create
from chorus.engagement.models import Activity, Attendance, AttendanceImport

if TYPE_CHECKING:
    from chorus.accounts.models import User

# A sign-up list is read while the person waits, so it is held well under the import limits.
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
ATTENDED_HEADERS = ("attended", "attendance", "checked in", "check in", "attendee status", "came", "status")
YES = {"yes", "y", "true", "1", "attended", "checked in", "present", "came", "x"}
NO = {"no", "n", "false", "0", "no show", "no-show", "did not attend", "absent", "cancelled", "not attended"}


class Decision:
    LINK = "link"
    NEW = "new"
    SKIP = "skip"


def _attended(value: str) -> bool | None:
    folded = fold(value)
    if not folded:
        return None
    if folded in YES:
        return True
    if folded in NO:
        return False
    raise ValueError(value)


def attendance_import_start(*, actor: User, activity: Activity, upload: Any) -> AttendanceImport:
    """Read, check and match a sign-up list. Raises ImportFileError saying what to fix."""
    headers, rows = read_upload(upload, limits=Limits.from_settings(max_bytes=MAX_BYTES, max_rows=MAX_ROWS))
    if not rows:
        raise ImportFileError(_("The file has a header row but no rows under it."))
    mapping = guess_mapping(headers, "people")
    if "last_name" not in mapping and "full_name" not in mapping:
        raise ImportFileError(
            _(
                "Chorus could not find a name column in “%(columns)s”. "
                "Name a column “Name”, or “First name” and “Last name”."
            )
            % {"columns": ", ".join(h for h in headers if h)}
        )
    folded = {fold(h): i for i, h in enumerate(headers) if h}
    attended_at = next((folded[h] for h in ATTENDED_HEADERS if h in folded), None)
    checker = RowChecker(headers, mapping)
    checked_rows = []
    for line, row in rows:
        checked = checker.check(line, row)
        attended: bool | None = None
        if attended_at is not None and attended_at < len(row):
            try:
                attended = _attended(row[attended_at])
            except ValueError:
                checked.errors.append(
                    _("“%(value)s” does not say whether they came. Use yes or no.")
                    % {"value": row[attended_at]}
                )
        checked_rows.append((checked, attended))
    matches = match_people([c for c, _a in checked_rows if not c.errors])
    job = AttendanceImport.objects.create(
        activity=activity,
        created_by=actor,
        original_name=upload.name[:255],
        rows=[
            {
                "line": checked.line,
                "values": checked.values,
                "errors": checked.errors,
                "attended": attended,
                "match": None if checked.errors else matches.get(str(checked.line)),
            }
            for checked, attended in checked_rows
        ],
    )
    return job


def needs_decision(row: dict[str, Any]) -> bool:
    """Rows a person must decide: probable matches and people not in the directory."""
    return not row["errors"] and (row["match"] is None or row["match"]["why"] == "probable match")


def attendance_import_apply(
    *,
    actor: User,
    request: HttpRequest | None,
    job: AttendanceImport,
    decisions: dict[int, str],
    everyone_came: bool,
    lawful_basis: str,
    source: str,
) -> AttendanceImport:
    """Write the reviewed list: link or create each person and set their attendance.

    ``decisions`` maps a row's line to link, new or skip. Runs once: a second call for
    the same job (a double click, a resubmitted form) changes nothing.
    """
    with transaction.atomic():
        job = AttendanceImport.objects.select_for_update().get(pk=job.pk)
        if job.status != AttendanceImport.Status.CHECKED:
            return job
        activity = job.activity
        codes = [r["match"]["person"] for r in job.rows if r["match"]]
        people = {str(p.code): p for p in Person.objects.filter(code__in=codes, merged_into__isnull=True)}
        created_by_email: dict[str, Person] = {}
        linked = created = skipped = 0
        today = timezone.localdate()
        for row in job.rows:
            if row["errors"]:
                skipped += 1
                continue
            decision = decisions.get(row["line"], Decision.LINK if row["match"] else Decision.NEW)
            if row["match"] and row["match"]["why"] != "probable match":
                decision = Decision.LINK
            values = row["values"]
            email = normalise_email(values.get("email", "")) if values.get("email") else ""
            person: Person | None
            if decision == Decision.SKIP:
                skipped += 1
                continue
            if decision == Decision.LINK and row["match"]:
                person = people.get(row["match"]["person"])
                if person is None:  # merged or erased since the check
                    skipped += 1
                    continue
                linked += 1
            elif email and email in created_by_email:
                person = created_by_email[email]
                linked += 1
            else:
                person = person_create(
                    actor=actor,
                    request=request,
                    source=source,
                    data=PersonData(
                        last_name=values["last_name"][:100],
                        first_name=values.get("first_name", "")[:100],
                        title=values.get("title", "")[:30],
                        job_title=values.get("job_title", "")[:150],
                        postcode=values.get("postcode", ""),
                        preferred_language=LANGUAGES[fold(values.get("preferred_language", ""))],
                        communication_needs=values.get("communication_needs", ""),
                        external_id=values.get("external_id", "")[:100],
                        team=activity.team,
                        emails=[values["email"]] if values.get("email") else [],
                        phones=[values["phone"]] if values.get("phone") else [],
                    ),
                )
                Consent.objects.create(
                    person=person,
                    purpose="Engagement",
                    lawful_basis=lawful_basis,
                    given_on=today,
                    source=source[:200],
                )
                if email:
                    created_by_email[email] = person
                created += 1
            existing = Attendance.objects.filter(activity=activity, person=person).first()
            attended = row["attended"]
            if attended is None:
                attended = everyone_came or bool(existing and existing.attended)
            Attendance.objects.update_or_create(
                activity=activity,
                person=person,
                defaults={"invitation": Attendance.Invitation.ACCEPTED, "attended": attended},
            )
            audit_record(
                actor=actor,
                action=AuditAction.CHANGE,
                obj=person,
                request=request,
                detail={"activity": activity.title, "attended": attended, "import": job.original_name},
            )
        people_first_attended_refresh(activity.attendance.values("person"))
        job.status = AttendanceImport.Status.DONE
        job.linked_count, job.created_count, job.skipped_count = linked, created, skipped
        job.save(update_fields=["status", "linked_count", "created_count", "skipped_count", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=activity,
            request=request,
            detail={"attendance imported": job.original_name, "linked": linked, "created": created},
        )
    return job


__all__ = [
    "Decision",
    "ImportFileError",
    "attendance_import_apply",
    "attendance_import_start",
    "needs_decision",
]
