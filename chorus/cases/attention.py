"""What cases ask staff to act on: their cases overdue or due within a few working days,
warned before the service level is breached."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from chorus.cases.models import Case, Status
from chorus.cases.working_days import add_working_days
from chorus.core.access import visible_to
from chorus.core.registry import AttentionItem, attention_provider

if TYPE_CHECKING:
    from chorus.accounts.models import User

# Warned this many working days before the reply is due (the list's "due soon").
WARN_DAYS = 3


@attention_provider
def cases_due(user: User) -> list[AttentionItem]:
    today = timezone.localdate()
    mine = visible_to(user, Case.objects.filter(status=Status.OPEN, assignee=user))
    overdue = mine.filter(due_on__lt=today).count()
    soon = mine.filter(due_on__gte=today, due_on__lte=add_working_days(today, WARN_DAYS)).count()
    url = reverse("cases:case_list")
    items = []
    if overdue:
        items.append(
            AttentionItem(
                title=_("Your cases past their reply date"),
                description=_("Reply to these cases, or escalate them, as soon as you can."),
                url=f"{url}?{urlencode({'assignee': str(user.pk), 'due': 'overdue'})}",
                count=overdue,
                urgent=True,
            )
        )
    if soon:
        items.append(
            AttentionItem(
                title=_("Your cases due for a reply soon"),
                description=_("Cases assigned to you that are due in 3 working days or fewer."),
                url=f"{url}?{urlencode({'assignee': str(user.pk), 'due': 'soon'})}",
                count=soon,
            )
        )
    return items
