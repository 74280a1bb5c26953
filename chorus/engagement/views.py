"""Engagement pages: staff record activities and who came; the public see each event's page."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chorus.accounts.models import Role, User
from chorus.core.access import (
    can_change,
    get_for_change,
    get_for_view,
    role_required,
    staff_required,
    staff_user,
    visible_to,
)
from chorus.core.audit import audit_record, audit_record_many
from chorus.core.custom_fields import rows as custom_rows
from chorus.core.exports import export_requested
from chorus.core.i18n import current_language
from chorus.core.models import AuditAction
from chorus.core.registry import page_sections
from chorus.directory.adjustments import UnmetNeed, briefing_rows
from chorus.directory.reference import regions_ensure
from chorus.directory.search import search_people
from chorus.directory.selectors import people_for
from chorus.engagement import participation, services
from chorus.engagement.briefing import unmet_for_activity
from chorus.engagement.emails import emails_for
from chorus.engagement.forms import (
    ActivityFilterForm,
    ActivityForm,
    AttendeeForm,
    CheckpointForm,
    MaterialForm,
    ProjectForm,
    unmet_checkpoints,
)
from chorus.engagement.models import (
    Activity,
    Attendance,
    Checkpoint,
    Commitment,
    LoggedEmail,
    Project,
    ToolkitItem,
)
from chorus.engagement.selectors import (
    activities_for,
    impact_themes,
    latest_impact_update,
    public_events,
    published_impact,
)

EDITORS = (Role.ADMINISTRATOR, Role.ENGAGEMENT_OFFICER)


@staff_required
def activity_list(request: HttpRequest) -> HttpResponseBase:
    user = staff_user(request)
    form = ActivityFilterForm(data=request.GET or None, user=user)
    filters = form.cleaned_data if form.is_valid() else {}
    query = request.GET.copy()
    query.pop("page", None)
    if request.GET.get("format") in ("csv", "xlsx"):
        return _activities_export(request, filters, query)
    page = Paginator(activities_for(user, filters), settings.CHORUS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "engagement/activity_list.html", {"form": form, "page": page, "query": query.urlencode()}
    )


def _activities_export(
    request: HttpRequest, filters: dict[str, object], query: QueryDict
) -> HttpResponseBase:
    """Audit the export of the list's activities, and start the task that writes it
    (``exporters.py``)."""
    kind = query.pop("format", ["csv"])[-1]
    return export_requested(
        request,
        object_type="engagement.activity",
        label=f"Activities {kind.upper()}",
        filters=filters,
        exporter="engagement.activities",
        params={"query": query.urlencode()},
        file_format=kind,
        title=_("Activities"),
        download_name="activities",
    )


def _initial(activity: Activity) -> dict[str, object]:
    values: dict[str, object] = {
        name: getattr(activity, name)
        for name in (
            "kind",
            "title",
            "title_cy",
            "place",
            "online_link",
            "summary",
            "summary_cy",
            "feedback",
            "unlisted_attendees",
            "recipients",
            "impressions",
            "is_public",
            "team",
        )
    }
    values["starts_at"] = activity.starts_at
    values["ends_at"] = activity.ends_at
    for name in ("projects", "regions", "groups", "topics"):
        values[name] = list(getattr(activity, name).all())
    return values


@staff_required
@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, code: UUID | None = None) -> HttpResponse:
    regions_ensure()
    user = staff_user(request)
    activity = get_for_change(request, Activity.objects.all(), code=code) if code else None
    initial = _initial(activity) if activity else None
    plan = None
    if activity is None and (plan_code := request.GET.get("plan")):
        plan = ToolkitItem.objects.filter(
            kind=ToolkitItem.Kind.ACTIVITY_PLAN,
            is_published=True,
            code__in=[plan_code] if _is_uuid(plan_code) else [],
        ).first()
        if plan is not None:
            language = current_language()
            initial = {
                "kind": plan.activity_kind,
                "title": plan.title_for(language),
                "summary": plan.body_for(language),
            }
    form = ActivityForm(
        data=request.POST or None, initial=initial, user=user, custom=activity.custom if activity else None
    )
    if request.method == "POST" and form.is_valid():
        activity = services.activity_save(actor=user, request=request, activity=activity, **form.cleaned_data)
        messages.success(request, _("Activity saved."))
        return redirect("engagement:activity_detail", code=activity.code)
    return render(
        request, "engagement/activity_form.html", {"form": form, "activity": activity, "plan": plan}
    )


def _is_uuid(value: str) -> bool:
    try:
        UUID(value)
    except ValueError:
        return False
    return True


@staff_required
def activity_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    user = staff_user(request)
    activity = get_for_view(request, Activity.objects.select_related("place", "organiser"), code=code)
    attendance = (
        activity.attendance.filter(person__in=people_for(user))
        .select_related("person")
        .order_by("person__last_name")
    )
    if attendance:
        audit_record(
            actor=user,
            action=AuditAction.VIEW,
            obj=activity,
            request=request,
            object_type="engagement.attendance",
            detail={"attendees shown": len(attendance)},
        )
    attendance_shown, unmet = _adjustments_shown(request, activity, list(attendance))
    query = request.GET.get("q", "").strip()
    candidates = search_people(people_for(user), query)[:20] if query else []
    return render(
        request,
        "engagement/activity_detail.html",
        {
            "activity": activity,
            "custom_rows": custom_rows("activity", user, activity.custom),
            "attendance": attendance_shown,
            "unmet": unmet,
            "may_change": can_change(user, activity),
            "show_needs": user.can_see_contact_details,
            "query": query,
            "candidates": candidates,
            "attended": sum(1 for a in attendance if a.attended),
            "material_form": MaterialForm(),
            "sections": page_sections("activity", user, activity),
        },
    )


def _adjustments_shown(
    request: HttpRequest, activity: Activity, attendance: list[Attendance]
) -> tuple[list[Attendance], list[UnmetNeed]]:
    """Give each attendance the adjustments its person agreed to share with the event team
    (``shared_needs``), auditing them as seen, and say which the venue does not meet yet.
    Viewers see neither."""
    user = staff_user(request)
    if not user.can_see_contact_details:
        return attendance, []
    shared = {row.person_code: row.needs for row in briefing_rows(a.person for a in attendance)}
    for a in attendance:
        setattr(a, "shared_needs", shared.get(str(a.person.code), []))  # noqa: B010
    if shared:
        audit_record_many(
            actor=user,
            records=[(AuditAction.VIEW, a.person) for a in attendance if str(a.person.code) in shared],
            request=request,
            detail={"adjustments": True},
        )
    return attendance, unmet_for_activity(activity, user)


@require_POST
@staff_required
def attendee_set(request: HttpRequest, code: UUID) -> HttpResponse:
    user = staff_user(request)
    activity = get_for_change(request, Activity.objects.all(), code=code)
    form = AttendeeForm(data=request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a person and their status."))
        return redirect("engagement:activity_detail", code=activity.code)
    person = get_for_view(request, people_for(user), code=form.cleaned_data["person"])
    services.attendance_set(
        actor=user,
        request=request,
        activity=activity,
        person=person,
        invitation=form.cleaned_data["invitation"],
        attended=form.cleaned_data["attended"],
    )
    messages.success(request, _("%(name)s updated on the list.") % {"name": person.full_name})
    return redirect("engagement:activity_detail", code=activity.code)


@require_POST
@staff_required
def attendee_remove(request: HttpRequest, code: UUID, person: UUID) -> HttpResponse:
    activity = get_for_change(request, Activity.objects.all(), code=code)
    attendance = (
        Attendance.objects.filter(activity=activity, person__code=person).select_related("person").first()
    )
    if attendance is None:
        raise Http404
    services.attendance_remove(actor=staff_user(request), request=request, attendance=attendance)
    messages.success(request, _("Removed from the list."))
    return redirect("engagement:activity_detail", code=activity.code)


@require_POST
@staff_required
def material_add(request: HttpRequest, code: UUID) -> HttpResponse:
    activity = get_for_change(request, Activity.objects.all(), code=code)
    form = MaterialForm(data=request.POST)
    if form.is_valid():
        services.material_add(
            actor=staff_user(request), request=request, activity=activity, **form.cleaned_data
        )
        messages.success(request, _("Material added."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("engagement:activity_detail", code=activity.code)


@staff_required
def project_list(request: HttpRequest) -> HttpResponse:
    projects = visible_to(staff_user(request), Project.objects.select_related("programme", "team", "stage"))
    return render(request, "engagement/project_list.html", {"projects": projects})


def with_progress(checkpoints: Iterable[Checkpoint]) -> list[Checkpoint]:
    """The checkpoints, each with ``progress``: who of its group took part, and how."""
    out = list(checkpoints)
    for checkpoint in out:
        checkpoint.progress = participation.progress(  # type: ignore[attr-defined]
            checkpoint.project_id, checkpoint.group_id, checkpoint.due_on
        )
    return out


@staff_required
def project_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    user = staff_user(request)
    project = get_for_view(request, Project.objects.select_related("programme", "team", "stage"), code=code)
    activities = activities_for(user, {"project": project})[:50]
    return render(
        request,
        "engagement/project_detail.html",
        {
            "project": project,
            "activities": activities,
            "may_change": can_change(user, project),
            "impact": project.impact.prefetch_related(
                "activities",
                latest_impact_update(),
                impact_themes(user),
                # Only the commitments the reader may see, as everywhere.
                Prefetch(
                    "commitments",
                    queryset=visible_to(user, Commitment.objects.all()),
                    to_attr="visible_commitments",
                ),
            ),
            "commitments": visible_to(user, project.commitments.select_related("owner")),
            "checkpoints": with_progress(
                project.checkpoints.with_engagement().select_related("group", "stage", "waived_by")
            ),
            "checkpoint_form": CheckpointForm(),
            "sections": page_sections("project", user, project),
            # Emails logged to the project that the reader may read: subjects only, each
            # opened (and its view audited) on its own page.
            "emails": emails_for(user).filter(project=project, status=LoggedEmail.Status.FILED)[:50],
        },
    )


@staff_required
@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, code: UUID | None = None) -> HttpResponse:
    user = staff_user(request)
    project = get_for_change(request, Project.objects.all(), code=code) if code else None
    initial = (
        {n: getattr(project, n) for n in ("name", "programme", "stage", "description", "team")}
        if project
        else None
    )
    form = ProjectForm(data=request.POST or None, initial=initial, user=user, project=project)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        waiver = fields.pop("waiver").strip()
        project = services.project_save(
            actor=user, request=request, project=project, waive=form.unmet, waiver=waiver, **fields
        )
        if form.unmet:
            messages.success(
                request,
                ngettext(
                    "Project saved. %(count)s checkpoint was waived with your reason.",
                    "Project saved. %(count)s checkpoints were waived with your reason.",
                    len(form.unmet),
                )
                % {"count": len(form.unmet)},
            )
        else:
            messages.success(request, _("Project saved."))
        return redirect("engagement:project_detail", code=project.code)
    return render(
        request,
        "engagement/project_form.html",
        {
            "form": form,
            "project": project,
            "unmet": form.unmet,
            # Said before the officer chooses a later stage, not only after a refused save.
            "pending": unmet_checkpoints(project) if project and not form.unmet else [],
        },
    )


# Public pages


@require_GET
def public_event(request: HttpRequest, code: UUID) -> HttpResponse:
    event = public_events({}).filter(code=code).prefetch_related("materials", published_impact()).first()
    if event is None:
        raise Http404
    # Sections of public pages (registration) read nothing of the visitor.
    sections = page_sections("public_event", cast(User, request.user), event)
    hidden = {part for section in sections for part in section.hides}
    return render(
        request,
        "engagement/public_event.html",
        {
            "event": event,
            "language": get_language(),
            "is_past": event.starts_at < timezone.now(),
            "sections": sections,
            "show_how_to_join": "how_to_join" not in hidden,
        },
    )


@require_POST
@staff_required
@role_required(*EDITORS)
def checkpoint_add(request: HttpRequest, code: UUID) -> HttpResponse:
    project = get_for_change(request, Project.objects.all(), code=code)
    form = CheckpointForm(data=request.POST)
    if form.is_valid():
        try:
            services.checkpoint_add(
                actor=staff_user(request), request=request, project=project, **form.cleaned_data
            )
        except ValidationError:
            messages.error(request, _("That group already has a checkpoint for this stage."))
        else:
            messages.success(request, _("Checkpoint added."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("engagement:project_detail", code=project.code)
