"""Equity of reach pages: the organisation's area and one project, in a period, and the
administrators' import of population figures. Also the sections the project page and the
engagement report show, registered through ``chorus.core.registry``."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from chorus.accounts.models import Role, User
from chorus.core.access import get_for_view, role_required, staff_required, staff_user
from chorus.core.audit import audit_record
from chorus.core.i18n import current_language
from chorus.core.imports.forms import file_field
from chorus.core.models import AuditAction
from chorus.core.registry import ExportSection, PageSection, export_section, page_section
from chorus.directory.models import Region
from chorus.directory.reference import regions_ensure
from chorus.engagement.forms import REPORT_LONGEST_PERIOD, PeriodForm
from chorus.engagement.models import Project
from chorus.engagement.report import quarter_label, quarter_of
from chorus.insights.equity import EQUALITY_DIMENSIONS, UNDER, Dimension, Equity, equity
from chorus.insights.population import TABLES, PopulationImportError, population_import, population_sources


class RegionChoice(forms.ModelMultipleChoiceField[Region]):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name_for(current_language()))


class PopulationImportForm(forms.Form):
    table = forms.ChoiceField(
        label=gettext_lazy("Census table"),
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose which Census table the file holds")},
    )
    regions = RegionChoice(
        label=gettext_lazy("Regions the organisation serves"),
        help_text=gettext_lazy("Only the rows for these regions are kept"),
        # England is the sum of its regions: choosing both would count its people twice.
        queryset=Region.objects.exclude(ons_code="E92000001"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one region the organisation serves")},
    )
    file = file_field(
        label=gettext_lazy("Upload the Census table"),
        help_text=gettext_lazy(
            "A CSV file in the Nomis bulk layout: date, geography, geography code, then one column "
            "for each category with its count"
        ),
        empty=gettext_lazy("The file is empty. It needs a header row, then one row for each region."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["table"].choices = [(key, table.label) for key, table in TABLES.items()]  # type: ignore[attr-defined]


def _quarters() -> list[dict[str, Any]]:
    quarters = []
    day = timezone.localdate()
    for _step in range(8):
        start, end = quarter_of(day)
        quarters.append({"label": quarter_label(start), "start": start, "end": end})
        day = start - timedelta(days=1)
    return quarters


def _period(request: HttpRequest) -> tuple[PeriodForm, date | None, date | None]:
    last_quarter = quarter_of(quarter_of(timezone.localdate())[0] - timedelta(days=1))
    data = request.GET.copy()
    data.setdefault("start", last_quarter[0].isoformat())
    data.setdefault("end", last_quarter[1].isoformat())
    form = PeriodForm(data=data)
    if not form.is_valid():
        return form, None, None
    return form, form.cleaned_data["start"], form.cleaned_data["end"]


def _audit(
    request: HttpRequest, action: AuditAction, project: Project | None, start: date, end: date, **detail: str
) -> None:
    """Record who saw (or took away) equity figures, of which project and period."""
    audit_record(
        actor=staff_user(request),
        action=action,
        object_type="insights.equity",
        object_id=str(project.code) if project else "",
        object_repr=(
            _("Equity of reach: %(project)s") % {"project": project.name}
            if project
            else _("Equity of reach: the organisation's area")
        ),
        detail={"start": start.isoformat(), "end": end.isoformat(), **detail},
        request=request,
    )


def _page(request: HttpRequest, project: Project | None) -> HttpResponse:
    user = staff_user(request)
    form, start, end = _period(request)
    found: Equity | None = None
    if start is not None and end is not None:
        found = equity(user=user, project=project, start=start, end=end)
        _audit(request, AuditAction.VIEW, project, start, end)
    return render(
        request,
        "insights/equity.html",
        {
            "form": form,
            "equity": found,
            "project": project,
            "quarters": _quarters(),
            "sources": population_sources(),
            "may_import": user.role == Role.ADMINISTRATOR,
            "sees_equality": user.can_see_equality_figures,
        },
    )


@staff_required
def equity_page(request: HttpRequest) -> HttpResponse:
    """Who took part across the organisation's area, beside the population it serves."""
    return _page(request, None)


@staff_required
def equity_project(request: HttpRequest, code: UUID) -> HttpResponse:
    """Who took part in one project, beside the population the organisation serves."""
    project = get_for_view(request, Project.objects.all(), code=code)
    return _page(request, project)


