"""Reasonable adjustments pages: staff change them on the person's record and send the
person a link; the person sees, changes or withdraws their own through that link."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from chorus.core import ratelimit
from chorus.core.access import get_for_change, staff_required, staff_user
from chorus.directory.adjustments import (
    PERSON_ACTOR,
    Source,
    adjustments_audit_view,
    adjustments_link_send,
    adjustments_save,
    adjustments_withdraw,
    needs_of,
    people_with_email,
    person_from_token,
    record_of,
)
from chorus.directory.adjustments_forms import AdjustmentsForm, AdjustmentsLinkRequestForm, record_initial
from chorus.directory.models import AdjustmentCategory as Category
from chorus.directory.selectors import people_for

# Links asked for: at most this many a day from one address, and for one email.
LINKS_PER = timedelta(days=1)
LINKS_PER_ADDRESS = 10
LINKS_PER_EMAIL = 3


@staff_required
@require_http_methods(["GET", "POST"])
def person_adjustments(request: HttpRequest, code: UUID) -> HttpResponse:
    user = staff_user(request)
    person = get_for_change(request, people_for(user).filter(erased_at__isnull=True), code=code)
    record = record_of(person)
    if request.method == "GET" and record is not None:
        adjustments_audit_view(person=person, actor=user, request=request)
    initial = record_initial(record)
    # Needs someone asked for elsewhere (a request for help to respond), offered ticked for
    # staff to check with the person before saving.
    asked = [n for n in request.GET.getlist("needs") if n in Category.values]
    via = Source.HELP_REQUEST if request.GET.get("from") == "help_request" else Source.STAFF
    if asked:
        initial["needs"] = sorted(set(initial.get("needs", [])) | set(asked))
    form = AdjustmentsForm(data=request.POST or None, initial=initial, staff=True)
    if request.method == "POST" and form.is_valid():
        adjustments_save(
            person=person,
            needs=form.needs_with_details(),
            share_with=form.cleaned_data["share_with"],
            review_on=form.cleaned_data["review_on"],
            via=via,
            actor=user,
            request=request,
        )
        messages.success(request, _("Reasonable adjustments saved."))
        return redirect("directory:person_detail", code=person.code)
    return render(
        request,
        "directory/adjustments_form.html",
        {"person": person, "form": form, "record": record},
    )


@require_POST
@staff_required
def person_adjustments_link(request: HttpRequest, code: UUID) -> HttpResponse:
    user = staff_user(request)
    person = get_for_change(request, people_for(user).filter(erased_at__isnull=True), code=code)
    with transaction.atomic():
        sent = adjustments_link_send(person=person, request=request, actor=user)
    if sent:
        messages.success(
            request,
            _("We have emailed %(name)s a link to see or change their adjustments.")
            % {"name": person.full_name},
        )
    else:
        messages.error(
            request,
            _("Add an email address for %(name)s before sending them a link.") % {"name": person.full_name},
        )
    return redirect("directory:person_detail", code=person.code)


# The person's own pages (public, no sign-in)


@never_cache
@require_http_methods(["GET", "POST"])
def adjustments_request(request: HttpRequest) -> HttpResponse:
    """Ask for a link by email. The page says the same whether or not the email is held."""
    form = AdjustmentsLinkRequestForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        limited = ratelimit.hit(
            "adjustments-link", ratelimit.client_address(request), limit=LINKS_PER_ADDRESS, per=LINKS_PER
        ) or ratelimit.hit("adjustments-link:email", email.lower(), limit=LINKS_PER_EMAIL, per=LINKS_PER)
        if not form.cleaned_data[ratelimit.HONEYPOT] and not limited:
            with transaction.atomic():
                for person in people_with_email(email):
                    adjustments_link_send(person=person, request=request, actor=None, to=email)
        return render(request, "directory/adjustments_link_sent.html", {"email": email})
    return render(request, "directory/adjustments_request.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def adjustments_change(request: HttpRequest, token: str) -> HttpResponse:
    person = person_from_token(token)
    if person is None:
        return render(request, "directory/adjustments_link_expired.html", status=410)
    record = record_of(person)
    if request.method == "POST" and "withdraw" in request.POST:
        adjustments_withdraw(person=person, actor=None, actor_label=PERSON_ACTOR, request=request)
        return render(request, "directory/adjustments_saved.html", {"withdrawn": True})
    form = AdjustmentsForm(data=request.POST or None, initial=record_initial(record), staff=False)
    if request.method == "POST" and form.is_valid():
        adjustments_save(
            person=person,
            needs=form.needs_with_details(),
            share_with=form.cleaned_data["share_with"],
            review_on=record.review_on if record else None,
            via=Source.PERSON,
            actor=None,
            actor_label=PERSON_ACTOR,
            request=request,
        )
        return render(request, "directory/adjustments_saved.html", {"withdrawn": False})
    if request.method == "GET":
        adjustments_audit_view(person=person, actor=None, actor_label=PERSON_ACTOR, request=request)
    return render(
        request,
        "directory/adjustments_public.html",
        {"person": person, "form": form, "record": record, "needs": needs_of(record)},
    )
