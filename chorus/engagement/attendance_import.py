"""Importing an event's attendance from a sign-up list (CSV or XLSX).

The rows are checked with the directory import's rules and matched against the
directory: the same external id or email links at once, a probable match from the
linkage model waits for a person to confirm it, and anyone else is offered for
creation. Nothing is written until the person has reviewed every row; then people,
consents and attendance are written in one transaction, once.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chorus.core.audit import audit_record, audit_record_many
from chorus.core.imports import staged
from chorus.core.imports.columns import Field
from chorus.core.imports.kinds import ImportKind
from chorus.core.imports.rows import CheckedRow
from chorus.core.models import AuditAction
from chorus.core.spreadsheets import SpreadsheetError
from chorus.directory.import_people import (
    FIELDS as PEOPLE_FIELDS,
)
from chorus.directory.import_people import (
    LANGUAGES,
    PeopleRowChecker,
    guess_people_mapping,
    match_people,
)
from chorus.directory.models import Consent, Person
from chorus.directory.normalise import fold, normalise_email
from chorus.directory.selectors import people_for
from chorus.directory.services import PersonData, people_first_attended_refresh, person_create
from chorus.engagement.models import Activity, Attendance, AttendanceImport

if TYPE_CHECKING:
    from chorus.accounts.models import User

ImportFileError = SpreadsheetError

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


class AttendanceRowChecker(PeopleRowChecker):
    """A person's row, checked as the directory import checks it, and whether they came."""

    def check_row(self, checked: CheckedRow) -> None:
        super().check_row(checked)
        checked.extra["attended"] = None
        if value := checked.values.pop("attended", ""):
            try:
                checked.extra["attended"] = _attended(value)
            except ValueError:
                checked.errors.append(
                    _("“%(value)s” does not say whether they came. Use yes or no.") % {"value": value}
                )


ATTENDANCE = ImportKind(
    name="attendance",
    # Whether each person came goes last, so the people's own columns are matched first.
    fields={**PEOPLE_FIELDS, "attended": Field(gettext_lazy("Came"), ATTENDED_HEADERS)},
    checker=AttendanceRowChecker,
    required=("last_name", "full_name"),
    matcher=match_people,
    guess=guess_people_mapping,
)


def attendance_import_start(*, actor: User, activity: Activity, upload: Any) -> AttendanceImport:
    """Read, check and match a sign-up list. Raises ImportFileError saying what to fix."""
    headers, rows = staged.read_now(upload, max_bytes=MAX_BYTES, max_rows=MAX_ROWS)
    mapping = ATTENDANCE.guess_mapping(headers)
    if not any(name in mapping for name in ATTENDANCE.required):
        raise ImportFileError(
            _(
                "Chorus could not find a name column in “%(columns)s”. "
                "Name a column “Name”, or “First name” and “Last name”."
            )
            % {"columns": ", ".join(h for h in headers if h)}
        )
    checked_rows = staged.check_rows(ATTENDANCE.checker(headers, mapping), rows)
    matches = ATTENDANCE.matcher([c for c in checked_rows if not c.errors])
    # Only people the importer may see are matched: linking a row to someone of another
    # team would name them here and put them on the list where the importer cannot see them.
    visible = {
        str(code)
        for code in people_for(actor)
        .filter(code__in=[m["person"] for m in matches.values()])
        .values_list("code", flat=True)
    }
    matches = {line: match for line, match in matches.items() if match["person"] in visible}
    return AttendanceImport.objects.create(
        activity=activity,
        created_by=actor,
        original_name=upload.name[:255],
        rows=[
            {
                "line": checked.line,
                "values": checked.values,
                "errors": checked.errors,
                "attended": checked.extra["attended"],
                "match": None if checked.errors else matches.get(str(checked.line)),
            }
            for checked in checked_rows
        ],
    )


def asks_who_came(rows: list[dict[str, Any]]) -> bool:
    """Whether some row to import does not say whether the person came."""
    return any(not row["errors"] and row["attended"] is None for row in rows)


def needs_decision(row: dict[str, Any]) -> bool:
    """Rows a person must decide: probable matches and people not in the directory."""
    return not row["errors"] and (row["match"] is None or row["match"]["why"] == "probable match")


def _person_add(
    *,
    actor: User,
    request: HttpRequest | None,
    activity: Activity,
    values: dict[str, str],
    lawful_basis: str,
    source: str,
    today: date,
) -> Person:
    """Add someone on the list who is not in the directory, with their consent to engagement."""
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
    return person


def _audit_attendance(
    *,
    actor: User,
    request: HttpRequest | None,
    job: AttendanceImport,
    recorded: dict[bool, list[Person]],
) -> None:
    """One audit entry a row, written in one bulk write per answer to "came?", so each
    entry keeps its row's details."""
    for attended, people_recorded in recorded.items():
        if people_recorded:
            audit_record_many(
                actor=actor,
                records=[(AuditAction.CHANGE, person) for person in people_recorded],
                request=request,
                detail={"activity": job.activity.title, "attended": attended, "import": job.original_name},
            )


def attendance_import_apply(
    *,
    actor: User,
    request: HttpRequest | None,
    job: AttendanceImport,
    decisions: dict[int, str],
    lawful_basis: str,
    source: str,
    everyone_came: bool = False,
) -> AttendanceImport:
    """Write the reviewed list: link or create each person and set their attendance.

    ``decisions`` maps a row's line to link, new or skip. Runs once: a second call for
    the same job (a double click, a resubmitted form) changes nothing. ``everyone_came``
    answers for rows that do not say whether the person came.
    """

    def write(job: AttendanceImport) -> list[str]:
        activity = job.activity
        codes = [r["match"]["person"] for r in job.rows if r["match"]]
        people = {str(p.code): p for p in people_for(actor).filter(code__in=codes)}
        created_by_email: dict[str, Person] = {}
        linked = created = skipped = 0
        recorded: dict[bool, list[Person]] = {True: [], False: []}
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
                person = _person_add(
                    actor=actor,
                    request=request,
                    activity=activity,
                    values=values,
                    lawful_basis=lawful_basis,
                    source=source,
                    today=today,
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
            recorded[attended].append(person)
        _audit_attendance(actor=actor, request=request, job=job, recorded=recorded)
        people_first_attended_refresh(activity.attendance.values("person"))
        job.linked_count, job.created_count, job.skipped_count = linked, created, skipped
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=activity,
            request=request,
            detail={"attendance imported": job.original_name, "linked": linked, "created": created},
        )
        return ["linked_count", "created_count", "skipped_count"]

    return staged.confirm_once(job, write)


__all__ = [
    "Decision",
    "ImportFileError",
    "asks_who_came",
    "attendance_import_apply",
    "attendance_import_start",
    "needs_decision",
]
