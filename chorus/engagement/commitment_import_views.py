"""Staff pages for importing commitments from a spreadsheet of recommendations."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from chorus.accounts.models import Team, User
from chorus.core.access import get_for_change, role_required, staff_required, staff_user
from chorus.core.imports import staged
from chorus.core.imports.forms import limits_hint
from chorus.core.spreadsheets import Limits
from chorus.engagement.commitment_import import (
    FIELDS,
    MAX_BYTES,
    MAX_ROWS,
    ImportFileError,
    Refused,
    commitment_import_apply,
    commitment_import_start,
)
from chorus.engagement.forms import CommitmentImportForm
from chorus.engagement.models import Commitment, CommitmentImport
from chorus.engagement.views import EDITORS


@staff_required
@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def commitment_import_upload(request: HttpRequest) -> HttpResponse:
    form = CommitmentImportForm(data=request.POST or None, files=request.FILES or None)
    form.fields["file"].help_text = limits_hint(Limits.from_settings(max_bytes=MAX_BYTES, max_rows=MAX_ROWS))
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            job = commitment_import_start(actor=staff_user(request), upload=form.cleaned_data["file"])
        except ImportFileError as error:
            form.add_error("file", str(error))
        except Refused as refused:
            problems = refused.errors
            form.add_error(
                "file",
                ngettext(
                    "%(count)s row of the file has a problem, so nothing was imported. "
                    "Fix the row as the list below says, then upload the file again.",
                    "%(count)s rows of the file have problems, so nothing was imported. "
                    "Fix the rows as the list below says, then upload the file again.",
                    refused.rows,
                )
                % {"count": refused.rows},
            )
        else:
            return redirect("engagement:commitment_import_review", job=job.code)
    return render(
        request,
        "engagement/commitment_import_upload.html",
        {"form": form, "problems": problems, "fields": FIELDS},
    )


@staff_required
@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def commitment_import_review(request: HttpRequest, job: UUID) -> HttpResponse:
    user = staff_user(request)
    # An import is its importer's alone: its rows name the teams and owners they chose.
    found = get_for_change(request, CommitmentImport.objects.filter(created_by=user), code=job)
    if found.status != CommitmentImport.Status.CHECKED:
        messages.info(request, _("That spreadsheet has already been dealt with."))
        return redirect("engagement:commitment_list")
    error = ""
    if request.method == "POST":
        if request.POST.get("decision") == "cancel":
            staged.cancel(found)
            messages.success(request, _("Import cancelled. Nothing was changed."))
            return redirect("engagement:commitment_list")
        try:
            done = commitment_import_apply(actor=user, request=request, job=found)
        except ImportFileError as refused:
            error = str(refused)
        else:
            messages.success(
                request,
                _("Commitments imported: %(created)s added, %(skipped)s already in Chorus left as they were.")
                % {"created": done.created_count, "skipped": done.skipped_count},
            )
            return redirect("engagement:commitment_list")
    teams = dict(
        Team.objects.filter(pk__in=[r["team"] for r in found.rows if r["team"]]).values_list("pk", "name")
    )
    owners = dict(
        User.objects.filter(pk__in=[r["owner"] for r in found.rows if r["owner"]]).values_list(
            "pk", "full_name"
        )
    )
    rows = [
        {
            **row,
            "team_name": teams.get(row["team"], ""),
            "owner_name": owners.get(row["owner"], ""),
            "due": date.fromisoformat(row["due_on"]) if row["due_on"] else None,
            "kind_label": Commitment.Kind(row["kind"]).label,
            "status_label": Commitment.Status(row["status"]).label,
        }
        for row in found.rows
    ]
    return render(
        request,
        "engagement/commitment_import_review.html",
        {
            "job": found,
            "rows": rows,
            "error": error,
            "new": sum(1 for r in rows if not r["existing"]),
            "existing": sum(1 for r in rows if r["existing"]),
        },
    )
