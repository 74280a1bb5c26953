"""Assisted digital: the public ask for help to respond; staff work through a queue and can
complete the response on the person's behalf."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chorus.consultations.forms import HelpQueueFilterForm, HelpRequestForm
from chorus.consultations.models import Consultation, HelpRequest
from chorus.consultations.views import EDITORS
from chorus.core import ratelimit
from chorus.core.access import get_for_change, role_required, staff_required, staff_user, visible_to
from chorus.core.audit import audit_record
from chorus.core.hooks import event_happened
from chorus.core.i18n import current_language
from chorus.core.models import AuditAction
from chorus.directory.adjustments import people_with_email
from chorus.directory.normalise import normalise_phone
from chorus.directory.selectors import people_for

if TYPE_CHECKING:
    from chorus.accounts.models import User

# Requests for help: at most this many from one address, and for one person (by their
# contact details) on one consultation, in a day. Staff work through each one by hand.
HELP_PER = timedelta(days=1)
HELP_PER_ADDRESS = 10
HELP_PER_CONTACT = 3


def _contact(data: dict[str, Any]) -> str:
    """Who a request is for: their email, else their phone, else their name and address."""
    if data.get("email"):
        return f"email:{str(data['email']).strip().lower()}"
    if data.get("phone"):
        return f"phone:{normalise_phone(str(data['phone']))}"
    name_and_address = f"{data.get('name', '')}|{data.get('address', '')}"
    return "name:" + " ".join(name_and_address.lower().split())


@require_http_methods(["GET", "POST"])
def help_request(request: HttpRequest, code: UUID) -> HttpResponse:
    consultation = Consultation.objects.public().filter(code=code).first()
    if consultation is None:
        raise Http404
    language = current_language()
    form = HelpRequestForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not data.pop(ratelimit.HONEYPOT):
            if ratelimit.hit(
                "help-request", ratelimit.client_address(request), limit=HELP_PER_ADDRESS, per=HELP_PER
            ) or ratelimit.hit(
                f"help-request:{consultation.pk}", _contact(data), limit=HELP_PER_CONTACT, per=HELP_PER
            ):
                title = consultation.title_for(language)
                return ratelimit.slow_down(
                    request,
                    heading=_("We already have your request for help"),
                    caption=title,
                    paragraphs=[
                        _(
                            "We have had several requests for help from you or from your connection today, "
                            "so we have not added this one. Someone from our team will contact you about the "
                            "requests we already have: you do not need to ask again."
                        ),
                        _("If you need to ask for something different, try again tomorrow."),
                    ],
                    back_url=reverse("consultations:public_consultation", args=[consultation.code]),
                    back_label=title,
                )
            asked = HelpRequest.objects.create(consultation=consultation, **data)
            event_happened("help_requested", asked)
        return render(
            request,
            "consultations/help_sent.html",
            {"consultation": consultation, "title": consultation.title_for(language)},
        )
    return render(
        request,
        "consultations/help_form.html",
        {"consultation": consultation, "title": consultation.title_for(language), "form": form},
    )


@staff_required
def help_queue(request: HttpRequest) -> HttpResponse:
    form = HelpQueueFilterForm(data=request.GET or {"status": "open"})
    status = form.cleaned_data["status"] if form.is_valid() else "open"
    requests_ = visible_to(
        staff_user(request), HelpRequest.objects.select_related("consultation", "assigned_to")
    )
    if status == "open":
        requests_ = requests_.filter(status__in=[HelpRequest.Status.NEW, HelpRequest.Status.IN_PROGRESS])
    elif status:
        requests_ = requests_.filter(status=status)
    page = Paginator(requests_, settings.CHORUS_PAGE_SIZE).get_page(request.GET.get("page"))
    _match_adjustments(staff_user(request), page.object_list)
    if page.object_list:
        audit_record(
            actor=staff_user(request),
            action=AuditAction.VIEW,
            request=request,
            object_type="consultations.helprequest",
            object_repr="Help requests",
            detail={"shown": len(page.object_list)},
        )
    return render(
        request,
        "consultations/help_queue.html",
        {"form": form, "page": page, "query": f"status={status}", "statuses": HelpRequest.Status.choices},
    )


def _match_adjustments(user: User, found: Iterable[HelpRequest]) -> None:
    """Give each request that asks for adjustments, from an email the directory holds for
    one person the user may change, that person (``directory_person``), so staff can put the
    adjustments on their record once they have checked them and the sharing with them."""
    if user.role not in EDITORS:
        return
    for help_request in found:
        if not (help_request.adjustments and help_request.email):
            continue
        matches = people_for(user).filter(pk__in=[p.pk for p in people_with_email(help_request.email)])
        people = list(matches[:2])
        setattr(help_request, "directory_person", people[0] if len(people) == 1 else None)  # noqa: B010


@require_POST
@staff_required
@role_required(*EDITORS)
def help_update(request: HttpRequest, code: UUID) -> HttpResponse:
    found = get_for_change(request, HelpRequest.objects.all(), code=code)
    status = request.POST.get("status", "")
    if status not in HelpRequest.Status.values:
        messages.error(request, _("Choose a status for the request."))
        return redirect("consultations:help_queue")
    user = staff_user(request)
    with transaction.atomic():
        found.status = status
        if status == HelpRequest.Status.IN_PROGRESS and found.assigned_to is None:
            found.assigned_to = user
        found.save(update_fields=["status", "assigned_to", "updated_at"])
        audit_record(
            actor=user, action=AuditAction.CHANGE, obj=found, request=request, detail={"status": status}
        )
    messages.success(request, _("Help request updated."))
    return redirect("consultations:help_queue")
