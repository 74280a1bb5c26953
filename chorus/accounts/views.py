"""Signing in and out, two-factor authentication, and managing staff accounts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

import requests
import segno
from authlib.common.errors import AuthlibBaseError as OAuthError
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from joserfc.errors import JoseError

from chorus.accounts import services, sso
from chorus.accounts.forms import (
    ADDRESS_LOCKED,
    PasswordResetRequestForm,
    SetPasswordForm,
    SignInForm,
    SSOGroupMappingForm,
    TeamForm,
    TOTPSetupForm,
    TOTPVerifyForm,
    UserForm,
)
from chorus.accounts.models import ROLE_DESCRIPTIONS, Role, SSOGroupMapping, Team, User
from chorus.core import ratelimit
from chorus.core.access import (
    SSO_SESSION_KEY,
    administrator_required,
    get_for_change,
    get_for_view,
    staff_required,
    staff_user,
)
from chorus.core.audit import audit_record
from chorus.core.models import AuditAction


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("core:staff_home")


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.user
        if user is None:  # is_valid() sets it; this keeps the type checker honest
            raise RuntimeError("SignInForm validated without a user")
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        next_url = _next_url(request)
        if user.has_totp():
            return redirect(f"{reverse('accounts:verify')}?next={next_url}")
        if user.is_administrator:
            return redirect("accounts:totp_setup")
        return redirect(next_url)
    status = 200
    if form.has_error(NON_FIELD_ERRORS, ADDRESS_LOCKED):
        status = 429
        audit_record(
            actor=None,
            action=AuditAction.LOCKED_OUT,
            request=request,
            object_type="accounts.signin",
            object_repr=form.cleaned_data.get("email", ""),
            detail={"by": "address"},
        )
    return render(request, "accounts/sign_in.html", _sign_in_context(request, form), status=status)


def _sign_in_context(request: HttpRequest, form: SignInForm, **extra: Any) -> dict[str, Any]:
    return {
        "form": form,
        "next": _next_url(request),
        "sso": sso.enabled(),
        "sso_provider": settings.OIDC_PROVIDER_NAME,
        "passwords_on": not sso.enabled() or settings.OIDC_PASSWORDS == "on",
        **extra,
    }


SSO_NEXT_KEY = "chorus_sso_next"


def _unprefixed(name: str) -> str:
    """The address without a language prefix: the provider has one address registered for
    each, whatever language the person reads Chorus in."""
    with translation.override(settings.LANGUAGE_CODE):
        return reverse(name)


@never_cache
@require_http_methods(["GET"])
def sso_start(request: HttpRequest) -> HttpResponse:
    """Send the browser to the provider to sign in (single sign-on, ADR 0016)."""
    if not sso.enabled():
        raise Http404
    request.session[SSO_NEXT_KEY] = _next_url(request)
    try:
        return sso.client().authorize_redirect(  # type: ignore[no-any-return]
            request, request.build_absolute_uri(_unprefixed("accounts:sso_callback"))
        )
    except (OSError, requests.RequestException, OAuthError) as error:
        return _sso_refused(
            request,
            _("The sign-in service cannot be reached just now. Try again in a few minutes."),
            reason=f"provider unreachable: {type(error).__name__}",
            status=503,
        )


@never_cache
@require_http_methods(["GET"])
def sso_callback(request: HttpRequest) -> HttpResponse:
    """Where the provider sends the browser back: check its answer and sign in."""
    if not sso.enabled():
        raise Http404
    if request.GET.get("error"):
        # Cancelled at the provider, or refused there.
        return _sso_refused(
            request,
            _(
                "Signing in with %(provider)s did not finish. Try again, or ask your IT team "
                "if it keeps happening."
            )
            % {"provider": settings.OIDC_PROVIDER_NAME},
            reason=f"provider said {_code(request.GET.get('error', ''))}",
        )
    try:
        token = sso.client().authorize_access_token(request)
        claims = sso.claims_with_userinfo(token)
    except (OAuthError, JoseError) as error:
        # A stale or replayed link, a token that has expired, or one that does not check out.
        return _sso_refused(
            request,
            _("Your sign-in could not be checked: it may have expired. Sign in again."),
            reason=f"token refused: {type(error).__name__}",
        )
    except (OSError, requests.RequestException) as error:
        return _sso_refused(
            request,
            _("The sign-in service cannot be reached just now. Try again in a few minutes."),
            reason=f"provider unreachable: {type(error).__name__}",
            status=503,
        )
    try:
        user = sso.user_for_claims(claims, request=request)
    except sso.Refusal as refusal:
        return _sso_refused(
            request,
            refusal.message,
            reason=refusal.reason,
            email=str(claims.get("email") or ""),
            detail=refusal.detail,
        )
    next_url = request.session.pop(SSO_NEXT_KEY, "") or reverse("core:staff_home")
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    sso.start_session(request, token, claims)
    # A fixed end, from this sign-in: a session that is only used never outlives it.
    request.session.set_expiry(timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE))
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("core:staff_home")
    return redirect(next_url)


def _code(value: str) -> str:
    """An OAuth error code as the provider sent it, kept short and plain for the audit log."""
    return "".join(c for c in value[:40] if c.isalnum() or c == "_")


def _sso_refused(
    request: HttpRequest,
    message: str,
    *,
    reason: str,
    email: str = "",
    status: int = 403,
    detail: dict[str, str] | None = None,
) -> HttpResponse:
    """The sign-in page with why, audited. A session this was renewing ends here: whoever
    the provider no longer lets in is signed out of Chorus too."""
    if request.user.is_authenticated:
        logout(request)
    audit_record(
        actor=None,
        action=AuditAction.SIGN_IN_FAILED,
        request=request,
        object_type="accounts.signin",
        object_repr=email,
        detail={"by": "single sign-on", "reason": reason, **(detail or {})},
    )
    return render(
        request,
        "accounts/sign_in.html",
        _sign_in_context(request, SignInForm(request), sso_error=message),
        status=status,
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    """Sign out of Chorus, and of the provider too where the session came from it and the
    provider can end its own (so the next person at the computer is not signed straight in)."""
    session = request.session.get(SSO_SESSION_KEY) or {}
    logout(request)
    messages.success(request, _("You have signed out."))
    if session and sso.enabled():
        try:
            url = sso.end_session_url(
                str(session.get("id_token", "")), request.build_absolute_uri(_unprefixed("accounts:sign_in"))
            )
        except (OSError, requests.RequestException, OAuthError):
            url = None
        if url:
            return redirect(url)
    return redirect("accounts:sign_in")


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in, for users with an authenticator app."""
    if not request.user.is_authenticated:
        return redirect("accounts:sign_in")
    user = staff_user(request)
    if not user.has_totp():
        return redirect(_next_url(request))
    form = TOTPVerifyForm(user, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.device is None:  # is_valid() sets it
            raise RuntimeError("TOTPVerifyForm validated without a device")
        otp_login(request, form.device)
        return redirect(_next_url(request))
    return render(request, "accounts/verify.html", {"form": form, "next": _next_url(request)})


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def totp_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app; administrators must before they can do anything else."""
    if not request.user.is_authenticated:
        return redirect("accounts:sign_in")
    user = staff_user(request)
    if user.has_totp() and not user.is_verified():
        # Replacing an app needs the current one first.
        return redirect(f"{reverse('accounts:verify')}?next={reverse('accounts:totp_setup')}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None or request.method == "GET":
        device = services.totp_device_start(user=user)
    form = TOTPSetupForm(device, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.totp_device_confirm(request=request, user=user, device=device)
        otp_login(request, device)
        messages.success(request, _("Two-factor authentication is set up."))
        return redirect("core:staff_home")
    qr = segno.make(device.config_url, error="m")
    secret = device.config_url.split("secret=")[1].split("&")[0]
    return render(
        request,
        "accounts/totp_setup.html",
        {
            "form": form,
            "qr_svg": qr.svg_inline(scale=4, title=_("QR code for your authenticator app")),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "required": user.is_administrator,
        },
    )


@sensitive_post_parameters("new_password", "confirm_password")
@never_cache
@require_http_methods(["GET", "POST"])
def set_password(request: HttpRequest, code: UUID, token: str) -> HttpResponse:
    """Choose a password from an invitation or reset link."""
    user = User.objects.filter(code=code, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, token):
        return render(request, "accounts/link_expired.html", status=404)
    form = SetPasswordForm(user, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.user_set_password(request=request, user=user, password=form.cleaned_data["new_password"])
        messages.success(request, _("Your password is set. Sign in with it now."))
        return redirect("accounts:sign_in")
    return render(request, "accounts/set_password.html", {"form": form, "user_email": user.email})


# Password reset emails: at most this many asked for from one address, and for one email
# address (whether or not an account has it, so the limit reveals nothing), in an hour.
RESET_PER = timedelta(hours=1)
RESETS_PER_ADDRESS = 5
RESETS_PER_EMAIL = 3


@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    form = PasswordResetRequestForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if ratelimit.hit(
            "password-reset", ratelimit.client_address(request), limit=RESETS_PER_ADDRESS, per=RESET_PER
        ) or ratelimit.hit("password-reset-email", email, limit=RESETS_PER_EMAIL, per=RESET_PER):
            return render(
                request,
                "accounts/password_reset.html",
                {"form": form, "limited_minutes": max(1, -(-ratelimit.seconds_left(RESET_PER) // 60))},
                status=429,
            )
        services.user_send_password_reset(request=request, email=email)
        return render(request, "accounts/password_reset_sent.html", {"email": email})
    return render(request, "accounts/password_reset.html", {"form": form})


@staff_required
def account(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    return render(
        request,
        "accounts/account.html",
        {
            "account": user,
            "has_totp": user.has_totp(),
            "sso_session": bool(request.session.get(SSO_SESSION_KEY)),
            "sso_provider": settings.OIDC_PROVIDER_NAME,
            "has_password": user.has_usable_password(),
        },
    )


# Managing staff accounts: administrators only.


@staff_required
@administrator_required
def user_list(request: HttpRequest) -> HttpResponse:
    users = User.objects.prefetch_related("teams").order_by("full_name")
    query = request.GET.get("q", "").strip()
    if query:
        users = users.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    role = request.GET.get("role", "")
    if role in Role.values:
        users = users.filter(role=role)
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    audit_record(
        actor=staff_user(request),
        action=AuditAction.VIEW,
        request=request,
        object_type="accounts.user",
        object_repr="Staff account list",
        detail={"page": page.number, "q": query, "role": role, "shown": len(page.object_list)},
    )
    with_totp = set(
        TOTPDevice.objects.filter(confirmed=True, user__in=page.object_list).values_list("user_id", flat=True)
    )
    return render(
        request,
        "accounts/user_list.html",
        {"page": page, "query": query, "role": role, "roles": Role.choices, "with_totp": with_totp},
    )


@staff_required
@administrator_required
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.user_invite(actor=staff_user(request), request=request, **form.cleaned_data)
        messages.success(
            request,
            _("Account created. %(email)s has been emailed a link to set a password.")
            % {"email": user.email},
        )
        return redirect("accounts:user_detail", code=user.code)
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "role_descriptions": ROLE_DESCRIPTIONS, "creating": True},
    )


@staff_required
@administrator_required
def user_detail(request: HttpRequest, code: UUID) -> HttpResponse:
    user = get_for_view(request, User.objects.prefetch_related("teams"), code=code)
    return render(request, "accounts/user_detail.html", {"account": user, "has_totp": user.has_totp()})


@staff_required
@administrator_required
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, code: UUID) -> HttpResponse:
    user = get_for_change(request, User.objects.all(), code=code)
    form = UserForm(data=request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        if user.pk == staff_user(request).pk and form.cleaned_data["role"] != Role.ADMINISTRATOR:
            form.add_error(
                "role", _("You cannot remove your own administrator role. Ask another administrator.")
            )
        else:
            services.user_update(actor=staff_user(request), request=request, user=user, **form.cleaned_data)
            messages.success(request, _("Account updated."))
            return redirect("accounts:user_detail", code=user.code)
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "role_descriptions": ROLE_DESCRIPTIONS, "creating": False, "account": user},
    )


@require_POST
@staff_required
@administrator_required
def user_set_active(request: HttpRequest, code: UUID) -> HttpResponse:
    user = get_for_change(request, User.objects.all(), code=code)
    active = request.POST.get("active") == "1"
    try:
        services.user_set_active(actor=staff_user(request), request=request, user=user, active=active)
    except ValueError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Account reactivated.") if active else _("Account deactivated."))
    return redirect("accounts:user_detail", code=user.code)


@require_POST
@staff_required
@administrator_required
def user_reset_totp(request: HttpRequest, code: UUID) -> HttpResponse:
    user = get_for_change(request, User.objects.all(), code=code)
    services.totp_device_reset(actor=staff_user(request), request=request, user=user)
    messages.success(
        request, _("Two-factor authentication removed. They will set it up again when they next sign in.")
    )
    return redirect("accounts:user_detail", code=user.code)


@staff_required
@administrator_required
def team_list(request: HttpRequest) -> HttpResponse:
    teams = Team.objects.annotate(member_count=Count("members")).order_by("name")
    return render(request, "accounts/team_list.html", {"teams": teams})


@staff_required
@administrator_required
@require_http_methods(["GET", "POST"])
def team_edit(request: HttpRequest, code: UUID | None = None) -> HttpResponse:
    team = get_for_change(request, Team.objects.all(), code=code) if code else None
    form = TeamForm(data=request.POST or None, instance=team)
    if request.method == "POST" and form.is_valid():
        services.team_save(actor=staff_user(request), request=request, team=team, **form.cleaned_data)
        messages.success(request, _("Team saved."))
        return redirect("accounts:team_list")
    members = team.members.order_by("full_name") if team else User.objects.none()
    return render(request, "accounts/team_form.html", {"form": form, "team": team, "members": members})


# Single sign-on groups: what each provider group gives in Chorus. Administrators only.


@staff_required
@administrator_required
def sso_group_list(request: HttpRequest) -> HttpResponse:
    mappings = SSOGroupMapping.objects.prefetch_related("teams").order_by("group")
    return render(
        request,
        "accounts/sso_group_list.html",
        {
            "mappings": mappings,
            "sso": sso.enabled(),
            "new_users": settings.OIDC_NEW_USERS,
            "passwords_on": settings.OIDC_PASSWORDS == "on",
            "groups_claim": settings.OIDC_GROUPS_CLAIM,
            "provider": settings.OIDC_PROVIDER_NAME,
        },
    )


@staff_required
@administrator_required
@require_http_methods(["GET", "POST"])
def sso_group_edit(request: HttpRequest, code: UUID | None = None) -> HttpResponse:
    mapping = get_for_change(request, SSOGroupMapping.objects.all(), code=code) if code else None
    form = SSOGroupMappingForm(data=request.POST or None, instance=mapping)
    if request.method == "POST" and form.is_valid():
        services.sso_group_save(
            actor=staff_user(request), request=request, mapping=mapping, **form.cleaned_data
        )
        messages.success(request, _("Group saved. It applies from each person's next sign-in."))
        return redirect("accounts:sso_group_list")
    return render(request, "accounts/sso_group_form.html", {"form": form, "mapping": mapping})


@require_POST
@staff_required
@administrator_required
def sso_group_delete(request: HttpRequest, code: UUID) -> HttpResponse:
    mapping = get_for_change(request, SSOGroupMapping.objects.all(), code=code)
    services.sso_group_delete(actor=staff_user(request), request=request, mapping=mapping)
    messages.success(request, _("Group removed. It gives nothing from each person's next sign-in."))
    return redirect("accounts:sso_group_list")
