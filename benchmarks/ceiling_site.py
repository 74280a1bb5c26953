"""The ceiling for the load benchmark: Chorus's own settings and middleware, one minimal view.

``DJANGO_SETTINGS_MODULE=benchmarks.ceiling_site`` serves ``POST /ceiling/``, which
stores one row and answers "ok": what the same stack (gunicorn, Django, middleware,
PostgreSQL) does with no application work.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from chorus.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.ceiling_site"


@csrf_exempt
def ceiling(request: HttpRequest) -> HttpResponse:
    from chorus.core.models import RateCount

    RateCount.objects.create(key=uuid.uuid4().hex, count=1, expires_at=timezone.now() + timedelta(minutes=1))
    return HttpResponse("ok")


def _health(request: HttpRequest) -> HttpResponse:
    from chorus.core.views import health

    return health(request)


urlpatterns = [
    path("ceiling/", ceiling),
    path("healthz", _health),
    path("brand.css", _health, name="brand_css"),
]