@staff_required
@role_required(Role.ADMINISTRATOR)
@require_http_methods(["GET", "POST"])
def population_import_page(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    regions_ensure()
    form = PopulationImportForm(data=request.POST or None, files=request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            stored = population_import(
                actor=user,
                upload=form.cleaned_data["file"],
                dimension=form.cleaned_data["table"],
                regions=form.cleaned_data["regions"],
                request=request,
            )
        except PopulationImportError as error:
            for problem in error.problems:
                form.add_error("file", problem)
        else:
            messages.success(
                request,
                ngettext(
                    "Population figures imported for %(count)s region.",
                    "Population figures imported for %(count)s regions.",
                    stored,
                )
                % {"count": stored},
            )
            return redirect("insights:equity")
    return render(request, "insights/population_import.html", {"form": form, "sources": population_sources()})


# --- Sections on the project page and the engagement report, and in its downloads -------


def _flag_lines(found: Equity) -> list[str]:
    return [
        _("%(group)s (%(dimension)s)") % {"group": group, "dimension": heading}
        for heading, group in found.flags(UNDER)
    ]


@page_section("project")
def project_equity_section(user: User, subject: object) -> PageSection | None:
    """The groups under-represented among the project's participants, beside its checkpoints."""
    if not isinstance(subject, Project):
        return None
    end = timezone.localdate()
    start = end - REPORT_LONGEST_PERIOD
    found = equity(user=user, project=subject, start=start, end=end, with_equality=False)
    return PageSection(
        heading=_("Groups under-represented among the people who took part in the last three years"),
        lines=_flag_lines(found),
        empty=_("No group is under-represented beyond chance among the people who took part."),
        link_url=reverse("insights:equity_project", args=[subject.code])
        + f"?start={start.isoformat()}&end={end.isoformat()}",
        link_text=_("Equity of reach for this project"),
    )


@page_section("engagement_report")
def report_equity_section(user: User, subject: object) -> PageSection | None:
    """The groups under-represented in the report's period (and project, if it has one)."""
    start, end = getattr(subject, "start", None), getattr(subject, "end", None)
    if start is None or end is None:
        return None
    project = getattr(subject, "project", None)
    found = equity(user=user, project=project, start=start, end=end, with_equality=False)
    query = f"?start={start.isoformat()}&end={end.isoformat()}"
    url = reverse("insights:equity_project", args=[project.code]) if project else reverse("insights:equity")
    return PageSection(
        heading=_("Equity of reach"),
        lines=_flag_lines(found),
        empty=_("No group is under-represented beyond chance among the people who took part."),
        link_url=url + query,
        link_text=_("See who took part beside the population served"),
    )


EXPORT_HEADER = [
    gettext_lazy("Group"),
    gettext_lazy("People"),
    gettext_lazy("Share, per cent"),
    gettext_lazy("95 per cent interval, from"),
    gettext_lazy("95 per cent interval, to"),
    gettext_lazy("Share of population, per cent"),
    gettext_lazy("Representation"),
]


def _number(value: float | None) -> float | str:
    return "" if value is None else value


def _export(dimension: Dimension) -> ExportSection:
    """One dimension as the equity page shows it: the same suppressed and rounded counts,
    a suppressed one in the same words, and each flag in words."""
    heading = _("Equity of reach: %(dimension)s") % {"dimension": dimension.heading}
    if dimension.why_not:
        return ExportSection(heading=heading, note=dimension.why_not, header=[], rows=[])
    note = f"{dimension.counted}. " + (
        ngettext("%(counter)s person in all.", "%(counter)s people in all.", dimension.participants)
        % {"counter": dimension.participants}
        if dimension.participants
        else _("Too few to report.")
    )
    if dimension.key in EQUALITY_DIMENSIONS:
        note += " " + _(
            "Figures from equality monitoring answers change only when a batch of at least 10 new "
            "answers is released, and are rounded to the nearest 5."
        )
    rows: list[list[str | Promise | int | float]] = []
    for row in dimension.rows:
        percents = row.percents
        population_share = percents["population_share"]
        rows.append(
            [
                row.label,
                _("Too small to report") if row.count is None else row.count,
                _number(percents["share"]),
                _number(percents["low"]),
                _number(percents["high"]),
                _("No figure") if population_share is None else population_share,
                row.representation,
            ]
        )
    return ExportSection(heading=heading, note=note, header=list(EXPORT_HEADER), rows=rows)


@export_section("engagement_report")
def report_equity_tables(request: HttpRequest, subject: object) -> list[ExportSection]:
    """Equity of reach in the report's CSV and PDF: each group's share of the people who
    took part in the report's period (and project, if it has one), its interval, its share
    of the population and its flag; for the whole organisation, to those who may see them,
    the groups of the equality answers too. Audited as the equity page audits a visit."""
    start, end = getattr(subject, "start", None), getattr(subject, "end", None)
    if start is None or end is None:
        return []
    project = getattr(subject, "project", None)
    found = equity(user=staff_user(request), project=project, start=start, end=end)
    _audit(request, AuditAction.EXPORT, project, start, end, download="engagement report")
    return [_export(dimension) for dimension in found.dimensions]
