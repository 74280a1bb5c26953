"""Staff pages for digital services: set one up, embed the script, read its feedback."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from chorus.accounts.models import Role
from chorus.core.access import (
    can_change,
    get_for_change,
    get_for_view,
    role_required,
    staff_required,
    staff_user,
    visible_to,
)
from chorus.core.audit import audit_record
from chorus.core.exports import export_start
from chorus.core.models import AuditAction
from chorus.equality.views import counts_page
from chorus.feedback import services
from chorus.feedback.forms import ServiceForm
from chorus.feedback.models import ExitSurveyResponse, PageFeedback, Service
from chorus.feedback.selectors import service_exit_responses, service_feedback, service_summary

EDITORS = (Role.ADMINISTRATOR, Role.ENGAGEMENT_OFFICER)
PERIODS = (7, 30, 90, 365)


def _days(request: HttpRequest) -> int:
    try:
        days = int(request.GET.get("days", 30))
    except ValueError:
        return 30
    return days if days in PERIODS else 30


def _recent_count(model: type[PageFeedback] | type[ExitSurveyResponse], since: datetime) -> Any:
    """How many rows of ``model`` a service has had since ``since``, as one subquery (joining
    both tables at once would multiply their rows)."""
    rows = (
        model.objects.filter(service=OuterRef("pk"), created_at__gte=since)
        .order_by()
        .values("service")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows), 0)


@staff_required
def service_list(request: HttpRequest) -> HttpResponse:
    since = timezone.now() - timedelta(days=30)
    services = visible_to(
        staff_user(request), Service.objects.select_related("team").order_by("name")
    ).annotate(
        feedback_count=_recent_count(PageFeedback, since), exit_count=_recent_count(ExitSurveyResponse, since)
    )
    page = Paginator(services, settings.CHORUS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "feedback/service_list.html", {"page": page})


@staff_required
@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def service_edit(request: HttpRequest, code: UUID | None = None) -> HttpResponse:
    user = staff_user(request)
    service = get_for_change(request, Service.objects.all(), code=code) if code else None
    form = ServiceForm(data=request.POST or None, instance=service, user=user)
    if request.method == "POST" and form.is_valid():
        saved = services.service_save(
            actor=user,
            request=request,
            service=service,
            fields={name: form.cleaned_data[name] for name in ServiceForm.Meta.fields},
        )
        messages.success(request, _("Service saved."))
        return redirect("feedback:service_detail", code=saved.code)
    return render(request, "feedback/service_form.html", {"form": form, "service": service})


@staff_required
def service_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    user = staff_user(request)
    service = get_for_view(request, Service.objects.select_related("team"), code=code)
    days = _days(request)
    since = timezone.now() - timedelta(days=days)
    comments = service_feedback(service, since).exclude(text="")
    page = Paginator(comments, settings.CHORUS_PAGE_SIZE).get_page(request.GET.get("page"))
    ideas = service_exit_responses(service, since).exclude(improvement="")[:20]
    base = (
        settings.CHORUS_BASE_URL.rstrip("/")
        if settings.CHORUS_BASE_URL
        else request.build_absolute_uri("/").rstrip("/")
    )
    return render(
        request,
        "feedback/service_detail.html",
        {
            "service": service,
            "summary": service_summary(service, since),
            "days": days,
            "periods": PERIODS,
            "page": page,
            "ideas": ideas,
            "may_change": can_change(user, service),
            "script_url": base + "/static/feedback/chorus-feedback.js",
            "exit_url": base + reverse("feedback:exit_survey", kwargs={"slug": service.slug}),
            "openapi_url": base + reverse("feedback_api:openapi"),
        },
    )


@staff_required
def service_export(request: HttpRequest, code: UUID, what: str) -> HttpResponse:
    """Ask for the page feedback or exit survey answers as CSV, written by a task (``exporters.py``)."""
    service = get_for_view(request, Service.objects.all(), code=code)
    days = _days(request)
    audit_record(
        actor=request.user, action=AuditAction.EXPORT, obj=service, request=request, detail={"export": what}
    )
    feedback = what == "feedback"
    export = export_start(
        user=staff_user(request),
        exporter="feedback.page_feedback" if feedback else "feedback.exit_survey",
        params={"service": str(service.code), "since": (timezone.now() - timedelta(days=days)).isoformat()},
        file_format="csv",
        title=(
            _("Page feedback on %(service)s, last %(days)s days")
            if feedback
            else _("Exit survey answers for %(service)s, last %(days)s days")
        )
        % {"service": service.name, "days": days},
        download_name=f"{service.slug}-page-feedback" if feedback else f"{service.slug}-exit-survey",
    )
    return redirect("core:export_status", code=export.code)


@staff_required
def service_equality(request: HttpRequest, code: UUID) -> HttpResponse:
    service = get_for_view(request, Service.objects.all(), code=code)
    return counts_page(
        request,
        asked=service,
        asked_for=service.code,
        template="feedback/service_equality.html",
        name="service",
    )
