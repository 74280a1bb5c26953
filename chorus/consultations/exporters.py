"""The consultations' exports, written by ``chorus.core.exports`` tasks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chorus.consultations.models import Consultation
from chorus.consultations.responses import export_rows
from chorus.core.access import visible_to
from chorus.core.exports import Exporter, Params, Table, header_and_rows, register_exporter

if TYPE_CHECKING:
    from chorus.accounts.models import User


def _consultation(user: User, params: Params) -> Consultation | None:
    return visible_to(user, Consultation.objects.all()).filter(code=params["consultation"]).first()


def _may_export(user: User, params: Params) -> bool:
    return _consultation(user, params) is not None


def _rows(user: User, params: Params) -> Table:
    consultation = _consultation(user, params)
    if consultation is None:  # the task checks _may_export first; this is gone since
        raise LookupError("The consultation is no longer visible to the user.")
    return header_and_rows(export_rows(consultation, user))


def _count(user: User, params: Params) -> int | None:
    consultation = _consultation(user, params)
    return consultation.responses.count() if consultation else None


RESPONSES = register_exporter(
    Exporter(
        name="consultations.responses", rows=_rows, may_export=_may_export, count=_count, sheet="Responses"
    )
)
