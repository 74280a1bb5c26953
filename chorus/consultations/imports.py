"""Importing responses from a CSV or XLSX file: every row checked, problems listed, then
the valid rows imported once, through the shared pipeline (``chorus.core.imports.staged``).

Columns are matched by their header: the fixed ones (channel, received, responding,
organisation, name, email, publishing) and one a question, named by the question's text
or its number as the export writes it ("Q3" or "Q3 Why do you say that?"). A multiple
choice answer lists its options separated by semicolons.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from chorus.consultations.journey import choices_for, is_visible, unique_reference
from chorus.consultations.linking import person_for
from chorus.consultations.models import Answer, Consultation, Question, Response, ResponseImport
from chorus.consultations.selectors import questions_in_order
from chorus.core.audit import audit_record
from chorus.core.hooks import texts_received
from chorus.core.imports import staged
from chorus.core.imports.columns import Field, fold, guess_mapping
from chorus.core.imports.rows import CheckedRow, RowChecker
from chorus.core.models import AuditAction
from chorus.core.spreadsheets import SpreadsheetError

ImportFileError = SpreadsheetError

# Responses are read and checked while the person waits, so held under the import limits.
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20000
# The fixed columns; the rest are named after questions. Labels are not shown: the columns
# are matched by their names only.
FIXED: dict[str, Field] = {
    "channel": Field("channel", ("channel", "how received", "received by")),
    "received": Field("received", ("received", "date received", "date", "submitted")),
    "responding": Field("responding", ("responding", "respondent type", "responding as")),
    "organisation": Field("organisation", ("organisation", "organization")),
    "name": Field("name", ("name", "full name")),
    "email": Field("email", ("email", "email address")),
    "publishing": Field("publishing", ("publishing", "publish", "may we publish")),
}
CHANNELS = {fold(str(label)): value for value, label in Response.Channel.choices} | {
    value: value for value in Response.Channel.values
}
RESPONDING = {fold(str(label)): value for value, label in Response.RespondentType.choices} | {
    "individual": "individual",
    "organisation": "organisation",
    "organization": "organisation",
}
PUBLISHING = {fold(str(label)): value for value, label in Response.Publish.choices} | {
    "no": "no",
    "anonymous": "anonymous",
    "named": "named",
    "yes": "named",
}


def question_columns(
    headers: list[str], taken: dict[str, str], questions: list[Question]
) -> dict[int, Question]:
    """Column index -> the question it answers, by the question's text or its number as the
    export writes it ("Q3" or "Q3 Why do you say that?"), among the columns not ``taken``."""
    folded = [fold(h) for h in headers]
    used = {headers.index(column) for column in taken.values()}
    by_question: dict[int, Question] = {}
    for number, question in enumerate(questions, start=1):
        text = fold(question.text)
        for index, header in enumerate(folded):
            if index in used or index in by_question:
                continue
            if header in (text, f"q{number}", f"q{number} {text}"):
                by_question[index] = question
                break
    return by_question


def parse_day(text: str, patterns: tuple[str, ...] = ("%Y-%m-%d", "%d/%m/%Y")) -> date | None:
    """A calendar day written in one of ``patterns``, or None."""
    for pattern in patterns:
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=timezone.get_current_timezone()).date()
        except ValueError:
            continue
    return None


def _value(question: Question, cell: str) -> Any:
    """The cell as the answer is stored; raises ValueError with what to fix."""
    kind = question.kind
    if kind == Question.Kind.TEXT:
        if question.max_length and len(cell) > question.max_length:
            raise ValueError(_("longer than %(limit)s characters") % {"limit": question.max_length})
        return cell
    if kind == Question.Kind.NUMBER:
        try:
            return str(Decimal(cell.replace(",", "")).normalize())
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not a number") % {"value": cell}) from None
    if kind == Question.Kind.DATE:
        day = parse_day(cell)
        if day is None:
            raise ValueError(_("“%(value)s” is not a date like 2026-03-27") % {"value": cell})
        return day.isoformat()
    choices = choices_for(question, "en")
    lookup = {fold(str(label)): value for value, label in choices} | {
        fold(value): value for value, _l in choices
    }
    parts = [p.strip() for p in cell.split(";")] if kind == Question.Kind.MULTIPLE else [cell]
    values = []
    for part in parts:
        if fold(part) not in lookup:
            raise ValueError(
                _("“%(value)s” is not one of: %(choices)s")
                % {"value": part, "choices": ", ".join(str(label) for _v, label in choices)}
            )
        values.append(lookup[fold(part)])
    return values if kind == Question.Kind.MULTIPLE else values[0]


class ResponseRowChecker(RowChecker):
    """A row of responses: how it came, who from, and an answer to each question column."""

    def __init__(self, headers: list[str], mapping: dict[str, str], questions: dict[int, Question]) -> None:
        super().__init__(headers, mapping)
        self.questions = questions
        self.today = timezone.localdate()

    def check_row(self, checked: CheckedRow) -> None:
        values, errors = checked.values, checked.errors
        about: dict[str, Any] = {}
        channel = fold(values.get("channel", "")) or "post"
        if channel not in CHANNELS:
            errors.append(
                _("Channel “%(value)s” is not email, post, phone, face to face or assisted digital.")
                % {"value": values.get("channel", "")}
            )
        else:
            about["channel"] = CHANNELS[channel]
        about["received"] = self._received(values.get("received", ""), errors)
        responding = fold(values.get("responding", "")) or "individual"
        about["respondent_type"] = RESPONDING.get(responding, "")
        if not about["respondent_type"]:
            errors.append(
                _("Responding “%(value)s” is not individual or organisation.")
                % {"value": values.get("responding", "")}
            )
        publishing = fold(values.get("publishing", "")) or "no"
        about["publish"] = PUBLISHING.get(publishing, "")
        if not about["publish"]:
            errors.append(
                _("Publishing “%(value)s” is not no, anonymous or named.")
                % {"value": values.get("publishing", "")}
            )
        about["organisation"] = values.get("organisation", "")[:200]
        about["name"] = values.get("name", "")[:200]
        email = values.get("email", "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(_("“%(value)s” is not an email address.") % {"value": email})
        about["email"] = email
        answers = self._answers(checked.cells, errors)
        if not errors and not answers:
            errors.append(
                _("The row answers no question. Check the question columns are named as in the export.")
            )
        checked.extra = {"about": about, "answers": answers}

    def _received(self, received: str, errors: list[str]) -> str:
        """The day the response came, as ISO: today when the row does not say."""
        if not received:
            return self.today.isoformat()
        day = parse_day(received, ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"))
        if day is None:
            errors.append(_("“%(value)s” is not a date received like 2026-03-27.") % {"value": received})
        elif day > self.today:
            errors.append(_("The date received, %(value)s, is in the future.") % {"value": received})
        else:
            return day.isoformat()
        return self.today.isoformat()

    def _answers(self, cells: list[str], errors: list[str]) -> dict[str, Any]:
        """The answer in each question column that has one, by question code."""
        answers: dict[str, Any] = {}
        for index, question in self.questions.items():
            cell = cells[index].strip() if index < len(cells) else ""
            if not cell:
                continue
            try:
                answers[str(question.code)] = _value(question, cell)
            except ValueError as problem:
                errors.append(
                    _("“%(question)s”: %(problem)s.") % {"question": question.text, "problem": problem}
                )
        return answers


def import_start(*, actor: Any, consultation: Consultation, upload: Any) -> ResponseImport:
    """Read and check a file of responses. Raises ImportFileError saying what to fix."""
    headers, rows = staged.read_now(upload, max_bytes=MAX_BYTES, max_rows=MAX_ROWS)
    mapping = guess_mapping(headers, FIXED)
    questions = question_columns(headers, mapping, questions_in_order(consultation))
    if not questions:
        raise ImportFileError(
            _(
                "No column is named after a question. "
                "Name each column as the question, or Q1, Q2 and so on, as the export does."
            )
        )
    checker = ResponseRowChecker(headers, mapping, questions)
    return ResponseImport.objects.create(
        consultation=consultation,
        created_by=actor,
        original_name=upload.name[:255],
        headers=headers,
        rows=[
            {"line": c.line, "row": c.cells, "errors": c.errors, **c.extra}
            for c in staged.check_rows(checker, rows)
        ],
    )


def import_confirm(*, actor: Any, request: HttpRequest | None, job: ResponseImport) -> ResponseImport:
    """Import the valid rows, once: a second confirmation finds the job done."""

    def write(job: ResponseImport) -> list[str]:
        questions = {str(q.code): q for q in questions_in_order(job.consultation)}
        zone = timezone.get_current_timezone()
        imported: list[int] = []
        for row in job.rows:
            if row["errors"]:
                continue
            about = row["about"]
            response = Response.objects.create(
                consultation=job.consultation,
                reference=unique_reference(),
                channel=about["channel"],
                respondent_type=about["respondent_type"],
                organisation=about["organisation"],
                name=about["name"],
                email=about["email"],
                person_id=person_for(about["email"]),
                publish=about["publish"],
                entered_by=actor,
                submitted_at=datetime.combine(date.fromisoformat(about["received"]), time(12), tzinfo=zone),
            )
            Answer.objects.bulk_create(
                Answer(response=response, question=questions[code], value=value)
                for code, value in row["answers"].items()
                if code in questions and is_visible(questions[code], row["answers"])
            )
            imported.append(response.pk)
        texts_received(source="response", ids=imported, subject="consultation", target_id=job.consultation_id)
        job.imported_count = len(imported)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=job.consultation,
            request=request,
            detail={"responses imported": len(imported), "file": job.original_name},
        )
        return ["imported_count"]

    return staged.confirm_once(job, write)


def rows_to_fix(job: ResponseImport) -> Iterator[list[str]]:
    """The rows with problems, as they were, with what to fix in a last column."""
    return staged.rows_to_fix(
        job.headers, ((r["line"], r["row"], r["errors"]) for r in job.rows if r["errors"])
    )
