"""Perception tracking pages: the series, setting one up, and each wave beside the baseline."""

from __future__ import annotations

from itertools import chain
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from chorus.consultations.models import Consultation
from chorus.core.access import (
    can_change,
    get_for_change,
    get_for_view,
    staff_required,
    staff_user,
    visible_to,
)
from chorus.core.disclosure import threshold
from chorus.core.downloads import csv_response
from chorus.core.i18n import current_language
from chorus.core.services import record_save
from chorus.insights.forms import PerceptionSeriesForm
from chorus.insights.models import PerceptionSeries
from chorus.insights.perception import FILTER_CHOICES, compare, wave_sizes


@staff_required
def series_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    series = visible_to(user, PerceptionSeries.objects.select_related("baseline", "team"))
    return render(
        request,
        "insights/perception_list.html",
        {"series": series, "can_create": can_change(user, PerceptionSeries(created_by=user))},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def series_edit(request: HttpRequest, code: UUID | None = None) -> HttpResponse:
    user = staff_user(request)
    series = get_for_change(request, PerceptionSeries.objects.all(), code=code) if code else None
    if series is None and not can_change(user, PerceptionSeries(created_by=user)):
        raise PermissionDenied
    initial = None
    if series is not None:
        initial = {
            "name": series.name,
            "description": series.description,
            "waves": list(series.waves.all()),
            "baseline": series.baseline,
            "team": series.team,
        }
    form = PerceptionSeriesForm(data=request.POST or None, initial=initial, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            series = record_save(
                actor=user,
                request=request,
                record=series or PerceptionSeries(created_by=user),
                fields={
                    "name": data["name"],
                    "description": data["description"],
                    "baseline": data["baseline"],
                    "team": data["team"],
                },
                relations={"waves": data["waves"]},
            )
        messages.success(request, _("Perception survey saved."))
        return redirect("insights:perception", code=series.code)
    return render(request, "insights/perception_form.html", {"form": form, "series": series})


def _filters(request: HttpRequest) -> dict[str, str]:
    chosen = {}
    for name, (_label, choices) in FILTER_CHOICES.items():
        value = request.GET.get(name, "")
        if value in {v for v, _l in choices}:
            chosen[name] = value
    return chosen


@staff_required
def series_detail(request: HttpRequest, code: UUID) -> HttpResponseBase:
    user = staff_user(request)
    series = get_for_view(request, PerceptionSeries.objects.select_related("baseline"), code=code)
    # Every wave shown is one the user may see on its own: a wave of another team's is left
    # out, and without the baseline there is nothing to compare with.
    waves = list(visible_to(user, series.waves.order_by("opens_at")))
    if series.baseline not in waves:
        if not visible_to(user, Consultation.objects.filter(pk=series.baseline_id)).exists():
            raise Http404
        waves.insert(0, series.baseline)
    filters = _filters(request)
    language = current_language()
    measures = compare(waves, series.baseline, language, filters)
    if request.GET.get("format") == "csv":
        header = [
            "question",
            "measure",
            "wave",
            "opens",
            "answered",
            "value",
            "low",
            "high",
            "change",
            "p",
            "significant",
        ]
        body = (
            [
                m.question,
                m.label,
                v.wave.title,
                v.wave.opens_at.date().isoformat(),
                v.n,
                None if v.value is None else round(v.value, 2),
                None if v.low is None else round(v.low, 2),
                None if v.high is None else round(v.high, 2),
                None if v.change is None else round(v.change, 2),
                None if v.p is None else round(v.p, 4),
                "yes" if v.significant else "no",
            ]
            for m in measures
            for v in m.values
            if v.asked
        )
        return csv_response(chain([header], body), f"perception-{series.code}.csv")
    sizes = wave_sizes(waves, filters)
    return render(
        request,
        "insights/perception.html",
        {
            "series": series,
            "may_change": can_change(staff_user(request), series),
            "waves": [(wave, sizes[wave.pk]) for wave in waves],
            "measures": measures,
            "filters": [
                (name, label, choices, filters.get(name, ""))
                for name, (label, choices) in FILTER_CHOICES.items()
            ],
            "query": request.GET.urlencode(),
            "below": threshold(),
        },
    )
