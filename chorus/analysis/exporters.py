"""An analysis's CSV files (themes, and responses with their themes), written by
``chorus.core.exports`` tasks. Every export uses the redacted text."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from chorus.analysis.exports import may_export_run
from chorus.analysis.models import AnalysisRun, Assignment, Theme
from chorus.core.exports import Exporter, Params, Table, register_exporter

if TYPE_CHECKING:
    from chorus.accounts.models import User


def _run(params: Params) -> AnalysisRun | None:
    return AnalysisRun.objects.filter(code=params["run"]).first()


def _may_export(user: User, params: Params) -> bool:
    run = _run(params)
    return run is not None and may_export_run(user, run)


def _the_run(params: Params) -> AnalysisRun:
    run = _run(params)
    if run is None:
        raise LookupError("The analysis was deleted.")
    return run


def _mix(theme: Theme, name: str) -> int:
    return int(theme.sentiment.get(name, 0))


def _themes(user: User, params: Params) -> Table:
    run = _the_run(params)
    header = [
        "level",
        "theme",
        "broad theme",
        "description",
        "keyphrases",
        "responses",
        "counted (campaigns once)",
        "share",
        "positive",
        "neutral",
        "negative",
        "stance",
        "locked",
    ]
    rows = (
        [
            t.level,
            t.label,
            t.parent.label if t.parent else "",
            t.description,
            "; ".join(t.keyphrases),
            t.size,
            t.counted,
            round(t.share, 4),
            _mix(t, "positive"),
            _mix(t, "neutral"),
            _mix(t, "negative"),
            "; ".join(f"{k}: {v}" for k, v in t.stance.items()),
            "yes" if t.locked else "no",
        ]
        for t in run.themes.select_related("parent").order_by("level", "-share")
    )
    return header, rows


def _assignments(user: User, params: Params) -> Table:
    run = _the_run(params)
    header = [
        "response",
        "source",
        "text (redacted)",
        "sentiment",
        "stance",
        "campaign",
        "campaign size",
        "personal data found",
        "themes",
        "confidence",
        "placed by an analyst",
    ]

    def rows() -> Iterator[list[Any]]:
        assignments: dict[int, list[Assignment]] = {}
        for a in Assignment.objects.filter(theme__run=run, theme__level="fine").select_related("theme"):
            assignments.setdefault(a.item_id, []).append(a)
        for item in run.items.order_by("pk").iterator(chunk_size=2000):
            mine = assignments.get(item.pk, [])
            yield [
                item.pk,
                item.get_source_display(),
                item.redacted,
                item.sentiment,
                item.stance,
                item.campaign if item.campaign is not None else "",
                item.campaign_size,
                "; ".join(item.personal_data),
                "; ".join(a.theme.label for a in mine),
                "; ".join(f"{a.confidence:.2f}" for a in mine),
                "yes" if any(a.by_analyst for a in mine) else "no",
            ]

    return header, rows()


def _assignments_count(user: User, params: Params) -> int | None:
    return _the_run(params).items.count()


THEMES = register_exporter(
    Exporter(name="analysis.themes", rows=_themes, may_export=_may_export, sheet="Themes")
)
ASSIGNMENTS = register_exporter(
    Exporter(
        name="analysis.assignments",
        rows=_assignments,
        may_export=_may_export,
        count=_assignments_count,
        sheet="Responses",
    )
)
