"""Staff pages for text analysis: start a run, watch it, review its themes, read and
search the responses behind them, and export the results."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from chorus.analysis import services
from chorus.analysis.evidence import theme_evidence
from chorus.analysis.exports import can_export
from chorus.analysis.forms import FilterForm, MergeForm, MoveForm, NewThemeForm, RunForm, ThemeForm
from chorus.analysis.models import AnalysisRun, Assignment, Item, SocialSource, Theme, ThemeChange
from chorus.analysis.search import items_search
from chorus.analysis.selectors import activities_with_comments, theme_impact
from chorus.consultations.labels import consultation_label, question_label, question_numbers
from chorus.consultations.models import Consultation, Question
from chorus.core.access import (
    can_change,
    get_for_change,
    get_for_view,
    staff_required,
    staff_user,
    visible_to,
)
from chorus.core.audit import audit_record
from chorus.core.dates import long_date
from chorus.core.disclosure import threshold
from chorus.core.models import AuditAction
from chorus.engagement.models import Activity
from chorus.feedback.models import Service


@staff_required
def run_list(request: HttpRequest) -> HttpResponse:
    runs = visible_to(
        staff_user(request),
        AnalysisRun.objects.select_related("created_by", "question__section__consultation"),
    )
    page = Paginator(runs, settings.CHORUS_PAGE_SIZE).get_page(request.GET.get("page"))
    can_start = can_change(staff_user(request), AnalysisRun())
    return render(request, "analysis/run_list.html", {"page": page, "can_start": can_start})


def _wanted_event(request: HttpRequest) -> UUID | None:
    """The event named in the subject asked for (``?subject=event:<code>``, as the activity
    page links here), offered even when older than the events the list shows."""
    wanted = request.POST.get("subject") or request.GET.get("subject") or ""
    kind, _sep, code = wanted.partition(":")
    if kind != AnalysisRun.Subject.EVENT:
        return None
    try:
        return UUID(code)
    except ValueError:
        return None


def _subjects(request: HttpRequest) -> list[tuple[str, Any]]:
    user = staff_user(request)
    out: list[tuple[str, Any]] = []
    consultations = visible_to(user, Consultation.objects.order_by("-opens_at"))[:200]
    questions = visible_to(
        user, Question.objects.filter(kind=Question.Kind.TEXT).select_related("section__consultation")
    ).filter(section__consultation__in=list(consultations))
    by_consultation: dict[int, list[Question]] = {}
    for q in questions:
        by_consultation.setdefault(q.section.consultation_id, []).append(q)
    numbers = question_numbers(consultations)
    for c in consultations:
        out.append(
            (
                f"consultation:{c.code}",
                (_("%(title)s: every free-text question") % {"title": consultation_label(c)}, c),
            )
        )
        for q in by_consultation.get(c.pk, []):
            out.append((f"question:{q.code}", (question_label(q, numbers[q.pk], consultation=c), q)))
    for s in visible_to(user, Service.objects.order_by("name")):
        out.append((f"service:{s.code}", (_("%(name)s: service feedback") % {"name": s.name}, s)))
    for source in visible_to(user, SocialSource.objects.all()):
        out.append(
            (f"social:{source.code}", (_("%(name)s: social media posts") % {"name": source.name}, source))
        )
    for activity in activities_with_comments(user, wanted=_wanted_event(request)):
        label = _("%(title)s (%(date)s): event evaluation comments") % {
            "title": activity.title,
            "date": long_date(activity.starts_at),
        }
        out.append((f"event:{activity.code}", (label, activity)))
    return out


@staff_required
def run_start(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    if not can_change(user, AnalysisRun()):
        raise PermissionDenied  # a page the role may not use: 403, as everywhere (#21 defect 17)
    form = RunForm(request.POST or None, request.FILES or None, subjects=_subjects(request))
    if request.method == "POST" and form.is_valid():
        subject, target = form.cleaned_data["subject"]
        try:
            run = services.run_create(
                actor=user,
                subject=subject,
                target=target,
                mode=form.cleaned_data["mode"],
                framework=form.cleaned_data["framework"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("analysis:run_detail", code=run.code)
    initial = request.GET.get("subject")
    if initial and request.method == "GET":
        form.initial["subject"] = initial
    return render(request, "analysis/run_start.html", {"form": form})


def _run(request: HttpRequest, code: UUID) -> AnalysisRun:
    return get_for_view(
        request, AnalysisRun.objects.select_related("created_by", "service", "activity"), code=code
    )


def _run_for_change(request: HttpRequest, code: UUID) -> AnalysisRun:
    run = get_for_change(request, AnalysisRun.objects.all(), code=code)
    if run.status != AnalysisRun.Status.DONE:
        raise ValidationError(_("The analysis has not finished yet."))
    return run


@staff_required
def run_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    run = _run(request, code)
    if request.headers.get("HX-Request"):
        can_retry = can_change(staff_user(request), run)
        return render(request, "analysis/_run_status.html", {"run": run, "can_change": can_retry})
    level = request.GET.get("level", Theme.Level.BROAD)
    level = level if level in Theme.Level.values else Theme.Level.BROAD
    themes = (
        run.themes.filter(level=level)
        .order_by("-share", "label")
        .prefetch_related("children", theme_impact(staff_user(request)))
    )
    return render(
        request,
        "analysis/run_detail.html",
        {
            "run": run,
            # The event whose evaluation comments it read, linked when the user may see it.
            "event": visible_to(staff_user(request), Activity.objects.filter(pk=run.activity_id)).first()
            if run.activity_id
            else None,
            "themes": themes,
            "level": level,
            "can_change": can_change(staff_user(request), run),
            "can_export": can_export(staff_user(request)),
            "flagged": run.items.exclude(personal_data=[]).count() if run.status == "done" else 0,
            "unthemed": run.items.filter(assignments__isnull=True, no_answer=False).count()
            if run.status == "done"
            else 0,
        },
    )


@require_POST
@staff_required
def run_retry(request: HttpRequest, code: UUID) -> HttpResponse:
    """Start a failed analysis again (its worker stopped, or the engine failed)."""
    run = get_for_change(request, AnalysisRun.objects.all(), code=code)
    try:
        services.run_retry(run=run, actor=staff_user(request))
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The analysis is starting again."))
    return redirect("analysis:run_detail", code=run.code)


def _filters(request: HttpRequest, items: QuerySet[Item]) -> tuple[FilterForm, QuerySet[Item]]:
    run_items = items
    options = {
        "channel": sorted({c for c in run_items.values_list("channel", flat=True).distinct() if c}),
        "respondent_type": sorted(
            {c for c in run_items.values_list("respondent_type", flat=True).distinct() if c}
        ),
        "region": sorted({c for c in run_items.values_list("region", flat=True).distinct() if c}),
        "group": sorted(
            {g for gs in run_items.values_list("groups", flat=True).distinct() for g in gs.split("|") if g}
        ),
        "organisation_kind": sorted(
            {c for c in run_items.values_list("organisation_kind", flat=True).distinct() if c}
        ),
    }
    form = FilterForm(request.GET or None, options=options)
    if form.is_valid():
        data = form.cleaned_data
        for name in ("sentiment", "channel", "respondent_type", "region", "organisation_kind"):
            if data.get(name):
                items = items.filter(**{name: data[name]})
        if data.get("group"):
            items = items.filter(groups__contains=f"|{data['group']}|")
        if data.get("q"):
            items = items_search(items, data["q"])
    return form, items


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@staff_required
def theme_detail(request: HttpRequest, code: UUID, key: int) -> HttpResponse:
    run = _run(request, code)
    if not run.themes.filter(key=key).exists():
        gone = _theme_gone(request, run, key)
        if gone is not None:
            return gone
    return _theme_page(request, run, _theme(run, key))


def _theme_gone(request: HttpRequest, run: AnalysisRun, key: int) -> HttpResponse | None:
    """Where a theme merged or deleted since the page was open went (the back button after a
    merge), or None if it never was."""
    changes = run.changes.filter(action__in=[ThemeChange.Action.MERGE, ThemeChange.Action.DELETE]).order_by(
        "-at"
    )
    for change in changes:
        detail = change.detail or {}
        if change.action == ThemeChange.Action.MERGE and key in detail.get("merged_keys", []):
            into = run.themes.filter(pk=int(detail.get("theme") or 0)).first()
            if into is not None:
                messages.info(
                    request,
                    _("That theme was merged into “%(label)s”, shown here.") % {"label": into.label},
                )
                return redirect("analysis:theme_detail", code=run.code, key=into.key)
        if change.action == ThemeChange.Action.DELETE and detail.get("key") == key:
            messages.info(request, _("That theme was deleted: its responses are in other themes or in none."))
            return redirect("analysis:run_detail", code=run.code)
    return None


def _theme_page(
    request: HttpRequest, run: AnalysisRun, theme: Theme, *, rename: ThemeForm | None = None
) -> HttpResponse:
    """A theme's page; with ``rename``, the rename form as sent, its errors shown."""
    prefetch_related_objects([theme], theme_impact(staff_user(request)))
    items = run.items.filter(assignments__theme__in=[theme, *theme.children.all()]).distinct()
    form, items = _filters(request, items)
    items = items.prefetch_related(
        Prefetch("assignments", queryset=Assignment.objects.select_related("theme"))
    )
    page = Paginator(items.order_by("-sentiment_score", "pk"), 50).get_page(request.GET.get("page"))
    audit_record(
        actor=staff_user(request),
        action=AuditAction.VIEW,
        obj=run,
        request=request,
        detail={"theme": theme.label},
    )
    return render(
        request,
        "analysis/theme_detail.html",
        {
            "run": run,
            "theme": theme,
            "page": page,
            "filters": form,
            "query": _query_without_page(request),
            "evidence": theme_evidence(theme, quotes=5),
            "below": threshold(),
            "rename": rename or ThemeForm(initial={"label": theme.label, "description": theme.description}),
            "errors": [
                {"href": f"#id_{name}", "message": message}
                for name, messages_ in (rename.errors.items() if rename else [])
                for message in messages_
            ],
            "merge": MergeForm(theme=theme),
            "move": MoveForm(run=run, exclude=theme),
            "can_change": can_change(staff_user(request), run),
        },
    )


