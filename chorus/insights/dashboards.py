"""Service excellence dashboard: every service's feedback side by side, this period against
the one before, with the emerging issues the analysis found. A fixed number of aggregate
queries whatever the volume; filters live in the URL; every chart has its table and CSV."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import chain
from typing import Any
from uuid import UUID

from django.db.models import Avg, Count, Q, Sum
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from chorus.core.access import staff_required, staff_user, visible_to
from chorus.core.disclosure import threshold
from chorus.core.downloads import csv_response
from chorus.core.i18n import current_language

PERIODS = (7, 30, 90, 365)


@dataclass
class ServiceRow:
    code: str
    name: str
    feedback: int
    feedback_before: int
    negative_share: float | None
    negative_share_before: float | None
    satisfaction: float | None
    effort: float | None
    needed_help: float | None
    exit_count: int
    emerging: int
    # Cases (chorus.cases) naming the service, in English or Welsh, received in each period.
    complaints: int = 0
    complaints_before: int = 0
    compliments: int = 0
    compliments_before: int = 0

    @property
    def change(self) -> int:
        return self.feedback - self.feedback_before

    @property
    def negative_change(self) -> float | None:
        if self.negative_share is None or self.negative_share_before is None:
            return None
        return self.negative_share - self.negative_share_before


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole >= threshold() else None


@dataclass
class CaseFigure:
    label: str | Promise
    current: int
    previous: int

    @property
    def change(self) -> int:
        return self.current - self.previous


def _window(days: int) -> tuple[date, date]:
    """The first days of this period and of the one before, as local dates (cases and
    adjustments are counted by the day they came)."""
    today = timezone.localdate()
    return today - timedelta(days=days - 1), today - timedelta(days=2 * days - 1)


def service_case_counts(user: Any, services: list[Any], days: int) -> dict[int, dict[str, int]]:
    """Complaints and compliments the user may see that name each service (its English or
    Welsh name, in any case), this period and the one before: one grouped query; the free
    text is matched to services once per distinct name, not once per case."""
    from chorus.cases.models import Case, Kind

    start, before = _window(days)
    names: dict[str, int] = {}
    for service in services:
        for name in (service.name, service.name_cy):
            if name.strip():
                names.setdefault(name.strip().casefold(), service.pk)
    counts: dict[int, dict[str, int]] = {
        s.pk: {"complaints": 0, "complaints_before": 0, "compliments": 0, "compliments_before": 0}
        for s in services
    }
    this_period = Q(received_on__gte=start)
    for row in (
        visible_to(user, Case.objects.all())
        .filter(kind__in=[Kind.COMPLAINT, Kind.COMPLIMENT], received_on__gte=before)
        .exclude(service="")
        .order_by()
        .values("service", "kind")
        .annotate(current=Count("pk", filter=this_period), previous=Count("pk", filter=~this_period))
    ):
        pk = names.get(row["service"].strip().casefold())
        if pk is None:
            continue
        key = "complaints" if row["kind"] == Kind.COMPLAINT else "compliments"
        counts[pk][key] += row["current"]
        counts[pk][key + "_before"] += row["previous"]
    return counts


def case_figures(user: Any, days: int) -> list[CaseFigure]:
    """Across the organisation (what the user may see): complaints and compliments received,
    and people's reasonable adjustments first recorded, this period against the one before."""
    from chorus.cases.models import Case, Kind
    from chorus.directory.models import AdjustmentsRecord

    start, before = _window(days)
    this_period = Q(received_on__gte=start)
    cases = (
        visible_to(user, Case.objects.all())
        .filter(received_on__gte=before)
        .aggregate(
            complaints=Count("pk", filter=this_period & Q(kind=Kind.COMPLAINT)),
            complaints_before=Count("pk", filter=~this_period & Q(kind=Kind.COMPLAINT)),
            compliments=Count("pk", filter=this_period & Q(kind=Kind.COMPLIMENT)),
            compliments_before=Count("pk", filter=~this_period & Q(kind=Kind.COMPLIMENT)),
        )
    )
    zone = timezone.get_current_timezone()
    start_at = datetime.combine(start, time.min, tzinfo=zone)
    adjustments = (
        visible_to(user, AdjustmentsRecord.objects.all())
        .filter(created_at__gte=datetime.combine(before, time.min, tzinfo=zone))
        .aggregate(
            current=Count("pk", filter=Q(created_at__gte=start_at)),
            previous=Count("pk", filter=Q(created_at__lt=start_at)),
        )
    )
    return [
        CaseFigure(_("Complaints received"), cases["complaints"], cases["complaints_before"]),
        CaseFigure(_("Compliments received"), cases["compliments"], cases["compliments_before"]),
        CaseFigure(_("Reasonable adjustments requested"), adjustments["current"], adjustments["previous"]),
    ]


