"""What the directory asks staff to act on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chorus.accounts.models import Role
from chorus.core.registry import AttentionItem, attention_provider
from chorus.directory.models import AdjustmentsRecord, StakeholderGroup
from chorus.directory.panels import REMINDER_DAYS, ending_soon
from chorus.directory.selectors import pending_candidates, people_for

if TYPE_CHECKING:
    from chorus.accounts.models import User


@attention_provider
def directory(user: User) -> list[AttentionItem]:
    if user.role not in (Role.ADMINISTRATOR, Role.ENGAGEMENT_OFFICER):
        return []
    items = []
    ending = ending_soon(StakeholderGroup.objects.filter(is_panel=True)).count()
    if ending:
        items.append(
            AttentionItem(
                title=_("Panel memberships ending soon"),
                description=_(
                    "Places on standing panels that end in the next %(days)s days: renew them or recruit."
                )
                % {"days": REMINDER_DAYS},
                url=reverse("directory:panel_list"),
                count=ending,
            )
        )
    duplicates = pending_candidates(user).count()
    if duplicates:
        items.append(
            AttentionItem(
                title=_("Possible duplicate people to review"),
                description=_("Pairs of records that are probably the same person."),
                url=reverse("directory:duplicate_list"),
                count=duplicates,
            )
        )
    return items


@attention_provider
def adjustments_to_review(user: User) -> list[AttentionItem]:
    """Reasonable adjustments past their review date, of people whose relationship the user owns."""
    if user.role not in (Role.ADMINISTRATOR, Role.ENGAGEMENT_OFFICER):
        return []
    due = list(
        AdjustmentsRecord.objects.filter(
            person__in=people_for(user).filter(owner=user), review_on__lte=timezone.localdate()
        )
        .select_related("person")
        .order_by("review_on")[:51]
    )
    if not due:
        return []
    first = due[0].person
    return [
        AttentionItem(
            title=_("Reasonable adjustments to review"),
            description=_(
                "People you look after whose adjustments are due for review, starting with %(name)s."
            )
            % {"name": first.full_name},
            url=reverse("directory:person_detail", kwargs={"code": first.code}) + "#adjustments",
            count=len(due),
        )
    ]
