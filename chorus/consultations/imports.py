"""Importing responses from a CSV or XLSX file: every row checked, problems listed, then the
valid rows imported once.

Columns are matched by their header: the fixed ones (channel, received, responding,
organisation, name, email, publishing) and one a question, named by the question's text
or its number as the export writes it ("Q3" or "Q3 Why do you say that?"). A multiple
choice answer lists its options separated by semicolons.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from chorus.analysis.services import responses_added
from chorus.consultations.journey import choices_for, is_visible, unique_reference
from chorus.consultations.models import Answer, Consultation, Question, Response, ResponseImport
from chorus.consultations.selectors import questions_in_order
from chorus.consultations.views import EDITORS
from chorus.core.access import get_for_change, role_required, staff_required, staff_user
from chorus.core.audit import audit_record
from chorus.core.downloads import csv_response
from chorus.core.models import AuditAction
from chorus.core.spreadsheets import Limits, read_upload
from chorus.directory.imports import ImportFileError
from chorus.directory.normalise import fold

# Responses are read and checked while the person waits, so held under the import limits.
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20000
FIXED = {
    "channel": ("channel", "how received", "received by"),
    "received": ("received", "date received", "date", "submitted"),
    "responding": ("responding", "respondent type", "responding as"),
    "organisation": ("organisation", "organization"),
    "name": ("name", "full name"),
    "email": ("email", "email address"),
    "publishing": ("publishing", "publish", "may we publish"),
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


def _header_map(headers: list[str], questions: list[Question]) -> tuple[dict[str, int], dict[int, Question]]:
    folded = [fold(h) for h in headers]
    fixed: dict[str, int] = {}
    for name, synonyms in FIXED.items():
        for index, header in enumerate(folded):
            if header in synonyms and index not in fixed.values():
                fixed[name] = index
                break
    by_question: dict[int, Question] = {}
    for number, question in enumerate(questions, start=1):
        text = fold(question.text)
        for index, header in enumerate(folded):
            if index in fixed.values() or index in by_question:
                continue
            if header in (text, f"q{number}", f"q{number} {text}"):
                by_question[index] = question
                break
    return fixed, by_question


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


def check_rows(
    consultation: Consultation, headers: list[str], rows: list[tuple[int, list[str]]]
) -> list[dict[str, Any]]:
    questions = questions_in_order(consultation)
    fixed, by_question = _header_map(headers, questions)
    checked = []
    today = timezone.localdate()
    for line, row in rows:

        def cell(index: int | None, row: list[str] = row) -> str:
            return row[index].strip() if index is not None and index < len(row) else ""

        errors: list[str] = []
        about: dict[str, Any] = {}
        channel = fold(cell(fixed.get("channel"))) or "post"
        if channel not in CHANNELS:
            errors.append(
                _("Channel “%(value)s” is not email, post, phone, face to face or assisted digital.")
                % {"value": cell(fixed.get("channel"))}
            )
        else:
            about["channel"] = CHANNELS[channel]
        received = cell(fixed.get("received"))
        about["received"] = today.isoformat()
        if received:
            day = parse_day(received, ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"))
            if day is None:
                errors.append(_("“%(value)s” is not a date received like 2026-03-27.") % {"value": received})
            elif day > today:
                errors.append(_("The date received, %(value)s, is in the future.") % {"value": received})
            else:
                about["received"] = day.isoformat()
        responding = fold(cell(fixed.get("responding"))) or "individual"
        about["respondent_type"] = RESPONDING.get(responding, "")
        if not about["respondent_type"]:
            errors.append(
                _("Responding “%(value)s” is not individual or organisation.")
                % {"value": cell(fixed.get("responding"))}
            )
        publishing = fold(cell(fixed.get("publishing"))) or "no"
        about["publish"] = PUBLISHING.get(publishing, "")
        if not about["publish"]:
            errors.append(
                _("Publishing “%(value)s” is not no, anonymous or named.")
                % {"value": cell(fixed.get("publishing"))}
            )
        about["organisation"] = cell(fixed.get("organisation"))[:200]
        about["name"] = cell(fixed.get("name"))[:200]
        email = cell(fixed.get("email"))
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(_("“%(value)s” is not an email address.") % {"value": email})
        about["email"] = email
        answers: dict[str, Any] = {}
        for index, question in by_question.items():
            value = cell(index)
            if not value:
                continue
            try:
                answers[str(question.code)] = _value(question, value)
            except ValueError as problem:
                errors.append(
                    _("“%(question)s”: %(problem)s.") % {"question": question.text, "problem": problem}
                )
        if not errors and not answers:
            errors.append(
                _("The row answers no question. Check the question columns are named as in the export.")
            )
        checked.append({"line": line, "row": row, "errors": errors, "about": about, "answers": answers})
    return checked


def import_start(*, actor: Any, consultation: Consultation, upload: Any) -> ResponseImport:
    headers, rows = read_upload(upload, limits=Limits.from_settings(max_bytes=MAX_BYTES, max_rows=MAX_ROWS))
    if not rows:
        raise ImportFileError(_("The file has a header row but no rows under it."))
    _fixed, by_question = _header_map(headers, questions_in_order(consultation))
    if not by_question:
        raise ImportFileError(
            _(
                "No column is named after a question. "
                "Name each column as the question, or Q1, Q2 and so on, as the export does."
            )
        )
    return ResponseImport.objects.create(
        consultation=consultation,
        created_by=actor,
        original_name=upload.name[:255],
        headers=headers,
        rows=check_rows(consultation, headers, rows),
    )


def import_confirm(*, actor: Any, request: HttpRequest | None, job: ResponseImport) -> ResponseImport:
    """Import the valid rows, once: a second confirmation finds the job done."""
    with transaction.atomic():
        job = ResponseImport.objects.select_for_update().select_related("consultation").get(pk=job.pk)
        if job.status != ResponseImport.Status.CHECKED:
            return job
        questions = {str(q.code): q for q in questions_in_order(job.consultation)}
        zone = timezone.get_current_timezone()
        count = 0
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
                publish=about["publish"],
                entered_by=actor,
                submitted_at=datetime.combine(date.fromisoformat(about["received"]), time(12), tzinfo=zone),
            )
            Answer.objects.bulk_create(
                Answer(response=response, question=questions[code], value=value)
                for code, value in row["answers"].items()
                if code in questions and is_visible(questions[code], row["answers"])
            )
            count += 1
            imported.append(response.pk)
        responses_added(consultation_id=job.consultation_id, response_ids=imported)
        job.status = ResponseImport.Status.DONE
        job.imported_count = count
        job.save(update_fields=["status", "imported_count", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=job.consultation,
            request=request,
            detail={"responses imported": count, "file": job.original_name},
        )
    return job


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Upload a file of responses"),
        help_text=gettext_lazy(
            "CSV or Excel (.xlsx), one row a response: columns named as in the export "
            "(Q1, Q2… or the question), and optionally channel, received, responding, "
            "organisation, name, email and publishing"
        ),
        error_messages={
            "required": gettext_lazy("Choose a CSV or Excel file to upload"),
            "empty": gettext_lazy("The file is empty. It needs a header row, then one row a response."),
        },
    )


@staff_required
@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def response_import(request: HttpRequest, code: UUID) -> HttpResponse:
    consultation = get_for_change(request, Consultation.objects.all(), code=code)
    form = UploadForm(data=request.POST or None, files=request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_start(
                actor=staff_user(request), consultation=consultation, upload=form.cleaned_data["file"]
            )
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            return redirect("consultations:response_import_check", code=consultation.code, job=job.code)
    return render(request, "consultations/response_import.html", {"consultation": consultation, "form": form})


@staff_required
@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def response_import_check(request: HttpRequest, code: UUID, job: UUID) -> HttpResponse:
    consultation = get_for_change(request, Consultation.objects.all(), code=code)
    found = get_for_change(request, ResponseImport.objects.filter(consultation=consultation), code=job)
    if request.method == "POST":
        if request.POST.get("decision") == "cancel" and found.status == ResponseImport.Status.CHECKED:
            found.status = ResponseImport.Status.CANCELLED
            found.save(update_fields=["status", "updated_at"])
            messages.success(request, _("Import cancelled. No responses were added."))
            return redirect("consultations:response_list", code=consultation.code)
        done = import_confirm(actor=staff_user(request), request=request, job=found)
        messages.success(
            request,
            ngettext("%(n)s response imported.", "%(n)s responses imported.", done.imported_count)
            % {"n": done.imported_count},
        )
        return redirect("consultations:response_list", code=consultation.code)
    problems = [r for r in found.rows if r["errors"]]
    return render(
        request,
        "consultations/response_import_check.html",
        {
            "consultation": consultation,
            "job": found,
            "valid": len(found.rows) - len(problems),
            "problems": problems[:500],
            "problem_count": len(problems),
        },
    )


@staff_required
@role_required(*EDITORS)
def response_import_problems(request: HttpRequest, code: UUID, job: UUID) -> HttpResponseBase:
    consultation = get_for_change(request, Consultation.objects.all(), code=code)
    found = get_for_change(request, ResponseImport.objects.filter(consultation=consultation), code=job)
    audit_record(
        actor=staff_user(request),
        action=AuditAction.EXPORT,
        obj=found,
        request=request,
        object_repr=f"Rows to fix in {found.original_name}",
    )
    rows = [["line", *found.headers, "what to fix"]] + [
        [str(r["line"]), *r["row"], " ".join(r["errors"])] for r in found.rows if r["errors"]
    ]
    return csv_response(iter(rows), "responses-to-fix.csv")
