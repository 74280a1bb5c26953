"""Importing commitments from a spreadsheet of recommendations (CSV or XLSX).

The file is read and every row checked while the person waits, as a sign-up list is
(``staged``): a spreadsheet of recommendations is small. A file with any wrong row is
refused with every problem listed, row and column, and leaves nothing behind; a file
with none is kept as checked rows until the person confirms, then written once, in one
transaction, and audited.

A row whose reference (or, with no reference, whose text) and source are already in
Chorus is left as it is, not imported again: the commitment in Chorus may have moved on
since the spreadsheet was written, and progress is recorded there.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chorus.accounts.models import Team, User
from chorus.core.access import teams_assignable_by, visible_to
from chorus.core.audit import audit_record, audit_record_many
from chorus.core.imports import staged
from chorus.core.imports.columns import Field, fold
from chorus.core.imports.kinds import ImportKind
from chorus.core.imports.rows import CheckedRow, RowChecker
from chorus.core.models import AuditAction
from chorus.core.spreadsheets import SpreadsheetError
from chorus.engagement.models import Commitment, CommitmentImport, CommitmentUpdate

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

ImportFileError = SpreadsheetError

# Read while the person waits, so held well under the deployment's import limits.
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 1000

FIELDS = {
    "title": Field(
        gettext_lazy("commitment"),
        (
            "recommendation",
            "commitment",
            "recommendation text",
            "text",
            "action",
            "promise",
            "title",
            "argymhelliad",
            "ymrwymiad",
        ),
    ),
    "reference": Field(
        gettext_lazy("reference"),
        ("reference", "ref", "ref.", "number", "no.", "recommendation number", "id", "cyfeirnod"),
    ),
    "kind": Field(gettext_lazy("source kind"), ("source kind", "kind", "type", "source type", "math")),
    "source_body": Field(
        gettext_lazy("source body"),
        ("source body", "body", "made by", "made to", "committee", "from", "corff"),
    ),
    "source": Field(
        gettext_lazy("source document"),
        (
            "source document",
            "document",
            "source",
            "report",
            "source document title",
            "plan",
            "dogfen",
            "dogfen ffynhonnell",
        ),
    ),
    "source_date": Field(
        gettext_lazy("source date"), ("source date", "date of source", "report date", "dyddiad y ffynhonnell")
    ),
    "description": Field(
        gettext_lazy("description"), ("description", "detail", "details", "notes", "disgrifiad")
    ),
    "owner": Field(
        gettext_lazy("owner"), ("owner", "owner email", "owned by", "lead", "responsible", "perchennog")
    ),
    "team": Field(gettext_lazy("team"), ("team", "owning team", "owner team", "tim")),
    "due_on": Field(
        gettext_lazy("due date"),
        ("due date", "due", "due by", "deadline", "target date", "dyddiad dyledus", "erbyn"),
    ),
    "status": Field(gettext_lazy("status"), ("status", "progress", "rag", "rag status", "statws")),
    "status_reason": Field(
        gettext_lazy("reason"),
        ("reason", "status reason", "why", "comment", "comments", "explanation", "rheswm"),
    ),
}
LONGEST = {"title": 300, "reference": 50, "source_body": 200, "source": 300}

KINDS = {
    Commitment.Kind.RECOMMENDATION: (
        "recommendation",
        "recommendations",
        "rec",
        "review recommendation",
        "argymhelliad",
    ),
    Commitment.Kind.ACTION: (
        "plan action",
        "action",
        "actions",
        "plan actions",
        "action plan",
        "engagement plan action",
        "cam gweithredu",
    ),
    Commitment.Kind.PROMISE: (
        "promise",
        "promises",
        "commitment",
        "you said we did",
        "you said, we did",
        "pledge",
        "addewid",
    ),
}
STATUSES = {
    Commitment.Status.NOT_STARTED: ("not started", "not yet started", "to do", "open", "heb ddechrau"),
    Commitment.Status.ON_TRACK: ("on track", "in progress", "started", "green", "ar y trywydd iawn"),
    Commitment.Status.AT_RISK: ("at risk", "amber", "mewn perygl"),
    Commitment.Status.LATE: ("late", "overdue", "behind", "red", "delayed", "hwyr"),
    Commitment.Status.DONE: (
        "done",
        "complete",
        "completed",
        "closed",
        "implemented",
        "achieved",
        "wedi gwneud",
    ),
    Commitment.Status.NOT_DOING: (
        "not doing",
        "will not do",
        "won't do",
        "rejected",
        "not accepted",
        "dropped",
    ),
}
KIND_OF = {fold(word): kind for kind, words in KINDS.items() for word in words}
STATUS_OF = {fold(word): status for status, words in STATUSES.items() for word in words}
NEEDS_REASON = (Commitment.Status.AT_RISK, Commitment.Status.LATE, Commitment.Status.NOT_DOING)

# UK dates as people type them, and as a workbook's date cell reads ("2027-03-31 00:00:00").
DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y", "%d %m %Y", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S")
ENGLISH_MONTHS = "january february march april may june july august september october november december"
WELSH_MONTHS = "ionawr chwefror mawrth ebrill mai mehefin gorffennaf awst medi hydref tachwedd rhagfyr"
# "31 March 2027", "31st Mar 2027", "31 Mawrth 2027"
WORDY_DATE = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([^\W\d_]+)\.?,?\s+(\d{4})$")


def day_from(text: str) -> date | None:
    """A date as typed in the UK: day first, or ISO, or with the month in words (English or Welsh)."""
    typed = " ".join(text.split())
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(typed, pattern).date()  # noqa: DTZ007 (a day, no time of day)
        except ValueError:
            continue
    match = WORDY_DATE.match(typed.casefold())
    if match is None:
        return None
    day, month_name, year = match.groups()
    month = _month(month_name)
    if month is None:
        return None
    try:
        return date(int(year), month, int(day))
    except ValueError:
        return None


def _month(name: str) -> int | None:
    """The month a name gives: English in full or cut short ("Mar", "Sept"; not "Marzipan"), or Welsh."""
    if name in (welsh := WELSH_MONTHS.split()):
        return welsh.index(name) + 1
    if len(name) >= 3:
        for number, month in enumerate(ENGLISH_MONTHS.split(), start=1):
            if month.startswith(name):
                return number
    return None


class CommitmentRowChecker(RowChecker):
    """A row of recommendations, checked against the teams the importer may write to and the
    staff who can sign in. Every message names the row and column and says how to fix it."""

    def __init__(self, headers: list[str], mapping: dict[str, str], *, actor: User | None = None) -> None:
        super().__init__(headers, mapping)
        teams = teams_assignable_by(actor) if actor is not None else Team.objects.none()
        self.teams = {fold(team.name): team for team in teams}
        self.users = {user.email.casefold(): user for user in User.objects.all()}

    def problem(self, checked: CheckedRow, name: str, message: str) -> None:
        checked.errors.append(
            _("Row %(row)s, %(column)s: %(problem)s")
            % {"row": checked.line, "column": FIELDS[name].label, "problem": message}
        )

    def check_row(self, checked: CheckedRow) -> None:
        values = checked.values
        extra = checked.extra
        if not values.get("title"):
            self.problem(checked, "title", _("this is blank. Write what was recommended or committed to."))
        for name, most in LONGEST.items():
            if len(values.get(name, "")) > most:
                self.problem(
                    checked,
                    name,
                    _("this is %(length)s characters long. Keep it to %(most)s or fewer.")
                    % {"length": len(values[name]), "most": most}
                    + (" " + _("Put the rest in a description column.") if name == "title" else ""),
                )
        extra["kind"] = self._choice(checked, "kind", KIND_OF, Commitment.Kind.RECOMMENDATION, KINDS)
        extra["status"] = self._choice(checked, "status", STATUS_OF, Commitment.Status.NOT_STARTED, STATUSES)
        if extra["status"] in NEEDS_REASON and not values.get("status_reason"):
            self.problem(
                checked,
                "status_reason",
                _("the status is “%(status)s”, which needs a reason. Say why in the reason column.")
                % {"status": values.get("status", "")},
            )
        extra["due_on"] = self._day(checked, "due_on")
        extra["source_date"] = self._day(checked, "source_date")
        extra["owner"] = self._owner(checked)
        extra["team"] = self._team(checked)

    def _choice(
        self,
        checked: CheckedRow,
        name: str,
        known: Mapping[str, str],
        blank: str,
        spellings: dict[Any, tuple[str, ...]],
    ) -> str:
        typed = checked.values.get(name, "")
        if not typed:
            return str(blank)
        if (found := known.get(fold(typed).replace("-", " "))) is not None:
            return str(found)
        self.problem(
            checked,
            name,
            _("“%(value)s” is not one Chorus knows. Use one of: %(choices)s.")
            % {"value": typed, "choices": ", ".join(words[0] for words in spellings.values())},
        )
        return str(blank)

    def _day(self, checked: CheckedRow, name: str) -> str | None:
        typed = checked.values.get(name, "")
        if not typed:
            return None
        day = day_from(typed)
        if day is None:
            self.problem(
                checked, name, _("“%(value)s” is not a date. Write it like 31/03/2027.") % {"value": typed}
            )
            return None
        return day.isoformat()

    def _owner(self, checked: CheckedRow) -> int | None:
        typed = checked.values.get("owner", "")
        if not typed:
            return None
        user = self.users.get(typed.casefold())
        # One message whether there is no such user or their account is closed, so an
        # import says nothing about which addresses belong to former staff.
        if user is None or not user.is_active:
            self.problem(
                checked,
                "owner",
                _(
                    "nobody who can sign in to Chorus has the email address “%(value)s”. "
                    "Give a Chorus user's email address, or leave it blank."
                )
                % {"value": typed},
            )
            return None
        return user.pk

    def _team(self, checked: CheckedRow) -> int | None:
        typed = checked.values.get("team", "")
        if not typed:
            return None
        team = self.teams.get(fold(typed))
        if team is None:
            # The same words whether the team exists or not: an officer learns no other team's name.
            teams = ", ".join(t.name for t in self.teams.values())
            self.problem(
                checked,
                "team",
                (
                    _("“%(value)s” is not a team you can add commitments to. Use one of: %(teams)s.")
                    if teams
                    else _("“%(value)s” is not a team you can add commitments to. Leave the team blank.")
                )
                % {"value": typed, "teams": teams},
            )
            return None
        return team.pk


COMMITMENTS = ImportKind(
    name="commitments",
    fields=FIELDS,
    checker=CommitmentRowChecker,
    required=("title",),
)


def _key(values: Mapping[str, Any]) -> tuple[str, str, str]:
    """What says two rows are the same commitment: its reference (or, with none, its text) and source."""
    return (
        fold(values.get("reference") or values.get("title", "")),
        fold(values.get("source_body", "")),
        fold(values.get("source", "")),
    )


def _already_in_chorus(actor: User, rows: Iterable[CheckedRow]) -> dict[tuple[str, str, str], str]:
    """Key -> the code of a commitment the actor can see that a row would duplicate."""
    keys = {_key(row.values) for row in rows}
    found: dict[tuple[str, str, str], str] = {}
    known = visible_to(actor, Commitment.objects.all()).values(
        "code", "reference", "title", "source_body", "source"
    )
    for commitment in known.iterator():
        key = _key(commitment)
        if key in keys:
            found.setdefault(key, str(commitment["code"]))
    return found


class Refused(Exception):
    """A file with wrong rows: every message, and how many rows have them."""

    def __init__(self, errors: list[str], rows: int) -> None:
        super().__init__(f"{rows} wrong rows")
        self.errors = errors
        self.rows = rows


def commitment_import_start(*, actor: User, upload: Any) -> CommitmentImport:
    """Read and check a spreadsheet of recommendations. Raises ``ImportFileError`` for a file
    that cannot be read, ``Refused`` for one with wrong rows; either leaves nothing behind."""
    headers, rows = staged.read_now(upload, max_bytes=MAX_BYTES, max_rows=MAX_ROWS)
    mapping = COMMITMENTS.guess_mapping(headers)
    if "title" not in mapping:
        raise ImportFileError(
            _(
                "Chorus could not find the column with the recommendations in “%(columns)s”. "
                "Name that column “Recommendation” or “Commitment”."
            )
            % {"columns": ", ".join(h for h in headers if h)}
        )
    checker = CommitmentRowChecker(headers, mapping, actor=actor)
    checked_rows = staged.check_rows(checker, rows)
    first_line: dict[tuple[str, str, str], int] = {}
    for checked in checked_rows:
        if not checked.values.get("title"):
            continue
        key = _key(checked.values)
        if key in first_line:
            column = "reference" if checked.values.get("reference") else "title"
            checker.problem(
                checked,
                column,
                _("this is the same as row %(line)s, from the same source. Give each row its own reference.")
                % {"line": first_line[key]},
            )
        else:
            first_line[key] = checked.line
    wrong = [c for c in checked_rows if c.errors]
    if wrong:
        raise Refused(errors=[e for c in wrong for e in c.errors], rows=len(wrong))
    existing = _already_in_chorus(actor, checked_rows)
    return CommitmentImport.objects.create(
        created_by=actor,
        original_name=upload.name[:255],
        rows=[
            {"line": c.line, "values": c.values, **c.extra, "existing": existing.get(_key(c.values))}
            for c in checked_rows
        ],
    )


def commitment_import_apply(
    *, actor: User, request: HttpRequest | None, job: CommitmentImport
) -> CommitmentImport:
    """Write the checked rows not already in Chorus, once, in one transaction. Teams and
    owners are looked up again: one the importer may no longer use refuses the whole file."""

    def write(job: CommitmentImport) -> list[str]:
        teams = {t.pk: t for t in teams_assignable_by(actor)}
        owners = {u.pk: u for u in User.objects.filter(is_active=True, pk__in=[r["owner"] for r in job.rows])}
        created: list[Commitment] = []
        skipped = 0
        for row in job.rows:
            if row["existing"]:
                skipped += 1
                continue
            if (row["team"] and row["team"] not in teams) or (row["owner"] and row["owner"] not in owners):
                raise ImportFileError(
                    _("Row %(line)s: its team or owner changed since the check. Upload the file again.")
                    % {"line": row["line"]}
                )
            values = row["values"]
            reason = values.get("status_reason", "")
            commitment = Commitment(
                kind=row["kind"],
                title=values["title"],
                description=values.get("description", ""),
                reference=values.get("reference", ""),
                source_body=values.get("source_body", ""),
                source=values.get("source", ""),
                source_date=row["source_date"],
                owner=owners.get(row["owner"]),
                team=teams.get(row["team"]),
                due_on=row["due_on"],
                status=row["status"],
                status_reason=reason if row["status"] == Commitment.Status.NOT_DOING else "",
            )
            commitment.full_clean()
            commitment.save()
            if reason:
                CommitmentUpdate.objects.create(
                    commitment=commitment, status=commitment.status, note=reason, by=actor
                )
            created.append(commitment)
        audit_record_many(
            actor=actor,
            records=[(AuditAction.CREATE, c) for c in created],
            request=request,
            detail={"import": job.original_name},
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=job,
            request=request,
            detail={"commitments imported": job.original_name, "created": len(created), "skipped": skipped},
        )
        job.created_count, job.skipped_count = len(created), skipped
        return ["created_count", "skipped_count"]

    return staged.confirm_once(job, write)


__all__ = [
    "COMMITMENTS",
    "FIELDS",
    "ImportFileError",
    "Refused",
    "commitment_import_apply",
    "commitment_import_start",
    "day_from",
]