def _theme(run: AnalysisRun, key: int) -> Theme:
    theme = run.themes.filter(key=key).select_related("parent", "locked_by").first()
    if theme is None:
        raise Http404
    return theme


def _done(request: HttpRequest, run: AnalysisRun, theme: Theme | None = None) -> HttpResponse:
    if theme is not None and Theme.objects.filter(pk=theme.pk).exists():
        return redirect("analysis:theme_detail", code=run.code, key=theme.key)
    return redirect("analysis:run_detail", code=run.code)


def _next(request: HttpRequest, run: AnalysisRun | UUID) -> str:
    """Where to go back to: the page the form was on, when it is one of ours."""
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}):
        return wanted
    return reverse("analysis:run_detail", args=[run.code if isinstance(run, AnalysisRun) else run])


def _change(request: HttpRequest, code: UUID, action: Any) -> HttpResponse:
    try:
        run = _run_for_change(request, code)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("analysis:run_detail", code=code)
    try:
        response: HttpResponse = action(run)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(_next(request, code))
    return response


@require_POST
@staff_required
def theme_rename(request: HttpRequest, code: UUID, key: int) -> HttpResponse:
    def act(run: AnalysisRun) -> HttpResponse:
        theme = _theme(run, key)
        form = ThemeForm(request.POST)
        if not form.is_valid():
            return _theme_page(request, run, theme, rename=form)  # what they typed, and why not
        services.theme_rename(theme=theme, actor=staff_user(request), **form.cleaned_data)
        messages.success(request, _("Theme saved."))
        return _done(request, run, theme)

    return _change(request, code, act)


