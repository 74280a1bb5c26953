"""Data access requests: asked publicly, reviewed by a panel of staff, decided with reasons,
and published in a public register (without the requester's name or email)."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from chorus.accounts.models import Role
from chorus.core.access import get_for_view, staff_required, staff_user
from chorus.core.audit import audit_record
from chorus.core.email import email_send_later
from chorus.core.models import AuditAction
from chorus.core.ratelimit import HONEYPOT, hit, slow_down
from chorus.insights.forms import DataAccessRequestForm, PanelReviewForm, RequestDecisionForm
from chorus.insights.models import DataAccessRequest

DECIDERS = (Role.ADMINISTRATOR, Role.ENGAGEMENT_OFFICER)
# The panel: every role but viewers, who read records but change nothing.
REVIEWERS = (Role.ADMINISTRATOR, Role.ENGAGEMENT_OFFICER, Role.ANALYST)


@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    form = DataAccessRequestForm(request.POST or None)
    # Anti-spam checks come after the form's own, so a person with something to fix sees that.
    if request.method == "POST" and form.is_valid():
        if request.POST.get(HONEYPOT):
            return render(request, "insights/request_sent.html", {"reference": "—"})
        if hit(
            "data-request", getattr(request, "client_address", None) or "", limit=5, per=timedelta(hours=1)
        ):
            return slow_down(
                request,
                heading=_("Too many requests"),
                paragraphs=[
                    _(
                        "We have had several data access requests from your connection in the last hour. "
                        "Wait an hour and send your request again; nothing you sent before has been lost."
                    )
                ],
                back_url=reverse("insights:request_new"),
                back_label=_("Ask for data again"),
            )
        with transaction.atomic():
            found = form.save(commit=False)
            found.reference = "DAR-" + secrets.token_hex(3).upper()
            found.save()
        email_send_later(
            to=[found.email],
            subject=_("We have your data access request %(ref)s") % {"ref": found.reference},
            body=render_to_string(
                "insights/email/request_received.txt",
                {"found": found, "service_name": settings.CHORUS_SERVICE_NAME},
            ),
        )
        return render(request, "insights/request_sent.html", {"reference": found.reference})
    return render(request, "insights/request_form.html", {"form": form, "honeypot": HONEYPOT})


def register(request: HttpRequest) -> HttpResponse:
    decided = DataAccessRequest.objects.filter(
        status__in=[DataAccessRequest.Status.APPROVED, DataAccessRequest.Status.REFUSED]
    ).order_by("-decided_at")
    page = Paginator(
        decided.only(
            "reference", "organisation", "purpose", "data_wanted", "status", "reasons", "decided_at"
        ),
        25,
    ).get_page(request.GET.get("page"))
    return render(request, "insights/register.html", {"page": page})


@staff_required
def request_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(
        DataAccessRequest.objects.all().only("code", "reference", "organisation", "status", "created_at"), 25
    ).get_page(request.GET.get("page"))
    return render(request, "insights/request_list.html", {"page": page})


@staff_required
@require_http_methods(["GET", "POST"])
def request_detail(request: HttpRequest, code: Any) -> HttpResponse:
    user = staff_user(request)
    found = get_for_view(request, DataAccessRequest.objects.all(), code=code)
    mine = found.reviews.filter(reviewer=user).first()
    review_form = PanelReviewForm(
        request.POST if request.POST.get("what") == "review" else None, instance=mine
    )
    decision_form = RequestDecisionForm(request.POST if request.POST.get("what") == "decide" else None)
    decided = found.status in (DataAccessRequest.Status.APPROVED, DataAccessRequest.Status.REFUSED)
    if request.method == "POST" and not decided:
        if request.POST.get("what") == "review" and user.role not in REVIEWERS:
            raise PermissionDenied
        if request.POST.get("what") == "review" and review_form.is_valid():
            review = review_form.save(commit=False)
            review.request, review.reviewer = found, user
            review.save()
            if found.status == DataAccessRequest.Status.SUBMITTED:
                found.status = DataAccessRequest.Status.REVIEW
                found.save(update_fields=["status", "updated_at"])
            audit_record(
                actor=user, action=AuditAction.CHANGE, obj=found, detail={"review": review.recommendation}
            )
            messages.success(request, _("Your recommendation is recorded."))
            return redirect("insights:request_detail", code=found.code)
        if request.POST.get("what") == "decide":
            if user.role not in DECIDERS:
                return HttpResponse(status=403)
            if not found.reviews.exists():
                decision_form.add_error(
                    None,
                    _("The panel has not reviewed this request yet. Add at least one recommendation first."),
                )
            elif decision_form.is_valid():
                found.status = decision_form.cleaned_data["decision"]
                found.reasons = decision_form.cleaned_data["reasons"]
                found.decided_by, found.decided_at = user, timezone.now()
                found.save()
                audit_record(
                    actor=user, action=AuditAction.CHANGE, obj=found, detail={"decision": found.status}
                )
                email_send_later(
                    to=[found.email],
                    subject=_("A decision on your data access request %(ref)s") % {"ref": found.reference},
                    body=render_to_string(
                        "insights/email/request_decided.txt",
                        {"found": found, "service_name": settings.CHORUS_SERVICE_NAME},
                    ),
                )
                messages.success(
                    request,
                    _("The decision is recorded, published in the register and sent to the requester."),
                )
                return redirect("insights:request_detail", code=found.code)
    return render(
        request,
        "insights/request_detail.html",
        {
            "found": found,
            "reviews": found.reviews.select_related("reviewer"),
            "review_form": review_form,
            "decision_form": decision_form,
            "decided": decided,
            "can_decide": user.role in DECIDERS,
            "can_review": user.role in REVIEWERS,
        },
    )
