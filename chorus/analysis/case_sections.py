"""Analysis on the cases dashboard, through ``core.registry``: the themes the analysis engine
found in the messages of the enquiries and complaints chosen there, and a way to analyse them.

It lives here rather than in cases, whose dashboard it adds to, because only analysis knows
who may start an analysis and what one found; cases never imports analysis.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from chorus.accounts.models import Team
from chorus.analysis.models import AnalysisRun, Theme
from chorus.cases.dashboard import DashboardScope, scope_cases
from chorus.cases.dashboard_views import dashboard_scope
from chorus.cases.models import Case
from chorus.core.access import can_change, staff_required, staff_user, visible_to
from chorus.core.audit import audit_record
from chorus.core.dates import long_date
from chorus.core.models import AuditAction
from chorus.core.registry import PageSection, page_section
from chorus.core.tasks import enqueue_after_commit

if TYPE_CHECKING:
    from chorus.accounts.models import User

# The dashboard shows this many of an analysis's broad themes, the largest first.
THEMES_SHOWN = 8


def case_texts(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The cases among ``cases`` whose person's message has words to analyse."""
    return cases.exclude(description="")


def case_run_team(cases: QuerySet[Case]) -> Team | None:
    """The team an analysis of ``cases`` is restricted to: theirs, where they are one
    team's; none only where no case is restricted to a team. Cases of several teams are
    refused: no one team's members may see them all."""
    team_ids = set(cases.exclude(team__isnull=True).values_list("team_id", flat=True).distinct())
    if len(team_ids) > 1:
        raise ValidationError(
            _("These cases belong to more than one team. Choose a team in the filters to analyse its cases.")
        )
    if not team_ids:
        return None
    return Team.objects.get(pk=team_ids.pop())


def case_run_create(*, actor: User, scope: DashboardScope) -> AnalysisRun:
    """Record an analysis of the messages of the cases ``actor`` may see in ``scope``, and queue it."""
    from chorus.analysis.services.runs import run_analysis

    cases = case_texts(scope_cases(actor, scope))
    ids = sorted(cases.values_list("pk", flat=True))
    if not ids:
        raise ValidationError(_("No case received in this period has a message to analyse."))
    team = case_run_team(cases)
    title = _("Enquiries and complaints, %(start)s to %(end)s") % {
        "start": long_date(scope.period.start),
        "end": long_date(scope.period.end),
    }
    with transaction.atomic():
        run = AnalysisRun(
            title=title[:300],
            subject=AnalysisRun.Subject.CASES,
            team=team,
            mode=AnalysisRun.Mode.FAST,
            created_by=actor,
            case_ids=ids,
            case_scope=scope.key,
            # The cases were chosen once: later ones are not added to it.
            follows_new=False,
        )
        run.full_clean()
        run.save()
        audit_record(actor=actor, action=AuditAction.CREATE, obj=run, detail={"cases": len(ids)})
        enqueue_after_commit(run_analysis, run.pk)
    return run


def _start_url(scope: DashboardScope) -> str:
    url = reverse("analysis:case_run_start")
    return f"{url}?{scope.query}" if scope.query else url


def latest_case_run(user: User, scope: DashboardScope) -> AnalysisRun | None:
    """The finished analysis of the cases' texts made for the scope's period and filters,
    or else the latest the user may see."""
    runs = visible_to(
        user, AnalysisRun.objects.filter(subject=AnalysisRun.Subject.CASES, status=AnalysisRun.Status.DONE)
    ).order_by("-created_at")
    return runs.filter(case_scope=scope.key).first() or runs.first()


@page_section("cases_dashboard")
def cases_dashboard_themes(user: User, subject: object) -> PageSection | None:
    """The themes of the latest analysis of the cases' texts, and a way to start one."""
    if not isinstance(subject, DashboardScope):
        return None
    run = latest_case_run(user, subject)
    lines: list[str] = []
    if run is not None:
        same = run.case_scope == subject.key
        lines.append(
            (
                ngettext(
                    "From an analysis of %(count)s case's message, made on %(date)s "
                    "for the period and filters chosen.",
                    "From an analysis of %(count)s cases' messages, made on %(date)s "
                    "for the period and filters chosen.",
                    run.item_count,
                )
                if same
                else ngettext(
                    "From the latest analysis of %(count)s case's message, made on %(date)s "
                    "for other dates or filters.",
                    "From the latest analysis of %(count)s cases' messages, made on %(date)s "
                    "for other dates or filters.",
                    run.item_count,
                )
            )
            % {"count": run.item_count, "date": long_date(run.created_at)}
        )
        themes = run.themes.filter(level=Theme.Level.BROAD, special="").order_by("-share", "label")
        lines.extend(
            _("%(theme)s: %(share)s%%") % {"theme": t.label, "share": round(t.share * 100)}
            for t in themes[:THEMES_SHOWN]
        )
    may_start = can_change(user, AnalysisRun())
    return PageSection(
        heading=_("Themes in what people wrote"),
        lines=lines,
        empty=_("No one has analysed the messages of these cases yet."),
        link_url=_start_url(subject) if may_start else "",
        link_text=_("Analyse the cases' texts"),
        also_url=reverse("analysis:run_detail", args=[run.code]) if run is not None else "",
        also_text=_("See the analysis"),
    )


@staff_required
def case_run_start(request: HttpRequest) -> HttpResponse:
    """Say how many cases' messages an analysis would read, and start it."""
    user = staff_user(request)
    if not can_change(user, AnalysisRun()):
        raise PermissionDenied
    query = request.POST if request.method == "POST" else request.GET
    scope = dashboard_scope(user, query)
    if scope is None:
        return redirect(f"{reverse('cases:case_dashboard')}?{request.GET.urlencode()}")
    error = ""
    if request.method == "POST":
        try:
            run = case_run_create(actor=user, scope=scope)
        except ValidationError as problem:
            error = problem.messages[0]
        else:
            return redirect("analysis:run_detail", code=run.code)
    count = case_texts(scope_cases(user, scope)).count()
    fields = QueryDict(scope.query)
    return render(
        request,
        "analysis/case_run_start.html",
        {
            "scope": scope,
            "count": count,
            "hidden": [(name, value) for name in fields for value in fields.getlist(name)],
            "error": error,
            "back_url": f"{reverse('cases:case_dashboard')}?{scope.query}",
        },
    )
