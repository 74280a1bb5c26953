"""The in-page feedback API: what the embedded script (or a service's own code) posts to.

It sets no cookies, answers JSON only, and lets a browser post from a page only when the
page's origin is on the service's allow-list. Every problem is a 4xx with a message per
field; a retry with the same ``id`` returns the feedback already stored.
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import timedelta
from typing import Any

from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from chorus.core.i18n import current_language
from chorus.core.ratelimit import client_address, hit
from chorus.feedback import services
from chorus.feedback.forms import TEXT_LIMIT, FeedbackForm, where_from
from chorus.feedback.models import PageFeedback, Service

logger = logging.getLogger("chorus.feedback")

MOST_BYTES = 16_384
MOST_PER_ADDRESS = 60
PER = timedelta(minutes=10)


def _json(data: dict[str, Any], status: int, origin: str = "") -> JsonResponse:
    response = JsonResponse(data, status=status)
    if origin:
        response["Access-Control-Allow-Origin"] = origin
        response["Vary"] = "Origin"
    return response


def _errors(errors: dict[str, list[str]], status: int = 400, origin: str = "") -> JsonResponse:
    return _json({"errors": errors}, status, origin)


def _preflight(request: HttpRequest) -> HttpResponse:
    origin = request.headers.get("Origin", "")
    response = HttpResponse(status=204)
    if origin:
        # The service is in the body, which a preflight does not carry: allow any
        # origin to ask; the POST itself is checked against the service's list.
        response["Access-Control-Allow-Origin"] = origin
        response["Access-Control-Allow-Methods"] = "POST, OPTIONS"
        response["Access-Control-Allow-Headers"] = "Content-Type"
        response["Access-Control-Max-Age"] = "86400"
        response["Vary"] = "Origin"
    return response


def _json_body(request: HttpRequest) -> dict[str, Any] | HttpResponse:
    """The request's JSON object, or the error response that says what is wrong with it."""
    content_type = request.content_type or ""
    if content_type not in ("application/json", "text/plain"):
        return _errors({"body": [_("Send the feedback as JSON (Content-Type: application/json)")]}, 415)
    if len(request.body) > MOST_BYTES:
        # 400 rather than 413: clients treat it like any other refusal to fix.
        return _errors({"body": [_("The feedback is too long: send at most 16 KB")]})
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return _errors({"body": [_("The body is not valid JSON")]})
    if not isinstance(body, dict):
        return _errors({"body": [_("The body must be a JSON object")]})
    return body


@csrf_exempt
def feedback_create(request: HttpRequest) -> HttpResponse:
    if request.method == "OPTIONS":
        return _preflight(request)
    if request.method != "POST":
        response = _errors({"method": [_("Send feedback with POST")]}, status=405)
        response["Allow"] = "POST, OPTIONS"
        return response
    origin = request.headers.get("Origin", "")
    body = _json_body(request)
    if isinstance(body, HttpResponse):
        return body
    # Where the person was is optional: null says "not known", as leaving it out does.
    body = {k: v for k, v in body.items() if not (k in ("region", "place") and v is None)}
    form = FeedbackForm(data={k: v for k, v in body.items() if isinstance(v, str)}, present=set(body))
    not_text = sorted(k for k, v in body.items() if k in form.fields and not isinstance(v, str))
    if not_text or not form.is_valid():
        errors = {k: [str(m) for m in v] for k, v in form.errors.items() if k not in not_text}
        errors.update({k: [_("Must be a string")] for k in not_text})
        return _errors(errors, origin=origin)
    data = form.cleaned_data
    service = Service.objects.filter(slug=data["service"], is_active=True).first()
    if service is None:
        return _errors({"service": [_("There is no service with that short name taking feedback")]}, 404)
    if origin and not service.allows(origin):
        logger.warning("Feedback for %s refused from origin %s", service.slug, origin[:200])
        return _errors({"origin": [_("This web address may not send feedback for this service")]}, 403)
    if hit(
        f"feedback:{service.pk}",
        client_address(request),
        limit=MOST_PER_ADDRESS,
        per=PER,
    ):
        response = _errors(
            {"rate": [_("Too much feedback from one place: try again in 10 minutes")]}, 429, origin
        )
        response["Retry-After"] = str(int(PER.total_seconds()))
        return response
    submission_id = data["id"] or uuid.uuid4()
    region, place = where_from(data["region"], data["place"])
    try:
        stored = services.page_feedback_create(
            service=service,
            kind=data["kind"],
            page=data["page"],
            text=data["text"],
            language=data["language"] or current_language()[:2],
            submission_id=submission_id,
            region=region,
            place=place,
        )
    except IntegrityError:
        existing = PageFeedback.objects.filter(submission_id=submission_id).first()
        if existing is None or existing.service_id != service.pk:
            return _errors({"id": [_("This id was used for other feedback: make a new one")]}, 409, origin)
        return _json({"id": str(existing.submission_id), "status": "already received"}, 200, origin)
    return _json({"id": str(stored.submission_id), "status": "received"}, 201, origin)


