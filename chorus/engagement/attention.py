"""What engagement asks staff to act on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chorus.accounts.models import Role
from chorus.core.access import visible_to
from chorus.core.registry import AttentionItem, attention_provider
from chorus.engagement.models import Checkpoint

if TYPE_CHECKING:
    from chorus.accounts.models import User


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
