"""The public calendar page and its feed: open, forthcoming and closed consultations
beside upcoming and past events, filtered by topic and region."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from chorus.consultations.selectors import public_consultations
from chorus.core.i18n import current_language
from chorus.directory.reference import regions_ensure
from chorus.engagement.selectors import public_events, published_impact
from chorus.public_calendar.forms import CalendarFilterForm
from chorus.public_calendar.ical import calendar


@require_GET
def public_calendar(request: HttpRequest) -> HttpResponse:
    regions_ensure()
    form = CalendarFilterForm(data=request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    now = timezone.now()
    events = public_events(filters)
    query = request.GET.urlencode()
    consultations = public_consultations(filters)
    return render(
        request,
        "calendar/public_calendar.html",
        {
            "form": form,
            "open_consultations": consultations.open_at(now).order_by("closes_at")[:100],
            "forthcoming_consultations": consultations.filter(opens_at__gt=now).order_by("opens_at")[:50],
            "closed_consultations": consultations.filter(closes_at__lte=now).order_by("-closes_at")[:30],
            "upcoming": events.filter(starts_at__gte=now).order_by("starts_at")[:100],
            "past": events.filter(starts_at__lt=now).order_by("-starts_at")[:30],
            "feed_url": reverse("calendar:public_calendar_feed") + (f"?{query}" if query else ""),
            "language": get_language(),
        },
    )


@require_GET
def public_calendar_feed(request: HttpRequest) -> HttpResponse:
    form = CalendarFilterForm(data=request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = (
        public_events(filters)
        .filter(starts_at__gte=timezone.now() - timedelta(days=365))
        .prefetch_related(published_impact())
        .order_by("starts_at")
    )
    language = current_language()
    consultations = public_consultations(filters).filter(closes_at__gte=timezone.now() - timedelta(days=365))
    text = calendar(
        events,
        consultations=consultations.order_by("opens_at"),
        consultation_url_for=lambda c: request.build_absolute_uri(
            reverse("consultations:public_consultation", kwargs={"code": c.code})
        ),
        name=_("%(service)s: events") % {"service": settings.CHORUS_SERVICE_NAME},
        host=request.get_host().split(":")[0],
        url_for=lambda a: request.build_absolute_uri(
            reverse("engagement:public_event", kwargs={"code": a.code})
        ),
        language=language,
    )
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="events.ics"'
    return response
