"""The public forms: one for each kind of case, in English and Welsh, with the confirmation
page that gives the reference. The form's token is kept in the session, so the same form
sent twice (a double click, a retry) opens one case."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from chorus.cases import services
from chorus.cases.forms import PublicCaseForm
from chorus.cases.models import Case, Channel, Kind
from chorus.core.i18n import current_welsh_or_english
from chorus.core.ratelimit import HONEYPOT, hit, slow_down
from chorus.core.submissions import SUBMISSION, new_submission

# Cases sent from one connection in 10 minutes before it is asked to wait.
PER_ADDRESS = 10

HEADINGS = {
    Kind.ENQUIRY: (
        gettext_lazy("Ask us a question"),
        gettext_lazy("Ask a question about one of our services."),
    ),
    Kind.COMPLAINT: (
        gettext_lazy("Make a complaint"),
        gettext_lazy("Tell us what went wrong. We will reply within the time our complaints procedure sets."),
    ),
    Kind.COMPLIMENT: (
        gettext_lazy("Pay a compliment"),
        gettext_lazy("Tell us about something or someone that was good."),
    ),
    Kind.SUGGESTION: (
        gettext_lazy("Make a suggestion"),
        gettext_lazy("Tell us how we could do things better."),
    ),
}


def _kind(kind: str) -> Kind:
    if kind not in Kind.values:
        raise Http404
    return Kind(kind)


@require_GET
def contact(request: HttpRequest) -> HttpResponse:
    """The four forms, to choose from."""
    return render(request, "cases/contact.html", {"kinds": [(k, *HEADINGS[k]) for k in Kind]})


@require_http_methods(["GET", "POST"])
def case_form(request: HttpRequest, kind: str) -> HttpResponse:
    chosen = _kind(kind)
    tokens: dict[str, str] = request.session.setdefault("case_forms", {})
    token = tokens.get(chosen) or new_submission()
    if tokens.get(chosen) != token:
        tokens[chosen] = token
        request.session.modified = True
    sent = request.session.get("case_sent", {})
    if (
        request.method == "POST"
        and sent.get("submission")
        and sent["submission"] == request.POST.get("submission")
    ):
        # The same form sent again: the case is already open.
        return redirect("cases:public_done", kind=chosen)
    form = PublicCaseForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        kind=chosen,
    )
    if request.method == "POST" and form.is_valid():
        # Checked for robots only once the form is otherwise right (see tests/core).
        if request.POST.get(HONEYPOT):
            return redirect("cases:public_form", kind=chosen)
        if _same_as_last_sent(sent, chosen, form.cleaned_data):
            # Sent, then Back (the browser puts the message back in the form, under a new
            # token), then sent again: the case is already open.
            return redirect("cases:public_done", kind=chosen)
        address = getattr(request, "client_address", None) or request.META.get("REMOTE_ADDR", "")
        if hit("cases-public", address, limit=PER_ADDRESS, per=timedelta(minutes=10)):
            return slow_down(
                request,
                heading=_("Too many attempts"),
                paragraphs=[
                    _(
                        "There have been too many messages from your connection. "
                        "Wait 10 minutes and try again."
                    )
                ],
            )
        data = form.cleaned_data
        # The page's own token, sent back: anything else (too long, other characters) is not
        # one this form gave, and the session's token stands in for it.
        posted = request.POST.get("submission", "")
        submission = posted if SUBMISSION.fullmatch(posted) else token
        case = services.case_open(
            actor=None,
            request=request,
            submission=submission,
            data=services.CaseData(
                kind=chosen,
                channel=Channel.WEB,
                description=data["description"],
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                service=data["service"],
                place=data["place"],
                language=current_welsh_or_english(),
                attachments=[data["attachment"]] if data.get("attachment") else [],
            ),
        )
        request.session["case_sent"] = {"case": str(case.code), "submission": submission}
        tokens.pop(chosen, None)
        request.session.modified = True
        return redirect("cases:public_done", kind=chosen)
    heading, lede = HEADINGS[chosen]
    return render(
        request,
        "cases/public_form.html",
        {
            "form": form,
            "kind": chosen,
            "heading": heading,
            "lede": lede,
            "submission": token,
            "honeypot": HONEYPOT,
        },
    )


def _same_as_last_sent(sent: dict[str, str], kind: Kind, data: dict[str, Any]) -> bool:
    """Whether the form repeats the case this browser last sent: same kind, words and
    email address."""
    if not sent.get("case"):
        return False
    last = Case.objects.filter(code=sent["case"], kind=kind).first()
    return (
        last is not None
        and last.description == data["description"].strip()
        and last.email == (data["email"] or "").strip()
    )


@require_GET
def public_done(request: HttpRequest, kind: str) -> HttpResponse:
    chosen = _kind(kind)
    sent = request.session.get("case_sent", {})
    case = Case.objects.filter(code=sent.get("case"), kind=chosen).first() if sent.get("case") else None
    if case is None:
        return redirect("cases:public_form", kind=chosen)
    return render(request, "cases/public_done.html", {"case": case, "kind": chosen})
