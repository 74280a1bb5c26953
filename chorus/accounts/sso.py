"""Single sign-on with OpenID Connect (ADR 0016).

Authlib talks to the provider: discovery, the authorisation code with PKCE, the ID token's
signature, issuer, audience, nonce and expiry. This module decides who the signed-in person
is in Chorus: which account, whether they may have one, and the role and teams their
provider groups give them (``SSOGroupMapping``, which administrators edit).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from chorus.accounts.models import Role, SSOGroupMapping, Team, User
from chorus.core.access import SSO_SESSION_KEY
from chorus.core.audit import audit_record
from chorus.core.models import AuditAction

# Highest last: the role a person gets is the highest of their mapped groups'.
ROLE_ORDER = [Role.VIEWER, Role.ANALYST, Role.ENGAGEMENT_OFFICER, Role.ADMINISTRATOR]


def enabled() -> bool:
    return bool(settings.OIDC_ISSUER)


def passwords_allowed(email: str) -> bool:
    """Whether ``email`` may sign in (or reset a password) with a password."""
    if not enabled() or settings.OIDC_PASSWORDS == "on":
        return True
    return email.strip().lower() in settings.OIDC_BREAK_GLASS


@lru_cache(maxsize=4)
def _client_for(issuer: str, client_id: str, client_secret: str, scopes: str) -> DjangoOAuth2App:
    oauth = OAuth()
    client = oauth.register(
        name="chorus",
        client_id=client_id,
        client_secret=client_secret,
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": scopes, "code_challenge_method": "S256", "timeout": 10},
    )
    return client


def client() -> DjangoOAuth2App:
    return _client_for(
        settings.OIDC_ISSUER, settings.OIDC_CLIENT_ID, settings.OIDC_CLIENT_SECRET, settings.OIDC_SCOPES
    )


def claims_with_userinfo(token: dict[str, Any]) -> dict[str, Any]:
    """The ID token's claims, with the userinfo endpoint's filling what it lacks (many
    providers put groups and email only in userinfo). The ID token's claims win, and the
    userinfo is used only for the same subject."""
    claims = dict(token.get("userinfo") or {})
    if settings.OIDC_GROUPS_CLAIM in claims and claims.get("email"):
        return claims
    if client().load_server_metadata().get("userinfo_endpoint"):
        extra = dict(client().userinfo(token=token))
        if extra.get("sub") == claims.get("sub"):
            claims = {**extra, **claims}
    return claims


@dataclass(frozen=True)
class Refusal(Exception):
    """Why someone the provider vouched for may not use Chorus: ``message`` said to them,
    ``reason`` and ``detail`` for the audit log."""

    message: str
    reason: str = "refused"
    detail: dict[str, str] | None = None


def _groups(claims: dict[str, Any]) -> list[str]:
    value = claims.get(settings.OIDC_GROUPS_CLAIM) or []
    if isinstance(value, str):
        value = [value]
    return [str(group) for group in value if str(group).strip()]


def _email(claims: dict[str, Any]) -> str:
    """The ``email`` claim only: ``preferred_username`` and ``upn`` are sign-in names, which
    may look like someone else's address."""
    value = str(claims.get("email") or "").strip().lower()
    return value if "@" in value else ""


def email_confirmed(claims: dict[str, Any]) -> bool:
    """Whether the provider vouches that the address is the person's: ``email_verified``
    true, or Microsoft Entra ID's ``xms_edov`` (the domain's owner verified it). Only then
    may an account made before single sign-on be linked to them by its address."""
    return claims.get("email_verified") is True or claims.get("xms_edov") in (True, 1, "1", "true")


def mapped_access(groups: list[str]) -> tuple[bool, str | None, list[Team]]:
    """Whether any of ``groups`` is mapped, the highest role they give, and every team."""
    mappings = list(SSOGroupMapping.objects.filter(group__in=groups).prefetch_related("teams"))
    roles = [Role(m.role) for m in mappings if m.role]
    role = max(roles, key=ROLE_ORDER.index) if roles else None
    teams = {team.pk: team for mapping in mappings for team in mapping.teams.all()}
    return bool(mappings), role, sorted(teams.values(), key=lambda team: team.name)


