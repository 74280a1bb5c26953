"""The check-in page staff use at the door on a phone or tablet: find someone by name, email
or code (typed, or typed by a scanner app from the QR code), mark them arrived or not, and
add people who walk in. Officers and administrators of the activity's team only."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chorus.core.access import get_for_change, role_required, staff_required, staff_user
from chorus.core.i18n import current_welsh_or_english
from chorus.engagement.models import Activity
from chorus.events import checkin, services
from chorus.events.models import Registration
from chorus.events.views import EDITORS


class WalkInForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Full name"),
        max_length=200,
        error_messages={"required": gettext_lazy("Enter their full name")},
    )
    email = forms.EmailField(
        label=gettext_lazy("Email address (optional)"),
        required=False,
        error_messages={
            "invalid": gettext_lazy("Enter an email address in the correct format, like name@example.com")
        },
    )
    consent = forms.BooleanField(
        label=gettext_lazy(
            "They agree to us keeping their name and email address to contact them about this event"
        ),
        error_messages={"required": gettext_lazy("Ask them to agree before adding them")},
    )
    over_places = forms.BooleanField(
        label=gettext_lazy("Add them anyway, over the number of places"),
        required=False,
        help_text=gettext_lazy("Check with the organiser that the room has space for them first."),
    )

    def __init__(self, *args: Any, activity: Activity, full: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.activity = activity
        if not full:
            # Asked only while every place is taken.
            del self.fields["over_places"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "over_places" not in self.fields or cleaned.get("over_places"):
            return cleaned
        # Someone registered with a place (or one held for them) with the address they give
        # is simply marked arrived: they take no extra place, so there is nothing to add anyway.
        existing = (
            None
            if "email" in self.errors
            else checkin.registered_with(self.activity, cleaned.get("email") or "")
        )
        if existing is None or existing.status == Registration.Status.WAITING:
            self.add_error(
                "over_places",
                _(
                    "Every place is taken. Tick “Add them anyway” to add them over the number of places, "
                    "or check with the organiser"
                ),
            )
        return cleaned


def checkin_shown(registration: Registration) -> dict[str, Any]:
    """The check-in code and its QR code for the registrant's own page: only with a confirmed place."""
    if registration.status != Registration.Status.CONFIRMED:
        return {}
    code = checkin.checkin_code(registration)
    return {
        "checkin_code": checkin.code_shown(code),
        "qr_svg": checkin.qr_svg(code, _("QR code of your check-in code")),
    }


def _back(activity: Activity, query: str = "") -> HttpResponse:
    url = reverse("events:checkin", kwargs={"code": activity.code})
    return redirect(f"{url}?{urlencode({'q': query})}" if query else url)


@require_GET
@staff_required
@role_required(*EDITORS)
def checkin_page(request: HttpRequest, code: UUID) -> HttpResponse:
    user = staff_user(request)
    activity = get_for_change(request, Activity.objects.all(), code=code)
    query = request.GET.get("q", "").strip()[:200]
    registrations = list(checkin.checkin_list(activity, query)[:100])
    services.registrants_shown(actor=user, request=request, activity=activity, count=len(registrations))
    arrived, expected = checkin.checkin_counts(activity)
    return render(
        request,
        "events/checkin.html",
        {
            "activity": activity,
            "registrations": registrations,
            "query": query,
            "arrived": arrived,
            "expected": expected,
            "show_contacts": user.can_see_contact_details,
        },
    )


@require_POST
@staff_required
@role_required(*EDITORS)
def checkin_by_code(request: HttpRequest, code: UUID) -> HttpResponse:
    """A code typed, pasted or typed by a scanner app: the person is marked arrived at once."""
    activity = get_for_change(request, Activity.objects.all(), code=code)
    typed = request.POST.get("checkin_code", "")
    if not checkin.code_typed(typed):
        messages.error(request, _("Enter the code from the person's confirmation email or QR code"))
        return _back(activity)
    if len(checkin.code_typed(typed)) != checkin.LENGTH:
        messages.error(
            request,
            _(
                "No one registered for this event has that code: a code is 8 letters and numbers, "
                "like ACDE-3467. Check it, or search by name."
            ),
        )
        return _back(activity)
    registration = checkin.registration_by_code(activity, typed)
    if registration is None:
        messages.error(
            request, _("No one registered for this event has that code. Check it, or search by name.")
        )
        return _back(activity)
    _arrive(request, registration)
    return _back(activity)


def _arrive(request: HttpRequest, registration: Registration) -> None:
    if registration.arrived_at is None and registration.status != Registration.Status.CONFIRMED:
        # A cancelled, declined or waiting registration holds no place: say so at the door
        # rather than letting the code through.
        messages.warning(
            request,
            _(
                "%(name)s has no confirmed place (%(status)s), so they are not marked as arrived. "
                "Check with the organiser, or add them as a walk-in."
            )
            % {"name": registration.name, "status": registration.get_status_display().lower()},
        )
        return
    checkin.registration_arrive(actor=staff_user(request), request=request, registration=registration)
    # The same message whoever was first: two staff marking one person both see it done.
    messages.success(request, _("%(name)s has arrived.") % {"name": registration.name})


@require_POST
@staff_required
@role_required(*EDITORS)
def checkin_mark(request: HttpRequest, code: UUID) -> HttpResponse:
    registration = get_for_change(request, Registration.objects.select_related("activity"), code=code)
    if request.POST.get("arrived") == "no":
        checkin.registration_not_arrived(
            actor=staff_user(request), request=request, registration=registration
        )
        messages.success(
            request,
            _("Arrival undone: %(name)s is no longer marked as arrived.") % {"name": registration.name},
        )
    else:
        _arrive(request, registration)
    return _back(registration.activity, request.POST.get("q", "").strip()[:200])


@require_http_methods(["GET", "POST"])
@staff_required
@role_required(*EDITORS)
def checkin_walk_in(request: HttpRequest, code: UUID) -> HttpResponse:
    activity = get_for_change(request, Activity.objects.all(), code=code)
    full = checkin.places_full(activity)
    form = WalkInForm(
        request.POST if request.method == "POST" else None, activity=activity, full=full is not None
    )
    if request.method == "POST" and form.is_valid():
        try:
            registration = checkin.walk_in_add(
                actor=staff_user(request),
                request=request,
                activity=activity,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                language=current_welsh_or_english(),
                over_places=form.cleaned_data.get("over_places", False),
            )
        except checkin.PlacesFull as taken:
            # The last place went while the form was being filled in: ask now.
            full = taken
            form = WalkInForm(request.POST, activity=activity, full=True)
            form.is_valid()
        else:
            messages.success(request, _("%(name)s has arrived.") % {"name": registration.name})
            return _back(activity)
    return render(request, "events/checkin_walk_in.html", {"activity": activity, "form": form, "full": full})
