"""Staff pages for moderating responses before they are published: the queue of one
consultation, one response (edit its text, decide), and the one-click redaction of a passage."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from chorus.consultations import moderation as mod
from chorus.consultations.forms import ModeratedTextsForm, ModerationDecisionForm, RedactForm
from chorus.consultations.journey import shown_answer
from chorus.consultations.models import Consultation, Question, Response, ResponseModeration
from chorus.consultations.views import EDITORS
from chorus.core.access import get_for_change, role_required, staff_required, staff_user
from chorus.core.audit import audit_record
from chorus.core.i18n import current_language, current_welsh_or_english
from chorus.core.models import AuditAction
from chorus.core.sensitive import KnownNames, Passage, find_passages

PAGE_SIZE = 10
Status = ResponseModeration.Status


# What the pages show ------------------------------------------------------------------------


@dataclass
class Shown:
    """One passage Chorus suspects, numbered within its response."""

    number: int
    passage: Passage
    label: str  # the kind, in a few words
    reason: str  # why Chorus suspects it


@dataclass
class TextAnswer:
    question: Question
    text: str
    changed: bool
    segments: list[tuple[str, Shown | None]]
    passages: list[Shown]
    heading: str = ""  # the question in the page's language

    @property
    def any_possible(self) -> bool:
        return any(item.passage.possible for item in self.passages)


@dataclass
class Card:
    response: Response
    moderation: ResponseModeration | None
    published_as: str
    texts: list[TextAnswer]
    others: list[tuple[str, str]]
    changed: bool
    form: ModerationDecisionForm
    suspects: int = 0
    anchor: str = ""

    @property
    def status(self) -> str:
        return self.moderation.status if self.moderation else Status.PENDING

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)


def _segments(text: str, shown: list[Shown]) -> list[tuple[str, Shown | None]]:
    parts: list[tuple[str, Shown | None]] = []
    at = 0
    for item in shown:
        if item.passage.start < at:  # overlapping passages: the first one wins
            continue
        parts.append((text[at : item.passage.start], None))
        parts.append((text[item.passage.start : item.passage.end], item))
        at = item.passage.end
    parts.append((text[at:], None))
    return [(part, item) for part, item in parts if part or item]


def _card(response: Response, names: KnownNames, form: ModerationDecisionForm | None = None) -> Card:
    moderation = mod.moderation_of(response)
    texts = []
    number = 0
    language = current_welsh_or_english()
    for answer in mod.free_text_answers(response):
        text = mod.current_text(moderation, answer)
        shown = []
        for passage in find_passages(text, known_names=names):
            number += 1
            label = mod.kind_label(passage.kind)
            if passage.possible:
                label = _("%(kind)s, possibly") % {"kind": label}
            shown.append(Shown(number, passage, label, _(passage.reason)))
        texts.append(
            TextAnswer(
                answer.question,
                text,
                text != str(answer.value),
                _segments(text, shown),
                shown,
                answer.question.text_for(language),
            )
        )
    others = [
        (a.question.text_for(language), shown_answer(a.question, a.value, language))
        for a in sorted(response.answers.all(), key=mod.answer_order)
        if a.question.kind != Question.Kind.TEXT
    ]
    return Card(
        response=response,
        moderation=moderation,
        published_as=mod.published_name(response),
        texts=texts,
        others=others,
        changed=any(t.changed for t in texts),
        form=form or ModerationDecisionForm(prefix=_prefix(response)),
        suspects=number,
        anchor=f"response-{response.reference}",
    )


def _prefix(response: Response) -> str:
    return f"r{response.code.hex}"


def _responses(consultation: Consultation) -> QuerySet[Response]:
    return consultation.responses.exclude(publish=Response.Publish.NO).select_related(
        "moderation", "moderation__decided_by"
    )


def _response(consultation: Consultation, code: UUID) -> Response:
    found = _responses(consultation).prefetch_related("answers__question__section").filter(code=code).first()
    if found is None:
        raise Http404
    return found


def _consultation(request: HttpRequest, code: UUID) -> Consultation:
    return get_for_change(request, Consultation.objects.all(), code=code)


def _back(consultation: Consultation, data: Any, response: Response | None = None) -> str:
    """Where to go after a change: the page the moderator came from, at the response."""
    if data.get("from") == "response" and response is not None:
        return reverse("consultations:moderation_response", args=[consultation.code, response.code])
    query = {}
    if data.get("show") == "decided":
        query["show"] = "decided"
    page = str(data.get("page", ""))
    if page.isdigit() and page != "1":
        query["page"] = page
    url = reverse("consultations:moderation_queue", args=[consultation.code])
    if query:
        url += "?" + urlencode(query)
    if response is not None and data.get("from") != "response":
        url += f"#response-{response.reference}"
    return url


def _audit_view(request: HttpRequest, consultation: Consultation, responses: list[Response]) -> None:
    if responses:
        audit_record(
            actor=staff_user(request),
            action=AuditAction.VIEW,
            obj=consultation,
            request=request,
            object_type="consultations.response",
            object_repr=f"Moderation queue of {consultation.title[:120]}: {len(responses)} responses shown",
            detail={"responses shown": [r.reference for r in responses]},
        )


# Views -------------------------------------------------------------------------------------------


@staff_required
@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def moderation_queue(request: HttpRequest, code: UUID) -> HttpResponse:
    """The responses to publish, waiting or decided, with what Chorus suspects in each."""
    consultation = _consultation(request, code)
    show = "decided" if request.GET.get("show") == "decided" else "pending"
    if request.method == "POST":
        codes = [c for c in request.POST.getlist("responses") if _is_uuid(c)]
        if not codes:
            messages.error(
                request, _("Select the responses to publish, then choose “Publish selected responses”.")
            )
            return redirect(_back(consultation, request.GET))
        published, skipped = mod.responses_publish_clean(
            consultation=consultation, codes=codes, actor=staff_user(request), request=request
        )
        if published:
            messages.success(
                request,
                ngettext("%(count)s response published.", "%(count)s responses published.", published)
                % {"count": published},
            )
        if skipped:
            messages.warning(
                request,
                ngettext(
                    "%(count)s selected response has passages to check, so it was not published. "
                    "Read it and decide.",
                    "%(count)s selected responses have passages to check, so they were not published. "
                    "Read them and decide one by one.",
                    skipped,
                )
                % {"count": skipped},
            )
        return redirect(_back(consultation, request.GET))
    listed = (mod.waiting if show == "pending" else mod.decided)(consultation)
    listed = listed.select_related("moderation", "moderation__decided_by").order_by("submitted_at", "id")
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    responses = list(page.object_list)
    prefetch_related_objects(responses, "answers__question__section")
    _audit_view(request, consultation, responses)
    names = mod.known_names(responses)
    cards = [_card(response, names) for response in responses]
    return render(
        request,
        "consultations/moderation_queue.html",
        {
            "consultation": consultation,
            "cards": cards,
            "page": page,
            "show": show,
            "query": "show=decided" if show == "decided" else "",
            "waiting_count": mod.waiting(consultation).count(),
            "decided_count": mod.decided(consultation).count(),
            "clean_count": sum(1 for card in cards if not card.suspects),
        },
    )


def _is_uuid(value: str) -> bool:
    try:
        UUID(value)
    except ValueError:
        return False
    return True


@staff_required
@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def moderation_response(request: HttpRequest, code: UUID, response: UUID) -> HttpResponse:
    """One response: its text to edit by hand, redactions to undo, and the decision."""
    consultation = _consultation(request, code)
    found = _response(consultation, response)
    user = staff_user(request)
    decision: ModerationDecisionForm | None = None
    free = mod.free_text_answers(found)
    moderation = mod.moderation_of(found)
    # Each box is labelled with its question in the page's language.
    language = current_welsh_or_english()
    answers = [
        (a.question.code.hex, a.question.text_for(language), mod.current_text(moderation, a)) for a in free
    ]
    texts_form = ModeratedTextsForm(answers=answers)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "reset":
            mod.response_texts_reset(response=found, actor=user, request=request)
            messages.success(request, _("The text is back to what the respondent wrote."))
            return redirect(_back(consultation, {"from": "response"}, found))
        if action == "edit":
            texts_form = ModeratedTextsForm(request.POST, answers=answers)
            texts_form.is_valid()
            texts = {
                str(a.question.code): texts_form.cleaned_data.get(f"t_{a.question.code.hex}", "")
                for a in free
                if f"t_{a.question.code.hex}" in request.POST
            }
            mod.response_texts_edit(response=found, texts=texts, actor=user, request=request)
            messages.success(request, _("Your changes to the text are saved. Decide whether to publish it."))
            return redirect(_back(consultation, {"from": "response"}, found))
        decision = ModerationDecisionForm(request.POST, prefix=_prefix(found))
        if decision.is_valid():
            done = mod.response_decide(
                response=found,
                publish=decision.cleaned_data["decision"] == "publish",
                reason=decision.cleaned_data["reason"],
                actor=user,
                request=request,
            )
            messages.success(
                request,
                _("Response %(reference)s: %(decision)s.")
                % {"reference": found.reference, "decision": str(done.get_status_display()).lower()},
            )
            # Back to the queue: on to the next response.
            return redirect(
                _back(consultation, {"show": request.POST.get("show"), "page": request.POST.get("page")})
            )
        found = _response(consultation, response)  # fresh, for the page
    audit_record(actor=user, action=AuditAction.VIEW, obj=found, request=request)
    card = _card(found, mod.known_names([found]), decision)
    return render(
        request,
        "consultations/moderation_response.html",
        {
            "consultation": consultation,
            "card": card,
            "texts_form": texts_form,
            "decision": decision,
            "back": _back(consultation, request.POST if decision is not None else request.GET, found),
            "language": current_language(),
        },
    )


@require_POST
@staff_required
@role_required(*EDITORS)
def moderation_redact(request: HttpRequest, code: UUID, response: UUID) -> HttpResponse:
    """Redact one passage Chorus pointed out, in one click."""
    consultation = _consultation(request, code)
    found = _response(consultation, response)
    form = RedactForm(request.POST)
    question = None
    if form.is_valid():
        question = Question.objects.filter(
            section__consultation=consultation, code=form.cleaned_data["question"]
        ).first()
    if question is None:
        messages.error(request, _("That passage could not be found. Look at the response again."))
        return redirect(_back(consultation, request.POST, found))
    try:
        mod.response_redact(
            response=found,
            question=question,
            start=form.cleaned_data["start"],
            end=form.cleaned_data["end"],
            passage=form.cleaned_data["passage"],
            kind=form.cleaned_data["kind"],
            actor=staff_user(request),
            request=request,
        )
    except mod.PassageChanged:
        messages.error(
            request,
            _("The text of response %(reference)s changed since you opened the page. Check it again.")
            % {"reference": found.reference},
        )
    else:
        messages.success(
            request,
            _("Response %(reference)s: redacted a passage (%(why)s).")
            % {"reference": found.reference, "why": mod.kind_label(form.cleaned_data["kind"]).lower()},
        )
    return redirect(_back(consultation, request.POST, found))
