"""Staff pages for social media listening: sources, imports of exported posts, and the
emerging issues found in service feedback."""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from chorus.analysis.forms import SocialImportForm, SocialSourceForm
from chorus.analysis.models import AnalysisRun, EmergingIssue, SocialSource
from chorus.analysis.social import parse, posts_import
from chorus.core.access import (
    can_change,
    get_for_change,
    get_for_view,
    staff_required,
    staff_user,
    visible_to,
)
from chorus.core.audit import audit_record
from chorus.core.models import AuditAction
from chorus.feedback.models import Service


@staff_required
def source_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = SocialSourceForm(request.POST or None)
    if request.method == "POST":
        if not can_change(user, SocialSource()):
            raise PermissionDenied
        if form.is_valid():
            team = user.teams.first()
            source = SocialSource.objects.create(team=team, **form.cleaned_data)
            audit_record(actor=user, action=AuditAction.CREATE, obj=source, request=request)
            return redirect("analysis:source_detail", code=source.code)
    sources = visible_to(user, SocialSource.objects.all())
    return render(
        request,
        "analysis/source_list.html",
        {"sources": sources, "form": form, "can_change": can_change(user, SocialSource())},
    )


@staff_required
def source_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    source = get_for_view(request, SocialSource.objects.all(), code=code)
    errors: list[str] = []
    form = SocialImportForm()
    if request.method == "POST":
        source = get_for_change(request, SocialSource.objects.all(), code=code)
        form = SocialImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            parsed = parse(upload, upload.name)
            errors = parsed.errors
            if not errors:
                added = posts_import(source=source, rows=parsed.rows)
                audit_record(
                    actor=staff_user(request),
                    action=AuditAction.CREATE,
                    obj=source,
                    request=request,
                    detail={"imported_posts": added, "file": upload.name},
                )
                skipped = len(parsed.rows) - added
                messages.success(
                    request,
                    _("%(added)s posts imported; %(skipped)s were already here.")
                    % {"added": added, "skipped": skipped},
                )
                return redirect("analysis:source_detail", code=source.code)
    page = Paginator(source.posts.all(), settings.CHORUS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "analysis/source_detail.html",
        {
            "source": source,
            "form": form,
            "errors": errors,
            "page": page,
            "can_change": can_change(staff_user(request), source),
            "can_start": can_change(staff_user(request), AnalysisRun()),
        },
    )


@staff_required
def emerging(request: HttpRequest, code: UUID) -> HttpResponse:
    service = get_for_view(request, Service.objects.all(), code=code)
    issues = EmergingIssue.objects.filter(service=service)
    page = Paginator(issues, 20).get_page(request.GET.get("page"))
    return render(request, "analysis/emerging.html", {"service": service, "page": page})
