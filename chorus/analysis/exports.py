"""Exports of an analysis: themes and assignments as CSV (written by a task, ``exporters.py``),
and a readable summary report.

Every export uses the redacted text. Exports hold what respondents wrote, so viewers
(who read records but take nothing away) are refused them; the rest may export the
analyses of their teams' consultations, services and sources, and every export is audited.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from csp.constants import NONCE
from csp.decorators import csp_update
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from chorus.accounts.models import Role
from chorus.analysis.models import AnalysisRun, SocialSource
from chorus.analysis.report import DOCX_CONTENT_TYPE, report_build, report_docx_bytes, report_pdf_bytes
from chorus.consultations.models import Consultation, Question
from chorus.core.access import get_for_view, staff_required, staff_user, visible_to
from chorus.core.audit import audit_record
from chorus.core.disclosure import threshold
from chorus.core.downloads import attachment
from chorus.core.exports import export_start
from chorus.core.models import AuditAction
from chorus.engagement.models import Activity
from chorus.feedback.models import Service

if TYPE_CHECKING:
    from chorus.accounts.models import User

# Who may take an analysis's exports away: every role but viewers.
EXPORT_ROLES = frozenset({Role.ADMINISTRATOR, Role.ENGAGEMENT_OFFICER, Role.ANALYST})


def can_export(user: User) -> bool:
    return user.is_active and user.role in EXPORT_ROLES


def _subject(run: AnalysisRun) -> QuerySet[Any] | None:
    """The consultation, question, service, social source or activity the run analysed."""
    subjects: tuple[tuple[int | None, type[Model]], ...] = (
        (run.question_id, Question),
        (run.consultation_id, Consultation),
        (run.service_id, Service),
        (run.social_source_id, SocialSource),
        (run.activity_id, Activity),
    )
    for pk, model in subjects:
        if pk is not None:
            return model._default_manager.filter(pk=pk)
    return None


def may_export_run(user: User, run: AnalysisRun) -> bool:
    """Whether ``user`` may take ``run``'s exports away: they see the run and what it
    analysed, and their role takes exports."""
    if not visible_to(user, AnalysisRun.objects.filter(pk=run.pk)).exists():
        return False
    subject = _subject(run)
    return can_export(user) and (subject is None or visible_to(user, subject).exists())


def _run(request: HttpRequest, code: UUID, what: str) -> AnalysisRun:
    """The run to export: 404 unless the user may see it and what it analysed (the run's
    team is copied from its subject when it starts, and the subject may since have moved to
    another team), 403 for viewers; the export is audited."""
    user = staff_user(request)
    run = get_for_view(request, AnalysisRun.objects.all(), code=code)
    subject = _subject(run)
    if subject is not None and not visible_to(user, subject).exists():
        raise Http404
    if not can_export(user):
        raise PermissionDenied
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        obj=run,
        request=request,
        detail={"export": what},
    )
    return run


def _ask(request: HttpRequest, code: UUID, what: str, title: str) -> HttpResponse:
    """Ask for one of the run's CSV files, written by a task (``exporters.py``)."""
    run = _run(request, code, what)
    export = export_start(
        user=staff_user(request),
        exporter=f"analysis.{what}",
        params={"run": str(run.code)},
        file_format="csv",
        title=title % {"run": str(run)},
        download_name=f"analysis-{run.code}-{what}",
    )
    return redirect("core:export_status", code=export.code)


@staff_required
def themes_csv(request: HttpRequest, code: UUID) -> HttpResponse:
    return _ask(request, code, "themes", _("Themes of %(run)s"))


@staff_required
def assignments_csv(request: HttpRequest, code: UUID) -> HttpResponse:
    return _ask(request, code, "assignments", _("Responses and their themes in %(run)s"))


@staff_required
# The report is one file with its styles inline; the nonce lets them apply. (django-csp types
# its decorators for views that take only the request.)
@csp_update({"style-src": [NONCE]})  # type: ignore[arg-type]
def report_html(request: HttpRequest, code: UUID) -> HttpResponse:
    run = _run(request, code, "report")
    report = report_build(run)
    html = render_to_string(
        "analysis/report.html",
        {
            "run": run,
            "sections": report.sections,
            "totals": report.totals,
            "made": report.made,
            "changes": report.changes,
            "campaigns": report.campaigns,
            "below": threshold(),
        },
        request=request,
    )
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    if request.GET.get("download"):
        attachment(response, f"analysis-{run.code}-report.html")
    return response


@staff_required
def report_pdf(request: HttpRequest, code: UUID) -> HttpResponse:
    run = _run(request, code, "report.pdf")
    response = HttpResponse(report_pdf_bytes(report_build(run)), content_type="application/pdf")
    attachment(response, f"analysis-{run.code}-report.pdf")
    return response


@staff_required
def report_docx(request: HttpRequest, code: UUID) -> HttpResponse:
    run = _run(request, code, "report.docx")
    response = HttpResponse(report_docx_bytes(report_build(run)), content_type=DOCX_CONTENT_TYPE)
    attachment(response, f"analysis-{run.code}-report.docx")
    return response
