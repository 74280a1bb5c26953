"""Responses count towards a project's engagement checkpoints.

A response to one of the project's consultations, submitted by the checkpoint's due date
from an email address the directory holds for a person of the checkpoint's group, means
that person took part (see ``chorus.engagement.participation``). Emails are compared
without regard to case, when the response is stored or the directory's addresses change
(``chorus.consultations.linking``): here the response's person is read.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from chorus.consultations.models import Response
from chorus.core.hooks import ParticipationSource, participation_source
from chorus.engagement.models import checkpoint_due_before
from chorus.engagement.participation import members


def _responses(project: Any, before: Any) -> QuerySet[Response]:
    """Responses from people in the directory to the project's consultations, sent before
    ``before`` (the moment a due date ends: a datetime, or a checkpoint's
    ``OuterRef("due_before")``)."""
    return Response.objects.filter(
        consultation__project=project, submitted_at__lt=before, person__isnull=False
    )


def _responded_exists() -> Exists:
    return Exists(
        _responses(OuterRef("project"), OuterRef("due_before")).filter(members(OuterRef("group"), "person__"))
    )


def _responded_people(project_id: int, due_on: date) -> QuerySet[Any]:
    return _responses(project_id, checkpoint_due_before(due_on)).values("person_id")


participation_source(ParticipationSource("responded", _responded_exists, _responded_people))
