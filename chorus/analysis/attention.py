"""What analysis asks staff to look at: emerging issues found this week in their teams'
enquiries and complaints (and, for administrators, in cases with no team)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chorus.analysis.models import CaseEmergingIssue
from chorus.core.registry import AttentionItem, attention_provider

if TYPE_CHECKING:
    from chorus.accounts.models import User

RECENT_DAYS = 7


@attention_provider
def case_emerging_issues(user: User) -> list[AttentionItem]:
    if not user.is_active:
        return []
    mine = Q(team__in=user.teams.all())
    if user.is_administrator:
        mine |= Q(team__isnull=True)
    since = timezone.localdate() - timedelta(days=RECENT_DAYS - 1)
    count = CaseEmergingIssue.objects.filter(mine, detected_on__gte=since).count()
    if not count:
        return []
    return [
        AttentionItem(
            title=_("Emerging issues in enquiries and complaints"),
            description=_(
                "More cases than usual, or more complaints, about a service or a category this week."
            ),
            url=reverse("analysis:case_emerging"),
            count=count,
        )
    ]
