"""Writes to feedback: services staff run, exit-survey answers and in-page feedback. Each
stored text goes to the live analyses of its service once the transaction commits."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from django.db import IntegrityError, transaction
from django.http import HttpRequest

from chorus.core.hooks import texts_received
from chorus.core.services import record_save
from chorus.feedback.models import ExitSurveyResponse, PageFeedback, Service

if TYPE_CHECKING:
    from chorus.accounts.models import User
    from chorus.directory.models import Place, Region


def service_save(
    *, actor: User, request: HttpRequest, service: Service | None, fields: dict[str, Any]
) -> Service:
    """Create or change a digital service, with its audit entry."""
    with transaction.atomic():
        return record_save(actor=actor, request=request, record=service or Service(), fields=fields)


def exit_response_store(
    *,
    service: Service,
    data: dict[str, Any],
    came_from: str,
    language: str,
    region: Region | None = None,
    place: Place | None = None,
) -> ExitSurveyResponse:
    """Store exit-survey answers once: a second post of the same form finds the first."""
    key: UUID = data["submission_key"]
    existing = ExitSurveyResponse.objects.filter(submission_key=key, service=service).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            stored = ExitSurveyResponse.objects.create(
                service=service,
                satisfaction=data["satisfaction"],
                effort=data["effort"],
                needed_help=data["needed_help"],
                help_from=data["help_from"],
                improvement=data["improvement"].strip(),
                came_from=came_from,
                language=language,
                submission_key=key,
                region=region,
                place=place,
            )
            if stored.improvement:
                texts_received(source="exit_survey", ids=[stored.pk], subject="service", target_id=service.pk)
            return stored
    except IntegrityError:
        return ExitSurveyResponse.objects.get(submission_key=key, service=service)


def exit_response_equality_key(*, response: ExitSurveyResponse) -> UUID:
    """The key that joins a survey response to its equality answers, made on first asking."""
    if response.equality_key is None:
        response.equality_key = uuid4()
        response.save(update_fields=["equality_key"])
    return response.equality_key


def page_feedback_create(
    *,
    service: Service,
    kind: str,
    page: str,
    text: str,
    language: str,
    submission_id: UUID,
    region: Region | None = None,
    place: Place | None = None,
) -> PageFeedback:
    """Store in-page feedback. Raises ``IntegrityError`` when ``submission_id`` was used before."""
    with transaction.atomic():
        stored = PageFeedback.objects.create(
            service=service,
            kind=kind,
            page=page,
            text=text.strip(),
            language=language,
            submission_id=submission_id,
            region=region,
            place=place,
        )
        if stored.text:
            texts_received(source="page_feedback", ids=[stored.pk], subject="service", target_id=service.pk)
    return stored
