"""Staff pages for subject access requests and erasure."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chorus.accounts.models import Role
from chorus.core.access import (
    administrator_required,
    get_for_change,
    role_required,
    staff_required,
    staff_user,
)
from chorus.core.audit import audit_record
from chorus.core.models import AuditAction
from chorus.directory.forms import EraseForm
from chorus.directory.models import SubjectAccessRequest
from chorus.directory.rights import person_erase, sar_request
from chorus.directory.selectors import people_for

EDITORS = (Role.ADMINISTRATOR, Role.ENGAGEMENT_OFFICER)


@require_POST
@staff_required
@role_required(*EDITORS)
def subject_access_request(request: HttpRequest, code: UUID) -> HttpResponse:
    user = staff_user(request)
    person = get_for_change(request, people_for(user), code=code)
    reference = request.POST.get("reference", "").strip()[:100]
    sar_request(actor=user, person=person, reference=reference, request=request)
    messages.success(request, _("The file is being prepared. It appears on this page when it is ready."))
    return redirect("directory:person_detail", code=person.code)


@staff_required
@role_required(*EDITORS)
def subject_access_download(request: HttpRequest, code: UUID) -> FileResponse:
    user = staff_user(request)
    sar = SubjectAccessRequest.objects.filter(code=code, status=SubjectAccessRequest.Status.READY).first()
    if (
        sar is None
        or not sar.file
        or sar.person is None
        or not people_for(user).filter(code=sar.person.code).exists()
    ):
        raise Http404
    if sar.requested_by_id != user.pk and not user.is_administrator:
        raise PermissionDenied
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        obj=sar.person,
        request=request,
        detail={"subject access file": str(sar.code)},
    )
    return FileResponse(sar.file.open("rb"), as_attachment=True, filename=f"subject-access-{sar.code}.zip")


@staff_required
@administrator_required
@require_http_methods(["GET", "POST"])
def person_erase_view(request: HttpRequest, code: UUID) -> HttpResponse:
    user = staff_user(request)
    person = get_for_change(request, people_for(user), code=code)
    form = EraseForm(data=request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            person_erase(actor=user, person=person, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("The person has been erased. Counts that included them still add up.")
            )
        return redirect("directory:person_list")
    return render(request, "directory/person_erase.html", {"person": person, "form": form})
