"""Retention rules (administrators), the retention report, and the data inventory."""

from __future__ import annotations

from itertools import chain

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from chorus.accounts.models import Role
from chorus.core.access import role_required, staff_required, staff_user
from chorus.core.audit import audit_record
from chorus.core.models import AuditAction
from chorus.insights.inventory import HOLDINGS
from chorus.insights.models import RetentionRule, RetentionRun
from chorus.insights.retention import KINDS, report, retention_run, rules

MOST_DAYS = 100 * 365


@staff_required
@role_required(Role.ADMINISTRATOR)
@require_http_methods(["GET", "POST"])
def retention(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    errors: dict[str, str] = {}
    if request.method == "POST":
        if request.POST.get("what") == "run":
            run = retention_run(actor=user, dry_run=request.POST.get("dry_run") == "yes")
            messages.success(
                request, _("Retention run recorded.") if not run.dry_run else _("Report recorded.")
            )
            return redirect("insights:retention")
        changes = []
        for key in KINDS:
            raw = request.POST.get(f"{key}-days", "").strip()
            enabled = request.POST.get(f"{key}-enabled") == "yes"
            if not raw.isdigit() or not 1 <= int(raw) <= MOST_DAYS:
                errors[key] = _(
                    "Enter the number of days to keep them, a whole number from 1 to %(most)s"
                ) % {"most": MOST_DAYS}
                continue
            changes.append((key, int(raw), enabled))
        if not errors:
            for key, days, enabled in changes:
                RetentionRule.objects.update_or_create(
                    kind=key, defaults={"keep_days": days, "enabled": enabled, "updated_by": user}
                )
            audit_record(
                actor=user,
                action=AuditAction.CHANGE,
                object_type="insights.retentionrule",
                object_repr=_("Retention rules"),
                detail={k: d for k, d, _e in changes},
            )
            messages.success(request, _("Retention rules saved."))
            return redirect("insights:retention")
    current = rules()
    due = report()
    rows = [
        {
            "key": key,
            "label": kind.label,
            "action": kind.action,
            "days": request.POST.get(f"{key}-days")
            if errors
            else (current[key] if current[key] is not None else kind.default_days),
            "enabled": current[key] is not None,
            "due": due.get(key),
            "error": errors.get(key, ""),
        }
        for key, kind in KINDS.items()
    ]
    return render(
        request,
        "insights/retention.html",
        {"rows": rows, "runs": RetentionRun.objects.select_related("actor")[:20], "errors": errors},
    )


@staff_required
def inventory(request: HttpRequest) -> HttpResponse:
    current = rules()
    rows = []
    for holding in HOLDINGS:
        days = current.get(holding.retention) if holding.retention else None
        rows.append({"holding": holding, "days": days, "kind": KINDS.get(holding.retention)})
    return render(request, "insights/inventory.html", {"rows": rows})


def _logged_as(label: object) -> str:
    """The audit log's name for a data quality list, in English whoever's language is on."""
    with translation.override(None):
        return f"Data quality list: {label}"


@staff_required
def quality(request: HttpRequest) -> HttpResponseBase:
    """Records with missing information: counts now, the trend, and the records to fix.

    Every count and list holds only the records the user may see. Viewers get the counts and
    the trend, not the lists or downloads, which name people.
    """
    from uuid import UUID

    from chorus.core.access import teams_assignable_by
    from chorus.core.downloads import csv_response
    from chorus.insights.quality import CHECKS, history, may_list_records, records_for

    user = staff_user(request)
    teams = teams_assignable_by(user)
    team = None
    chosen = request.GET.get("team", "")
    if chosen:
        try:
            team = teams.filter(code=UUID(chosen)).first()
        except ValueError:
            team = None
    lists = may_list_records(user)
    wanted = request.GET.get("download", "")
    if wanted in CHECKS:
        if not lists:
            raise PermissionDenied
        check = CHECKS[wanted]
        records = records_for(check, user=user, team=team)
        audit_record(
            actor=user,
            action=AuditAction.EXPORT,
            object_type=records.model._meta.label_lower,
            object_repr=_logged_as(check.label),
            request=request,
            detail={"records": records.count(), "team": team.name if team else "all teams"},
        )
        rows = ([check.describe(r), request.build_absolute_uri(check.url(r))] for r in records.iterator())
        return csv_response(chain([["record", "link"]], rows), f"data-quality-{wanted}.csv")
    trend = history(team)
    sections = []
    for key, check in CHECKS.items():
        records = records_for(check, user=user, team=team)
        items = [(check.describe(r), check.url(r)) for r in records[:20]] if lists else []
        if items and getattr(records.model, "audit_views", False):
            audit_record(
                actor=user,
                action=AuditAction.VIEW,
                object_type=records.model._meta.label_lower,
                object_repr=_logged_as(check.label),
                request=request,
                detail={"records shown": len(items), "team": team.name if team else "all teams"},
            )
        sections.append(
            {
                "key": key,
                "label": check.label,
                "fix": check.fix,
                "count": records.count(),
                "items": items,
                "trend": trend.get(key, []),
            }
        )
    return render(
        request,
        "insights/quality.html",
        {"sections": sections, "teams": teams, "team": team, "lists": lists},
    )


@staff_required
@role_required(Role.ADMINISTRATOR, Role.ENGAGEMENT_OFFICER, Role.ANALYST)
def equality(request: HttpRequest) -> HttpResponse:
    """Outcomes across protected-characteristic groups, in aggregate only."""

    from chorus.consultations.labels import consultation_label
    from chorus.consultations.models import Consultation
    from chorus.core.access import visible_to
    from chorus.feedback.models import Service
    from chorus.insights.equality_analysis import analyse_as_released

    user = staff_user(request)
    services = list(visible_to(user, Service.objects.order_by("name")))
    consultations = list(
        visible_to(user, Consultation.objects.filter(equality_monitoring=True).order_by("-opens_at"))
    )
    subjects = [(f"service:{s.code}", s.name, s, ("satisfaction", "satisfied")) for s in services] + [
        (f"consultation:{c.code}", consultation_label(c), c, ("negative",)) for c in consultations
    ]
    chosen = request.GET.get("subject", "")
    outcome = request.GET.get("outcome", "")
    found = next((s for s in subjects if s[0] == chosen), None)
    result = None
    error = ""
    if chosen and found is None:
        error = _("Choose a service or consultation from the list.")
    elif found is not None:
        allowed = found[3]
        outcome = outcome if outcome in allowed else allowed[0]
        result = analyse_as_released(subject=found[2], asked_for=found[2].code, outcome=outcome)
        audit_record(
            actor=user,
            action=AuditAction.VIEW,
            object_type="equality.analysis",
            object_repr=str(found[1]),
            request=request,
        )
    labels = {
        "satisfaction": _("Mean satisfaction (1 to 5)"),
        "satisfied": _("Share satisfied or very satisfied"),
        "negative": _("Share of responses with a negative comment"),
    }
    return render(
        request,
        "insights/equality.html",
        {
            "subjects": subjects,
            "chosen": chosen,
            "outcome": outcome,
            "result": result,
            "labels": labels,
            "error": error,
            "found": found,
        },
    )