def openapi(request: HttpRequest) -> JsonResponse:
    return JsonResponse(openapi_document(request.build_absolute_uri("/").rstrip("/")))


def openapi_document(server: str) -> dict[str, Any]:
    error = {
        "type": "object",
        "required": ["errors"],
        "properties": {
            "errors": {
                "type": "object",
                "description": (
                    "For each field (or body, origin, rate, method), what is wrong and how to fix it"
                ),
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            }
        },
    }
    received = {
        "type": "object",
        "required": ["id", "status"],
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "status": {"type": "string", "enum": ["received", "already received"]},
        },
    }

    def problem(description: str) -> dict[str, Any]:
        return {"description": description, "content": {"application/json": {"schema": error}}}

    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Chorus in-page feedback API",
            "version": "1.0.0",
            "description": (
                "Feedback from the pages of a digital service: whether a page was useful, and "
                "problems reported. Browsers may send it only from origins on the service's "
                "allow-list. No cookies are set or read."
            ),
        },
        "servers": [{"url": server}],
        "paths": {
            reverse("feedback_api:feedback"): {
                "post": {
                    "operationId": "feedbackCreate",
                    "summary": "Send feedback about a page",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["service", "kind", "page"],
                                    "properties": {
                                        "service": {
                                            "type": "string",
                                            "description": "The service's short name",
                                            "maxLength": 60,
                                            "example": "apply-for-probate",
                                        },
                                        "kind": {
                                            "type": "string",
                                            "enum": ["useful", "not_useful", "problem"],
                                        },
                                        "page": {
                                            "type": "string",
                                            "format": "uri",
                                            "maxLength": 2000,
                                            "example": "https://apply-for-probate.example.gov.uk/start",
                                        },
                                        "text": {
                                            "type": "string",
                                            "maxLength": TEXT_LIMIT,
                                            "description": "Required when kind is problem",
                                        },
                                        "id": {
                                            "type": "string",
                                            "format": "uuid",
                                            "description": "Made by the sender; a retry with the same id is stored once",  # noqa: E501
                                        },
                                        "language": {"type": "string", "enum": ["en", "cy"]},
                                        "region": {
                                            "type": "string",
                                            "nullable": True,
                                            "maxLength": 9,
                                            "description": (
                                                "Where the person is, when the service knows it: the ONS "
                                                "code of a UK nation or English region. Optional"
                                            ),
                                            "example": "W92000004",
                                        },
                                        "place": {
                                            "type": "string",
                                            "format": "uuid",
                                            "nullable": True,
                                            "description": (
                                                "The court, office or place the feedback is about, by its "
                                                "code in Chorus; its region is recorded too. Optional"
                                            ),
                                        },
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "201": {
                            "description": "Stored",
                            "content": {"application/json": {"schema": received}},
                        },
                        "200": {
                            "description": "Already stored under this id",
                            "content": {"application/json": {"schema": received}},
                        },
                        "400": problem(
                            "Something in the body is wrong (an unknown region or place code, say), "
                            "or it is over 16 KB"
                        ),
                        "403": problem("The page's origin may not send feedback for this service"),
                        "404": problem("No such service"),
                        "405": problem("Not POST"),
                        "409": problem("The id belongs to other feedback"),
                        "415": problem("The body is not JSON"),
                        "429": problem("Too many from one address; see Retry-After"),
                    },
                }
            }
        },
    }
