"""Who of a stakeholder group took part in a project by a date.

A checkpoint ("the project must have engaged the judiciary before beta") is met by people
of the group taking part by its due date, not by an activity that merely targeted them:
they came to one of the project's activities (attendance marked), were on a standing panel
when one of the project's activities for that panel took place, or (registered by the
consultations app through ``chorus.core.hooks``) answered one of the project's
consultations from an email address the directory holds for them.

A person is of the group when they are in it, in a group inside it, or in an organisation
that is in it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from chorus.core.hooks import PARTICIPATION_SOURCES, ParticipationSource, participation_source
from chorus.directory.models import GroupMembership, Person
from chorus.engagement.models import Attendance, checkpoint_due_before

# What the checkpoint pages say people did, by source, in the order shown.
HOW = {
    "attended": _("came to an activity"),
    "panel": _("were on a panel that met"),
    "responded": _("responded to a consultation"),
}


def members(group: Any, prefix: str = "") -> Q:
    """People (through ``prefix``) of ``group``, a group or an ``OuterRef`` to one: in it,
    in a group inside it, or in an organisation that is in it."""
    return (
        Q(**{f"{prefix}group_memberships__group": group})
        | Q(**{f"{prefix}group_memberships__group__parent": group})
        | Q(**{f"{prefix}memberships__organisation__groups": group})
    )


# Each builder takes the project and the moment the due date ends (a datetime, or
# ``OuterRef("due_before")`` of a checkpoint): stored times are compared with it as they are,
# which both engines do with an index and SQLite does without a Python function per row.


def _attended(project: Any, before: Any) -> QuerySet[Attendance]:
    return Attendance.objects.filter(
        attended=True,
        activity__projects=project,
        activity__starts_at__lte=Now(),
        activity__starts_at__lt=before,
    )


def _on_panel(project: Any, before: Any) -> QuerySet[GroupMembership]:
    """Panel memberships current when one of the project's activities for the panel took place."""
    return GroupMembership.objects.filter(
        group__is_panel=True,
        group__activity__projects=project,
        group__activity__starts_at__lte=Now(),
        group__activity__starts_at__lt=before,
    ).filter(
        Q(start__isnull=True) | Q(start__lte=F("group__activity__starts_at__date")),
        Q(end__isnull=True) | Q(end__gte=F("group__activity__starts_at__date")),
    )


def _source(how: str, rows: Callable[[Any, datetime | Any], QuerySet[Any]]) -> ParticipationSource:
    """A way of taking part, from a builder of the rows (each with a ``person``) that record it."""

    def exists() -> Exists:
        return Exists(
            rows(OuterRef("project"), OuterRef("due_before")).filter(members(OuterRef("group"), "person__"))
        )

    def people(project_id: int, due_on: date) -> QuerySet[Any]:
        return rows(project_id, checkpoint_due_before(due_on)).values("person_id")

    return ParticipationSource(how, exists, people)


participation_source(_source("attended", _attended))
participation_source(_source("panel", _on_panel))


def took_part() -> Q:
    """A condition on checkpoints: someone of the group took part in the project by the due date."""
    condition = Q()
    for source in PARTICIPATION_SOURCES.values():
        condition |= Q(source.exists())
    return condition


@dataclass
class Progress:
    """Who of a checkpoint's group took part, and how: person ids by way of taking part."""

    by_how: dict[str, set[int]] = field(default_factory=dict)

    @property
    def people(self) -> set[int]:
        return set().union(*self.by_how.values()) if self.by_how else set()

    @property
    def lines(self) -> list[tuple[str, int]]:
        """(what they did, how many), in the order of ``HOW``; ways nobody took part left out."""
        order = [h for h in HOW if h in self.by_how] + [h for h in self.by_how if h not in HOW]
        return [(str(HOW.get(h, h)), len(self.by_how[h])) for h in order if self.by_how[h]]


def progress(project_id: int, group_id: int, due_on: date) -> Progress:
    """Who of the group took part in the project by ``due_on``, by way of taking part."""
    found = Progress()
    of_group = Person.objects.filter(members(group_id)).values("pk")
    for how, source in PARTICIPATION_SOURCES.items():
        took = Person.objects.filter(pk__in=source.people(project_id, due_on)).filter(pk__in=of_group)
        ids = set(took.values_list("pk", flat=True))
        if ids:
            found.by_how[how] = ids
    return found
