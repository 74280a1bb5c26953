"""Forms for signing in, two-factor authentication and managing staff accounts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from chorus.accounts import lockout, sso
from chorus.accounts.models import Role, SSOGroupMapping, Team, User

# The error code of a sign-in refused because the address has failed too often.
ADDRESS_LOCKED = "address_locked"


def _passwords_off_message() -> str:
    """Said to everyone but the break-glass administrators, whether or not the account exists."""
    return str(
        _("Sign in with %(provider)s instead. Staff accounts here do not use passwords.")
        % {"provider": settings.OIDC_PROVIDER_NAME}
    )


class SignInForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        error_messages={
            "required": _("Enter your email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.gov.uk"),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        error_messages={"required": _("Enter your password")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user: User | None = None
        super().__init__(*args, **kwargs)

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        email, password = cleaned.get("email"), cleaned.get("password")
        if email and not sso.passwords_allowed(email):
            raise forms.ValidationError(_passwords_off_message(), code="passwords_off")
        if email and password:
            minutes = lockout.address_locked_minutes(self.request)
            if minutes:
                # Checked before the password, so that a sprayer learns nothing more.
                raise forms.ValidationError(
                    ngettext(
                        "There have been too many failed attempts to sign in from your network. "
                        "Wait %(minutes)s minute, then try again.",
                        "There have been too many failed attempts to sign in from your network. "
                        "Wait %(minutes)s minutes, then try again.",
                        minutes,
                    )
                    % {"minutes": minutes},
                    code=ADDRESS_LOCKED,
                )
            user = authenticate(self.request, email=email, password=password)
            if user is None or not user.is_active:
                lockout.address_failed(self.request)
                # One message whether or not the account exists.
                raise forms.ValidationError(
                    _(
                        "The email address or password is not right. Check them and try again, "
                        "or reset your password."
                    ),
                    code="invalid_login",
                )
            self.user = user
        return cleaned


def _code_field() -> forms.CharField:
    return forms.CharField(
        label=_("Security code"),
        help_text=_("The 6-digit code shown in your authenticator app"),
        min_length=6,
        max_length=8,
        error_messages={
            "required": _("Enter the 6-digit security code from your authenticator app"),
            "min_length": _("The security code must be 6 digits"),
            "max_length": _("The security code must be 6 digits"),
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )


class TOTPVerifyForm(forms.Form):
    code = _code_field()

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        self.device: TOTPDevice | None = None
        super().__init__(*args, **kwargs)

    def clean_code(self) -> str:
        code = "".join(str(self.cleaned_data["code"]).split())
        if not code.isdigit():
            raise forms.ValidationError(_("The security code must only include numbers"))
        for device in TOTPDevice.objects.filter(user=self.user, confirmed=True):
            if device.verify_token(code):
                self.device = device
                return code
        raise forms.ValidationError(
            _("The security code is not right or has expired. Enter the code your app shows now.")
        )


class TOTPSetupForm(forms.Form):
    code = _code_field()

    def __init__(self, device: TOTPDevice, *args: Any, **kwargs: Any) -> None:
        self.device = device
        super().__init__(*args, **kwargs)

    def clean_code(self) -> str:
        code = "".join(str(self.cleaned_data["code"]).split())
        if not code.isdigit():
            raise forms.ValidationError(_("The security code must only include numbers"))
        totp = TOTP(self.device.bin_key, self.device.step, self.device.t0, self.device.digits)
        totp.drift = 0
        if not totp.verify(int(code), tolerance=1):
            raise forms.ValidationError(
                _(
                    "The security code is not right. Check the app is set up with the key shown, "
                    "then enter the code it shows now."
                )
            )
        return code


class UserForm(forms.Form):
    """Create or change a staff account (administrators only)."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        error_messages={"required": _("Enter the person's full name")},
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        error_messages={
            "required": _("Enter the person's work email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.gov.uk"),
        },
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what this person can do")},
    )
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams"),
        queryset=Team.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Records restricted to a team can only be seen by its members and administrators."),
    )

    def __init__(self, *args: Any, instance: User | None = None, **kwargs: Any) -> None:
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "full_name": instance.full_name,
                "email": instance.email,
                "role": instance.role,
                "teams": list(instance.teams.all()),
            }
        super().__init__(*args, **kwargs)

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip().lower()
        others = User.objects.filter(email=email)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("A staff account already uses this email address"))
        return email


class TeamForm(forms.Form):
    name = forms.CharField(
        label=_("Team name"), max_length=120, error_messages={"required": _("Enter the team's name")}
    )
    description = forms.CharField(
        label=_("What the team does (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, instance: Team | None = None, **kwargs: Any) -> None:
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {"name": instance.name, "description": instance.description}
        super().__init__(*args, **kwargs)

    def clean_name(self) -> str:
        name = " ".join(str(self.cleaned_data["name"]).split())
        others = Team.objects.filter(name__iexact=name)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("A team with this name already exists"))
        return name


class SetPasswordForm(forms.Form):
    """Choose a password, from an invitation or a reset link."""

    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        help_text=_("At least 12 characters. Avoid common passwords and your own name."),
        error_messages={"required": _("Enter a new password")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    confirm_password = forms.CharField(
        label=_("Confirm new password"),
        strip=False,
        error_messages={"required": _("Enter the new password again")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password, confirm = cleaned.get("new_password"), cleaned.get("confirm_password")
        if password and confirm and password != confirm:
            self.add_error(
                "confirm_password", _("The passwords do not match. Enter the same password twice.")
            )
        elif password:
            try:
                password_validation.validate_password(password, self.user)
            except forms.ValidationError as error:
                self.add_error("new_password", error)
        return cleaned


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        error_messages={
            "required": _("Enter your email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.gov.uk"),
        },
    )

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip().lower()
        if not sso.passwords_allowed(email):
            raise forms.ValidationError(_passwords_off_message(), code="passwords_off")
        return email


class SSOGroupMappingForm(forms.Form):
    """What one of the provider's groups gives in Chorus (administrators only)."""

    group = forms.CharField(
        label=_("Group"),
        max_length=255,
        help_text=_(
            "As the sign-in service sends it: for Microsoft Entra ID the group's object ID, "
            "like 3f2c1a6e-…; for most other services the group's name."
        ),
        error_messages={"required": _("Enter the group's ID or name, as the sign-in service sends it")},
    )
    description = forms.CharField(
        label=_("What the group is (optional)"),
        max_length=200,
        required=False,
        help_text=_("A name staff will recognise, like “Community engagement team”."),
    )
    role = forms.ChoiceField(
        label=_("Role it gives"),
        choices=[("", _("No role: teams only")), *Role.choices],
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Someone in several groups gets the highest of their groups' roles."),
    )
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams it gives"),
        queryset=Team.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Someone in several groups is in every team their groups give."),
    )

    def __init__(self, *args: Any, instance: SSOGroupMapping | None = None, **kwargs: Any) -> None:
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "group": instance.group,
                "description": instance.description,
                "role": instance.role,
                "teams": list(instance.teams.all()),
            }
        super().__init__(*args, **kwargs)

    def clean_group(self) -> str:
        group = str(self.cleaned_data["group"]).strip()
        others = SSOGroupMapping.objects.filter(group=group)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("This group is already mapped. Change that mapping instead."))
        return group

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "group" in cleaned and not cleaned.get("role") and not cleaned.get("teams"):
            self.add_error(
                "role",
                _("Choose a role, or at least one team: a group that gives nothing need not be mapped."),
            )
        return cleaned
