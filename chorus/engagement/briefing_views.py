"""The briefing for the day: the adjustments of those expected at an activity who agreed to
share them with the event team, as a page and a PDF. Every view and download is audited
against each person shown."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from chorus.core.access import get_for_view, staff_required, staff_user
from chorus.core.audit import audit_record, audit_record_many
from chorus.core.models import AuditAction
from chorus.directory.adjustments import BriefingRow, briefing_rows
from chorus.engagement.briefing import briefing_pdf_bytes, people_expected, unmet_for_activity
from chorus.engagement.models import Activity


def _briefing(request: HttpRequest, code: UUID, action: AuditAction) -> tuple[Activity, list[BriefingRow]]:
    user = staff_user(request)
    if not user.can_see_contact_details:
        raise PermissionDenied
    activity = get_for_view(request, Activity.objects.select_related("place"), code=code)
    people = list(people_expected(activity, user))
    rows = briefing_rows(people)
    shown = {row.person_code for row in rows}
    audit_record(
        actor=user,
        action=action,
        obj=activity,
        request=request,
        detail={"briefing": True, "shown": len(rows)},
    )
    audit_record_many(
        actor=user,
        records=[(action, person) for person in people if str(person.code) in shown],
        request=request,
        detail={"adjustments": True, "briefing": str(activity.code)},
    )
    return activity, rows


@staff_required
def activity_briefing(request: HttpRequest, code: UUID) -> HttpResponse:
    activity, rows = _briefing(request, code, AuditAction.VIEW)
    return render(
        request,
        "engagement/activity_briefing.html",
        {"activity": activity, "rows": rows, "unmet": unmet_for_activity(activity, staff_user(request))},
    )


@staff_required
def activity_briefing_pdf(request: HttpRequest, code: UUID) -> HttpResponse:
    activity, rows = _briefing(request, code, AuditAction.EXPORT)
    response = HttpResponse(briefing_pdf_bytes(activity, rows), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="briefing-{activity.code}.pdf"'
    return response
