"""The staff API, version 1 (``/api/v1/``): Django Ninja, one OpenAPI document (ADR 14)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
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
    reference,
    subscribers,
)
from chorus.api.base import ApiError, TokenAuth

api = NinjaAPI(
    title="Chorus staff API",
    version="1",
    description=(
        "Read and change Chorus's records from other systems. Every call needs a token that an "
        "administrator issued (the header `Authorization: Bearer` followed by the token), with a "
        "scope for each area it reads (area:read) or changes (area:write). A record the token "
        "may not see is a 404. Errors are "
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
api.add_router("", reference.router)


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
    """The name of the field a pydantic error is about, without where it was sent or the
    type of a choice of types it was checked against (``value.str``, ``value.list[str]``)."""
    parts = [
        str(p)
        for p in location
        if p not in ("body", "query", "path") and not (isinstance(p, str) and (p in TYPE_NAMES or "[" in p))
    ]
    return ".".join(parts) or "body"


TYPE_NAMES = frozenset({"str", "int", "float", "bool", "list", "dict", "none", "uuid", "date", "datetime"})


# pydantic's error types, by how they begin, and what to send instead.
SEND = (
    ("missing", gettext_lazy("Send this: it is needed.")),
    (
        "uuid",
        gettext_lazy("Send a code like 0b7c5e1a-4f1d-4c55-9d7e-2a1f0b9e8c11 (every record is named by one)."),
    ),
    ("datetime", gettext_lazy("Send a date and time like 2026-03-27T14:00:00Z.")),
    ("date", gettext_lazy("Send a date like 2026-03-27.")),
    ("int", gettext_lazy("Send a whole number.")),
    ("bool", gettext_lazy("Send true or false.")),
    ("string_type", gettext_lazy("Send text.")),
    ("list_type", gettext_lazy('Send a list, like ["a", "b"].')),
    ("model_", gettext_lazy('Send a JSON object, like {"name": "value"}.')),
    ("dict_type", gettext_lazy('Send a JSON object, like {"name": "value"}.')),
    (
        "extra_forbidden",
        gettext_lazy("There is no field of this name here. Leave it out, or check its spelling."),
    ),
)
# Types whose limit is in the error's context: (type, context key, message).
LIMITS = (
    ("less_than_equal", "le", gettext_lazy("Send %(limit)s or less.")),
    ("greater_than_equal", "ge", gettext_lazy("Send %(limit)s or more.")),
    ("string_too_long", "max_length", gettext_lazy("Send at most %(limit)s characters.")),
)


def _message(error: dict[str, Any]) -> str:
    """What is wrong with a value, and how to send it, for pydantic's error ``type``."""
    kind, context = str(error.get("type", "")), error.get("ctx") or {}
    for start, message in SEND:
        if kind.startswith(start):
            return str(message)
    for limited, key, template in LIMITS:
        if kind == limited and key in context:
            return str(template) % {"limit": context[key]}
    return str(error.get("msg", _("This is not valid.")))


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        messages = errors.setdefault(_field(error.get("loc", ())), [])
        message = _message(error)
        if message not in messages:
            messages.append(message)
    return _errors(request, 400, errors)


@api.exception_handler(HttpError)
def _refused(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Ninja's own refusals; the one that reaches here is a body that is not JSON."""
    if exc.status_code == 400:
        return _errors(request, 400, {"body": [_("The body is not valid JSON. Send a JSON object.")]})
    return _errors(request, exc.status_code, {"request": [str(exc)]})