def user_for_claims(claims: dict[str, Any], *, request: HttpRequest) -> User:
    """The Chorus account for the person the provider signed in, created or brought up to
    date from their groups; or ``Refusal`` with what to do about it."""
    subject = f"{settings.OIDC_ISSUER} {claims.get('sub', '')}"
    email = _email(claims)
    if not claims.get("sub"):
        raise Refusal(_("The sign-in service did not say who you are. Try again, or ask your IT team."))
    if not email:
        raise Refusal(
            _(
                "The sign-in service did not send your email address, so Chorus cannot find your "
                "account. Ask your IT team to release the email claim to Chorus."
            )
        )
    matched, role, teams = mapped_access(_groups(claims))
    with transaction.atomic():
        user = User.objects.select_for_update().filter(sso_subject=subject).first()
        if user is None:
            user = User.objects.select_for_update().filter(email__iexact=email).first()
            if user is not None:
                _check_linkable(user, subject=subject, claims=claims, request=request)
        if user is None:
            if settings.OIDC_NEW_USERS == "invited":
                raise Refusal(
                    _("You do not have a Chorus account. Ask a Chorus administrator to invite you.")
                )
            if not matched:
                raise Refusal(
                    _(
                        "None of your groups gives access to Chorus. Ask a Chorus administrator to "
                        "map your group, or to invite you."
                    )
                )
            user = User.objects.create_user(
                email,
                None,
                full_name=str(claims.get("name") or email.split("@")[0])[:150],
                role=role or Role.VIEWER,
                sso_subject=subject,
            )
            user.teams.set(teams)
            audit_record(
                actor=None,
                action=AuditAction.CREATE,
                obj=user,
                request=request,
                actor_label=_("Single sign-on"),
                detail={"role": user.role, "teams": [team.name for team in teams], "by": "single sign-on"},
            )
            return user
        if not user.is_active:
            raise Refusal(_("Your Chorus account has been switched off. Ask a Chorus administrator."))
        left = not matched and settings.OIDC_NEW_USERS == "first-sign-in"
        if not left:
            _bring_up_to_date(user, subject=subject, matched=matched, role=role, teams=teams, request=request)
            return user
    # In no mapped group any more: a leaver. The account is switched off, so that nothing
    # it left behind (a session elsewhere, an API token it issued) keeps working.
    _switch_off(user, request=request)
    raise Refusal(
        _("None of your groups gives access to Chorus any more. Ask a Chorus administrator."),
        reason="in no mapped group",
    )


def _switch_off(user: User, *, request: HttpRequest) -> None:
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=False)
        audit_record(
            actor=None,
            action=AuditAction.CHANGE,
            obj=user,
            request=request,
            actor_label=_("Single sign-on"),
            detail={"active": False, "by": "single sign-on", "why": "in no mapped group"},
        )


def _check_linkable(user: User, *, subject: str, claims: dict[str, Any], request: HttpRequest) -> None:
    """Refuse to link an account made before single sign-on (an invitation, a password
    account) to whoever the provider signed in, unless the provider vouches for the address;
    never a break-glass administrator's, kept for when single sign-on fails. Whoever
    controls a provider account's email claim must not thereby get someone's Chorus account."""
    reason = ""
    if user.sso_subject and user.sso_subject != subject:
        reason = "linked to another sign-in"
    elif user.email.lower() in settings.OIDC_BREAK_GLASS:
        reason = "break-glass account"
    elif not email_confirmed(claims):
        reason = "email not confirmed by the provider"
    if reason:
        raise Refusal(
            _(
                "Chorus cannot link your sign-in to a Chorus account. Ask a Chorus administrator "
                "to check your account."
            ),
            reason=reason,
            detail={"subject": subject, "account": str(user.code)},
        )


def _bring_up_to_date(
    user: User, *, subject: str, matched: bool, role: str | None, teams: list[Team], request: HttpRequest
) -> None:
    changes: dict[str, Any] = {}
    if user.sso_subject != subject:
        user.sso_subject = subject
        changes["sso"] = f"linked to {subject}"
    if matched:
        # The groups decide: someone left with only a teams-only group is a viewer.
        role = role or Role.VIEWER
        if user.role != role:
            changes["role"] = [user.role, role]
            user.role = role
        before = sorted(user.teams.values_list("name", flat=True))
        after = [team.name for team in teams]
        if before != after:
            changes["teams"] = [before, after]
            user.teams.set(teams)
    if changes:
        user.save()
        audit_record(
            actor=None,
            action=AuditAction.CHANGE,
            obj=user,
            request=request,
            actor_label=_("Single sign-on"),
            detail={**changes, "by": "single sign-on"},
        )


def start_session(request: HttpRequest, token: dict[str, Any], claims: dict[str, Any]) -> None:
    """Remember, after ``login``, that this session came from the provider and until when it
    holds without asking the provider again."""
    recheck = time.time() + settings.OIDC_RECHECK_MINUTES * 60
    expires = float(claims.get("exp") or recheck)
    request.session[SSO_SESSION_KEY] = {"id_token": token.get("id_token", ""), "until": min(expires, recheck)}


def needs_recheck(request: HttpRequest) -> bool:
    session = request.session.get(SSO_SESSION_KEY)
    return isinstance(session, dict) and float(session.get("until", 0)) < time.time()


def end_session_url(id_token: str, after: str) -> str | None:
    """The provider's sign-out address that ends its session too, where it has one."""
    endpoint = (client().load_server_metadata() or {}).get("end_session_endpoint")
    if not endpoint:
        return None
    query = urlencode(
        {"id_token_hint": id_token, "post_logout_redirect_uri": after, "client_id": settings.OIDC_CLIENT_ID}
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
