"""The one place that decides what a staff user may see and change.

Every view fetches records through ``get_for_view`` or ``get_for_change`` and
lists them through ``visible_to``: a record the user may not see is a 404 (its
existence is not revealed); one they may see but not change is a 403.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponseBase
from django.shortcuts import redirect

from chorus.core.audit import audit_record
from chorus.core.models import AuditAction
from chorus.core.roles import Role

if TYPE_CHECKING:
    from chorus.accounts.models import Team, User

M = TypeVar("M", bound=Model)
View = TypeVar("View", bound=Callable[..., HttpResponseBase])

# The session key that marks a session signed in through single sign-on (chorus.accounts.sso),
# whose second factor is the provider's.
SSO_SESSION_KEY = "chorus_sso"

# Roles that may change records unless a model says otherwise.
DEFAULT_CHANGE_ROLES: frozenset[str] = frozenset({Role.ADMINISTRATOR, Role.ENGAGEMENT_OFFICER})


def staff_user(request: HttpRequest) -> User:
    """The signed-in staff user (views behind ``staff_required`` only)."""
    return request.user  # type: ignore[return-value]


def staff_required(view: View) -> View:
    """Signed in, and past two-factor authentication where it applies."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        user = staff_user(request)
        if not user.is_verified() and not request.session.get(SSO_SESSION_KEY):
            if user.has_totp():
                return redirect_to_login(request.get_full_path(), "accounts:verify")
            if user.is_administrator:
                return redirect("accounts:totp_setup")
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def role_required(*roles: str) -> Callable[[View], View]:
    """Refuse (403) users whose role is not one of ``roles``. Goes inside ``staff_required``."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if staff_user(request).role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


administrator_required = role_required(Role.ADMINISTRATOR)


def visible_to(user: User, queryset: QuerySet[M]) -> QuerySet[M]:
    """The records of ``queryset`` that ``user`` may see."""
    if not user.is_active:
        return queryset.none()
    team_path = getattr(queryset.model, "team_path", None)
    if team_path is None or user.is_administrator:
        return queryset
    team_ids = list(user.teams.values_list("id", flat=True))
    return queryset.filter(Q(**{f"{team_path}__isnull": True}) | Q(**{f"{team_path}__in": team_ids}))


def teams_assignable_by(user: User) -> QuerySet[Team]:
    """The teams ``user`` may restrict a record to, or filter by: every team for an
    administrator, otherwise only the user's own.

    Every form and filter that offers teams takes its choices from here, so an officer can
    never give a record to (and so hide it from themselves in) a team they are not in; the
    records such forms offer (projects, activities, consultations) come from ``visible_to``,
    which follows the same rule.
    """
    teams = user.teams.model._default_manager
    if not user.is_active:
        return teams.none()
    chosen = teams.all() if user.is_administrator else user.teams.all()
    return chosen.order_by("name")


def visible_or_kept(user: User, queryset: QuerySet[M], keep: Model | int | None = None) -> QuerySet[M]:
    """Choices to offer ``user`` in a form: the records they may see, plus ``keep`` (what
    the record being edited already points at), so an edit never drops a link silently."""
    visible = visible_to(user, queryset)
    if keep is None:
        return visible
    return visible | queryset.filter(pk=getattr(keep, "pk", keep))


def can_change(user: User, obj: Model) -> bool:
    """Whether ``user`` may change ``obj``: a role that may (``change_roles``), and, for a
    record that is its maker's (``changeable_by``), being that maker or an administrator."""
    roles: Collection[str] = getattr(obj, "change_roles", DEFAULT_CHANGE_ROLES)
    if not (user.is_active and user.role in roles):
        return False
    changeable_by = getattr(obj, "changeable_by", None)
    return changeable_by is None or bool(changeable_by(user))


def get_for_view(request: HttpRequest, queryset: QuerySet[M], **lookup: Any) -> M:
    """Fetch one record the user may see (404 otherwise), auditing views of personal data."""
    user = staff_user(request)
    try:
        obj = visible_to(user, queryset).get(**lookup)
    except (ObjectDoesNotExist, ValueError):
        raise Http404 from None
    if getattr(obj, "audit_views", False):
        audit_record(actor=user, action=AuditAction.VIEW, obj=obj, request=request)
    return obj


def get_for_change(request: HttpRequest, queryset: QuerySet[M], **lookup: Any) -> M:
    """Fetch one record the user may change: 404 if they may not see it, 403 if not change it.

    A change form shows the record as it is, so opening one (a GET) of personal data is a
    view and is audited like one; the change itself is audited by the service that saves it.
    """
    user = staff_user(request)
    try:
        obj = visible_to(user, queryset).get(**lookup)
    except (ObjectDoesNotExist, ValueError):
        raise Http404 from None
    if not can_change(user, obj):
        raise PermissionDenied
    if request.method == "GET" and getattr(obj, "audit_views", False):
        audit_record(actor=user, action=AuditAction.VIEW, obj=obj, request=request)
    return obj
