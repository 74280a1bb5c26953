"""Supporting documents: files staff publish with a consultation, downloaded from its page.

Once the consultation is published, a replaced document keeps its earlier versions and a
removed one is withdrawn, not deleted (``services.document_replace``, ``document_remove``):
the public page offers only the current versions, staff see and download every one.
An administrator may still delete one version's file for good, giving a reason
(``document_file_delete``): the version stays in the history as a placeholder.
"""

from __future__ import annotations

import mimetypes
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chorus.consultations import services
from chorus.consultations.forms import DocumentFileDeleteForm, DocumentForm
from chorus.consultations.models import Consultation, SupportingDocument
from chorus.core.access import get_for_change, get_for_view, staff_required, staff_user

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


def _form_errors(request: HttpRequest, form: DocumentForm) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))


@require_POST
@staff_required
def document_add(request: HttpRequest, code: UUID) -> HttpResponse:
    consultation = get_for_change(request, Consultation.objects.all(), code=code)
    form = DocumentForm(data=request.POST, files=request.FILES)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("consultations:consultation_detail", code=consultation.code)
    services.document_add(
        actor=staff_user(request), request=request, consultation=consultation, **form.cleaned_data
    )
    messages.success(request, _("Document added."))
    return redirect("consultations:consultation_detail", code=consultation.code)


def _current_document(request: HttpRequest, code: UUID, document: UUID) -> SupportingDocument:
    """A current version of a document of a consultation the user may change."""
    consultation = get_for_change(request, Consultation.objects.all(), code=code)
    found = consultation.documents.current().filter(code=document).first()
    if found is None:
        raise Http404
    found.consultation = consultation
    return found


@staff_required
@require_http_methods(["GET", "POST"])
def document_replace(request: HttpRequest, code: UUID, document: UUID) -> HttpResponse:
    """Upload a new version of a document; once published, the old version is kept."""
    found = _current_document(request, code, document)
    consultation = found.consultation
    form = DocumentForm(
        data=request.POST or None,
        files=request.FILES or None,
        initial={"title": found.title, "title_cy": found.title_cy},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.document_replace(
                actor=staff_user(request), request=request, document=found, **form.cleaned_data
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("New version uploaded."))
        return redirect("consultations:consultation_detail", code=consultation.code)
    return render(
        request,
        "consultations/document_replace.html",
        {"consultation": consultation, "document": found, "form": form},
    )


@require_POST
@staff_required
def document_remove(request: HttpRequest, code: UUID, document: UUID) -> HttpResponse:
    found = _current_document(request, code, document)
    keeps = found.keeps_history()
    try:
        services.document_remove(actor=staff_user(request), request=request, document=found)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            _("Document withdrawn. Its file is kept in its history.") if keeps else _("Document removed."),
        )
    return redirect("consultations:consultation_detail", code=found.consultation.code)


@staff_required
@require_http_methods(["GET", "POST"])
def document_file_delete(request: HttpRequest, code: UUID, document: UUID) -> HttpResponse:
    """Administrators: delete one version's file of a published consultation for good,
    with a reason; the GET is the page that asks for it."""
    # The consultation first, so another team's officer learns nothing (404) and a
    # reader is refused (403) as anywhere else; then only administrators go on.
    consultation = get_for_change(request, Consultation.objects.all(), code=code)
    user = staff_user(request)
    if not user.is_administrator:
        raise PermissionDenied
    found = consultation.documents.filter(code=document, file_deleted_at__isnull=True).first()
    if found is None:
        raise Http404
    found.consultation = consultation
    if not found.keeps_history():
        raise Http404  # a draft's document is removed, file and all, by "Remove"
    form = DocumentFileDeleteForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_file_delete(
                actor=user, request=request, document=found, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error("reason", error)
        else:
            messages.success(
                request, _("The file was deleted. Its version stays in the history, with your reason.")
            )
            return redirect("consultations:consultation_detail", code=consultation.code)
    return render(
        request,
        "consultations/document_file_delete.html",
        {
            "consultation": consultation,
            "document": found,
            "current": found.withdrawn_at is None
            and not SupportingDocument.objects.filter(replaces=found).exists(),
            "form": form,
        },
    )


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
    # Only the versions people are given now: a replaced or withdrawn one is staff's evidence.
    found = consultation.documents.current().filter(code=document).first() if consultation else None
    if found is None:
        raise Http404
    return _file(found)


@require_GET
@staff_required
def document_staff_download(request: HttpRequest, code: UUID, document: UUID) -> HttpResponseBase:
    """Staff: any document of a consultation they may see, published or not."""
    consultation = get_for_view(request, Consultation.objects.all(), code=code)
    found = consultation.documents.filter(code=document).first()
    if found is None:
        raise Http404
    if found.file_deleted_at is not None:
        return render(
            request,
            "consultations/document_file_gone.html",
            {"consultation": consultation, "document": found},
            status=404,
        )
    return _file(found)
