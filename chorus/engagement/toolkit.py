"""The engagement toolkit: guidance and templates that administrators edit and staff start from.

Staff start from a template in three ways: an activity plan opens the activity form
filled in; an invitation text is filled in with an activity's details to copy; a
checkpoint set adds its checkpoints to a project, due a set number of days from a date.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chorus.core.access import administrator_required, staff_required, staff_user
from chorus.core.audit import audit_record
from chorus.core.dates import time_of_day
from chorus.core.i18n import current_language
from chorus.core.models import AuditAction
from chorus.core.services import record_save
from chorus.core.text import render_page_text
from chorus.directory.models import StakeholderGroup
from chorus.engagement.forms import ApplyCheckpointsForm, FillInvitationForm, ToolkitItemForm
from chorus.engagement.models import Activity, Checkpoint, Project, Stage, ToolkitItem

if TYPE_CHECKING:
    from chorus.accounts.models import User

PLACEHOLDER = re.compile(r"\{(title|date|time|place|link|summary)\}")


def invitation_fill(text: str, activity: Activity, language: str) -> str:
    starts = localtime(activity.starts_at)
    values = {
        "title": activity.title_for(language),
        "date": date_format(starts, "l j F Y"),
        "time": time_of_day(starts),
        "place": activity.place.name if activity.place else _("online"),
        "link": activity.online_link,
        "summary": activity.summary_for(language),
    }
    # One pass, so a value that itself contains "{link}" is left as written.
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], text)


def checkpoints_apply(
    *, actor: User, request: HttpRequest, item: ToolkitItem, project: Project, start: date
) -> tuple[int, int]:
    """Add the set's checkpoints to a project; ones it already has are left as they are."""
    groups = {
        g.name: g for g in StakeholderGroup.objects.filter(name__in=[r["group"] for r in item.checkpoints])
    }
    added = skipped = 0
    with transaction.atomic():
        for rule in item.checkpoints:
            group = groups.get(rule["group"])
            if group is None:
                skipped += 1
                continue
            _checkpoint, created = Checkpoint.objects.get_or_create(
                project=project,
                stage_id=rule["stage"],
                group=group,
                defaults={"due_on": start + timedelta(days=rule["days"])},
            )
            added += created
            skipped += not created
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=project,
            request=request,
            detail={"checkpoint set": item.title, "added": added},
        )
    return added, skipped


# Pages


def _items(user: User) -> Any:
    items = ToolkitItem.objects.all()
    return items if user.is_administrator else items.filter(is_published=True)


@staff_required
def toolkit(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    language = current_language()
    sections = []
    items = list(_items(user))
    for kind, label in ToolkitItem.Kind.choices:
        found = [{"item": i, "title": i.title_for(language)} for i in items if i.kind == kind]
        if found:
            sections.append({"label": label, "items": found})
    return render(request, "engagement/toolkit.html", {"sections": sections})


@staff_required
@require_http_methods(["GET", "POST"])
def toolkit_item(request: HttpRequest, code: UUID) -> HttpResponse:
    user = staff_user(request)
    item = _items(user).filter(code=code).first()
    if item is None:
        raise Http404
    language = current_language()
    apply_form = fill_form = None
    filled = ""
    if item.kind == ToolkitItem.Kind.CHECKPOINT_SET:
        apply_form = ApplyCheckpointsForm(data=request.POST or None, user=user)
        if request.method == "POST" and apply_form.is_valid():
            project = apply_form.cleaned_data["project"]
            added, skipped = checkpoints_apply(
                actor=user,
                request=request,
                item=item,
                project=project,
                start=apply_form.cleaned_data["start"],
            )
            messages.success(
                request,
                _("%(added)s checkpoints added; %(skipped)s the project already had.")
                % {"added": added, "skipped": skipped},
            )
            return redirect("engagement:project_detail", code=project.code)
    if item.kind == ToolkitItem.Kind.INVITATION:
        fill_form = FillInvitationForm(data=request.GET if "activity" in request.GET else None, user=user)
        if fill_form.is_bound and fill_form.is_valid():
            filled = invitation_fill(item.body_for(language), fill_form.cleaned_data["activity"], language)
    stages = {s.slug: str(s) for s in Stage.objects.filter(slug__in=[r["stage"] for r in item.checkpoints])}
    rules = [{**rule, "stage_name": stages.get(rule["stage"], rule["stage"])} for rule in item.checkpoints]
    return render(
        request,
        "engagement/toolkit_item.html",
        {
            "item": item,
            "title": item.title_for(language),
            "body": render_page_text(item.body_for(language))
            if item.kind != ToolkitItem.Kind.INVITATION
            else None,
            "raw_body": item.body_for(language),
            "apply_form": apply_form,
            "fill_form": fill_form,
            "filled": filled,
            "rules": rules,
        },
    )


@staff_required
@administrator_required
@require_http_methods(["GET", "POST"])
def toolkit_edit(request: HttpRequest, code: UUID | None = None) -> HttpResponse:
    user = staff_user(request)
    item = ToolkitItem.objects.filter(code=code).first() if code else None
    if code and item is None:
        raise Http404
    initial = None
    if item is not None:
        initial = {
            name: getattr(item, name)
            for name in (
                "kind",
                "title",
                "title_cy",
                "summary",
                "body",
                "body_cy",
                "activity_kind",
                "is_published",
            )
        }
        initial["checkpoints"] = "\n".join(
            f"{r['stage']} | {r['group']} | {r['days']}" for r in item.checkpoints
        )
    form = ToolkitItemForm(data=request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            item = record_save(
                actor=user,
                request=request,
                record=item or ToolkitItem(),
                fields={**form.cleaned_data, "updated_by": user},
            )
        messages.success(request, _("Toolkit saved."))
        return redirect("engagement:toolkit_item", code=item.code)
    return render(request, "engagement/toolkit_form.html", {"form": form, "item": item})


@require_POST
@staff_required
@administrator_required
def toolkit_delete(request: HttpRequest, code: UUID) -> HttpResponse:
    item = ToolkitItem.objects.filter(code=code).first()
    if item is not None:
        with transaction.atomic():
            audit_record(actor=staff_user(request), action=AuditAction.DELETE, obj=item, request=request)
            item.delete()
        messages.success(request, _("Removed from the toolkit."))
    return redirect("engagement:toolkit")
