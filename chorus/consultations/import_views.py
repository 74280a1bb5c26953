"""Staff pages for importing responses received on paper or by email."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from chorus.consultations.forms import ResponseUploadForm
from chorus.consultations.imports import ImportFileError, import_confirm, import_start, rows_to_fix
from chorus.consultations.models import Consultation, ResponseImport
from chorus.consultations.views import EDITORS
from chorus.core.access import get_for_change, role_required, staff_required, staff_user
from chorus.core.audit import audit_record
from chorus.core.downloads import csv_response
from chorus.core.imports import staged
from chorus.core.models import AuditAction


def _job(request: HttpRequest, code: UUID, job: UUID) -> tuple[Consultation, ResponseImport]:
    consultation = get_for_change(request, Consultation.objects.all(), code=code)
    found = get_for_change(request, ResponseImport.objects.filter(consultation=consultation), code=job)
    return consultation, found


@staff_required
@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def response_import(request: HttpRequest, code: UUID) -> HttpResponse:
    consultation = get_for_change(request, Consultation.objects.all(), code=code)
    form = ResponseUploadForm(data=request.POST or None, files=request.FILES or None)
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
    consultation, found = _job(request, code, job)
    if request.method == "POST":
        if request.POST.get("decision") == "cancel" and staged.cancel(found):
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
    _consultation, found = _job(request, code, job)
    audit_record(
        actor=staff_user(request),
        action=AuditAction.EXPORT,
        obj=found,
        request=request,
        object_repr=f"Rows to fix in {found.original_name}",
    )
    return csv_response(rows_to_fix(found), "responses-to-fix.csv")
