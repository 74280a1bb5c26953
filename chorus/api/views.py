"""Administrators' pages to issue, list and revoke staff API tokens."""

from __future__ import annotations

from datetime import datetime, time
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from chorus.api import services
from chorus.api.forms import TokenForm, scope_choices
from chorus.api.models import ApiToken
from chorus.core.access import administrator_required, get_for_change, staff_required, staff_user
from chorus.core.submissions import new_submission, submission_made, submission_remember


@staff_required
@administrator_required
def token_list(request: HttpRequest) -> HttpResponse:
    tokens = ApiToken.objects.select_related("created_by").prefetch_related("teams").order_by("-created_at")
    labels = dict(scope_choices())
    rows = [(token, [labels.get(s, s) for s in token.scopes]) for token in tokens]
    return render(request, "api/token_list.html", {"rows": rows, "now": timezone.now()})


# The forms this session sent that issued a token: the form's own id -> the token's code.
ISSUED = "api_tokens_issued"


@never_cache
@staff_required
@administrator_required
@require_http_methods(["GET", "POST"])
def token_create(request: HttpRequest) -> HttpResponse:
    issued = submission_made(request, ISSUED)
    if issued is not None:
        # The same form sent again (reloaded, or clicked twice): the token is issued
        # already, and its secret was shown once.
        already = ApiToken.objects.filter(code=issued).first()
        if already is not None:
            return render(request, "api/token_issued.html", {"token": already, "secret": None})
    form = TokenForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # The end of the chosen day, in the organisation's time zone.
        expires_at = timezone.make_aware(datetime.combine(data["expires_on"], time(23, 59, 59)))
        token, secret = services.token_issue(
            actor=staff_user(request),
            request=request,
            name=data["name"],
            scopes=data["scopes"],
            expires_at=expires_at,
            teams=list(data["teams"]),
        )
        submission_remember(request, ISSUED, token.code)
        # Shown on this answer only: the secret is not kept, so it cannot be shown again.
        response = render(request, "api/token_issued.html", {"token": token, "secret": secret})
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "api/token_form.html", {"form": form, "submission": new_submission()})


@require_POST
@staff_required
@administrator_required
def token_revoke(request: HttpRequest, code: UUID) -> HttpResponse:
    token = get_for_change(request, ApiToken.objects.all(), code=code)
    services.token_revoke(actor=staff_user(request), request=request, token=token)
    messages.success(
        request, _("The token for %(name)s was revoked. It no longer works.") % {"name": token.name}
    )
    return redirect("api:token_list")
