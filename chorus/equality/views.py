"""Equality pages: the public page where anyone holding the link from their receipt
deletes their answers, and the staff page of counts shared by consultations and services."""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from chorus.core.access import staff_user
from chorus.core.audit import audit_record
from chorus.core.disclosure import threshold
from chorus.core.models import AuditAction
from chorus.equality.forms import EqualityForm
from chorus.equality.services import (
    equality_counts,
    equality_initial,
    equality_remove,
    equality_save,
    latest_release,
)


def equality_step(
    request: HttpRequest, *, key: UUID, asked_for: UUID, submitted: bool = False
) -> EqualityForm | None:
    """The optional equality page's form handling, shared by every journey that asks.

    Declining, or sending nothing, deletes answers held under ``key``; valid answers are
    kept. Returns None when the person may go on, or the form to show (again)."""
    if request.method == "POST" and request.POST.get("decline"):
        equality_remove(key)
        return None
    initial = {} if submitted else equality_initial(key)
    form = EqualityForm(data=request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if any(form.cleaned_data.values()):
            equality_save(key=key, asked_for=asked_for, answers=form.cleaned_data, submitted=submitted)
        else:
            equality_remove(key)
        return None
    return form


def counts_page(
    request: HttpRequest, *, asked: Model, asked_for: UUID, template: str, name: str
) -> HttpResponse:
    """Staff page of equality counts for what ``asked`` (aggregates only, small numbers
    hidden, the rest rounded, as at the latest release). The caller has checked the user
    may see ``asked``; viewers are refused; the view is audited."""
    if not staff_user(request).can_see_equality_figures:
        raise PermissionDenied
    people, tables = equality_counts(asked_for)
    audit_record(
        actor=request.user,
        action=AuditAction.VIEW,
        obj=asked,
        request=request,
        detail={"viewed": "equality monitoring counts"},
    )
    return render(
        request,
        template,
        {
            name: asked,
            "people": people,
            "tables": tables,
            "below": threshold(),
            "release": latest_release(asked_for),
            "round_to": settings.CHORUS_EQUALITY_ROUND_TO,
            "release_hours": settings.CHORUS_EQUALITY_RELEASE_HOURS,
        },
    )


@require_http_methods(["GET", "POST"])
def remove(request: HttpRequest, key: UUID) -> HttpResponse:
    # The same answer whether or not answers were held, so the page tells no one anything.
    done = False
    if request.method == "POST":
        equality_remove(key)
        done = True
    return render(request, "equality/remove.html", {"done": done})
