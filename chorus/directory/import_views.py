"""Staff pages for importing people from a spreadsheet."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from chorus.accounts.models import Role
from chorus.core.access import get_for_change, role_required, staff_required, staff_user, visible_to
from chorus.core.audit import audit_record
from chorus.core.downloads import csv_response
from chorus.core.models import AuditAction
from chorus.core.spreadsheets import Limits
from chorus.core.tasks import enqueue_after_commit
from chorus.directory.imports import (
    CHECK_NOW_ROWS,
    ImportFileError,
    fields_for,
    import_check_job,
    import_check_task,
    import_confirm,
    import_run_task,
    import_start,
    rejected_rows,
)
from chorus.directory.models import ImportJob, LawfulBasis

EDITORS = (Role.ADMINISTRATOR, Role.ENGAGEMENT_OFFICER)


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What does the file list?"),
        choices=ImportJob.Kind.choices,
        widget=forms.RadioSelect,
        initial=ImportJob.Kind.PEOPLE,
        required=False,
    )
    file = forms.FileField(
        label=gettext_lazy("Upload a file"),
        error_messages={
            "required": gettext_lazy("Choose a CSV or Excel file to upload"),
            "empty": gettext_lazy(
                "The file is empty. It needs a header row naming the columns, then one row per person."
            ),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limits = Limits.from_settings()
        self.fields["file"].help_text = _(
            "A CSV or Excel (.xlsx) file with a header row, up to %(size)s and %(rows)s rows"
        ) % {
            "size": filesizeformat(limits.max_bytes),
            "rows": number_format(limits.max_rows, force_grouping=True),
        }

    def clean_kind(self) -> str:
        return str(self.cleaned_data.get("kind") or ImportJob.Kind.PEOPLE)


class ConfirmForm(forms.Form):
    on_match = forms.ChoiceField(
        label=gettext_lazy("When a row probably matches someone already in the directory"),
        choices=ImportJob.Matches.choices,
        widget=forms.RadioSelect,
        initial=ImportJob.Matches.LINK,
        required=False,
    )
    source = forms.CharField(
        label=gettext_lazy("Where the list came from"),
        max_length=200,
        help_text=gettext_lazy("For example, the sign-up list for the March user forum"),
        error_messages={"required": gettext_lazy("Say where the list came from, so consent can be traced")},
    )
    lawful_basis = forms.ChoiceField(
        label=gettext_lazy("Lawful basis for holding these people's details"),
        choices=LawfulBasis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose the lawful basis for holding these details")},
    )

    def clean_on_match(self) -> str:
        # Only asked when some row matches someone; otherwise it does not matter.
        return str(self.cleaned_data.get("on_match") or ImportJob.Matches.LINK)


def _job(request: HttpRequest, code: UUID) -> ImportJob:
    return get_for_change(request, ImportJob.objects.filter(created_by=staff_user(request)), code=code)


@staff_required
@role_required(*EDITORS)
def import_list(request: HttpRequest) -> HttpResponse:
    jobs = visible_to(staff_user(request), ImportJob.objects.select_related("created_by"))[:50]
    return render(request, "directory/import_list.html", {"jobs": jobs})


@staff_required
@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(data=request.POST or None, files=request.FILES or None)
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
        template = (
            "directory/_import_reading.html"
            if request.headers.get("HX-Request")
            else "directory/import_reading.html"
        )
        return render(request, template, {"job": job})
    errors: list[str] = []
    mapping = dict(job.mapping)
    fields = fields_for(job.kind)
    if request.method == "POST":
        mapping = {
            name: request.POST.get(name, "") for name in fields if request.POST.get(name, "") in job.headers
        }
        chosen = list(mapping.values())
        if len(chosen) != len(set(chosen)):
            errors.append(
                _("Each column can be matched to one field only. Check the fields that share a column.")
            )
        if job.kind == ImportJob.Kind.ORGANISATIONS and "name" not in mapping:
            errors.append(_("Match a column to Name: every organisation needs a name."))
        elif job.kind == ImportJob.Kind.PEOPLE and "last_name" not in mapping and "full_name" not in mapping:
            errors.append(_("Match a column to Last name or to Full name: every person needs a name."))
        if not errors:
            job.mapping = mapping
            job.status = ImportJob.Status.CHECKING
            job.save(update_fields=["mapping", "status", "updated_at"])
            if job.total_rows <= CHECK_NOW_ROWS:
                import_check_job(job.pk)
            else:
                enqueue_after_commit(import_check_task, job.pk)
            return redirect("directory:import_check", code=job.code)
    rows = [
        {"name": name, "label": label, "column": mapping.get(name, "")}
        for name, (label, _syn) in fields.items()
    ]
    return render(request, "directory/import_map.html", {"job": job, "fields": rows, "errors": errors})


@staff_required
@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def import_check_view(request: HttpRequest, code: UUID) -> HttpResponse:
    job = _job(request, code)
    if job.status in (ImportJob.Status.IMPORTING, ImportJob.Status.DONE):
        return redirect("directory:import_progress", code=job.code)
    if job.status == ImportJob.Status.UPLOADED:
        return redirect("directory:import_map", code=job.code)
    form = ConfirmForm(data=request.POST or None)
    if request.method == "POST" and job.status == ImportJob.Status.CHECKED:
        if request.POST.get("decision") == "cancel":
            job.status = ImportJob.Status.CANCELLED
            job.save(update_fields=["status", "updated_at"])
            messages.success(request, _("Import cancelled. Nothing was added to the directory."))
            return redirect("directory:import_list")
        if form.is_valid():
            import_confirm(job=job, **form.cleaned_data)
            enqueue_after_commit(import_run_task, job.pk)
            return redirect("directory:import_progress", code=job.code)
    template = (
        "directory/_import_status.html"
        if request.headers.get("HX-Request")
        else "directory/import_check.html"
    )
    matches = sorted(job.matches.items(), key=lambda item: int(item[0]))
    return render(
        request,
        template,
        {"job": job, "form": form, "problems": job.problems[:500], "matches": matches[:500]},
    )


@staff_required
@role_required(*EDITORS)
def import_progress(request: HttpRequest, code: UUID) -> HttpResponse:
    job = _job(request, code)
    template = (
        "directory/_import_progress.html"
        if request.headers.get("HX-Request")
        else "directory/import_progress.html"
    )
    return render(request, template, {"job": job})


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
