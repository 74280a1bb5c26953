""" "You said, we did": staff record and publish impact; the public read it per project."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chorus.accounts.models import Role
from chorus.core.access import get_for_change, role_required, staff_required, staff_user, visible_to
from chorus.core.audit import audit_record
from chorus.core.downloads import csv_response
from chorus.core.models import AuditAction
from chorus.engagement import services
from chorus.engagement.forms import ImpactForm, ImpactUpdateForm, SharedBackForm
from chorus.engagement.models import ImpactRecord, Project
from chorus.engagement.selectors import latest_impact_update, public_themes

EDITORS = (Role.ADMINISTRATOR, Role.ENGAGEMENT_OFFICER)


@staff_required
@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def impact_edit(request: HttpRequest, project: UUID, code: UUID | None = None) -> HttpResponse:
    user = staff_user(request)
    the_project = get_for_change(request, Project.objects.all(), code=project)
    record = (
        get_for_change(request, ImpactRecord.objects.filter(project=the_project), code=code) if code else None
    )
    initial = None
    if record is not None:
        initial = {
            n: getattr(record, n)
            for n in ("you_said", "you_said_cy", "we_did", "we_did_cy", "decided_by", "decided_on")
        }
        initial["activities"] = list(record.activities.all())
        initial["consultations"] = list(record.consultations.all())
        initial["themes"] = list(record.themes.all())
    form = ImpactForm(
        data=request.POST or None, initial=initial, project=the_project, user=user, record=record
    )
    if request.method == "POST" and form.is_valid():
        services.impact_save(
            actor=user, request=request, project=the_project, record=record, **form.cleaned_data
        )
        messages.success(request, _("“You said, we did” record saved. Publish it when it is ready to share."))
        return redirect("engagement:project_detail", code=the_project.code)
    return render(
        request, "engagement/impact_form.html", {"form": form, "project": the_project, "record": record}
    )


@require_POST
@staff_required
@role_required(*EDITORS)
def impact_publish(request: HttpRequest, code: UUID) -> HttpResponse:
    record = get_for_change(request, ImpactRecord.objects.select_related("project"), code=code)
    publish = request.POST.get("publish") == "1"
    services.impact_publish(actor=staff_user(request), request=request, record=record, publish=publish)
    messages.success(
        request, _("Published on the public page.") if publish else _("Taken off the public page.")
    )
    return redirect("engagement:project_detail", code=record.project.code)


@staff_required
@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def impact_share(request: HttpRequest, code: UUID) -> HttpResponse:
    """Sharing back another way than the email Chorus sends (``bulletins:shareback``): the
    participants to send it to, and a record that it was shared."""
    record = get_for_change(request, ImpactRecord.objects.select_related("project"), code=code)
    form = SharedBackForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.impact_shared_back(
            actor=staff_user(request), request=request, record=record, **form.cleaned_data
        )
        messages.success(request, _("Recorded that this was shared back."))
        return redirect("engagement:project_detail", code=record.project.code)
    participants = services.impact_participants(record)
    return render(
        request,
        "engagement/impact_share.html",
        {"record": record, "form": form, "count": participants.count()},
    )


@staff_required
@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def impact_update_add(request: HttpRequest, code: UUID) -> HttpResponse:
    record = get_for_change(request, ImpactRecord.objects.select_related("project"), code=code)
    form = ImpactUpdateForm(data=request.POST or None, initial={"status": record.status})
    if request.method == "POST" and form.is_valid():
        services.impact_update_add(
            actor=staff_user(request), request=request, record=record, **form.cleaned_data
        )
        messages.success(request, _("Update added."))
        return redirect("engagement:project_detail", code=record.project.code)
    return render(request, "engagement/impact_update_form.html", {"record": record, "form": form})


@staff_required
@role_required(*EDITORS)
def impact_participants_csv(request: HttpRequest, code: UUID) -> StreamingHttpResponse:
    user = staff_user(request)
    record = get_for_change(request, ImpactRecord.objects.all(), code=code)
    # Only the people the user may see: someone another team keeps private stays out.
    people = visible_to(user, services.impact_participants(record)).prefetch_related("contacts")
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        obj=record,
        request=request,
        object_repr="Participants to share back with",
    )

    def rows() -> object:
        yield ["first name", "last name", "email", "preferred language"]
        for person in people:
            email = next((c.value for c in person.contacts.all() if c.kind == "email" and c.is_primary), "")
            yield [
                person.first_name,
                person.last_name,
                email if user.can_see_contact_details else "",
                person.preferred_language,
            ]

    return csv_response(rows(), "participants.csv")  # type: ignore[arg-type]


@require_GET
def public_impact(request: HttpRequest, code: UUID) -> HttpResponse:
    project = (
        Project.objects.filter(code=code, team__isnull=True).first()
        or Project.objects.filter(code=code).first()
    )
    if project is None:
        raise Http404
    records = project.impact.filter(is_published=True).prefetch_related(
        "activities", latest_impact_update(), public_themes()
    )
    if not records.exists():
        raise Http404
    return render(
        request,
        "engagement/public_impact.html",
        {"project": project, "records": records, "language": get_language()},
    )


@require_GET
def public_impact_index(request: HttpRequest) -> HttpResponse:
    projects = Project.objects.filter(impact__is_published=True).distinct().order_by("name")
    return render(request, "engagement/public_impact_index.html", {"projects": projects})
