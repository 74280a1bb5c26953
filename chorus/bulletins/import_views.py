"""Staff pages for importing subscribers from a spreadsheet: upload, check, confirm."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from chorus.accounts.models import Role
from chorus.bulletins.forms import SubscriberImportForm
from chorus.bulletins.imports import (
    ImportFileError,
    rows_to_fix,
    skipped,
    subscriber_import_confirm,
    subscriber_import_start,
)
from chorus.bulletins.models import SubscriberImport
from chorus.core.access import get_for_change, role_required, staff_required, staff_user
from chorus.core.audit import audit_record
from chorus.core.downloads import csv_response
from chorus.core.imports import staged
from chorus.core.models import AuditAction
from chorus.directory.reference import regions_ensure

EDITORS = (Role.ADMINISTRATOR, Role.ENGAGEMENT_OFFICER)


def _job(request: HttpRequest, code: UUID) -> SubscriberImport:
    """An import the user may act on: their own, or any for an administrator (404 otherwise)."""
    user = staff_user(request)
    jobs = SubscriberImport.objects.all()
    return get_for_change(request, jobs if user.is_administrator else jobs.filter(created_by=user), code=code)


@staff_required
@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def subscriber_import(request: HttpRequest) -> HttpResponse:
    regions_ensure()  # so a file can name the areas
    form = SubscriberImportForm(data=request.POST or None, files=request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            job = subscriber_import_start(
                actor=staff_user(request),
                upload=data["file"],
                lawful_basis=data["lawful_basis"],
                source_detail=data["source_detail"],
                into=data["into"],
            )
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            return redirect("bulletins:subscriber_import_check", code=job.code)
    return render(request, "bulletins/subscriber_import.html", {"form": form})


@staff_required
@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def subscriber_import_check(request: HttpRequest, code: UUID) -> HttpResponse:
    job = _job(request, code)
    if request.method == "POST":
        if request.POST.get("decision") == "cancel" and staged.cancel(job):
            messages.success(request, _("Import cancelled. Nothing was changed."))
            return redirect("bulletins:subscriber_list")
        done = subscriber_import_confirm(actor=staff_user(request), request=request, job=job)
        messages.success(
            request,
            _(
                "%(added)s subscribers added, %(updated)s already subscribed and updated, "
                "%(skipped)s skipped because they unsubscribed or their address stopped working."
            )
            % {"added": done.added_count, "updated": done.updated_count, "skipped": done.skipped_count},
        )
        return redirect("bulletins:subscriber_list")
    valid = [r for r in job.rows if not r["errors"]]
    problems = [r for r in job.rows if r["errors"]]
    return render(
        request,
        "bulletins/subscriber_import_check.html",
        {
            "job": job,
            "new": sum(1 for r in valid if not r["match"]),
            "updated": sum(1 for r in valid if r["match"] and not skipped(r)),
            "skipped": [r for r in valid if skipped(r)][:500],
            "skipped_count": sum(1 for r in valid if skipped(r)),
            "problems": problems[:500],
            "problem_count": len(problems),
            "importable": sum(1 for r in valid if not skipped(r)),
        },
    )


@staff_required
@role_required(*EDITORS)
def subscriber_import_problems(request: HttpRequest, code: UUID) -> HttpResponseBase:
    job = _job(request, code)
    audit_record(
        actor=staff_user(request),
        action=AuditAction.EXPORT,
        obj=job,
        request=request,
        object_repr=f"Rows to fix in {job.original_name}",
    )
    return csv_response(rows_to_fix(job), "subscribers-to-fix.csv")
