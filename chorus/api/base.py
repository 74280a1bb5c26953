"""What every endpoint of the staff API shares: the bearer token, its scopes and rate
limit, the audit of each call, JSON errors with a message per field, cursor pagination."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any, TypeVar
from uuid import UUID

from django import forms
from django.conf import settings
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.responses import codes_4xx
from ninja.security import HttpBearer
from pydantic import ConfigDict, WithJsonSchema

from chorus.api.models import ApiToken, Level
from chorus.api.services import token_for_secret, token_used
from chorus.core import ratelimit
from chorus.core.audit import audit_record, audit_record_many
from chorus.core.custom_fields import definitions, form_data, form_name, visible_values
from chorus.core.models import AuditAction

if TYPE_CHECKING:
    from chorus.accounts.models import User

M = TypeVar("M", bound=Model)

RATE_PER = timedelta(minutes=1)
MOST_PER_PAGE = 200


def rate_limit() -> int:
    """Calls a token may make a minute (``CHORUS_API_CALLS_PER_MINUTE``)."""
    return int(settings.CHORUS_API_CALLS_PER_MINUTE)


class ApiError(Exception):
    """Answer with ``status`` and ``{"errors": {field: [messages]}}``."""

    def __init__(self, status: int, errors: dict[str, list[str]], headers: dict[str, str] | None = None):
        super().__init__(errors)
        self.status = status
        self.errors = errors
        self.headers = headers or {}


class ErrorOut(Schema):
    """What went wrong, as a list of messages for each field (or token, scope, rate,
    cursor, body, record, path or method) that says how to put it right."""

    errors: dict[str, list[str]]


def form_errors(form: forms.BaseForm, names: dict[str, str] | None = None) -> ApiError:
    """A form's errors, under the API's field names (``names`` maps form fields to them)."""
    names = names or {}
    errors: dict[str, list[str]] = {}
    for field, messages in form.errors.items():
        key = "body" if field == "__all__" else names.get(field, field)
        errors.setdefault(key, []).extend(str(m) for m in messages)
    return ApiError(400, errors)


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``: unknown, expired or revoked tokens get a 401 that
    says which; a token over its rate limit a 429 with ``Retry-After``."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        found = token_for_secret(token.strip())
        if found is None:
            raise ApiError(401, {"token": [_("This token is not known. Check it was copied whole.")]})
        if found.revoked_at is not None:
            raise ApiError(401, {"token": [_("This token was revoked. Ask an administrator for a new one.")]})
        if found.is_expired:
            raise ApiError(401, {"token": [_("This token has expired. Ask an administrator for a new one.")]})
        issuer = found.created_by
        if issuer is None or not issuer.is_active or not issuer.is_administrator:
            raise ApiError(
                401,
                {
                    "token": [
                        _(
                            "The administrator who issued this token no longer is one. "
                            "Ask an administrator for a new token."
                        )
                    ]
                },
            )
        if ratelimit.hit("api-token", found.prefix, limit=rate_limit(), per=RATE_PER):
            wait = ratelimit.seconds_left(RATE_PER)
            raise ApiError(
                429,
                {
                    "rate": [
                        _("Too many calls with this token: wait %(seconds)s seconds.") % {"seconds": wait}
                    ]
                },
                headers={"Retry-After": str(wait)},
            )
        token_used(found)
        return found


def token_of(request: HttpRequest) -> ApiToken:
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    return token


def need(request: HttpRequest, area: str, level: str = Level.READ) -> ApiToken:
    """The request's token, if it has the scope; a 403 naming the scope otherwise."""
    token = token_of(request)
    if not token.allows(area, level):
        if level == Level.WRITE:
            message = _("This token may not change %(area)s. It needs the scope %(scope)s.")
        else:
            message = _("This token may not read %(area)s. It needs the scope %(scope)s.")
        raise ApiError(403, {"scope": [message % {"area": area, "scope": f"{area}:{level}"}]})
    return token


