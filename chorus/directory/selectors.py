"""Reads of the directory that take more than one filter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext as _

from chorus.core.access import visible_to
from chorus.core.audit_text import audit_heading, audit_sentences
from chorus.core.custom_fields import filtered as custom_filtered
from chorus.core.models import AuditAction, AuditEntry
from chorus.core.registry import timeline_entries
from chorus.directory.models import (
    ContactPoint,
    DuplicateCandidate,
    Membership,
    MergeRecord,
    Organisation,
    Person,
)
from chorus.directory.search import search_people

if TYPE_CHECKING:
    from chorus.accounts.models import User


def people_for(user: User) -> QuerySet[Person]:
    """The live people ``user`` may see: not merged away, not erased."""
    return visible_to(user, Person.objects.filter(merged_into__isnull=True, erased_at__isnull=True))


def people_filtered(user: User, filters: dict[str, Any]) -> QuerySet[Person]:
    people = people_for(user)
    if group := filters.get("group"):
        people = people.filter(group_memberships__group=group)
    if region := filters.get("region"):
        people = people.filter(region=region)
    if topic := filters.get("topic"):
        people = people.filter(topics=topic)
    if owner := filters.get("owner"):
        people = people.filter(owner=owner)
    people = custom_filtered(people, "person", filters)
    people = people.distinct() if any(filters.get(k) for k in ("group", "topic")) else people
    if query := filters.get("q"):
        people = search_people(people, query)
    else:
        people = people.order_by("last_name", "first_name")
    return people.select_related("region").prefetch_related(
        Prefetch("contacts", queryset=ContactPoint.objects.filter(is_primary=True)),
        Prefetch("memberships", queryset=Membership.objects.select_related("organisation")),
    )


@dataclass(frozen=True)
class TimelineItem:
    at: datetime
    kind: str
    text: str
    actor: str
    lines: list[str]
    url: str = ""  # where the title links to (an entry a higher app adds may have a page)


def organisations_filtered(user: User, query: str, filters: dict[str, Any]) -> QuerySet[Organisation]:
    """The organisations ``user`` may see whose name (or another name) holds ``query``, by
    the added-field ``filters`` of the list's form, by name, with how many people each has."""
    organisations = custom_filtered(
        visible_to(user, Organisation.objects.all()).annotate(people=Count("memberships")),
        "organisation",
        filters,
    )
    if query:
        organisations = organisations.filter(name__icontains=query) | organisations.filter(
            other_names__icontains=query
        )
    return organisations.order_by("name")


def record_timeline(record: Person | Organisation, user: User) -> list[TimelineItem]:
    """Changes, merges and notes about a person or an organisation, newest first."""
    items: list[TimelineItem] = []
    entries = AuditEntry.objects.filter(
        object_type=record._meta.label_lower,
        object_id=str(record.code),
        action__in=[AuditAction.CREATE, AuditAction.CHANGE],
    ).select_related("actor")[:200]
    for entry in entries:
        items.append(TimelineItem(entry.at, entry.action, audit_heading(entry), "", audit_sentences(entry)))
    # Engagement (another app) links people to activities through `attendance`.
    attendance = getattr(record, "attendance", None)
    if attendance is not None:
        for row in attendance.select_related("activity"):
            status = _("Came") if row.attended else row.get_invitation_display()
            items.append(
                TimelineItem(row.activity.starts_at, "engagement", row.activity.title, "", [str(status)])
            )
    # Higher apps (cases) add their entries through core's registry.
    for extra in timeline_entries(record, user):
        items.append(TimelineItem(extra.at, "other", extra.title, "", extra.lines, extra.url))
    for note in record.notes.select_related("author"):
        author = note.author.full_name if note.author else ""
        items.append(TimelineItem(note.created_at, "note", note.text, author, []))
    return sorted(items, key=lambda item: item.at, reverse=True)


def pending_candidates(user: User) -> QuerySet[DuplicateCandidate]:
    """Pairs to review where the user may see both people and neither has been merged away."""
    visible = people_for(user)
    return (
        DuplicateCandidate.objects.filter(
            status=DuplicateCandidate.Status.PENDING, person_a__in=visible, person_b__in=visible
        )
        .select_related("person_a", "person_b")
        .order_by("-match_probability")
    )


def merges_for(person: Person) -> QuerySet[MergeRecord]:
    return (
        MergeRecord.objects.filter(survivor=person)
        .select_related("duplicate", "merged_by")
        .order_by("-created_at")
    )
