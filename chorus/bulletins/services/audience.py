"""Who a bulletin reaches: active subscribers narrowed by region and topic, with the
members of lists and stakeholder groups added."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Q, QuerySet

from chorus.bulletins.models import Bulletin, Subscriber


def audience(bulletin: Bulletin) -> QuerySet[Subscriber]:
    """Active subscribers the bulletin reaches.

    Regions and topics narrow: a subscriber who chose any of the bulletin's regions (or
    chose none, meaning every region) and any of its topics (likewise). Lists and
    stakeholder groups add their members. With nothing chosen, every active subscriber."""
    return audience_for(
        regions=list(bulletin.regions.values_list("pk", flat=True)),
        topics=list(bulletin.topics.values_list("pk", flat=True)),
        lists=list(bulletin.lists.values_list("pk", flat=True)),
        groups=list(bulletin.groups.values_list("pk", flat=True)),
    )


def audience_for(
    *, regions: Sequence[int], topics: Sequence[int], lists: Sequence[int], groups: Sequence[int]
) -> QuerySet[Subscriber]:
    """The audience for these choices (ids), as ``audience`` explains."""
    active = Subscriber.objects.filter(status=Subscriber.Status.ACTIVE)
    if not (regions or topics or lists or groups):
        return active
    chosen = Q(pk__in=[])
    if regions or topics:
        narrowed = active
        if regions:
            narrowed = narrowed.filter(
                Q(regions__in=regions) | ~Q(pk__in=Subscriber.regions.through.objects.values("subscriber_id"))
            )
        if topics:
            narrowed = narrowed.filter(
                Q(topics__in=topics) | ~Q(pk__in=Subscriber.topics.through.objects.values("subscriber_id"))
            )
        chosen |= Q(pk__in=narrowed.values("pk"))
    if lists:
        chosen |= Q(lists__in=lists)
    if groups:
        chosen |= Q(person__group_memberships__group__in=groups)
    return active.filter(pk__in=active.filter(chosen).values("pk"))