def audit_call(
    request: HttpRequest,
    *,
    obj: Model | None = None,
    object_type: str = "",
    object_repr: str = "",
    detail: dict[str, Any] | None = None,
) -> None:
    """Record the call as a view, as a page that shows the same would: by the token, on
    behalf of the administrator who issued it."""
    token = token_of(request)
    audit_record(
        actor=token.created_by,
        action=AuditAction.VIEW,
        obj=obj,
        request=request,
        object_type=object_type,
        object_repr=object_repr or (str(obj) if obj is not None else f"API {request.method} {request.path}"),
        detail={"api_token": token.prefix, "integration": token.name, **(detail or {})},
    )


def audit_listed(
    request: HttpRequest,
    records: Sequence[Model],
    *,
    object_type: str,
    object_repr: str,
    detail: dict[str, Any] | None = None,
) -> None:
    """Record a page of a list that shows people's personal data (people, attendance,
    responses, subscribers): the call, as ``audit_call`` does, and a view of each record on
    it, so each person's own audit trail (and subject access file) says the API showed them."""
    audit_call(
        request,
        object_type=object_type,
        object_repr=object_repr,
        detail={**(detail or {}), "shown": len(records)},
    )
    token = token_of(request)
    audit_record_many(
        actor=token.created_by,
        records=[(AuditAction.VIEW, record) for record in records],
        request=request,
        detail={"api_token": token.prefix, "integration": token.name, "listed in": object_repr},
    )


def one(request: HttpRequest, queryset: QuerySet[M], **lookup: Any) -> M:
    """One record the token may see; a 404 (not a 403) when it may not, as on the pages."""
    from chorus.api.services import token_visible

    found = token_visible(token_of(request), queryset).filter(**lookup).first()
    if found is None:
        raise ApiError(404, {"record": [_("There is no record with that code that this token may see.")]})
    return found


class Page(Schema):
    next: str | None = None


