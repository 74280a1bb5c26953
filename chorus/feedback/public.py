"""The ready-made exit survey a service links to at the end of its journey."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import uuid4

from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from chorus.core.i18n import current_language
from chorus.core.ratelimit import HONEYPOT, hit, slow_down
from chorus.directory.models import Place, Region
from chorus.equality.services import equality_answered
from chorus.equality.views import equality_step
from chorus.feedback import services
from chorus.feedback.forms import ExitSurveyForm, place_for_code, region_for_code, where_disagrees, where_from
from chorus.feedback.models import ExitSurveyResponse, Service

logger = logging.getLogger("chorus.feedback")

LEAST_SECONDS = 3
MOST_PER_ADDRESS = 20
PER = timedelta(minutes=10)
SALT = "chorus.feedback.exit"


def _service(slug: str) -> Service:
    service = Service.objects.filter(slug=slug, is_active=True).first()
    if service is None:
        raise Http404
    return service


def _session_key(service: Service) -> str:
    return f"exit-{service.code}"


def _context(service: Service, **more: Any) -> dict[str, Any]:
    return {"service": service, "title": service.name_for(current_language()), **more}


def _slow_down(request: HttpRequest, service: Service) -> HttpResponse:
    return slow_down(
        request,
        heading=_("Please wait before sending"),
        paragraphs=[
            _(
                "We could not accept your feedback just now: it came too quickly, or we have had a lot "
                "from your connection in the last few minutes. Wait a minute, then give your feedback again."
            )
        ],
        back_url=reverse("feedback:exit_survey", args=[service.slug]),
        back_label=_("Give feedback again"),
    )


def _came_from(service: Service, address: str) -> str:
    """The service page the person came from, kept only when it is on the service's own site."""
    address = (address or "").strip()[:2000]
    return address if service.allows(address) else ""


@dataclass(frozen=True)
class Where:
    region: Region | None = None
    place: Place | None = None


def _where(service: Service, data: QueryDict) -> Where:
    """The region (ONS code) and place (its code) the service's link says the person was in.

    The person cannot put a wrong code right, so one Chorus does not know (or a place in
    another region) is left out, and logged for the service's team to fix its link."""
    region_code, place_code = data.get("region", "")[:20], data.get("place", "")[:40]
    region, place = region_for_code(region_code), place_for_code(place_code)
    if (region_code.strip() and region is None) or (place_code.strip() and place is None):
        logger.warning("Exit survey for %s: an unknown region or place in its link", service.slug)
        return Where()
    if where_disagrees(region, place):
        logger.warning("Exit survey for %s: a place in another region in its link", service.slug)
        return Where()
    return Where(*where_from(region, place))


@require_http_methods(["GET", "POST"])
def exit_survey(request: HttpRequest, slug: str) -> HttpResponse:
    service = _service(slug)
    if request.method == "GET":
        key = uuid4()
        form = ExitSurveyForm(initial={"submission_key": key})
        started = signing.dumps({"key": str(key), "at": time.time()}, salt=SALT)
        came_from = _came_from(service, request.GET.get("from", ""))
        return render(
            request,
            "feedback/exit_survey.html",
            _context(
                service,
                form=form,
                started=started,
                came_from=came_from,
                where=_where(service, request.GET),
                honeypot=HONEYPOT,
            ),
        )
    form = ExitSurveyForm(data=request.POST)
    started = request.POST.get("started", "")
    came_from = _came_from(service, request.POST.get("came_from", ""))
    where = _where(service, request.POST)
    # Anti-spam checks come after the form's own, so a person with something to fix sees that.
    if form.is_valid():
        if request.POST.get(HONEYPOT):
            logger.warning("Exit survey for %s rejected: honeypot", service.slug)
            return redirect("feedback:exit_done", slug=service.slug)
        address = getattr(request, "client_address", None) or ""
        if hit(f"exit:{service.pk}", address, limit=MOST_PER_ADDRESS, per=PER):
            return _slow_down(request, service)
        key = form.cleaned_data["submission_key"]
        try:
            token = signing.loads(started, salt=SALT)
        except signing.BadSignature:
            token = {}
        if not isinstance(token, dict) or token.get("key") != str(key):
            logger.warning("Exit survey for %s rejected: the form was not one we gave out", service.slug)
            return _slow_down(request, service)
        if time.time() - float(token.get("at", 0)) < LEAST_SECONDS:
            logger.warning("Exit survey for %s rejected: too fast", service.slug)
            return _slow_down(request, service)
        response = services.exit_response_store(
            service=service,
            data=form.cleaned_data,
            came_from=came_from,
            language=current_language()[:2],
            region=where.region,
            place=where.place,
        )
        request.session[_session_key(service)] = str(response.submission_key)
        if service.equality_monitoring:
            return redirect("feedback:exit_equality", slug=service.slug)
        return redirect("feedback:exit_done", slug=service.slug)
    return render(
        request,
        "feedback/exit_survey.html",
        _context(service, form=form, started=started, came_from=came_from, where=where, honeypot=HONEYPOT),
    )


def _own_response(request: HttpRequest, service: Service) -> ExitSurveyResponse | None:
    key = request.session.get(_session_key(service))
    return ExitSurveyResponse.objects.filter(service=service, submission_key=key).first() if key else None


@require_http_methods(["GET", "POST"])
def exit_equality(request: HttpRequest, slug: str) -> HttpResponse:
    service = _service(slug)
    response = _own_response(request, service)
    if response is None or not service.equality_monitoring:
        return redirect("feedback:exit_survey", slug=service.slug)
    key = services.exit_response_equality_key(response=response)
    form = equality_step(request, key=key, asked_for=service.code, submitted=True)
    if form is None:
        return redirect("feedback:exit_done", slug=service.slug)
    return render(request, "consultations/respond_equality.html", _context(service, form=form, back=""))


def exit_done(request: HttpRequest, slug: str) -> HttpResponse:
    service = _service(slug)
    response = _own_response(request, service)
    answered = bool(response and response.equality_key and equality_answered(response.equality_key))
    return render(
        request, "feedback/exit_done.html", _context(service, response=response, equality_answered=answered)
    )