@require_POST
@staff_required
def theme_lock(request: HttpRequest, code: UUID, key: int) -> HttpResponse:
    def act(run: AnalysisRun) -> HttpResponse:
        theme = _theme(run, key)
        services.theme_lock(theme=theme, actor=staff_user(request), locked=request.POST.get("locked") == "1")
        return _done(request, run, theme)

    return _change(request, code, act)


@require_POST
@staff_required
def theme_merge(request: HttpRequest, code: UUID, key: int) -> HttpResponse:
    def act(run: AnalysisRun) -> HttpResponse:
        theme = _theme(run, key)
        form = MergeForm(request.POST, theme=theme)
        if not form.is_valid():
            raise ValidationError(_("Choose the theme to merge this one into."))
        into = services.theme_merge(themes=[theme], into=form.cleaned_data["into"], actor=staff_user(request))
        messages.success(request, _("Themes merged."))
        return _done(request, run, into)

    return _change(request, code, act)


@require_POST
@staff_required
def theme_split(request: HttpRequest, code: UUID, key: int) -> HttpResponse:
    def act(run: AnalysisRun) -> HttpResponse:
        parts = services.theme_split(theme=_theme(run, key), actor=staff_user(request))
        messages.success(request, _("Theme split in two: check the new names."))
        return _done(request, run, parts[0])

    return _change(request, code, act)


