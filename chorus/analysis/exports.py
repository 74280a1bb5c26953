"""Exports of an analysis: themes and assignments as CSV, and a readable summary report.

Every export uses the redacted text; downloads are audited.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from chorus.analysis.models import AnalysisRun, Assignment, Theme
from chorus.core.access import get_for_view, staff_required, staff_user
from chorus.core.audit import audit_record
from chorus.core.downloads import csv_response
from chorus.core.models import AuditAction


def _run(request: HttpRequest, code: UUID, what: str) -> AnalysisRun:
    run = get_for_view(request, AnalysisRun.objects.all(), code=code)
    audit_record(
        actor=staff_user(request),
        action=AuditAction.EXPORT,
        obj=run,
        request=request,
        detail={"export": what},
    )
    return run


def _mix(theme: Theme, name: str) -> int:
    return int(theme.sentiment.get(name, 0))


@staff_required
def themes_csv(request: HttpRequest, code: UUID) -> StreamingHttpResponse:
    run = _run(request, code, "themes")

    def rows() -> Iterator[list[Any]]:
        yield [
            "level",
            "theme",
            "broad theme",
            "description",
            "keyphrases",
            "responses",
            "counted (campaigns once)",
            "share",
            "positive",
            "neutral",
            "negative",
            "stance",
            "locked",
        ]
        for t in run.themes.select_related("parent").order_by("level", "-share"):
            yield [
                t.level,
                t.label,
                t.parent.label if t.parent else "",
                t.description,
                "; ".join(t.keyphrases),
                t.size,
                t.counted,
                round(t.share, 4),
                _mix(t, "positive"),
                _mix(t, "neutral"),
                _mix(t, "negative"),
                "; ".join(f"{k}: {v}" for k, v in t.stance.items()),
                "yes" if t.locked else "no",
            ]

    return csv_response(rows(), f"analysis-{run.code}-themes.csv")


@staff_required
def assignments_csv(request: HttpRequest, code: UUID) -> StreamingHttpResponse:
    run = _run(request, code, "assignments")

    def rows() -> Iterator[list[Any]]:
        yield [
            "response",
            "source",
            "text (redacted)",
            "sentiment",
            "stance",
            "campaign",
            "campaign size",
            "personal data found",
            "themes",
            "confidence",
            "placed by an analyst",
        ]
        assignments: dict[int, list[Assignment]] = {}
        for a in Assignment.objects.filter(theme__run=run, theme__level="fine").select_related("theme"):
            assignments.setdefault(a.item_id, []).append(a)
        for item in run.items.order_by("pk").iterator(chunk_size=2000):
            mine = assignments.get(item.pk, [])
            yield [
                item.pk,
                item.get_source_display(),
                item.redacted,
                item.sentiment,
                item.stance,
                item.campaign if item.campaign is not None else "",
                item.campaign_size,
                "; ".join(item.personal_data),
                "; ".join(a.theme.label for a in mine),
                "; ".join(f"{a.confidence:.2f}" for a in mine),
                "yes" if any(a.by_analyst for a in mine) else "no",
            ]

    return csv_response(rows(), f"analysis-{run.code}-assignments.csv")


@staff_required
def report_html(request: HttpRequest, code: UUID) -> HttpResponse:
    run = _run(request, code, "report")
    broad = list(run.themes.filter(level="broad").prefetch_related("children").order_by("-share"))
    quotes = {
        i.pk: i.redacted for i in run.items.filter(pk__in=[q for t in run.themes.all() for q in t.quotes])
    }
    sections = [
        {
            "theme": b,
            "quotes": [quotes[q] for q in b.quotes if q in quotes],
            "children": [
                {"theme": c, "quotes": [quotes[q] for q in c.quotes if q in quotes][:2]}
                for c in sorted(b.children.all(), key=lambda c: -c.share)
            ],
        }
        for b in broad
    ]
    totals = {s: run.items.filter(sentiment=s).count() for s in ("positive", "neutral", "negative")}
    html = render_to_string(
        "analysis/report.html",
        {
            "run": run,
            "sections": sections,
            "totals": totals,
            "made": timezone.now(),
            "changes": run.changes.count(),
            "campaigns": run.campaign_count,
        },
        request=request,
    )
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="analysis-{run.code}-report.html"'
    return response
