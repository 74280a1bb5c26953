"""Administrators' pages for webhook endpoints and their deliveries."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from chorus.core.access import administrator_required, get_for_change, staff_required, staff_user
from chorus.core.submissions import new_submission, submission_made, submission_remember
from chorus.webhooks import services
from chorus.webhooks.forms import EndpointForm
from chorus.webhooks.models import Delivery, Endpoint, EventKind

EVENT_LABELS = dict(EventKind.choices)
# The forms this session sent that added an endpoint: the form's own id -> the endpoint's code.
ADDED = "webhook_endpoints_added"


def _endpoint(request: HttpRequest, code: UUID) -> Endpoint:
    return get_for_change(request, Endpoint.objects.select_related("created_by"), code=code)


@staff_required
@administrator_required
def endpoint_list(request: HttpRequest) -> HttpResponse:
    endpoints = Endpoint.objects.select_related("created_by").order_by("-is_active", "name")
    rows = [(endpoint, [EVENT_LABELS.get(e, e) for e in endpoint.events]) for endpoint in endpoints]
    return render(request, "webhooks/endpoint_list.html", {"rows": rows})


@never_cache
@staff_required
@administrator_required
@require_http_methods(["GET", "POST"])
def endpoint_create(request: HttpRequest) -> HttpResponse:
    added = submission_made(request, ADDED)
    if added is not None:
        # The same form sent again (reloaded, or clicked twice): the endpoint is there
        # already, and its secret was shown once.
        already = Endpoint.objects.filter(code=added).first()
        if already is not None:
            return render(request, "webhooks/endpoint_added.html", {"endpoint": already, "secret": None})
    form = EndpointForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        endpoint, secret = services.endpoint_create(
            actor=staff_user(request), request=request, **form.cleaned_data
        )
        submission_remember(request, ADDED, endpoint.code)
        # Shown on this answer only.
        response = render(request, "webhooks/endpoint_added.html", {"endpoint": endpoint, "secret": secret})
        response["Cache-Control"] = "no-store"
        return response
    return render(
        request,
        "webhooks/endpoint_form.html",
        {"form": form, "endpoint": None, "submission": new_submission()},
    )


@staff_required
@administrator_required
@require_http_methods(["GET", "POST"])
def endpoint_edit(request: HttpRequest, code: UUID) -> HttpResponse:
    endpoint = _endpoint(request, code)
    initial = {
        "name": endpoint.name,
        "url": endpoint.url,
        "events": endpoint.events,
        "format": endpoint.format,
        "project_key": endpoint.project_key,
    }
    form = EndpointForm(data=request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.endpoint_update(
            actor=staff_user(request), request=request, endpoint=endpoint, **form.cleaned_data
        )
        messages.success(request, _("The endpoint %(name)s was changed.") % {"name": endpoint.name})
        return redirect("webhooks:endpoint_detail", code=endpoint.code)
    return render(request, "webhooks/endpoint_form.html", {"form": form, "endpoint": endpoint})


@staff_required
@administrator_required
def endpoint_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    endpoint = _endpoint(request, code)
    status = request.GET.get("status", "")
    deliveries = endpoint.deliveries.all()
    if status in Delivery.Status.values:
        deliveries = deliveries.filter(status=status)
    page = Paginator(deliveries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "webhooks/endpoint_detail.html",
        {
            "endpoint": endpoint,
            "events": [EVENT_LABELS.get(e, e) for e in endpoint.events],
            "page": page,
            "status": status,
            "statuses": Delivery.Status.choices,
        },
    )


@require_POST
@staff_required
@administrator_required
def endpoint_test(request: HttpRequest, code: UUID) -> HttpResponse:
    endpoint = _endpoint(request, code)
    if not endpoint.is_active:
        messages.error(request, _("Turn the endpoint on before sending it a test event."))
        return redirect("webhooks:endpoint_detail", code=endpoint.code)
    delivery = services.endpoint_test_send(actor=staff_user(request), request=request, endpoint=endpoint)
    delivery.refresh_from_db()
    if delivery.status == Delivery.Status.DELIVERED:
        messages.success(request, _("The test event was delivered."))
    else:
        messages.info(
            request, _("The test event was not delivered yet. Chorus will keep trying; see the log below.")
        )
    return redirect("webhooks:endpoint_detail", code=endpoint.code)


@require_POST
@staff_required
@administrator_required
def endpoint_active(request: HttpRequest, code: UUID) -> HttpResponse:
    endpoint = _endpoint(request, code)
    active = request.POST.get("active") == "1"
    services.endpoint_set_active(actor=staff_user(request), request=request, endpoint=endpoint, active=active)
    if active:
        messages.success(request, _("The endpoint %(name)s was turned on.") % {"name": endpoint.name})
    else:
        messages.success(
            request,
            _("The endpoint %(name)s was turned off. Chorus sends it nothing.") % {"name": endpoint.name},
        )
    return redirect("webhooks:endpoint_detail", code=endpoint.code)


@require_POST
@staff_required
@administrator_required
def delivery_replay(request: HttpRequest, code: UUID, delivery: UUID) -> HttpResponse:
    endpoint = _endpoint(request, code)
    found = get_object_or_404(Delivery.objects.select_related("endpoint"), endpoint=endpoint, code=delivery)
    if not endpoint.is_active:
        messages.error(request, _("Turn the endpoint on before sending an event again."))
        return redirect("webhooks:endpoint_detail", code=endpoint.code)
    services.delivery_replay(actor=staff_user(request), request=request, delivery=found)
    messages.success(request, _("The event was sent again with the same event id."))
    return redirect("webhooks:endpoint_detail", code=endpoint.code)
