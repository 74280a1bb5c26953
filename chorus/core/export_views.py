"""The pages of an export: preparing it, the person's downloads, and the file itself."""

from __future__ import annotations

from uuid import UUID

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET

from chorus.core.access import staff_required, staff_user
from chorus.core.audit import audit_record
from chorus.core.downloads import XLSX_CONTENT_TYPE
from chorus.core.exports import export_may_download, export_path, exports_for
from chorus.core.models import AuditAction, ExportFile

CONTENT_TYPES = {ExportFile.Format.CSV: "text/csv", ExportFile.Format.XLSX: XLSX_CONTENT_TYPE}


def _export(request: HttpRequest, code: UUID) -> ExportFile:
    """The export, only for whoever asked for it (404 for anyone else)."""
    export = exports_for(staff_user(request)).filter(code=code).first()
    if export is None:
        raise Http404
    return export


@staff_required
@require_GET
def export_status(request: HttpRequest, code: UUID) -> HttpResponse:
    export = _export(request, code)
    template = "exports/_status.html" if request.headers.get("HX-Request") else "exports/status.html"
    return render(request, template, {"export": export})


@staff_required
@require_GET
def export_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(exports_for(staff_user(request)), 50).get_page(request.GET.get("page"))
    return render(request, "exports/list.html", {"page": page})


@staff_required
@require_GET
def export_download(request: HttpRequest, code: UUID) -> HttpResponseBase:
    user = staff_user(request)
    export = _export(request, code)
    if not export_may_download(export, user):
        raise Http404
    path = export_path(export)
    gone = export.status == ExportFile.Status.READY and (path is None or not path.exists())
    if export.is_expired or gone:
        return render(request, "exports/expired.html", {"export": export}, status=410)
    if export.status != ExportFile.Status.READY or path is None:
        return render(request, "exports/status.html", {"export": export}, status=409)
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        obj=export,
        request=request,
        detail={"export": export.exporter, "format": export.file_format, "rows": export.rows_written},
    )
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=export.download_name,
        content_type=CONTENT_TYPES[ExportFile.Format(export.file_format)],
    )
