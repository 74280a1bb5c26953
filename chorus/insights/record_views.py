"""The consultation record: one staff page, and the same record as a PDF and as a ZIP file
of the evidence.

Anyone who may see the consultation may read the page; the files are taken away, so they
follow the rule for exports of an analysis (viewers read but take nothing away). Every
view and download is audited.
"""

from __future__ import annotations

import tempfile
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from chorus.analysis.exports import can_export
from chorus.consultations.models import Consultation
from chorus.core.access import can_change, get_for_view, staff_required, staff_user
from chorus.core.audit import audit_record
from chorus.core.downloads import attachment
from chorus.core.models import AuditAction
from chorus.insights.consultation_record import consultation_record
from chorus.insights.record_pdf import record_pdf_bytes, record_zip_write

# A ZIP file larger than this is written to disk while it is built, not kept in memory.
SPOOL_BYTES = 16 * 1024 * 1024


def _consultation(request: HttpRequest, code: UUID, action: AuditAction, what: str) -> Consultation:
    consultation = get_for_view(request, Consultation.objects.select_related("project", "owner"), code=code)
    user = staff_user(request)
    if action == AuditAction.EXPORT and not can_export(user):
        raise PermissionDenied
    audit_record(
        actor=user,
        action=action,
        obj=consultation,
        request=request,
        object_repr=f"Consultation record of {consultation.title} ({what})"[:200],
    )
    return consultation


@require_GET
@staff_required
def record_page(request: HttpRequest, code: UUID) -> HttpResponse:
    consultation = _consultation(request, code, AuditAction.VIEW, "page")
    user = staff_user(request)
    return render(
        request,
        "insights/consultation_record.html",
        {
            "record": consultation_record(consultation, user),
            "may_download": can_export(user),
            # Editors open the question builder; everyone else sees the questions as asked.
            "may_change": can_change(user, consultation),
        },
    )


@require_GET
@staff_required
def record_pdf(request: HttpRequest, code: UUID) -> HttpResponse:
    consultation = _consultation(request, code, AuditAction.EXPORT, "PDF")
    record = consultation_record(consultation, staff_user(request))
    download = HttpResponse(record_pdf_bytes(record), content_type="application/pdf")
    attachment(download, f"consultation-record-{consultation.code}.pdf")
    return download


@require_GET
@staff_required
def record_zip(request: HttpRequest, code: UUID) -> FileResponse:
    consultation = _consultation(request, code, AuditAction.EXPORT, "ZIP")
    record = consultation_record(consultation, staff_user(request))
    # The documents can be large: the file is spooled to disk past SPOOL_BYTES and streamed.
    file = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (FileResponse closes it)
    record_zip_write(record, file)
    file.seek(0)
    return FileResponse(
        file,
        as_attachment=True,
        filename=f"consultation-record-{consultation.code}.zip",
        content_type="application/zip",
    )
