"""Staff pages for importing people or organisations from a spreadsheet."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chorus.accounts.models import Role
from chorus.core.access import get_for_change, role_required, staff_required, staff_user, visible_to
from chorus.core.audit import audit_record
from chorus.core.downloads import csv_response
from chorus.core.imports import files
from chorus.core.imports.columns import chosen_mapping, mapping_errors, unmapped_fields
from chorus.core.models import AuditAction
from chorus.core.tasks import enqueue_after_commit
from chorus.directory import imports
from chorus.directory.forms import ImportConfirmForm, ImportUploadForm
from chorus.directory.imports import (
    ImportFileError,
    import_confirm,
    import_run_task,
    import_start,
    kind_of,
    rejected_rows,
)
from chorus.directory.models import ImportJob

EDITORS = (Role.ADMINISTRATOR, Role.ENGAGEMENT_OFFICER)


def _job(request: HttpRequest, code: UUID) -> ImportJob:
    return get_for_change(request, ImportJob.objects.filter(created_by=staff_user(request)), code=code)


def _urls(job: ImportJob) -> dict[str, str]:
    """Where the shared import pages link for this job."""
    return {
        "map": reverse("directory:import_map", kwargs={"code": job.code}),
        "progress": reverse("directory:import_progress", kwargs={"code": job.code}),
        "retry": reverse("directory:import_retry", kwargs={"code": job.code}),
        "done": reverse("directory:person_list"),
    }


def _partial(request: HttpRequest, partial: str, page: str) -> str:
    """The part of the page that polls, for htmx; otherwise the whole page."""
    return partial if request.headers.get("HX-Request") else page


@staff_required
@role_required(*EDITORS)
def import_list(request: HttpRequest) -> HttpResponse:
    jobs = visible_to(staff_user(request), ImportJob.objects.select_related("created_by"))[:50]
    return render(request, "directory/import_list.html", {"jobs": jobs})


@staff_required
@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportUploadForm(data=request.POST or None, files=request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_start(
                actor=staff_user(request), upload=form.cleaned_data["file"], kind=form.cleaned_data["kind"]
            )
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            return redirect("directory:import_map", code=job.code)
    return render(request, "directory/import_upload.html", {"form": form})


@staff_required
@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def import_map(request: HttpRequest, code: UUID) -> HttpResponse:
    job = _job(request, code)
    reading = job.status == ImportJob.Status.UPLOADED and not job.headers
    if request.headers.get("HX-Request") and not reading:
        # The page polling while a big file was read: load the next step as a whole page.
        return HttpResponse(
            headers={"HX-Redirect": reverse("directory:import_map", kwargs={"code": job.code})}
        )
    if job.status != ImportJob.Status.UPLOADED:
        return redirect("directory:import_check", code=job.code)
    if reading:
        template = _partial(request, "imports/_reading.html", "imports/reading.html")
        return render(request, template, {"job": job, "urls": _urls(job)})
    kind = kind_of(job)
    # Only the added fields the person's role sees are columns to match.
    fields = kind.fields_for(staff_user(request))
    errors: list[tuple[str, str]] = []  # (the field to go to, what is wrong)
    unmapped: dict[str, str] = {}
    mapping = kind.mapping_for(dict(job.mapping), staff_user(request))
    if request.method == "POST":
        mapping = chosen_mapping(request.POST, fields, job.headers)
        first = kind.required[0]
        errors = [
            (first, message)
            for message in mapping_errors(mapping, required=kind.required, message=kind.required_message)
        ]
        unmapped = unmapped_fields(mapping, fields)
        errors += list(unmapped.items())
        if not errors:
            imports.import_map(job, mapping)
            return redirect("directory:import_check", code=job.code)
    rows = [
        {"name": name, "label": field.label, "column": mapping.get(name, ""), "error": unmapped.get(name, "")}
        for name, field in fields.items()
    ]
    context = {"job": job, "fields": rows, "errors": errors}
    return render(request, "imports/map.html", context)


@staff_required
@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def import_check_view(request: HttpRequest, code: UUID) -> HttpResponse:
    job = _job(request, code)
    if job.status in (ImportJob.Status.IMPORTING, ImportJob.Status.DONE):
        return redirect("directory:import_progress", code=job.code)
    if job.status == ImportJob.Status.UPLOADED:
        return redirect("directory:import_map", code=job.code)
    form = ImportConfirmForm(data=request.POST or None)
    if request.method == "POST" and job.status == ImportJob.Status.CHECKED:
        if request.POST.get("decision") == "cancel":
            files.import_cancel(job)
            messages.success(request, _("Import cancelled. Nothing was added to the directory."))
            return redirect("directory:import_list")
        if form.is_valid():
            import_confirm(job=job, **form.cleaned_data)
            enqueue_after_commit(import_run_task, job.pk)
            return redirect("directory:import_progress", code=job.code)
    template = _partial(request, "directory/_import_status.html", "directory/import_check.html")
    matches = sorted(job.matches.items(), key=lambda item: int(item[0]))
    return render(
        request,
        template,
        {"job": job, "form": form, "problems": job.problems[:500], "matches": matches[:500]},
    )


@require_POST
@staff_required
@role_required(*EDITORS)
def import_retry(request: HttpRequest, code: UUID) -> HttpResponse:
    """Try a failed import again, from where it stopped."""
    job = _job(request, code)
    try:
        imports.import_retry(job)
    except ValueError:
        messages.error(request, _("This import cannot be tried again. Upload the file again."))
        return redirect("directory:import_check", code=job.code)
    audit_record(
        actor=staff_user(request),
        action=AuditAction.CHANGE,
        request=request,
        obj=job,
        detail={"retried": True},
    )
    if job.status == ImportJob.Status.IMPORTING:
        return redirect("directory:import_progress", code=job.code)
    if job.status == ImportJob.Status.UPLOADED:
        return redirect("directory:import_map", code=job.code)
    return redirect("directory:import_check", code=job.code)


@staff_required
@role_required(*EDITORS)
def import_progress(request: HttpRequest, code: UUID) -> HttpResponse:
    job = _job(request, code)
    done = kind_of(job).done_message(job.created_count, job.updated_count)
    return render(
        request,
        _partial(request, "imports/_progress.html", "imports/progress.html"),
        {"job": job, "urls": _urls(job), "done_message": done, "done_label": _("Go to the directory")},
    )


@staff_required
@role_required(*EDITORS)
def import_rejected(request: HttpRequest, code: UUID) -> StreamingHttpResponse:
    job = _job(request, code)
    if not job.file:  # refused, so its file is gone
        raise Http404
    audit_record(
        actor=staff_user(request),
        action=AuditAction.EXPORT,
        request=request,
        obj=job,
        object_repr=f"Rejected rows of {job.original_name}",
    )
    return csv_response(rejected_rows(job), "rows-to-fix.csv")
