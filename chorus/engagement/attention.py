"""What engagement asks staff to act on."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chorus.accounts.models import Role
from chorus.core.access import visible_to
from chorus.core.registry import AttentionItem, attention_provider
from chorus.engagement.briefing import unmet_for_activity
from chorus.engagement.models import Activity, Checkpoint, Commitment
from chorus.engagement.selectors import NEEDS_ACTION

if TYPE_CHECKING:
    from chorus.accounts.models import User

# Commitments read to find the first; past this only counted.
ATTENTION_LIMIT = 50
# Where the item leads when there is more than one: the list, showing just these.
LIST_FILTERS = {"mine": "on", "status": NEEDS_ACTION}


@attention_provider
def overdue_checkpoints(user: User) -> list[AttentionItem]:
    if user.role == Role.VIEWER:
        return []
    due = Checkpoint.objects.not_engaged().filter(due_on__lt=timezone.localdate(), waived_reason="")
    overdue = list(visible_to(user, due).select_related("project", "group"))
    if not overdue:
        return []
    first = overdue[0]
    return [
        AttentionItem(
            title=_("Engagement checkpoints overdue"),
            description=_(
                "Stakeholder groups that projects should have engaged by now, "
                "starting with %(group)s for %(project)s."
            )
            % {"group": first.group.name, "project": first.project.name},
            url=reverse("engagement:project_detail", kwargs={"code": first.project.code}),
            count=len(overdue),
            urgent=True,
        )
    ]


@attention_provider
def commitments_needing_attention(user: User) -> list[AttentionItem]:
    """Overdue, late and at-risk commitments that the user, or a team of theirs, owns."""
    if user.role == Role.VIEWER:
        return []
    mine = visible_to(user, Commitment.objects.needing_attention().owned_by(user))
    found = list(mine.order_by(F("due_on").asc(nulls_last=True), "title")[: ATTENTION_LIMIT + 1])
    if not found:
        return []
    count = mine.count() if len(found) > ATTENTION_LIMIT else len(found)
    first = found[0]
    return [
        AttentionItem(
            title=_("Commitments overdue or at risk"),
            description=_("Commitments you or your team own that need action, starting with “%(title)s”.")
            % {"title": first.title},
            url=f"{reverse('engagement:commitment_list')}?{urlencode(LIST_FILTERS)}"
            if count > 1
            else reverse("engagement:commitment_detail", kwargs={"code": first.code}),
            count=count,
            urgent=any(c.is_overdue for c in found),
        )
    ]


# How far ahead the organiser is told of adjustments not yet met.
ADJUSTMENTS_AHEAD = timedelta(days=30)


@attention_provider
def adjustments_not_met(user: User) -> list[AttentionItem]:
    """Upcoming activities the user organises where someone expected needs an adjustment
    that the venue's recorded facilities or the booked support do not meet yet."""
    if not user.can_see_contact_details:
        return []
    now = timezone.now()
    upcoming = visible_to(
        user,
        Activity.objects.filter(organiser=user, starts_at__gte=now, starts_at__lte=now + ADJUSTMENTS_AHEAD)
        .select_related("place")
        .order_by("starts_at"),
    )
    found = [(activity, unmet) for activity in upcoming if (unmet := unmet_for_activity(activity, user))]
    if not found:
        return []
    first, unmet = found[0]
    return [
        AttentionItem(
            title=_("Adjustments not yet met"),
            description=_(
                "Activities you organise where people's needs are not met yet, "
                "starting with %(title)s: %(need)s"
            )
            % {"title": first.title, "need": unmet[0].message},
            url=reverse("engagement:activity_detail", kwargs={"code": first.code}),
            count=len(found),
            urgent=first.starts_at - now < timedelta(days=7),
        )
    ]
