"""Staff users, their roles, and teams."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from chorus.core.models import CodedModel
from chorus.core.roles import Role as Role  # defined with access control, in core; re-exported beside User

# Who may see equality monitoring figures (counts and equality analysis).
EQUALITY_ROLES = frozenset({Role.ADMINISTRATOR, Role.ENGAGEMENT_OFFICER, Role.ANALYST})

ROLE_DESCRIPTIONS = {
    Role.ADMINISTRATOR: _(
        "Manages users, teams, site pages and the audit log; sees every team's records. "
        "Must use two-factor authentication."
    ),
    Role.ENGAGEMENT_OFFICER: _("Records and changes stakeholders, engagement and consultations."),
    Role.ANALYST: _("Analyses responses and feedback, and builds reports."),
    Role.VIEWER: _("Reads records but changes nothing; sees no contact details."),
}


class Team(CodedModel):
    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("role", Role.ADMINISTRATOR)
        extra.setdefault("full_name", email.split("@")[0])
        return self.create_user(email, password, **extra)


class User(CodedModel, AbstractBaseUser):
    """A member of staff. The public never have accounts."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    role = models.CharField(_("role"), max_length=30, choices=Role.choices, default=Role.VIEWER)
    teams = models.ManyToManyField(Team, verbose_name=_("teams"), blank=True, related_name="members")
    is_active = models.BooleanField(_("active"), default=True)
    # Who the single sign-on provider says this is (its issuer and "sub"), bound at the first
    # single sign-on, so that a changed email address still finds the same account.
    sso_subject = models.CharField(_("single sign-on identity"), max_length=255, blank=True, db_index=True)

    audit_views = True

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        verbose_name = _("user")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]), name="user_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"

    @property
    def is_staff(self) -> bool:
        """Django's admin site is for administrators only."""
        return self.is_active and self.role == Role.ADMINISTRATOR

    @property
    def is_superuser(self) -> bool:
        return self.is_staff

    # Roles, not Django's per-model permissions, decide what staff may do
    # (chorus.core.access); in Django's admin site administrators may do all
    # that each ModelAdmin allows.
    def has_perm(self, perm: str, obj: object = None) -> bool:
        return self.is_staff

    def has_perms(self, perm_list: object, obj: object = None) -> bool:
        return self.is_staff

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_staff

    @property
    def is_administrator(self) -> bool:
        return self.role == Role.ADMINISTRATOR

    @property
    def can_see_contact_details(self) -> bool:
        return self.role != Role.VIEWER

    @property
    def can_see_equality_figures(self) -> bool:
        """Equality counts and analysis are for those who act on them, not for viewers."""
        return self.role in EQUALITY_ROLES

    def is_verified(self) -> bool:
        """Past two-factor authentication in this session. OTPMiddleware replaces this per request."""
        return False

    def has_totp(self) -> bool:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        return bool(TOTPDevice.objects.filter(user=self, confirmed=True).exists())

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class SSOGroupMapping(CodedModel):
    """What membership of one of the provider's groups gives in Chorus: a role, teams, or both.

    At each single sign-on the highest role of the person's mapped groups, and all their
    mapped teams, replace what the account had (chorus.accounts.sso)."""

    group = models.CharField(
        _("group"),
        max_length=255,
        unique=True,
        help_text=_("The group as the provider sends it: its id (Microsoft Entra ID) or its name."),
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=30, choices=Role.choices, blank=True)
    teams = models.ManyToManyField(Team, verbose_name=_("teams"), blank=True, related_name="sso_groups")

    class Meta:
        ordering = ["group"]
        verbose_name = _("single sign-on group")

    def __str__(self) -> str:
        return self.description or self.group
