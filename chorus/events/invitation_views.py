"""Inviting people to an activity (staff), and the personal link an invitee follows."""

from __future__ import annotations

from uuid import UUID

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import validate_email
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from chorus.core.access import get_for_change, role_required, staff_required, staff_user, visible_to
from chorus.directory.adjustments import people_with_email
from chorus.directory.models import Person, SavedSearch, StakeholderGroup
from chorus.directory.saved_searches import filters_in_words, saved_search_people, saved_searches_for
from chorus.directory.selectors import people_for
from chorus.engagement.models import Activity
from chorus.events.invitations import SESSION_KEY, email_of, invitation_from_token, invitations_send
from chorus.events.models import RegistrationSettings
from chorus.events.services import registration_counts
from chorus.events.views import EDITORS


class InviteForm(forms.Form):
    group = forms.ModelChoiceField(
        label=gettext_lazy("Stakeholder group or panel (optional)"),
        queryset=StakeholderGroup.objects.none(),
        required=False,
        empty_label=gettext_lazy("Choose a group or panel"),
        help_text=gettext_lazy("Everyone who is in it now is invited."),
    )
    saved_search = forms.ModelChoiceField(
        label=gettext_lazy("Or a saved search of the directory (optional)"),
        queryset=SavedSearch.objects.none(),
        required=False,
        empty_label=gettext_lazy("Choose a saved search"),
        help_text=gettext_lazy("Everyone it finds now, among the people you may see, is invited."),
    )
    emails = forms.CharField(
        label=gettext_lazy("Or people in the directory, by email address (optional)"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("One email address a line."),
    )

    def __init__(self, *args: object, groups: object, saved_searches: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["group"].queryset = groups  # type: ignore[attr-defined]
        self.fields["saved_search"].queryset = saved_searches  # type: ignore[attr-defined]

    def clean_saved_search(self) -> SavedSearch | None:
        saved: SavedSearch | None = self.cleaned_data.get("saved_search")
        if saved is not None and filters_in_words(saved.filters) is None:
            raise forms.ValidationError(
                _(
                    "The saved search “%(name)s” uses a filter that no longer exists. "
                    "Choose another saved search"
                ),
                params={"name": saved.name},
            )
        return saved

    def clean_emails(self) -> list[str]:
        """The addresses, one a line (or separated by commas). Any that is not an email
        address is named with its line, and no one is invited until it is put right."""
        addresses: list[str] = []
        errors: list[forms.ValidationError] = []
        for number, line in enumerate(str(self.cleaned_data["emails"]).splitlines(), start=1):
            for entry in (part.strip() for part in line.split(",")):
                if not entry:
                    continue
                try:
                    validate_email(entry)
                except ValidationError:
                    errors.append(
                        forms.ValidationError(
                            _(
                                "Line %(line)s, “%(entry)s”, is not an email address. "
                                "Correct it to an address like name@example.com, or delete it"
                            ),
                            params={"line": number, "entry": entry[:100]},
                        )
                    )
                else:
                    addresses.append(entry)
        if errors:
            raise forms.ValidationError(errors)
        return addresses

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        chose = data.get("group") or data.get("saved_search") or data.get("emails")
        if not chose and not {"emails", "saved_search"} & self.errors.keys():
            raise forms.ValidationError(
                _("Choose a group or panel or a saved search, or enter email addresses of people to invite")
            )
        return data

    def addresses(self) -> list[str]:
        return list(self.cleaned_data.get("emails") or [])


@require_http_methods(["GET", "POST"])
@staff_required
@role_required(*EDITORS)
def invitations(request: HttpRequest, code: UUID) -> HttpResponse:
    user = staff_user(request)
    activity = get_for_change(request, Activity.objects.all(), code=code)
    groups = visible_to(user, StakeholderGroup.objects.all()).order_by("name")
    form = InviteForm(
        request.POST if request.method == "POST" else None,
        groups=groups,
        saved_searches=saved_searches_for(user),
    )
    not_reachable: list[Person] = []
    not_found: list[str] = []
    nobody = False
    if request.method == "POST" and form.is_valid():
        visible = people_for(user)
        people: list[Person] = []
        group = form.cleaned_data["group"]
        if group is not None:
            people += [m.person for m in group.memberships.select_related("person") if m.is_current()]
        saved = form.cleaned_data["saved_search"]
        for address in form.addresses():
            found = people_with_email(address)
            people += found
            if not visible.filter(pk__in=[p.pk for p in found]).exists():
                not_found.append(address)
        chosen = Q(pk__in=[p.pk for p in people])
        if saved is not None:
            # Found now, with this officer's access, as the directory list would find them.
            chosen |= Q(pk__in=saved_search_people(user, saved).values("pk"))
        people = list(visible.filter(chosen))
        result = invitations_send(
            actor=user,
            request=request,
            activity=activity,
            people=people,
            saved_search=saved,
        )
        not_reachable = result.not_reachable
        if result.sent or result.already:
            messages.success(
                request,
                ngettext("%(count)d person invited.", "%(count)d people invited.", result.sent)
                % {"count": result.sent}
                + (
                    " "
                    + ngettext(
                        "%(count)d was invited before and was not sent another.",
                        "%(count)d were invited before and were not sent another.",
                        result.already,
                    )
                    % {"count": result.already}
                    if result.already
                    else ""
                ),
            )
        else:
            # Not "success": the page says below why no one could be invited.
            nobody = True
        if not not_reachable and not not_found:
            return redirect("events:invitations", code=activity.code)
    invited = activity.invitations.select_related("person").order_by("-created_at")
    # Said before anyone is invited: whoever registers from a full event's invitation joins
    # the waiting list, which the invitation itself does not tell them.
    invited_page = Paginator(visible_to(user, invited), settings.CHORUS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    settings_ = RegistrationSettings.objects.filter(activity=activity).first()
    full = settings_ is not None and registration_counts(settings_).free == 0
    return render(
        request,
        "events/invitations.html",
        {
            "activity": activity,
            "full": full,
            "form": form,
            # Paged: a saved search or a panel can invite hundreds.
            "invited": invited_page,
            "page": invited_page,
            "query": "",
            "not_reachable": not_reachable,
            "not_found": not_found,
            "nobody": nobody,
        },
    )


@require_GET
def invited(request: HttpRequest, token: str) -> HttpResponse:
    """An invitee's personal link: remember the invitation in this browser, fill in their
    name and email, and start the registration journey."""
    invitation = invitation_from_token(token)
    if invitation is None:
        return render(request, "events/link_not_working.html", status=404)
    activity, person = invitation.activity, invitation.person
    request.session.setdefault(SESSION_KEY, {})[str(activity.code)] = token
    drafts = request.session.setdefault("event_registrations", {})
    draft = drafts.setdefault(str(activity.code), {})
    if "details" not in draft:
        draft["prefill"] = {"name": person.full_name, "email": email_of(person)}
    request.session.modified = True
    return redirect("events:register_details", code=activity.code)
