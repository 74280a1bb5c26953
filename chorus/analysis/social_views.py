"""Staff pages for social media listening: sources, imports of exported posts, and the
emerging issues found in service feedback and in enquiries and complaints."""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from chorus.analysis.engine.pii import redact
from chorus.analysis.forms import SocialImportForm, SocialSourceForm
from chorus.analysis.models import AnalysisRun, CaseEmergingIssue, EmergingIssue, SocialSource
from chorus.analysis.social import parse, posts_import
from chorus.cases.models import Case
from chorus.core.access import (
    can_change,
    get_for_change,
    get_for_view,
    staff_required,
    staff_user,
    visible_to,
)
from chorus.core.audit import audit_record, audit_record_many
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


EXCERPT = 300  # characters of a case's message shown as evidence
SERVICE_CASE_ISSUES = 10  # the newest issues in cases naming a service, on its page


def _case_cards(
    request: HttpRequest, issues: list[CaseEmergingIssue]
) -> list[tuple[CaseEmergingIssue, list[tuple[Case, str]]]]:
    """Each issue with its cases as evidence: only the cases the user may see, with the start
    of the person's message (personal details masked). Each case whose message is shown has
    the view in its own history, as opening its page would."""
    user = staff_user(request)
    wanted = {pk for issue in issues for pk in issue.cases}
    cases = {
        case.pk: case
        for case in visible_to(user, Case.objects.filter(pk__in=wanted)).select_related("category")
    }
    cards = [
        (issue, [(case, redact(case.description)[:EXCERPT]) for pk in issue.cases if (case := cases.get(pk))])
        for issue in issues
    ]
    audit_record_many(
        actor=user,
        records=[(AuditAction.VIEW, case) for case in cases.values()],
        request=request,
        detail={"shown on": "emerging issues in cases"},
    )
    return cards


@staff_required
def emerging(request: HttpRequest, code: UUID) -> HttpResponse:
    """A service's emerging issues in its feedback, and the newest in the enquiries and
    complaints that name it (those of the user's teams and of no team)."""
    service = get_for_view(request, Service.objects.all(), code=code)
    issues = EmergingIssue.objects.filter(service=service)
    page = Paginator(issues, 20).get_page(request.GET.get("page"))
    names = Q(key__iexact=service.name) | (Q(key__iexact=service.name_cy) if service.name_cy else Q())
    in_cases = visible_to(
        staff_user(request),
        CaseEmergingIssue.objects.filter(names, about=CaseEmergingIssue.About.SERVICE).select_related("team"),
    )
    cards = _case_cards(request, list(in_cases[:SERVICE_CASE_ISSUES]))
    return render(request, "analysis/emerging.html", {"service": service, "page": page, "cards": cards})


@staff_required
def case_emerging(request: HttpRequest) -> HttpResponse:
    """The emerging issues found in the enquiries and complaints of the user's teams (and of
    no team), each with the cases the user may open as evidence."""
    user = staff_user(request)
    issues = visible_to(user, CaseEmergingIssue.objects.select_related("team"))
    page = Paginator(issues, 20).get_page(request.GET.get("page"))
    cards = _case_cards(request, list(page.object_list))
    return render(request, "analysis/case_emerging.html", {"page": page, "cards": cards})
