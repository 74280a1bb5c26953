"""Staff pages for importing an activity's attendance from a sign-up list."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from chorus.core.access import get_for_change, staff_required, staff_user
from chorus.core.imports import staged
from chorus.engagement.attendance_import import (
    Decision,
    ImportFileError,
    asks_who_came,
    attendance_import_apply,
    attendance_import_start,
    needs_decision,
)
from chorus.engagement.forms import AttendanceReviewForm, AttendanceUploadForm
from chorus.engagement.models import Activity, AttendanceImport


def _job(request: HttpRequest, code: UUID, job: UUID) -> tuple[Activity, AttendanceImport]:
    activity = get_for_change(request, Activity.objects.all(), code=code)
    found = get_for_change(request, AttendanceImport.objects.filter(activity=activity), code=job)
    return activity, found


@staff_required
@require_http_methods(["GET", "POST"])
def attendance_import_upload(request: HttpRequest, code: UUID) -> HttpResponse:
    activity = get_for_change(request, Activity.objects.all(), code=code)
    form = AttendanceUploadForm(data=request.POST or None, files=request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = attendance_import_start(
                actor=staff_user(request), activity=activity, upload=form.cleaned_data["file"]
            )
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            return redirect("engagement:attendance_import_review", code=activity.code, job=job.code)
    return render(request, "engagement/attendance_upload.html", {"activity": activity, "form": form})


@staff_required
@require_http_methods(["GET", "POST"])
def attendance_import_review(request: HttpRequest, code: UUID, job: UUID) -> HttpResponse:
    activity, found = _job(request, code, job)
    if found.status != AttendanceImport.Status.CHECKED:
        messages.info(request, _("That list has already been dealt with."))
        return redirect("engagement:activity_detail", code=activity.code)
    form = AttendanceReviewForm(
        data=request.POST or None,
        initial={"source": _("Sign-up list for %(title)s") % {"title": activity.title}},
        asks_who_came=asks_who_came(found.rows),
    )
    decisions: dict[int, str] = {}
    row_errors: dict[int, str] = {}
    if request.method == "POST":
        if request.POST.get("decision") == "cancel":
            staged.cancel(found)
            messages.success(request, _("Import cancelled. Nothing was changed."))
            return redirect("engagement:activity_detail", code=activity.code)
        for row in found.rows:
            if not needs_decision(row):
                continue
            allowed = {Decision.NEW, Decision.SKIP} | ({Decision.LINK} if row["match"] else set())
            value = request.POST.get(f"row-{row['line']}", "")
            if value not in allowed:
                row_errors[row["line"]] = _("Choose what to do with row %(line)s") % {"line": row["line"]}
            else:
                decisions[row["line"]] = value
        valid = form.is_valid()
        if Decision.NEW in decisions.values() and not form.cleaned_data.get("lawful_basis"):
            form.add_error(
                "lawful_basis", _("Choose the lawful basis for adding new people to the directory")
            )
            valid = False
        if valid and not row_errors:
            done = attendance_import_apply(
                actor=staff_user(request),
                request=request,
                job=found,
                decisions=decisions,
                **form.cleaned_data,
            )
            messages.success(
                request,
                _(
                    "Attendance imported: %(linked)s people from the directory, "
                    "%(created)s added to it, %(skipped)s rows skipped."
                )
                % {"linked": done.linked_count, "created": done.created_count, "skipped": done.skipped_count},
            )
            return redirect("engagement:activity_detail", code=activity.code)
    rows = [
        {
            **row,
            "choose": needs_decision(row),
            "chosen": decisions.get(row["line"])
            or request.POST.get(f"row-{row['line']}")
            or (Decision.LINK if row["match"] else Decision.NEW),
            "error": row_errors.get(row["line"], ""),
        }
        for row in found.rows
    ]
    return render(
        request,
        "engagement/attendance_review.html",
        {
            "activity": activity,
            "job": found,
            "form": form,
            "rows": rows,
            "row_errors": row_errors,
            "counts": {
                "linked": sum(1 for r in rows if r["match"] and not r["choose"]),
                "probable": sum(1 for r in rows if r["choose"] and r["match"]),
                "new": sum(1 for r in rows if r["choose"] and not r["match"]),
                "problems": sum(1 for r in rows if r["errors"]),
            },
        },
    )