def service_rows(services: Any, days: int, user: Any = None) -> list[ServiceRow]:
    from chorus.analysis.models import EmergingIssue
    from chorus.feedback.models import ExitSurveyResponse, PageFeedback

    now = timezone.now()
    start, before = now - timedelta(days=days), now - timedelta(days=2 * days)
    # Each table is read from its own (service, created_at) index over the two periods only,
    # rather than joined from every service across all time.
    negative = ~Q(kind=PageFeedback.Kind.USEFUL)
    zero = {"now": 0, "now_negative": 0, "before": 0, "before_negative": 0}
    feedback: dict[int, dict[str, int]] = {pk: dict(zero) for pk in services.values_list("pk", flat=True)}
    for row in (
        PageFeedback.objects.filter(service__in=services, created_at__gte=before)
        .values("service")
        .annotate(
            now=Count("pk", filter=Q(created_at__gte=start)),
            now_negative=Count("pk", filter=Q(created_at__gte=start) & negative),
            before=Count("pk", filter=Q(created_at__lt=start)),
            before_negative=Count("pk", filter=Q(created_at__lt=start) & negative),
        )
    ):
        feedback[row["service"]] = row
    exits: dict[int, dict[str, Any]] = {
        pk: {"n": 0, "satisfaction": None, "effort": None, "helped": 0} for pk in feedback
    }
    for row in (
        ExitSurveyResponse.objects.filter(service__in=services, created_at__gte=start)
        .values("service")
        .annotate(
            n=Count("pk"),
            satisfaction=Avg("satisfaction"),
            effort=Avg("effort"),
            helped=Count("pk", filter=Q(needed_help=True)),
        )
    ):
        exits[row["service"]] = row
    emerging = dict(
        EmergingIssue.objects.filter(service__in=services, detected_on__gte=start.date())
        .values("service")
        .annotate(n=Count("pk"))
        .values_list("service", "n")
    )
    below = threshold()
    ordered = list(services.order_by("name"))
    cases = service_case_counts(user, ordered, days) if user is not None else {}
    rows = []
    for service in ordered:
        f, e = feedback[service.pk], exits[service.pk]
        enough = e["n"] >= below
        rows.append(
            ServiceRow(
                code=str(service.code),
                name=service.name,
                feedback=f["now"],
                feedback_before=f["before"],
                negative_share=_share(f["now_negative"], f["now"]),
                negative_share_before=_share(f["before_negative"], f["before"]),
                satisfaction=round(e["satisfaction"], 2)
                if enough and e["satisfaction"] is not None
                else None,
                effort=round(e["effort"], 2) if enough and e["effort"] is not None else None,
                needed_help=_share(e["helped"], e["n"]),
                exit_count=e["n"],
                emerging=emerging.get(service.pk, 0),
                **cases.get(service.pk, {}),
            )
        )
    return rows


@dataclass
class RegionRow:
    """One region's feedback (where the service recorded it) and cases (by their place)."""

    name: str
    code: str  # the ONS code; "" for the row of feedback and cases with no region recorded
    feedback: int = 0
    feedback_before: int = 0
    negative: int = 0
    exit_count: int = 0
    satisfaction_sum: int = 0
    cases: int = 0
    cases_before: int = 0

    @property
    def change(self) -> int:
        return self.feedback - self.feedback_before

    @property
    def negative_share(self) -> float | None:
        return _share(self.negative, self.feedback)

    @property
    def has_any(self) -> bool:
        return any((self.feedback, self.feedback_before, self.exit_count, self.cases, self.cases_before))

    @property
    def satisfaction(self) -> float | None:
        if self.exit_count < threshold() or not self.exit_count:
            return None
        return round(self.satisfaction_sum / self.exit_count, 2)