@require_http_methods(["GET", "POST"])
@staff_required
def theme_delete(request: HttpRequest, code: UUID, key: int) -> HttpResponse:
    """GET asks to confirm, saying what happens to the responses; POST deletes."""
    if request.method == "GET":
        try:
            run = _run_for_change(request, code)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("analysis:run_detail", code=code)
        theme = _theme(run, key)
        responses = theme.assignments.count()
        return render(
            request, "analysis/theme_delete.html", {"run": run, "theme": theme, "responses": responses}
        )

    def act(run: AnalysisRun) -> HttpResponse:
        services.theme_delete(theme=_theme(run, key), actor=staff_user(request))
        messages.success(request, _("Theme deleted."))
        return _done(request, run)

    return _change(request, code, act)


def _chosen_items(request: HttpRequest) -> list[int]:
    ids = []
    for value in request.POST.getlist("items"):
        try:
            ids.append(int(value))
        except ValueError:
            continue
    return ids


@require_POST
@staff_required
def items_move(request: HttpRequest, code: UUID) -> HttpResponse:
    def act(run: AnalysisRun) -> HttpResponse:
        source = (
            _theme(run, int(request.POST["source"])) if request.POST.get("source", "").isdigit() else None
        )
        form = MoveForm(request.POST, run=run)
        if not form.is_valid():
            raise ValidationError(_("Choose the theme to move the responses to."))
        moved = services.items_move(
            run=run,
            actor=staff_user(request),
            item_ids=_chosen_items(request),
            source=source,
            target=form.cleaned_data["target"],
        )
        messages.success(
            request,
            ngettext("%(count)s response moved.", "%(count)s responses moved.", moved) % {"count": moved},
        )
        return _done(request, run, source or form.cleaned_data["target"])

    return _change(request, code, act)


@require_POST
@staff_required
def theme_create(request: HttpRequest, code: UUID) -> HttpResponse:
    def act(run: AnalysisRun) -> HttpResponse:
        form = NewThemeForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Enter a name for the new theme."))
        theme = services.theme_create(
            run=run,
            actor=staff_user(request),
            label=form.cleaned_data["label"],
            description=form.cleaned_data["description"],
            item_ids=_chosen_items(request),
            gather=form.cleaned_data["gather"],
        )
        messages.success(request, _("Theme created."))
        return _done(request, run, theme)

    return _change(request, code, act)


@require_POST
@staff_required
def item_sentiment(request: HttpRequest, code: UUID, item: int) -> HttpResponse:
    def act(run: AnalysisRun) -> HttpResponse:
        found = run.items.filter(pk=item).first()
        if found is None:
            raise Http404
        services.item_sentiment_set(
            item=found, actor=staff_user(request), sentiment=request.POST.get("sentiment", "")
        )
        messages.success(request, _("Sentiment corrected."))
        return redirect(_next(request, run))

    return _change(request, code, act)


@staff_required
def run_responses(request: HttpRequest, code: UUID) -> HttpResponse:
    run = _run(request, code)
    form, items = _filters(request, run.items.all())
    items = items.prefetch_related(
        Prefetch("assignments", queryset=Assignment.objects.select_related("theme"))
    )
    page = Paginator(items.order_by("pk"), 50).get_page(request.GET.get("page"))
    audit_record(
        actor=staff_user(request),
        action=AuditAction.VIEW,
        obj=run,
        request=request,
        detail={"responses": True},
    )
    return render(
        request,
        "analysis/run_responses.html",
        {
            "run": run,
            "page": page,
            "filters": form,
            "query": _query_without_page(request),
            "new_theme": NewThemeForm(),
            "move": MoveForm(run=run),
            "can_change": can_change(staff_user(request), run),
        },
    )


@staff_required
def run_changes(request: HttpRequest, code: UUID) -> HttpResponse:
    run = _run(request, code)
    page = Paginator(run.changes.select_related("actor"), 50).get_page(request.GET.get("page"))
    return render(request, "analysis/run_changes.html", {"run": run, "page": page})
