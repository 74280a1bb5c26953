"""Service feedback's exports (page feedback and exit survey answers), written by
``chorus.core.exports`` tasks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from chorus.core.access import visible_to
from chorus.core.exports import Exporter, Params, Table, register_exporter
from chorus.feedback.models import ExitSurveyResponse, Service
from chorus.feedback.selectors import service_exit_responses, service_feedback

if TYPE_CHECKING:
    from chorus.accounts.models import User


def _service(user: User, params: Params) -> Service:
    """The service, if ``user`` may still see it (``Service.DoesNotExist`` otherwise)."""
    return visible_to(user, Service.objects.all()).get(code=params["service"])


def _may_export(user: User, params: Params) -> bool:
    return visible_to(user, Service.objects.filter(code=params["service"])).exists()


def _since(params: Params) -> datetime:
    return datetime.fromisoformat(params["since"])


def _feedback_rows(user: User, params: Params) -> Table:
    feedback = service_feedback(_service(user, params), _since(params)).order_by("created_at")
    header = ["received", "feedback", "page", "comment", "language"]
    return header, (
        [f.created_at.isoformat(), f.kind, f.page, f.text, f.language] for f in feedback.iterator()
    )


def _feedback_count(user: User, params: Params) -> int | None:
    return service_feedback(_service(user, params), _since(params)).count()


def _exit_rows(user: User, params: Params) -> Table:
    exits = service_exit_responses(_service(user, params), _since(params)).order_by("created_at")
    helpers = [value for value, _label in ExitSurveyResponse.Helper.choices]
    header = [
        "received",
        "satisfaction (1 very dissatisfied to 5 very satisfied)",
        "ease (1 very easy to 5 very difficult)",
        "needed help",
        *[f"help from: {h}" for h in helpers],
        "ideas for improvement",
        "came from",
        "language",
    ]

    def rows() -> Iterator[list[Any]]:
        for e in exits.iterator():
            yield [
                e.created_at.isoformat(),
                e.satisfaction,
                e.effort or "",
                "" if e.needed_help is None else ("yes" if e.needed_help else "no"),
                *["yes" if h in (e.help_from or []) else "" for h in helpers],
                e.improvement,
                e.came_from,
                e.language,
            ]

    return header, rows()


def _exit_count(user: User, params: Params) -> int | None:
    return service_exit_responses(_service(user, params), _since(params)).count()


PAGE_FEEDBACK = register_exporter(
    Exporter(
        name="feedback.page_feedback",
        rows=_feedback_rows,
        may_export=_may_export,
        count=_feedback_count,
        sheet="Page feedback",
    )
)
EXIT_SURVEY = register_exporter(
    Exporter(
        name="feedback.exit_survey",
        rows=_exit_rows,
        may_export=_may_export,
        count=_exit_count,
        sheet="Exit survey",
    )
)
