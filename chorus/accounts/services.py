"""Writes to staff accounts and teams: validated, atomic and audited."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from chorus.accounts import sso
from chorus.accounts.models import Role, SSOGroupMapping, Team, User
from chorus.core.audit import audit_record
from chorus.core.email import email_send_later
from chorus.core.models import AuditAction
from chorus.core.services import record_save


def _set_password_url(request: HttpRequest, user: User) -> str:
    token = default_token_generator.make_token(user)
    path = reverse("accounts:set_password", kwargs={"code": user.code, "token": token})
    return request.build_absolute_uri(path)


def user_invite(
    *,
    actor: User,
    request: HttpRequest,
    full_name: str,
    email: str,
    role: str,
    teams: Iterable[Team] = (),
) -> User:
    """Create a staff account with no password and email the person a link to choose one."""
    with transaction.atomic():
        user = User(full_name=full_name, email=email.lower(), role=role)
        user.set_unusable_password()
        user.full_clean()
        user.save()
        user.teams.set(teams)
        audit_record(actor=actor, action=AuditAction.CREATE, obj=user, request=request, detail={"role": role})
        # Where passwords are off, the invitation says to sign in with the provider instead.
        sso_only = not sso.passwords_allowed(user.email)
        body = render_to_string(
            "accounts/email/invitation.txt",
            {
                "user": user,
                "inviter": actor,
                "url": "" if sso_only else _set_password_url(request, user),
                "sso_provider": settings.OIDC_PROVIDER_NAME if sso_only else "",
                "sign_in_url": request.build_absolute_uri(reverse("accounts:sign_in")),
                "service_name": settings.CHORUS_SERVICE_NAME,
                "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
            },
        )
        email_send_later(
            to=[user.email], subject=f"You have been invited to {settings.CHORUS_SERVICE_NAME}", body=body
        )
    return user


def user_update(
    *,
    actor: User,
    request: HttpRequest,
    user: User,
    full_name: str,
    email: str,
    role: str,
    teams: Iterable[Team],
) -> User:
    with transaction.atomic():
        before = {
            "full_name": user.full_name,
            "email": user.email,
            "role": user.role,
            "teams": sorted(t.name for t in user.teams.all()),
        }
        user.full_name, user.email, user.role = full_name, email.lower(), role
        user.full_clean()
        user.save()
        user.teams.set(teams)
        after = {
            "full_name": user.full_name,
            "email": user.email,
            "role": user.role,
            "teams": sorted(t.name for t in user.teams.all()),
        }
        changed = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
        if changed:
            audit_record(actor=actor, action=AuditAction.CHANGE, obj=user, request=request, detail=changed)
    return user


def user_set_active(*, actor: User, request: HttpRequest, user: User, active: bool) -> User:
    if user.pk == actor.pk and not active:
        raise ValueError("You cannot deactivate your own account.")
    if not active and user.role == Role.ADMINISTRATOR:
        remaining = User.objects.filter(role=Role.ADMINISTRATOR, is_active=True).exclude(pk=user.pk)
        if not remaining.exists():
            raise ValueError("Chorus must keep at least one active administrator.")
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active", "updated_at"])
        audit_record(
            actor=actor, action=AuditAction.CHANGE, obj=user, request=request, detail={"active": active}
        )
    return user


def user_send_password_reset(*, request: HttpRequest, email: str) -> None:
    """Email a reset link if an active account has this address; say nothing either way."""
    user = User.objects.filter(email=email.lower(), is_active=True).first()
    if user is None or not sso.passwords_allowed(user.email):
        return
    body = render_to_string(
        "accounts/email/password_reset.txt",
        {
            "user": user,
            "url": _set_password_url(request, user),
            "service_name": settings.CHORUS_SERVICE_NAME,
            "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
        },
    )
    with transaction.atomic():
        email_send_later(
            to=[user.email], subject=f"Reset your {settings.CHORUS_SERVICE_NAME} password", body=body
        )


def user_set_password(*, request: HttpRequest, user: User, password: str) -> User:
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password", "updated_at"])
        audit_record(
            actor=user, action=AuditAction.CHANGE, obj=user, request=request, detail={"password": "set"}
        )
    return user


def totp_device_start(*, user: User) -> TOTPDevice:
    """An unconfirmed authenticator for ``user``, replacing any earlier unconfirmed one."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def totp_device_confirm(*, request: HttpRequest, user: User, device: TOTPDevice) -> TOTPDevice:
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(
            actor=user, action=AuditAction.CHANGE, obj=user, request=request, detail={"two_factor": "set up"}
        )
    return device


def totp_device_reset(*, actor: User, request: HttpRequest, user: User) -> None:
    """Remove a user's authenticator (lost phone); they set up a new one at next sign-in."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        audit_record(
            actor=actor, action=AuditAction.CHANGE, obj=user, request=request, detail={"two_factor": "reset"}
        )


def team_save(*, actor: User, request: HttpRequest, team: Team | None, name: str, description: str) -> Team:
    with transaction.atomic():
        return record_save(
            actor=actor,
            request=request,
            record=team or Team(),
            fields={"name": name, "description": description},
        )


def sso_group_save(
    *,
    actor: User,
    request: HttpRequest,
    mapping: SSOGroupMapping | None,
    group: str,
    description: str,
    role: str,
    teams: Iterable[Team],
) -> SSOGroupMapping:
    with transaction.atomic():
        return record_save(
            actor=actor,
            request=request,
            record=mapping or SSOGroupMapping(),
            fields={"group": group, "description": description, "role": role},
            relations={"teams": list(teams)},
        )


def sso_group_delete(*, actor: User, request: HttpRequest, mapping: SSOGroupMapping) -> None:
    with transaction.atomic():
        audit_record(actor=actor, action=AuditAction.DELETE, obj=mapping, request=request)
        mapping.delete()
