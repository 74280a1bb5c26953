"""Engagement's export: the activities list, written by ``chorus.core.exports`` tasks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch
from django.http import QueryDict
from django.utils import timezone, translation

from chorus.core.access import visible_to
from chorus.core.custom_fields import definitions, export_cells, export_header
from chorus.core.exports import Exporter, Params, Table, register_exporter
from chorus.engagement.forms import ActivityFilterForm
from chorus.engagement.models import Activity, ActivityType, Project
from chorus.engagement.selectors import activities_for

if TYPE_CHECKING:
    from datetime import datetime

    from django.db.models import QuerySet

    from chorus.accounts.models import User

HEADER = [
    "id",
    "title",
    "type",
    "starts",
    "ends",
    "place",
    "projects",
    "regions",
    "people from the directory",
]


def _activities(user: User, params: Params) -> QuerySet[Activity]:
    """The activities the list's filters in ``params["query"]`` find for ``user`` now."""
    form = ActivityFilterForm(data=QueryDict(params.get("query", "")), user=user)
    return activities_for(user, form.cleaned_data if form.is_valid() else {})


def _may_export(user: User, params: Params) -> bool:
    return user.is_active  # every member of staff may list activities; the list scopes them


def _when(value: datetime | None) -> str:
    """A time as spreadsheets read it, in local time: 2026-03-27 14:00."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _rows(user: User, params: Params) -> Table:
    """The activities (those the user may see), with the added fields their role sees."""
    added = definitions("activity", user)
    # Only the projects the user may see are named, as the activity's page does.
    projects = Prefetch("projects", queryset=visible_to(user, Project.objects.order_by("name")))
    activities = _activities(user, params).prefetch_related(projects, "regions")
    with translation.override("en"):  # in English, as the header and the regions are
        kinds = {value: str(name) for value, name in ActivityType.choices}

    def rows() -> Iterator[list[Any]]:
        for activity in activities.iterator(chunk_size=2000):
            yield [
                str(activity.code),
                activity.title,
                kinds.get(activity.kind, activity.kind),
                _when(activity.starts_at),
                _when(activity.ends_at),
                activity.place.name if activity.place else "",
                "; ".join(p.name for p in activity.projects.all()),
                "; ".join(r.name_en for r in activity.regions.all()),
                activity.people,  # type: ignore[attr-defined]
                *export_cells(added, activity.custom),
            ]

    return [*HEADER, *export_header(added)], rows()


ACTIVITIES = register_exporter(
    Exporter(
        name="engagement.activities",
        rows=_rows,
        may_export=_may_export,
        count=lambda user, params: _activities(user, params).count(),
        sheet="Activities",
    )
)
