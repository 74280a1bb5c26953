"""The staff API, version 1 (``/api/v1/``): Django Ninja, one OpenAPI document (ADR 14)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from chorus.api import (
    activities,
    analysis,
    cases,
    commitments,
    consultations,
    directory,
    feedback,
    ideas,
    subscribers,
)
from chorus.api.base import ApiError, TokenAuth

api = NinjaAPI(
    title="Chorus staff API",
    version="1",
    description=(
        "Read and change Chorus's records from other systems. Every call needs a token that an "
        "administrator issued (Authorization: Bearer <token>), with a scope for each area it reads "
        "(area:read) or changes (area:write). A record the token may not see is a 404. Errors are "
        '{"errors": {"field": ["what is wrong"]}}. Lists are paged: pass the next value back as cursor.'
    ),
    auth=TokenAuth(),
    urls_namespace="api_v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
api.add_router("", directory.router)
api.add_router("", activities.router)
api.add_router("", consultations.router)
api.add_router("", feedback.router)
api.add_router("", analysis.router)
api.add_router("", subscribers.router)
api.add_router("", ideas.router)
api.add_router("", commitments.router)
api.add_router("", cases.router)


def _errors(request: HttpRequest, status: int, errors: dict[str, list[str]]) -> HttpResponse:
    return api.create_response(request, {"errors": errors}, status=status)


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    response = _errors(request, exc.status, exc.errors)
    for name, value in exc.headers.items():
        response[name] = value
    return response


@api.exception_handler(AuthenticationError)
def _no_token(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _errors(
        request,
        401,
        {"token": [_("Send a token in the Authorization header: Bearer followed by the token.")]},
    )


def _field(location: Any) -> str:
    """The name of the field a pydantic error is about, without where it was sent."""
    parts = [str(p) for p in location if p not in ("body", "query", "path")]
    return ".".join(parts) or "body"


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        errors.setdefault(_field(error.get("loc", ())), []).append(str(error.get("msg", _("Not valid"))))
    return _errors(request, 400, errors)


@api.exception_handler(HttpError)
def _refused(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Ninja's own refusals; the one that reaches here is a body that is not JSON."""
    if exc.status_code == 400:
        return _errors(request, 400, {"body": [_("The body is not valid JSON. Send a JSON object.")]})
    return _errors(request, exc.status_code, {"request": [str(exc)]})
