"""Staff pages of event registration: opening it on an activity, and the list of registrants
with their places, the waiting list and the decisions staff make."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chorus.accounts.models import Role
from chorus.core.access import (
    can_change,
    get_for_change,
    get_for_view,
    role_required,
    staff_required,
    staff_user,
)
from chorus.engagement.models import Activity
from chorus.events import services
from chorus.events.forms import RegistrationSettingsForm
from chorus.events.models import Registration, RegistrationSettings

EDITORS = (Role.ADMINISTRATOR, Role.ENGAGEMENT_OFFICER)

DECISIONS = {
    "approve": gettext_lazy("Registration approved."),
    "decline": gettext_lazy("Registration declined."),
    "to_waiting_list": gettext_lazy("Moved to the waiting list."),
    "give_place": gettext_lazy("Place given."),
}


@require_http_methods(["GET", "POST"])
@staff_required
@role_required(*EDITORS)
def registration_settings(request: HttpRequest, code: UUID) -> HttpResponse:
    activity = get_for_change(request, Activity.objects.all(), code=code)
    current = RegistrationSettings.objects.filter(activity=activity).first()
    form = RegistrationSettingsForm(
        request.POST if request.method == "POST" else None,
        initial=RegistrationSettingsForm.initial_from(current, activity.booked_support, activity),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.registration_settings_save(
                actor=staff_user(request),
                request=request,
                activity=activity,
                values=form.values(),
                custom=form.custom(),
                booked_support=form.cleaned_data["booked_support"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Registration saved."))
            return redirect("events:registration_list", code=activity.code)
    return render(
        request, "events/registration_settings.html", {"activity": activity, "form": form, "current": current}
    )


@require_GET
@staff_required
def registration_list(request: HttpRequest, code: UUID) -> HttpResponse:
    user = staff_user(request)
    activity = get_for_view(request, Activity.objects.all(), code=code)
    settings_ = RegistrationSettings.objects.filter(activity=activity).first()
    registrations = list(activity.registrations.select_related("person").order_by("queued_at", "id"))
    services.registrants_shown(actor=user, request=request, activity=activity, count=len(registrations))
    groups = [
        (_("Places"), [r for r in registrations if r.status in Registration.HOLDING]),
        (_("Waiting list"), [r for r in registrations if r.status == Registration.Status.WAITING]),
        (_("No longer registered"), [r for r in registrations if not r.is_active]),
    ]
    return render(
        request,
        "events/registration_list.html",
        {
            "activity": activity,
            "settings": settings_,
            "counts": services.registration_counts(settings_) if settings_ else None,
            "groups": groups,
            "may_change": can_change(user, activity),
            "show_contacts": user.can_see_contact_details,
        },
    )


@require_POST
@staff_required
@role_required(*EDITORS)
def registration_decide(request: HttpRequest, code: UUID) -> HttpResponse:
    registration = get_for_change(request, Registration.objects.select_related("activity"), code=code)
    decision = request.POST.get("decision", "")
    try:
        services.registration_decide(
            actor=staff_user(request), request=request, registration=registration, decision=decision
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, str(DECISIONS.get(decision, _("Saved."))))
    return redirect("events:registration_list", code=registration.activity.code)


@require_http_methods(["GET", "POST"])
@staff_required
@role_required(*EDITORS)
def registration_decline(request: HttpRequest, code: UUID) -> HttpResponse:
    """Declining tells the person by email and gives their place away: asked first."""
    registration = get_for_change(request, Registration.objects.select_related("activity"), code=code)
    if request.method == "POST":
        return registration_decide(request, code)
    return render(request, "events/registration_decline.html", {"registration": registration})
