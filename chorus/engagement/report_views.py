"""The engagement report as a page, a CSV file and a PDF, for any period and filters."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chorus.accounts.models import Team
from chorus.accounts.selectors import teams_assignable_by
from chorus.core.access import staff_required, staff_user
from chorus.core.downloads import csv_response
from chorus.engagement.models import Project
from chorus.engagement.report import Report, engagement_report, quarter_label, quarter_of, report_rows
from chorus.engagement.selectors import projects_assignable_by

LONGEST_PERIOD = timedelta(days=3 * 366)


class ReportForm(forms.Form):
    start = forms.DateField(
        label=_("From"),
        help_text=_("For example, 2026-07-01"),
        error_messages={
            "required": _("Enter the first day"),
            "invalid": _("Enter the first day like 2026-07-01"),
        },
    )
    end = forms.DateField(
        label=_("To"),
        help_text=_("For example, 2026-09-30"),
        error_messages={
            "required": _("Enter the last day"),
            "invalid": _("Enter the last day like 2026-09-30"),
        },
    )
    project = forms.ModelChoiceField(
        label=_("Project"), queryset=Project.objects.none(), required=False, empty_label=_("All projects")
    )
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.none(), required=False, empty_label=_("All teams")
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects_assignable_by(user)  # type: ignore[attr-defined]
        self.fields["team"].queryset = teams_assignable_by(user)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The last day must be on or after the first day"))
            elif end - start > LONGEST_PERIOD:
                self.add_error("end", _("Choose a period of three years or less"))
        return data


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
    return render(
        request,
        "engagement/report.html",
        {"form": form, "report": found, "quarters": quarters, "query": query.urlencode()},
    )


@staff_required
def report_csv(request: HttpRequest) -> HttpResponseBase:
    form, found, _quarters = _report(request)
    if found is None:
        return render(request, "engagement/report.html", {"form": form, "report": None}, status=400)
    return csv_response(iter(report_rows(found)), _filename(found, "csv"))


@staff_required
def report_pdf(request: HttpRequest) -> HttpResponse:
    from chorus.engagement.report_pdf import report_pdf_bytes

    form, found, _quarters = _report(request)
    if found is None:
        return render(request, "engagement/report.html", {"form": form, "report": None}, status=400)
    response = HttpResponse(report_pdf_bytes(found), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(found, "pdf")}"'
    return response
