"""Supporting documents: files staff publish with a consultation, downloaded from its page."""

from __future__ import annotations

import mimetypes
from uuid import UUID

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from chorus.consultations.forms import DocumentForm
from chorus.consultations.models import Consultation, SupportingDocument
from chorus.core.access import get_for_change, get_for_view, staff_required, staff_user
from chorus.core.audit import audit_record
from chorus.core.models import AuditAction

TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "csv": "text/csv",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "txt": "text/plain",
    "rtf": "application/rtf",
}


@require_POST
@staff_required
def document_add(request: HttpRequest, code: UUID) -> HttpResponse:
    consultation = get_for_change(request, Consultation.objects.all(), code=code)
    form = DocumentForm(data=request.POST, files=request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("consultations:consultation_detail", code=consultation.code)
    upload = form.cleaned_data["file"]
    with transaction.atomic():
        document = SupportingDocument.objects.create(
            consultation=consultation,
            title=form.cleaned_data["title"],
            title_cy=form.cleaned_data["title_cy"],
            file=upload,
            original_name=upload.name[-255:],
            size=upload.size,
            added_by=staff_user(request),
        )
        audit_record(
            actor=request.user,
            action=AuditAction.CHANGE,
            obj=consultation,
            request=request,
            detail={"document added": document.title},
        )
    messages.success(request, _("Document added."))
    return redirect("consultations:consultation_detail", code=consultation.code)


@require_POST
@staff_required
def document_remove(request: HttpRequest, code: UUID, document: UUID) -> HttpResponse:
    consultation = get_for_change(request, Consultation.objects.all(), code=code)
    found = consultation.documents.filter(code=document).first()
    if found is None:
        raise Http404
    with transaction.atomic():
        found.delete()
        transaction.on_commit(lambda: found.file.delete(save=False))
        audit_record(
            actor=request.user,
            action=AuditAction.CHANGE,
            obj=consultation,
            request=request,
            detail={"document removed": found.title},
        )
    messages.success(request, _("Document removed."))
    return redirect("consultations:consultation_detail", code=consultation.code)


def _file(document: SupportingDocument) -> FileResponse:
    extension = document.extension.lower()
    content_type = (
        TYPES.get(extension) or mimetypes.guess_type(document.original_name)[0] or "application/octet-stream"
    )
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=extension != "pdf",
        filename=document.original_name,
        content_type=content_type,
    )
    return response


@require_GET
def document_download(request: HttpRequest, code: UUID, document: UUID) -> FileResponse:
    """Public: a document of a published consultation open to everyone."""
    consultation = Consultation.objects.public().filter(code=code).first()
    found = consultation.documents.filter(code=document).first() if consultation else None
    if found is None:
        raise Http404
    return _file(found)


@require_GET
@staff_required
def document_staff_download(request: HttpRequest, code: UUID, document: UUID) -> FileResponse:
    """Staff: any document of a consultation they may see, published or not."""
    consultation = get_for_view(request, Consultation.objects.all(), code=code)
    found = consultation.documents.filter(code=document).first()
    if found is None:
        raise Http404
    return _file(found)
