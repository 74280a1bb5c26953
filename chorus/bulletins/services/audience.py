"""Who a bulletin reaches: active subscribers narrowed by region and topic, with the
members of lists and stakeholder groups, and the people saved searches of the directory
find, added."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from chorus.bulletins.models import Bulletin, Subscriber
from chorus.directory.models import SavedSearch
from chorus.directory.saved_searches import saved_search_people, saved_searches_for

if TYPE_CHECKING:
    from chorus.accounts.models import User


def audience(bulletin: Bulletin, user: User | None = None) -> QuerySet[Subscriber]:
    """Active subscribers the bulletin reaches.

    Regions and topics narrow: a subscriber who chose any of the bulletin's regions (or
    chose none, meaning every region) and any of its topics (likewise). Lists, stakeholder
    groups and saved searches add their members. With nothing chosen, every active
    subscriber. A saved search finds its people with the access of ``user`` (the officer
    looking at the reach), or else of whoever sent or scheduled the bulletin, or else wrote it.
    """
    saved_searches = list(bulletin.saved_searches.all())
    if saved_searches and user is None:
        user = bulletin.reviewed_by or bulletin.created_by
    return audience_for(
        regions=list(bulletin.regions.values_list("pk", flat=True)),
        topics=list(bulletin.topics.values_list("pk", flat=True)),
        lists=list(bulletin.lists.values_list("pk", flat=True)),
        groups=list(bulletin.groups.values_list("pk", flat=True)),
        saved_searches=saved_searches,
        user=user,
    )


def audience_for(
    *,
    regions: Sequence[int],
    topics: Sequence[int],
    lists: Sequence[int],
    groups: Sequence[int],
    saved_searches: Sequence[SavedSearch] = (),
    user: User | None = None,
) -> QuerySet[Subscriber]:
    """The audience for these choices (ids), as ``audience`` explains. Saved searches find
    no one without a ``user`` whose access they are used with, and only those the user may
    use."""
    active = Subscriber.objects.filter(status=Subscriber.Status.ACTIVE)
    if not (regions or topics or lists or groups or saved_searches):
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
    if user is not None and saved_searches:
        # Only the searches ``user`` may use (one of another team's, kept on a bulletin a
        # colleague wrote, finds no one for them).
        usable = set(
            saved_searches_for(user)
            .filter(pk__in=[s.pk for s in saved_searches])
            .values_list("pk", flat=True)
        )
        for saved in saved_searches:
            if saved.pk in usable:
                chosen |= Q(person__in=saved_search_people(user, saved).values("pk"))
    return active.filter(pk__in=active.filter(chosen).values("pk"))
