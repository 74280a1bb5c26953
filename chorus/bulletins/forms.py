"""Forms for subscribing, composing and sending bulletins, and importing subscribers."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chorus.accounts.models import User
from chorus.bulletins.models import Arm, Bulletin, SubscriberList
from chorus.core.access import teams_assignable_by, visible_or_kept
from chorus.core.forms import GovukDateTimeField, name_in
from chorus.core.imports.forms import file_field
from chorus.directory.models import LawfulBasis, Region, SavedSearch, StakeholderGroup, Topic
from chorus.directory.saved_searches import saved_searches_for


class _Names(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Regions and topics shown by their name in the page's language."""

    def __init__(self, *args: Any, language: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.language = language

    def label_from_instance(self, obj: Any) -> str:
        return name_in(obj, self.language)


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        error_messages={
            "required": _("Enter your email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.com"),
        },
    )
    regions = _Names(
        queryset=Region.objects.all(),
        label=_("Which areas do you want to hear about?"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose none to hear about everywhere."),
    )
    topics = _Names(
        queryset=Topic.objects.all(),
        label=_("Which topics do you want to hear about?"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose none to hear about every topic."),
    )

    def __init__(self, *args: Any, language: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("regions", "topics"):
            cast(Any, self.fields[name]).language = language


class PreferencesForm(forms.Form):
    regions = SubscribeForm.base_fields["regions"]
    topics = SubscribeForm.base_fields["topics"]
    language = forms.ChoiceField(
        label=_("Language for bulletins"),
        choices=[("en", "English"), ("cy", "Cymraeg")],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose English or Cymraeg")},
    )

    def __init__(self, *args: Any, language: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("regions", "topics"):
            cast(Any, self.fields[name]).language = language


class BulletinForm(forms.ModelForm[Bulletin]):
    class Meta:
        model = Bulletin
        fields = [
            "title",
            "subject",
            "body",
            "subject_cy",
            "body_cy",
            "regions",
            "topics",
            "groups",
            "lists",
            "saved_searches",
            "team",
            "is_trial",
            "outcome",
            "outcome_consultation",
        ]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 14}),
            "body_cy": forms.Textarea(attrs={"rows": 8}),
            "regions": forms.CheckboxSelectMultiple,
            "topics": forms.CheckboxSelectMultiple,
            "groups": forms.CheckboxSelectMultiple,
            "lists": forms.CheckboxSelectMultiple,
            "saved_searches": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "body": _(
                "Markdown: **bold**, [a link](https://example.org), lists with '- '. Content blocks: "
                "{{ events }}, {{ consultations }} and {{ you_said_we_did }} are filled in when it is sent."
            ),
            "regions": _("Subscribers who chose any of these areas, or chose every area."),
            "lists": _("Everyone on these lists, whatever their areas and topics."),
            "saved_searches": _(
                "Subscribers among the people each search finds when the bulletin is sent, "
                "whatever their areas and topics. Only people the sender may see are included."
            ),
        }
        error_messages = {
            "title": {"required": _("Enter a title, so colleagues can find the bulletin")},
            "subject": {"required": _("Enter the subject line people will see")},
            "body": {"required": _("Enter the message")},
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = cast(Any, self.fields)
        fields["team"].queryset = teams_assignable_by(user)
        fields["groups"].queryset = StakeholderGroup.objects.order_by("name")
        fields["lists"].queryset = SubscriberList.objects.all()
        # The searches the user may use, and any the bulletin has already (an edit never
        # drops one silently).
        kept = self.instance.saved_searches.values("pk") if self.instance.pk else []
        fields["saved_searches"].queryset = SavedSearch.objects.filter(
            Q(pk__in=saved_searches_for(user).values("pk")) | Q(pk__in=kept)
        ).order_by("name", "pk")
        from chorus.consultations.labels import consultation_label
        from chorus.consultations.models import Consultation

        fields["outcome_consultation"].queryset = visible_or_kept(
            user, Consultation.objects.order_by("-opens_at"), self.instance.outcome_consultation_id
        )
        fields["outcome_consultation"].label_from_instance = consultation_label
        if self.instance.pk and self.instance.is_locked:
            for field in fields.values():
                field.disabled = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.instance.pk and self.instance.is_locked:
            raise ValidationError(
                _("This bulletin has been sent: its content, audience and outcome cannot change.")
            )
        if data.get("is_trial") and not data.get("outcome"):
            self.add_error("outcome", _("Choose the outcome the trial measures"))
        if data.get("outcome") == Bulletin.Outcome.RESPONSE and not data.get("outcome_consultation"):
            self.add_error("outcome_consultation", _("Choose the consultation whose responses count"))
        return data


class ArmForm(forms.ModelForm[Arm]):
    class Meta:
        model = Arm
        fields = ["name", "subject", "body", "weight"]
        widgets = {"body": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "weight": _(
                "Versions with shares 1 and 1 go to half the audience each; "
                "2 and 1 to two thirds and a third."
            )
        }
        error_messages = {
            "name": {"required": _("Enter a name for the version, such as A or Short subject")},
            "subject": {"required": _("Enter the version's subject line")},
            "weight": {"required": _("Enter the version's share, a whole number from 1")},
        }

    def clean_weight(self) -> int:
        weight = self.cleaned_data["weight"]
        if weight < 1:
            raise ValidationError(_("Enter a share of 1 or more"))
        return int(weight)


class SendForm(forms.Form):
    when = forms.ChoiceField(
        label=_("When to send"),
        choices=[("now", _("Now")), ("later", _("At a time I choose"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose when to send")},
    )
    send_at = GovukDateTimeField(
        label=_("Send at"),
        subject=_("Sending date"),
        required=False,
        help_text=_("For example, 1 12 2026 and 9am"),
    )

    english_to_welsh = forms.BooleanField(
        label=_("Send them the English text"),
        required=False,
    )

    def __init__(self, *args: Any, welsh_waiting: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.welsh_waiting = welsh_waiting

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.welsh_waiting and not data.get("english_to_welsh"):
            self.add_error(
                "english_to_welsh",
                _("Tick the box to send them the English text, or add a Welsh version first"),
            )
        if data.get("when") == "later":
            send_at = data.get("send_at")
            if not send_at and "send_at" not in self.errors:
                self.add_error("send_at", _("Enter the date and time to send it"))
            elif send_at and send_at <= timezone.now():
                self.add_error("send_at", _("Enter a time in the future"))
        return data


class SubscriberImportForm(forms.Form):
    file = file_field(
        label=_("Subscribers file"),
        help_text=_(
            "CSV or Excel (.xlsx), one row a subscriber: an email column, and optionally "
            "language (en or cy), areas, topics and lists, several separated by semicolons"
        ),
        empty=_("The file is empty. It needs a header row, then one row a subscriber."),
    )
    lawful_basis = forms.ChoiceField(
        label=_("Lawful basis for emailing them"),
        choices=[("", _("Choose a lawful basis")), *LawfulBasis.choices],
        error_messages={"required": _("Choose the lawful basis for emailing these people")},
    )
    source_detail = forms.CharField(
        label=_("Where the list came from"),
        max_length=200,
        help_text=_("For example, the sign-up sheet at the Cardiff forum, 3 March 2026"),
        error_messages={"required": _("Say where the list came from")},
    )
    into = forms.ModelChoiceField(
        queryset=SubscriberList.objects.all(),
        label=_("Add them to a list (optional)"),
        required=False,
        empty_label=_("No list"),
    )


class SubscriberRecordForm(forms.Form):
    """One subscriber added or changed by another system (the staff API): the address, its
    language and interests and, for one added, how Chorus may email it."""

    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        error_messages={
            "required": _("Enter an email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.com"),
        },
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("en", _("English")), ("cy", _("Welsh"))],
        error_messages={"invalid_choice": _("Choose en for English or cy for Welsh")},
    )
    regions = forms.ModelMultipleChoiceField(
        label=_("Areas"),
        queryset=Region.objects.all(),
        to_field_name="ons_code",
        required=False,
        error_messages={"invalid_choice": _("%(value)s is not an area's code. Use the area's ONS code.")},
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.all(),
        required=False,
        error_messages={"invalid_choice": _("%(value)s is not a topic's id.")},
    )
    lists = forms.ModelMultipleChoiceField(
        label=_("Lists"),
        queryset=SubscriberList.objects.all(),
        to_field_name="name",
        required=False,
        error_messages={"invalid_choice": _("There is no list named %(value)s. Use a list's name exactly.")},
    )
    lawful_basis = forms.ChoiceField(
        label=_("Lawful basis for emailing them"),
        choices=[("", _("None: send them a link to confirm")), *LawfulBasis.choices],
        required=False,
        error_messages={
            "invalid_choice": _(
                "Choose consent, public_task, legitimate_interests, legal_obligation or contract, "
                "or leave it out to send them a link to confirm"
            )
        },
    )
    source = forms.CharField(label=_("Where they came from"), max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("lawful_basis") and not data.get("source"):
            self.add_error(
                "source", _("Say where they came from, such as the sign-up form at the Cardiff forum")
            )
        if data.get("lists") and not data.get("lawful_basis") and "lawful_basis" not in self.errors:
            self.add_error(
                "lists",
                _("A list needs a lawful basis: send lawful_basis and source, or leave lists out"),
            )
        return data