def region_rows(services: Any, days: int, user: Any = None) -> list[RegionRow]:
    """In-page feedback and exit answers on ``services`` by the region recorded with them, and
    the cases the user may see by their place's region, this period and the one before. Three
    aggregate queries and one of the regions, whatever the volume; regions with nothing in
    either period are left out, and what came with no region is the last row."""
    from chorus.cases.models import Case
    from chorus.directory.models import Region
    from chorus.feedback.models import ExitSurveyResponse, PageFeedback

    now = timezone.now()
    start, before = now - timedelta(days=days), now - timedelta(days=2 * days)
    language = current_language()
    rows: dict[int | None, RegionRow] = {
        r.pk: RegionRow(name=r.name_for(language), code=r.ons_code) for r in Region.objects.all()
    }
    rows[None] = RegionRow(name=str(_("Not recorded")), code="")
    for row in (
        PageFeedback.objects.filter(service__in=services, created_at__gte=before)
        .values("region")
        .annotate(
            now=Count("pk", filter=Q(created_at__gte=start)),
            before=Count("pk", filter=Q(created_at__lt=start)),
            negative=Count("pk", filter=Q(created_at__gte=start) & ~Q(kind=PageFeedback.Kind.USEFUL)),
        )
        .order_by()
    ):
        if (r := rows.get(row["region"])) is not None:
            r.feedback, r.feedback_before, r.negative = row["now"], row["before"], row["negative"]
    for row in (
        ExitSurveyResponse.objects.filter(service__in=services, created_at__gte=start)
        .values("region")
        .annotate(n=Count("pk"), total=Sum("satisfaction"))
        .order_by()
    ):
        if (r := rows.get(row["region"])) is not None:
            r.exit_count, r.satisfaction_sum = row["n"], row["total"] or 0
    if user is not None:
        case_start, case_before = _window(days)
        this_period = Q(received_on__gte=case_start)
        for row in (
            visible_to(user, Case.objects.all())
            .filter(received_on__gte=case_before)
            .values("place__region")
            .annotate(current=Count("pk", filter=this_period), previous=Count("pk", filter=~this_period))
            .order_by()
        ):
            if (r := rows.get(row["place__region"])) is not None:
                r.cases, r.cases_before = row["current"], row["previous"]
    unknown = rows.pop(None)
    shown = sorted((r for r in rows.values() if r.has_any), key=lambda r: r.name)
    return [*shown, unknown] if unknown.has_any else shown


def _is_uuid(text: str) -> bool:
    try:
        UUID(text)
    except ValueError:
        return False
    return True


