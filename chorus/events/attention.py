"""What event registration asks staff to act on: registrations waiting for their approval."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chorus.accounts.models import Role
from chorus.core.access import visible_to
from chorus.core.registry import AttentionItem, attention_provider
from chorus.engagement.models import Activity
from chorus.events.models import Registration

if TYPE_CHECKING:
    from chorus.accounts.models import User


@attention_provider
def registrations_to_approve(user: User) -> list[AttentionItem]:
    if user.role not in (Role.ADMINISTRATOR, Role.ENGAGEMENT_OFFICER):
        return []
    waiting = (
        visible_to(user, Activity.objects.filter(starts_at__gt=timezone.now()))
        .filter(registrations__status=Registration.Status.PENDING)
        .annotate(pending=Count("registrations"))
        .order_by("starts_at")
    )
    activities = list(waiting[:20])
    if not activities:
        return []
    first = activities[0]
    return [
        AttentionItem(
            title=_("Registrations to approve"),
            description=_("People waiting for you to approve their place, starting with %(title)s.")
            % {"title": first.title},
            url=reverse("events:registration_list", kwargs={"code": first.code}),
            count=sum(a.pending for a in activities),
        )
    ]