def _cursor_after(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        after = int(base64.urlsafe_b64decode(cursor.encode() + b"==").decode())
    except (binascii.Error, ValueError, UnicodeError):
        raise ApiError(
            400, {"cursor": [_("This cursor is not one the API gave. Use the next value of the last page.")]}
        ) from None
    if not 0 <= after < 2**63:
        raise ApiError(
            400, {"cursor": [_("This cursor is not one the API gave. Use the next value of the last page.")]}
        )
    return after


def paged(queryset: QuerySet[M], cursor: str | None, limit: int) -> tuple[Sequence[M], str | None]:
    """A page of ``queryset`` in a fixed order, after ``cursor``, and the cursor of the next
    page (None on the last). Records added while paging never shift later pages."""
    after = _cursor_after(cursor)
    rows = list(queryset.filter(pk__gt=after).order_by("pk")[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1].pk
    return rows, base64.urlsafe_b64encode(str(last).encode()).decode().rstrip("=")


def no_nul(value: str | None, field: str) -> str | None:
    """Refuse text with NUL characters, which databases refuse to compare."""
    if value is not None and "\x00" in value:
        raise ApiError(400, {field: [_("Remove the NUL character from this value.")]})
    return value


def one_of(value: str | None, choices: Sequence[str], field: str) -> str | None:
    """A filter's value, if it is one of ``choices``; a 400 listing them otherwise (a
    misspelt value would otherwise find nothing, and look like no records)."""
    if value is not None and value not in choices:
        raise ApiError(400, {field: [_("Send one of: %(choices)s.") % {"choices": ", ".join(choices)}]})
    return value


def region_code(value: str | None, field: str = "region") -> str | None:
    """A region filter's ONS code, if Chorus has that region; a 400 otherwise."""
    from chorus.directory.models import Region

    if value is not None and not Region.objects.filter(ons_code=value).exists():
        raise ApiError(
            400, {field: [_("There is no region with this ONS code. Send a code like W92000004.")]}
        )
    return value


def when(value: str | None, field: str) -> datetime | None:
    """A date and time sent as ISO 8601 text (``2026-03-27T14:00:00Z``; without a zone, the
    organisation's), or None; a 400 naming ``field`` for anything else."""
    if value is None:
        return None
    no_nul(value, field)
    try:
        parsed = parse_datetime(value.strip())
    except ValueError:
        parsed = None
    if parsed is None or not 1900 <= parsed.year <= 2200:
        raise ApiError(400, {field: [_("Send a date and time like 2026-03-27T14:00:00Z.")]})
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def projects_seen(request: HttpRequest, ids: Sequence[int | None]) -> set[int]:
    """Of the projects ``ids``, those the token may see: a record of no team may be linked
    to another team's project, which it does not name."""
    from chorus.api.services import token_visible
    from chorus.engagement.models import Project

    wanted = {i for i in ids if i}
    if not wanted:
        return set()
    return set(
        token_visible(token_of(request), Project.objects.filter(pk__in=wanted)).values_list("pk", flat=True)
    )


def local_text(value: Any, field: str) -> str:
    """A date and time sent to the API as a staff form's one box reads it (local time)."""
    if value in (None, ""):
        return ""
    if len(str(value).strip()) <= len("2026-03-27"):
        # A date alone would be midnight at its start: a closing date sent so would close a day early.
        raise ApiError(400, {field: [_("Send a time as well as the date, like 2026-03-27T23:59:00+01:00.")]})
    moment = when(str(value), field) or timezone.now()
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


# A date and time the API reads itself (with ``when``), described as one to the OpenAPI document.
DateTimeText = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]


ERRORS: dict[Any, Any] = {codes_4xx: ErrorOut}
# How many records a page of a list holds.
Limit = Annotated[int, Field(ge=1, le=MOST_PER_PAGE, description="How many records a page holds")]
# A database id: within what every database stores, so no number sent can overflow one.
Id = Annotated[int, Field(ge=1, le=2_147_483_647)]


class Body(Schema):
    """What a call sends: a field the API does not have is refused (a mistyped name is said
    to be wrong, not quietly ignored)."""

    model_config = ConfigDict(extra="forbid")


class Named(Schema):
    code: UUID
    name: str


def acting(request: HttpRequest) -> User:
    """Whom the services record as doing what the token does: the administrator who issued it."""
    issuer = token_of(request).created_by
    if issuer is None:  # TokenAuth refuses such tokens before any endpoint runs
        raise ApiError(401, {"token": [_("Ask an administrator for a new token.")]})
    return issuer


def as_form_data(values: dict[str, Any]) -> FormData:
    """JSON values as a posted form holds them: codes as text, lists kept as lists."""
    out = FormData()
    for key, value in values.items():
        if isinstance(value, list):
            out[key] = [str(v) for v in value]
        elif value is None:
            out[key] = ""
        else:
            out[key] = str(value)
    return out


class FormData(dict[str, Any]):
    """Form data that gives lists to ``getlist``, as a QueryDict does."""

    def getlist(self, key: str, default: Any = None) -> list[Any]:
        value = self.get(key, default if default is not None else [])
        return value if isinstance(value, list) else [value]


def check_texts(values: dict[str, Any]) -> None:
    """Refuse NUL characters anywhere in a body's text."""
    for key, value in values.items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                no_nul(item, key)


# Fields administrators add: a record's ``custom`` object

CUSTOM_IN = (
    "Values of the fields administrators added, by key: text, a number, a date as 2026-03-27, "
    "true or false, a choice's value, or a list of choices' values"
)
CUSTOM_PATCH = "Only the keys sent are changed; null clears one"


def custom_form_data(
    request: HttpRequest, applies_to: str, sent: dict[str, Any] | None, kept: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The added fields' values ``sent`` (laid over the visible ones ``kept``) as form data;
    a key the caller may not use is refused."""
    defs = definitions(applies_to, acting(request))
    unknown = sorted(set(sent or {}) - {d.key for d in defs})
    if unknown:
        raise ApiError(
            400,
            {
                f"custom.{key}": [_("There is no added field with this key. Leave it out, or check the key.")]
                for key in unknown
            },
        )
    return form_data(defs, {**visible_values(defs, kept), **(sent or {})})


def custom_error_names(applies_to: str) -> dict[str, str]:
    """Form field -> the API's name for it in errors: custom.<key>."""
    return {form_name(d): f"custom.{d.key}" for d in definitions(applies_to)}