@staff_required
def services_dashboard(request: HttpRequest) -> HttpResponseBase:
    from chorus.feedback.models import Service

    user = staff_user(request)
    try:
        days = int(request.GET.get("days", 30))
    except ValueError:
        days = 30
    days = days if days in PERIODS else 30
    services = visible_to(user, Service.objects.all())
    chosen = request.GET.getlist("service")
    if chosen:
        services = services.filter(code__in=[c for c in chosen if _is_uuid(c)])
    rows = service_rows(services, days, user)
    if request.GET.get("format") == "csv" and request.GET.get("table") == "regions":
        header = [
            "region",
            "ons_code",
            "feedback",
            "feedback_previous_period",
            "negative_share",
            "exit_survey_answers",
            "mean_satisfaction",
            "cases",
            "cases_previous_period",
        ]
        regions = (
            [
                r.name,
                r.code,
                r.feedback,
                r.feedback_before,
                r.negative_share,
                r.exit_count,
                r.satisfaction,
                r.cases,
                r.cases_before,
            ]
            for r in region_rows(services, days, user)
        )
        return csv_response(chain([header], regions), f"service-feedback-by-region-{days}-days.csv")
    if request.GET.get("format") == "csv":
        header = [
            "service",
            "feedback",
            "feedback_previous_period",
            "negative_share",
            "negative_share_previous_period",
            "mean_satisfaction",
            "mean_ease",
            "needed_help_share",
            "exit_survey_answers",
            "emerging_issues",
            "complaints",
            "complaints_previous_period",
            "compliments",
            "compliments_previous_period",
        ]
        body = (
            [
                r.name,
                r.feedback,
                r.feedback_before,
                r.negative_share,
                r.negative_share_before,
                r.satisfaction,
                r.effort,
                r.needed_help,
                r.exit_count,
                r.emerging,
                r.complaints,
                r.complaints_before,
                r.compliments,
                r.compliments_before,
            ]
            for r in rows
        )
        return csv_response(chain([header], body), f"service-feedback-{days}-days.csv")
    most = max((r.feedback for r in rows), default=0) or 1
    return render(
        request,
        "insights/services_dashboard.html",
        {
            "rows": rows,
            "days": days,
            "periods": PERIODS,
            "all_services": visible_to(user, Service.objects.order_by("name")),
            "chosen": chosen,
            "most": most,
            "query": request.GET.urlencode(),
            "below": threshold(),
            "case_figures": case_figures(user, days),
            "regions": region_rows(services, days, user),
        },
    )


@staff_required
def consultations_dashboard(request: HttpRequest) -> HttpResponseBase:
    """One consultation: responses week by week by channel, by respondent type, the
    closed-question results, and the themes and sentiment of its latest analysis."""
    from uuid import UUID

    from django.db.models.functions import TruncWeek

    from chorus.analysis.selectors import run_latest_finished
    from chorus.consultations.labels import consultation_label
    from chorus.consultations.models import Consultation, Response
    from chorus.consultations.responses import closed_question_summary

    user = staff_user(request)
    consultations = visible_to(user, Consultation.objects.order_by("-opens_at"))
    chosen = request.GET.get("consultation", "")
    consultation = None
    if chosen:
        try:
            consultation = consultations.filter(code=UUID(chosen)).first()
        except ValueError:
            consultation = None
    context: dict[str, Any] = {
        "consultations": [(c, consultation_label(c)) for c in consultations[:200]],
        "consultation": consultation,
        "chosen": chosen,
    }
    if consultation is None:
        context["error"] = bool(chosen)
        return render(request, "insights/consultations_dashboard.html", context)
    responses = Response.objects.filter(consultation=consultation)
    channels = [c for c, _label in Response.Channel.choices]
    weekly: dict[Any, dict[str, int]] = {}
    for row in (
        responses.annotate(week=TruncWeek("submitted_at")).values("week", "channel").annotate(n=Count("pk"))
    ):
        weekly.setdefault(row["week"], dict.fromkeys(channels, 0))[row["channel"]] = row["n"]
    weeks = [
        (week, [counts[c] for c in channels], sum(counts.values())) for week, counts in sorted(weekly.items())
    ]
    types = dict(
        responses.values_list("respondent_type").annotate(n=Count("pk")).values_list("respondent_type", "n")
    )
    if request.GET.get("format") == "csv":
        header = ["week", *channels, "all"]
        body = ([week.date().isoformat(), *counts, total] for week, counts, total in weeks)
        return csv_response(chain([header], body), f"consultation-{consultation.code}-responses-by-week.csv")
    run = run_latest_finished(consultation)
    themes = list(run.themes.filter(level="fine").order_by("-counted")[:15]) if run else []
    context.update(
        {
            "channels": [label for _c, label in Response.Channel.choices],
            "weeks": weeks,
            "most": max([1, *(total for _w, _c, total in weeks)]),
            "types": [(label, types.get(value, 0)) for value, label in Response.RespondentType.choices],
            "total": responses.count(),
            "summaries": closed_question_summary(consultation, current_language()),
            "run": run,
            "themes": themes,
        }
    )
    return render(request, "insights/consultations_dashboard.html", context)
