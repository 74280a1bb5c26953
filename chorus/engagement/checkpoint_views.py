"""Staff pages for engagement checkpoints across projects: find, waive and reinstate them."""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chorus.core.access import get_for_change, role_required, staff_required, staff_user, visible_to
from chorus.engagement import services
from chorus.engagement.forms import CheckpointFilterForm, WaiveForm
from chorus.engagement.models import Checkpoint, CheckpointQuerySet
from chorus.engagement.views import EDITORS, with_progress


@staff_required
def checkpoint_list(request: HttpRequest) -> HttpResponse:
    form = CheckpointFilterForm(data=request.GET or {"status": "overdue"})
    status = form.cleaned_data["status"] if form.is_valid() else "overdue"
    today = timezone.localdate()
    checkpoints: CheckpointQuerySet = visible_to(  # type: ignore[assignment]
        staff_user(request), Checkpoint.objects.all()
    )
    checkpoints = checkpoints.with_engagement().select_related("project", "group", "stage", "waived_by")
    if status == "waived":
        checkpoints = checkpoints.exclude(waived_reason="")
    elif status:
        checkpoints = checkpoints.filter(waived_reason="")
        if status == "met":
            checkpoints = checkpoints.engaged()
        else:
            due = {"due_on__lt": today} if status == "overdue" else {"due_on__gte": today}
            checkpoints = checkpoints.not_engaged().filter(**due)
    page = Paginator(checkpoints.order_by("due_on", "project__name"), settings.CHORUS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = with_progress(page.object_list)
    return render(
        request,
        "engagement/checkpoint_list.html",
        {"form": form, "page": page, "status": status, "query": f"status={status}"},
    )


@staff_required
@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def checkpoint_waive(request: HttpRequest, code: UUID) -> HttpResponse:
    checkpoint = get_for_change(
        request, Checkpoint.objects.select_related("project", "group", "stage"), code=code
    )
    form = WaiveForm(data=request.POST or None, initial={"reason": checkpoint.waived_reason})
    if request.method == "POST" and form.is_valid():
        services.checkpoint_waive(
            actor=staff_user(request),
            request=request,
            checkpoint=checkpoint,
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("Checkpoint waived."))
        return redirect("engagement:project_detail", code=checkpoint.project.code)
    return render(request, "engagement/checkpoint_waive.html", {"checkpoint": checkpoint, "form": form})


@require_POST
@staff_required
@role_required(*EDITORS)
def checkpoint_reinstate(request: HttpRequest, code: UUID) -> HttpResponse:
    checkpoint = get_for_change(request, Checkpoint.objects.select_related("project"), code=code)
    services.checkpoint_waive(actor=staff_user(request), request=request, checkpoint=checkpoint, reason="")
    messages.success(request, _("Checkpoint reinstated."))
    return redirect("engagement:project_detail", code=checkpoint.project.code)
