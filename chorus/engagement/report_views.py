"""The engagement report as a page, a CSV file and a PDF, for any period and filters."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from chorus.core.access import staff_required, staff_user
from chorus.core.downloads import csv_response
from chorus.core.registry import export_sections, page_sections
from chorus.engagement.forms import ReportForm
from chorus.engagement.report import Report, engagement_report, quarter_label, quarter_of, report_rows


def _report(request: HttpRequest) -> tuple[ReportForm, Report | None, list[dict[str, Any]]]:
    user = staff_user(request)
    last_quarter = quarter_of(quarter_of(timezone.localdate())[0] - timedelta(days=1))
    data = request.GET.copy()
    data.setdefault("start", last_quarter[0].isoformat())
    data.setdefault("end", last_quarter[1].isoformat())
    form = ReportForm(data=data, user=user)
    quarters = []
    day = timezone.localdate()
    for _step in range(8):
        start, end = quarter_of(day)
        quarters.append({"label": quarter_label(start), "start": start, "end": end})
        day = start - timedelta(days=1)
    if not form.is_valid():
        return form, None, quarters
    report = engagement_report(user=user, **form.cleaned_data)
    return form, report, quarters


def _filename(report: Report, suffix: str) -> str:
    return f"engagement-report-{report.start}-to-{report.end}.{suffix}"


@staff_required
def report(request: HttpRequest) -> HttpResponse:
    form, found, quarters = _report(request)
    query = request.GET.copy()
    sections = page_sections("engagement_report", staff_user(request), found) if found else []
    return render(
        request,
        "engagement/report.html",
        {
            "form": form,
            "report": found,
            "quarters": quarters,
            "query": query.urlencode(),
            "sections": sections,
        },
    )


@staff_required
def report_csv(request: HttpRequest) -> HttpResponseBase:
    form, found, _quarters = _report(request)
    if found is None:
        return render(request, "engagement/report.html", {"form": form, "report": None}, status=400)
    extra = export_sections("engagement_report", request, found)
    return csv_response(iter(report_rows(found, extra)), _filename(found, "csv"))


@staff_required
def report_pdf(request: HttpRequest) -> HttpResponse:
    from chorus.engagement.report_pdf import report_pdf_bytes

    form, found, _quarters = _report(request)
    if found is None:
        return render(request, "engagement/report.html", {"form": form, "report": None}, status=400)
    extra = export_sections("engagement_report", request, found)
    response = HttpResponse(report_pdf_bytes(found, extra), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(found, "pdf")}"'
    return response
