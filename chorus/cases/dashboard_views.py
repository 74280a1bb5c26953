"""The cases dashboard as a page and a CSV file, for any period and filters in the address."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.http import HttpRequest, HttpResponseBase, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from chorus.cases.dashboard import (
    DashboardScope,
    Section,
    case_dashboard,
    dashboard_rows,
    filter_labels,
    period_for,
    services_named,
)
from chorus.cases.forms import DASHBOARD_FILTERS, CaseDashboardForm, DashboardPeriod
from chorus.core.access import staff_required, staff_user, teams_assignable_by
from chorus.core.audit import audit_record
from chorus.core.downloads import csv_response
from chorus.core.models import AuditAction
from chorus.core.registry import page_sections
from chorus.engagement.report import Row

if TYPE_CHECKING:
    from chorus.accounts.models import User

FILTERS = ("kind", "service", "category", "region", "team")
_DATE_KEYS = tuple(f"{name}{part}" for name in ("start", "end") for part in ("", "_day", "_month", "_year"))


def _with_period(query: QueryDict) -> QueryDict:
    """The address's values, with the period it means where none is chosen: the dates typed,
    or this quarter so far."""
    data = query.copy()
    if not data.get("period"):
        typed = any(data.get(key, "").strip() for key in _DATE_KEYS)
        data["period"] = DashboardPeriod.CUSTOM if typed else DashboardPeriod.THIS_QUARTER
    return data


def _form(request: HttpRequest) -> tuple[CaseDashboardForm, list[str]]:
    return dashboard_form(staff_user(request), request.GET)


def dashboard_form(user: User, query: QueryDict) -> tuple[CaseDashboardForm, list[str]]:
    """The form bound to the address, and the labels of the filters left out because their
    values no longer fit (a category since removed, a team the user has left)."""
    teams, services = teams_assignable_by(user), services_named(user)
    data = _with_period(query)
    form = CaseDashboardForm(data, teams=teams, services=services)
    left_out: list[str] = []
    if not form.is_valid():
        bad = [name for name in form.errors if name in DASHBOARD_FILTERS]
        if bad:
            left_out = [str(form.fields[name].label) for name in bad]
            for name in bad:
                data.pop(name, None)
            form = CaseDashboardForm(_with_period(data), teams=teams, services=services)
            form.is_valid()
    return form, left_out


def dashboard_scope(user: User, query: QueryDict) -> DashboardScope | None:
    """The period and filters ``query`` chooses for ``user``, or None where they do not fit."""
    form, _left_out = dashboard_form(user, query)
    if form.errors:
        return None
    data = form.cleaned_data
    period = period_for(data["period"], timezone.localdate(), data.get("start"), data.get("end"))
    filters = {name: data[name] for name in FILTERS if data.get(name)}
    chosen = cast(QueryDict, form.data).copy()
    for name in ("format", "csrfmiddlewaretoken"):  # a download, and a form's token, choose nothing
        chosen.pop(name, None)
    return DashboardScope(period, filters, chosen.urlencode())


def _audit_download(request: HttpRequest, form: CaseDashboardForm, start: Any, end: Any) -> None:
    audit_record(
        actor=staff_user(request),
        action=AuditAction.EXPORT,
        request=request,
        object_type="cases.dashboard",
        object_id=f"{start.isoformat()}/{end.isoformat()}",
        object_repr="Cases dashboard",
        detail={
            "format": "csv",
            "filters": {name: str(form.data.get(name)) for name in FILTERS if form.data.get(name)},
        },
    )


@require_GET
@staff_required
def case_dashboard_page(request: HttpRequest) -> HttpResponseBase:
    form, left_out = _form(request)
    context: dict[str, Any] = {"form": form, "left_out": left_out, "dashboard": None}
    wants_csv = request.GET.get("format") == "csv"
    if form.errors:
        return render(request, "cases/dashboard.html", context, status=400 if wants_csv else 200)
    data = form.cleaned_data
    period = period_for(data["period"], timezone.localdate(), data.get("start"), data.get("end"))
    filters = {name: data[name] for name in FILTERS if data.get(name)}
    dashboard = case_dashboard(user=staff_user(request), period=period, filters=filters)
    if wants_csv:
        _audit_download(request, form, period.start, period.end)
        filename = f"cases-dashboard-{period.start.isoformat()}-to-{period.end.isoformat()}.csv"
        return csv_response(iter(dashboard_rows(dashboard)), filename)
    query = cast(QueryDict, form.data).copy()
    query.pop("format", None)
    shares = Section(
        "timeliness",
        "",
        [
            Row(t.label, t.share or 0, t.share_before or 0)
            for t in dashboard.timeliness
            if t.closed or t.closed_before
        ],
    )
    # The cases list filters by kind, category and region as this page does (not by
    # service or team), so those carry over to its overdue cases.
    overdue = QueryDict(mutable=True)
    for name in ("kind", "category", "region"):
        chosen = query.get(name)
        if name in filters and isinstance(chosen, str) and chosen:
            overdue[name] = chosen
    overdue["due"] = "overdue"
    context.update(
        {
            "dashboard": dashboard,
            "shares": shares,
            "overdue_query": overdue.urlencode(),
            "applied": filter_labels(filters),
            "query": query.urlencode(),
            "is_custom": data["period"] == DashboardPeriod.CUSTOM,
            # What higher apps add (the themes the analysis engine found in the cases' texts).
            "sections": page_sections(
                "cases_dashboard",
                staff_user(request),
                DashboardScope(period, filters, query.urlencode()),
            ),
        }
    )
    return render(request, "cases/dashboard.html", context)
