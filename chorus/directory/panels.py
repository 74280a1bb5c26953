"""Standing panels: who is on them now, whose place ends soon, and whether they represent the population."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from chorus.directory.models import GroupMembership, Organisation, Region, StakeholderGroup

REMINDER_DAYS = 30


def current_memberships(panel: StakeholderGroup) -> QuerySet[GroupMembership]:
    today = timezone.localdate()
    return (
        GroupMembership.objects.filter(
            group=panel, person__merged_into__isnull=True, person__erased_at__isnull=True
        )
        .filter(Q(start__isnull=True) | Q(start__lte=today), Q(end__isnull=True) | Q(end__gte=today))
        .select_related("person", "person__region")
    )


def ending_soon(panels: QuerySet[StakeholderGroup], days: int = REMINDER_DAYS) -> QuerySet[GroupMembership]:
    today = timezone.localdate()
    return (
        GroupMembership.objects.filter(
            group__in=panels,
            end__gte=today,
            end__lte=today + timedelta(days=days),
            person__merged_into__isnull=True,
            person__erased_at__isnull=True,
        )
        .select_related("person", "group")
        .order_by("end")
    )


@dataclass(frozen=True)
class MakeUpRow:
    label: str
    members: int
    share: float
    target: float | None

    @property
    def gap(self) -> float | None:
        return None if self.target is None else round(self.share - self.target, 1)


def makeup_by_region(panel: StakeholderGroup) -> list[MakeUpRow]:
    memberships = current_memberships(panel)
    total = memberships.count()
    counts = {
        row["person__region__ons_code"]: row["n"]
        for row in memberships.values("person__region__ons_code").annotate(n=Count("id"))
    }
    rows = []
    for region in Region.objects.all():
        members = counts.get(region.ons_code, 0)
        target = panel.target_by_region.get(region.ons_code)
        if members or target is not None:
            rows.append(
                MakeUpRow(
                    region.name_en,
                    members,
                    round(100 * members / total, 1) if total else 0.0,
                    float(target) if target is not None else None,
                )
            )
    if counts.get(None):
        rows.append(MakeUpRow("Not known", counts[None], round(100 * counts[None] / total, 1), None))
    return rows


def makeup_by(panel: StakeholderGroup, dimension: str) -> list[MakeUpRow]:
    """Members by organisation type ("kind") or by stakeholder group ("group")."""
    memberships = current_memberships(panel)
    total = memberships.count()
    if dimension == "kind":
        labels = dict(Organisation._meta.get_field("kind").choices)  # type: ignore[arg-type]
        values = memberships.values_list("person__memberships__organisation__kind").annotate(
            n=Count("person", distinct=True)
        )
        pairs = [
            (str(labels.get(kind, "No organisation")) if kind else "No organisation", n) for kind, n in values
        ]
    else:
        values = (
            GroupMembership.objects.filter(person__in=memberships.values("person"))
            .exclude(group=panel)
            .values_list("group__name")
            .annotate(n=Count("person", distinct=True))
        )
        pairs = list(values)
    return [
        MakeUpRow(label, n, round(100 * n / total, 1) if total else 0.0, None)
        for label, n in sorted(pairs, key=lambda p: -p[1])
    ]
