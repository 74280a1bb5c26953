"""Commitments: recommendations, plan actions and promises, tracked to done and published."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chorus.core.access import (
    can_change,
    get_for_change,
    get_for_view,
    role_required,
    staff_required,
    staff_user,
    visible_to,
)
from chorus.engagement import services
from chorus.engagement.forms import (
    CommitmentFilterForm,
    CommitmentForm,
    CommitmentUpdateForm,
    EvidenceRemoveForm,
)
from chorus.engagement.models import Commitment, ImpactRecord, Project
from chorus.engagement.selectors import commitments_for, published_commitments
from chorus.engagement.views import EDITORS

FIELDS = (
    "kind",
    "title",
    "title_cy",
    "description",
    "description_cy",
    "source_body",
    "source",
    "source_date",
    "reference",
    "owner",
    "team",
    "due_on",
    "status",
    "status_reason",
    "project",
    "impact_record",
)


@staff_required
def commitment_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = CommitmentFilterForm(data=request.GET or None, user=user)
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(commitments_for(user, filters), settings.CHORUS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "engagement/commitment_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "may_add": user.role in EDITORS},
    )


@staff_required
@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def commitment_edit(request: HttpRequest, code: UUID | None = None) -> HttpResponse:
    user = staff_user(request)
    commitment = get_for_change(request, Commitment.objects.all(), code=code) if code else None
    initial: dict[str, Any] | None = None
    if commitment is not None:
        initial = {name: getattr(commitment, name) for name in FIELDS}
        initial["activities"] = list(commitment.activities.all())
        initial["consultations"] = list(commitment.consultations.all())
    elif project := _project_from(request):
        initial = {"project": project, "team": project.team}
    form = CommitmentForm(data=request.POST or None, initial=initial, user=user, commitment=commitment)
    if request.method == "POST" and form.is_valid():
        commitment = services.commitment_save(
            actor=user, request=request, commitment=commitment, **form.cleaned_data
        )
        messages.success(request, _("Commitment saved."))
        return redirect("engagement:commitment_detail", code=commitment.code)
    return render(request, "engagement/commitment_form.html", {"form": form, "commitment": commitment})


def _project_from(request: HttpRequest) -> Project | None:
    """The project a new commitment starts from (``?project=``, from a project's page)."""
    code = request.GET.get("project", "")
    try:
        return visible_to(staff_user(request), Project.objects.select_related("team")).get(code=UUID(code))
    except (ValueError, Project.DoesNotExist):
        return None


def _detail(request: HttpRequest, commitment: Commitment, update_form: CommitmentUpdateForm) -> HttpResponse:
    user = staff_user(request)
    return render(
        request,
        "engagement/commitment_detail.html",
        {
            "commitment": commitment,
            "updates": commitment.updates.select_related("by"),
            # Links to records of a team the reader is not in are left out, as everywhere.
            "activities": visible_to(user, commitment.activities.order_by("-starts_at")),
            "consultations": visible_to(user, commitment.consultations.order_by("-opens_at")),
            "evidence": commitment.evidence.all(),
            "project": visible_to(user, Project.objects.filter(commitments=commitment)).first(),
            "impact_record": visible_to(
                user, ImpactRecord.objects.filter(commitments=commitment).select_related("project")
            ).first(),
            "may_change": can_change(user, commitment),
            "update_form": update_form,
        },
    )


@staff_required
def commitment_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    commitment = get_for_view(
        request,
        Commitment.objects.select_related("owner", "team"),
        code=code,
    )
    return _detail(request, commitment, CommitmentUpdateForm(initial={"status": commitment.status}))


@require_POST
@staff_required
@role_required(*EDITORS)
def commitment_update_add(request: HttpRequest, code: UUID) -> HttpResponse:
    commitment = get_for_change(
        request,
        Commitment.objects.select_related("owner", "team"),
        code=code,
    )
    form = CommitmentUpdateForm(data=request.POST)
    if not form.is_valid():
        return _detail(request, commitment, form)
    services.commitment_update_add(
        actor=staff_user(request), request=request, commitment=commitment, **form.cleaned_data
    )
    messages.success(request, _("Update added."))
    return redirect("engagement:commitment_detail", code=commitment.code)


@require_POST
@staff_required
@role_required(*EDITORS)
def commitment_evidence_remove(request: HttpRequest, code: UUID) -> HttpResponse:
    """Remove one of the commitment's evidence links, in one click; the audit log keeps it."""
    commitment = get_for_change(request, Commitment.objects.all(), code=code)
    form = EvidenceRemoveForm(data=request.POST, commitment=commitment)
    if form.is_valid():
        services.commitment_evidence_remove(
            actor=staff_user(request), request=request, evidence=form.cleaned_data["evidence"]
        )
        messages.success(request, _("Evidence link removed."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("engagement:commitment_detail", code=commitment.code)


@require_POST
@staff_required
@role_required(*EDITORS)
def commitment_publish(request: HttpRequest, code: UUID) -> HttpResponse:
    commitment = get_for_change(request, Commitment.objects.all(), code=code)
    publish = request.POST.get("publish") == "1"
    services.commitment_publish(
        actor=staff_user(request), request=request, commitment=commitment, publish=publish
    )
    messages.success(
        request, _("Published on the public page.") if publish else _("Taken off the public page.")
    )
    return redirect("engagement:commitment_detail", code=commitment.code)


@require_GET
def public_commitments(request: HttpRequest) -> HttpResponse:
    return render(request, "engagement/public_commitments.html", {"commitments": published_commitments()})
