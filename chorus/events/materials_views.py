"""Pages of an event's materials: staff upload files and tell those who did not come; the
public see and download them once the event has happened."""

from __future__ import annotations

import mimetypes
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chorus.core import uploads
from chorus.core.access import get_for_change, role_required, staff_required, staff_user
from chorus.engagement.models import Activity
from chorus.engagement.selectors import public_events
from chorus.events import materials
from chorus.events.models import MaterialFile, Registration
from chorus.events.views import EDITORS

MATERIAL_EXTENSIONS = uploads.DOCUMENT_EXTENSIONS | uploads.RECORDING_EXTENSIONS


class MaterialFileForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=200,
        error_messages={"required": gettext_lazy("Enter a title")},
    )
    title_cy = forms.CharField(
        label=gettext_lazy("Title in Welsh (optional)"), max_length=200, required=False
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        error_messages={
            "required": gettext_lazy("Choose a file to upload"),
            "empty": gettext_lazy("The file is empty: choose another"),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Made for each form, so it is in the page's language.
        self.fields["file"].help_text = _(
            "Slides, notes or a recording: PDF, Word, OpenDocument, Excel, PowerPoint, CSV, text, "
            "MP3, M4A, MP4, WebM, WAV or Ogg, up to %(size)s"
        ) % {"size": filesizeformat(uploads.DOCUMENT_MOST_BYTES)}

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if uploads.extension(upload.name) not in MATERIAL_EXTENSIONS:
            raise forms.ValidationError(
                _(
                    "The file must be a PDF, Word, OpenDocument, Excel, PowerPoint, CSV or text file, "
                    "or an MP3, M4A, MP4, WebM, WAV or Ogg recording"
                )
            )
        if upload.size > uploads.DOCUMENT_MOST_BYTES:
            raise forms.ValidationError(
                _("The file must be smaller than %(size)s")
                % {"size": filesizeformat(uploads.DOCUMENT_MOST_BYTES)}
            )
        kind = uploads.extension(upload.name)
        if not uploads.content_matches(upload, kind):
            raise forms.ValidationError(
                _(
                    "The file's contents are not what its name says (.%(kind)s): choose the file again, "
                    "or save it again in that format"
                )
                % {"kind": kind}
            )
        return upload


@require_http_methods(["GET", "POST"])
@staff_required
@role_required(*EDITORS)
def materials_page(request: HttpRequest, code: UUID) -> HttpResponse:
    activity = get_for_change(request, Activity.objects.all(), code=code)
    form = MaterialFileForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        materials.material_file_add(
            actor=staff_user(request),
            request=request,
            activity=activity,
            title=form.cleaned_data["title"],
            title_cy=form.cleaned_data["title_cy"],
            upload=form.cleaned_data["file"],
        )
        messages.success(request, _("File added."))
        return redirect("events:materials", code=activity.code)
    registrations = Registration.objects.filter(activity=activity)
    return render(
        request,
        "events/materials.html",
        {
            "activity": activity,
            "form": form,
            "files": activity.material_files.all(),
            "links": activity.materials.all(),
            "happened": materials.has_happened(activity),
            "has_materials": materials.has_materials(activity),
            "to_tell": materials.no_shows(activity).count(),
            "sending": materials.materials_sending(activity),
            "told": registrations.filter(materials_sent_at__isnull=False).count(),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
@role_required(*EDITORS)
def material_remove(request: HttpRequest, code: UUID) -> HttpResponse:
    """Removing a file takes it off the public event page for good: asked first."""
    material = get_for_change(request, MaterialFile.objects.select_related("activity"), code=code)
    activity = material.activity
    if request.method == "POST":
        materials.material_file_remove(actor=staff_user(request), request=request, material=material)
        messages.success(request, _("“%(title)s” removed.") % {"title": material.title})
        return redirect("events:materials", code=activity.code)
    return render(request, "events/material_remove.html", {"activity": activity, "material": material})


@require_POST
@staff_required
@role_required(*EDITORS)
def materials_tell(request: HttpRequest, code: UUID) -> HttpResponse:
    activity = get_for_change(request, Activity.objects.all(), code=code)
    if not materials.has_happened(activity):
        messages.error(request, _("The event has not happened yet."))
    elif not materials.has_materials(activity):
        messages.error(request, _("Add a file or a link first."))
    else:
        count = materials.materials_tell(actor=staff_user(request), request=request, activity=activity)
        messages.success(
            request,
            ngettext(
                "An email is on its way to %(count)s person who did not come.",
                "Emails are on their way to %(count)s people who did not come.",
                count,
            )
            % {"count": count}
            if count
            else _("Everyone who did not come has been told already."),
        )
    return redirect("events:materials", code=activity.code)


def _past_event(code: UUID) -> Activity:
    event = public_events({}).filter(code=code, starts_at__lte=timezone.now()).first()
    if event is None:
        raise Http404
    return event


@require_GET
def public_materials(request: HttpRequest, code: UUID) -> HttpResponse:
    event = _past_event(code)
    return render(
        request,
        "events/materials_public.html",
        {"event": event, "files": event.material_files.all(), "links": event.materials.all()},
    )


@require_GET
def material_download(request: HttpRequest, code: UUID, file: UUID) -> FileResponse:
    event = _past_event(code)
    material = event.material_files.filter(code=file).first()
    if material is None:
        raise Http404
    extension = uploads.extension(material.original_name)
    return FileResponse(
        material.file.open("rb"),
        as_attachment=extension != "pdf",
        filename=material.original_name,
        content_type=mimetypes.guess_type(material.original_name)[0] or "application/octet-stream",
    )
