"""What the foundation asks staff to act on."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.models import DBTaskResult

from chorus.core.models import AuditAction, AuditEntry
from chorus.core.registry import AttentionItem, attention_provider
from chorus.core.roles import Role

if TYPE_CHECKING:
    from chorus.accounts.models import User


@attention_provider
def two_factor(user: User) -> list[AttentionItem]:
    if user.has_totp():
        return []
    if user.sso_subject and not user.has_usable_password():
        return []  # signs in only through single sign-on, whose second factor is the provider's
    return [
        AttentionItem(
            title=_("Set up two-factor authentication"),
            description=_("Protect your account with a security code from an authenticator app."),
            url=reverse("accounts:totp_setup"),
        )
    ]


@attention_provider
def administration(user: User) -> list[AttentionItem]:
    if not user.is_administrator:
        return []
    staff = get_user_model().objects
    items: list[AttentionItem] = []
    since = timezone.now() - timedelta(days=1)
    lockouts = AuditEntry.objects.filter(action=AuditAction.LOCKED_OUT, at__gte=since).count()
    if lockouts:
        items.append(
            AttentionItem(
                title=_("Sign-in lockouts in the last 24 hours"),
                description=ngettext(
                    "%(count)d sign-in was locked out after repeated failures.",
                    "%(count)d sign-ins were locked out after repeated failures.",
                    lockouts,
                )
                % {"count": lockouts},
                url=f"{reverse('core:audit_log')}?action={AuditAction.LOCKED_OUT}",
                count=lockouts,
                urgent=True,
            )
        )
    admins_without = (
        staff.filter(role=Role.ADMINISTRATOR, is_active=True)
        .exclude(pk__in=TOTPDevice.objects.filter(confirmed=True).values("user_id"))
        .count()
    )
    if admins_without:
        items.append(
            AttentionItem(
                title=_("Administrators without two-factor authentication"),
                description=_("They will be asked to set it up when they next sign in."),
                url=f"{reverse('accounts:user_list')}?role=administrator",
                count=admins_without,
            )
        )
    pending = staff.filter(is_active=True, last_login__isnull=True).count()
    if pending:
        items.append(
            AttentionItem(
                title=_("Invitations not yet accepted"),
                description=_("These people have not signed in yet. Check they received their invitation."),
                url=reverse("accounts:user_list"),
                count=pending,
            )
        )
    failed = DBTaskResult.objects.filter(
        status="FAILED", finished_at__gte=timezone.now() - timedelta(days=7)
    ).count()
    if failed:
        items.append(
            AttentionItem(
                title=_("Background tasks that failed this week"),
                description=_("Open the task list in the administration site to see the errors."),
                # The app's label, not its module's name: the package renamed its label once.
                url=reverse(
                    f"admin:{DBTaskResult._meta.app_label}_{DBTaskResult._meta.model_name}_changelist"
                ),
                count=failed,
                urgent=True,
            )
        )
    return items
