"""Issuing, revoking and checking staff API tokens; what a token may see."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from chorus.api.models import ApiToken
from chorus.core.audit import audit_record
from chorus.core.models import AuditAction

if TYPE_CHECKING:
    from chorus.accounts.models import Team, User

M = TypeVar("M", bound=Model)

TOKEN_START = "chorus_"  # noqa: S105 (how every token begins, not a secret)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_issue(
    *,
    actor: User,
    request: HttpRequest | None,
    name: str,
    scopes: Iterable[str],
    expires_at: datetime,
    teams: Iterable[Team] = (),
) -> tuple[ApiToken, str]:
    """Make a token; return it with its secret, which is never stored and cannot be shown again."""
    prefix = secrets.token_hex(4)
    secret = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
    teams = list(teams)
    with transaction.atomic():
        token = ApiToken(
            name=name,
            restricted=bool(teams),
            prefix=prefix,
            secret_hash=secret_hash(secret),
            scopes=sorted(set(scopes)),
            expires_at=expires_at,
            created_by=actor,
        )
        token.full_clean()
        token.save()
        token.teams.set(teams)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=token,
            request=request,
            detail={"scopes": token.scopes, "teams": sorted(t.name for t in teams)},
        )
    return token, secret


def token_revoke(*, actor: User, request: HttpRequest | None, token: ApiToken) -> ApiToken:
    with transaction.atomic():
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.revoked_by = actor
            token.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
            audit_record(
                actor=actor, action=AuditAction.CHANGE, obj=token, request=request, detail={"revoked": True}
            )
    return token


def token_for_secret(secret: str) -> ApiToken | None:
    """The token whose secret this is, live or not; None when there is none."""
    if not secret.startswith(TOKEN_START):
        return None
    prefix = secret.removeprefix(TOKEN_START).partition("_")[0]
    token = (
        ApiToken.objects.filter(prefix=prefix).select_related("created_by").prefetch_related("teams").first()
    )
    if token is None or not hmac.compare_digest(token.secret_hash, secret_hash(secret)):
        return None
    return token


def token_used(token: ApiToken) -> None:
    """Note when a token was last used, at most once a minute, so busy integrations do not
    write the row on every call."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def token_visible(token: ApiToken, queryset: QuerySet[M]) -> QuerySet[M]:
    """The records of ``queryset`` the token may see: as ``core.access.visible_to`` does for
    staff, with the token's teams in place of a user's (not restricted: everything, as for
    the administrator who issued it; restricted with its teams since deleted: only records
    of no team)."""
    team_path = getattr(queryset.model, "team_path", None)
    if team_path is None or not token.restricted:
        return queryset
    team_ids = [team.pk for team in token.teams.all()]
    return queryset.filter(Q(**{f"{team_path}__isnull": True}) | Q(**{f"{team_path}__in": team_ids}))


def token_teams(token: ApiToken) -> QuerySet[Team]:
    """The teams a record made through the token may be restricted to."""
    from chorus.accounts.models import Team

    if not token.restricted:
        return Team.objects.all()
    return Team.objects.filter(pk__in=[t.pk for t in token.teams.all()])
