"""Sharing a "you said, we did" record back by email: how many it will reach and who it
leaves out, the English and Welsh email, and the button that sends it."""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from chorus.accounts.models import Role
from chorus.bulletins import services
from chorus.bulletins.forms import _Names
from chorus.core.access import get_for_change, role_required, staff_required, staff_user
from chorus.core.i18n import current_welsh_or_english
from chorus.directory.models import Region, Topic
from chorus.directory.reference import regions_ensure
from chorus.engagement.models import ImpactRecord

EDITORS = (Role.ADMINISTRATOR, Role.ENGAGEMENT_OFFICER)


class ShareBackForm(forms.Form):
    topics = _Names(
        queryset=Topic.objects.all(),
        label=_("Also tell subscribers interested in these topics (optional)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    regions = _Names(
        queryset=Region.objects.all(),
        label=_("Also tell subscribers in these areas (optional)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Subscribers who chose any of these areas, or chose every area."),
    )

    def __init__(self, *args: Any, language: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("regions", "topics"):
            cast(Any, self.fields[name]).language = language


@staff_required
@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def shareback(request: HttpRequest, code: UUID) -> HttpResponse:
    """The choice of subscribers to add comes as a GET, so the numbers shown are for it;
    the send button posts the same choice back."""
    record = get_for_change(request, ImpactRecord.objects.select_related("project"), code=code)
    regions_ensure()
    language = current_welsh_or_english()
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = ShareBackForm(data, language=language)
    chosen: dict[str, list[Any]] = {"topics": [], "regions": []}
    if form.is_valid():
        chosen = {name: list(form.cleaned_data[name]) for name in chosen}
    if request.method == "POST" and form.is_valid():
        try:
            bulletin = services.shareback_send(
                record=record, actor=staff_user(request), request=request, **chosen
            )
        except services.SendError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                ngettext(
                    "The email is on its way to %(count)s person.",
                    "The email is on its way to %(count)s people.",
                    bulletin.recipients,
                )
                % {"count": bulletin.recipients},
            )
            return redirect("engagement:project_detail", code=record.project.code)
    plan = services.shareback_plan(
        record,
        topics=[t.pk for t in chosen["topics"]],
        regions=[r.pk for r in chosen["regions"]],
    )
    previews = []
    for code_, label in (("en", "English"), ("cy", "Cymraeg")):
        subject, body = services.shareback_content(record, code_)
        previews.append(
            {"language": code_, "label": label, "subject": subject, "html": services.markdown_html(body)}
        )
    return render(
        request,
        "bulletins/shareback.html",
        {
            "record": record,
            "form": form,
            "plan": plan,
            "chosen": chosen,
            "previews": previews,
            "earlier": record.sharebacks.all(),
        },
    )
