"""Writes to consultations: validated, atomic and audited."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.http import HttpRequest

from chorus.consultations.models import Consultation
from chorus.core.services import record_save

if TYPE_CHECKING:
    from chorus.accounts.models import User

M2M = ("topics", "regions")


def consultation_save(
    *, actor: User, request: HttpRequest, consultation: Consultation | None, **fields: Any
) -> Consultation:
    relations = {name: fields.pop(name) for name in M2M if name in fields}
    with transaction.atomic():
        return record_save(
            actor=actor,
            request=request,
            record=consultation or Consultation(owner=actor),
            fields=fields,
            relations=relations,
        )
