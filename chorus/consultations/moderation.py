"""Moderating responses before they are published (issue #20).

Nothing a respondent wrote is published until a moderator decides: publish it as written,
publish it with redactions, or do not publish it (with a reason). Chorus points out the
passages it suspects (``chorus.core.sensitive``); a moderator redacts each with one click or
edits the text, and every redaction, edit and decision is recorded in the audit log. The
public page and download read only :func:`published_responses` and :func:`published_text`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from chorus.consultations.models import Answer, Consultation, Question, Response, ResponseModeration
from chorus.core.audit import audit_record
from chorus.core.models import AuditAction
from chorus.core.redact import redact
from chorus.core.sensitive import KnownNames, Passage, find_passages

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from chorus.accounts.models import User

Status = ResponseModeration.Status

# Why a passage is highlighted, as the moderator reads it.
KIND_LABELS: dict[str, Promise] = {
    "email": _("Email address"),
    "phone": _("Phone number"),
    "postcode": _("Postcode"),
    "ni_number": _("National Insurance number"),
    "name": _("Name of a person"),
    "address": _("Address"),
    "reference": _("Case or reference number"),
    "health": _("Health or disability"),
    "religion": _("Religion or belief"),
    "sexual_life": _("Sex life or sexual orientation"),
    "ethnicity": _("Racial or ethnic origin"),
    "criminal": _("Criminal offence"),
    "third_party": _("About someone else"),
}
# What a redacted passage becomes in the published text (in the respondent's language).
REPLACEMENTS: dict[str, Promise] = {
    "email": _("[email]"),
    "phone": _("[phone]"),
    "postcode": _("[postcode]"),
    "ni_number": _("[NI number]"),
    "name": _("[name]"),
    "address": _("[address]"),
    "reference": _("[reference]"),
}
REMOVED = _("[personal details removed]")


class PassageChanged(ValueError):
    """The passage a moderator chose to redact is no longer where the page showed it."""


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, _("Personal information")))


def replacement_for(kind: str, language: str) -> str:
    with translation.override(language):
        return str(REPLACEMENTS.get(kind, REMOVED))


def known_names(responses: Iterable[Response]) -> KnownNames:
    """The names to look for: the directory's people, whom respondents sometimes mention, and
    the respondents' own names, which they sometimes sign with."""
    from chorus.directory.models import Person

    rows = Person.objects.exclude(first_name="").exclude(last_name="").values_list("first_name", "last_name")
    directory = (f"{first} {last}" for first, last in rows.iterator(chunk_size=5000))
    return KnownNames(itertools.chain(directory, (r.name for r in responses if r.name.strip())))


def free_text_answers(response: Response) -> list[Answer]:
    """The response's free-text answers in question order (prefetch ``answers__question__section``)."""
    return sorted(
        (
            a
            for a in response.answers.all()
            if a.question.kind == Question.Kind.TEXT and isinstance(a.value, str)
        ),
        key=answer_order,
    )


def answer_order(answer: Answer) -> tuple[int, int, int]:
    question = answer.question
    return (question.section.order, question.order, question.pk)


def current_text(moderation: ResponseModeration | None, answer: Answer) -> str:
    """The answer as it stands in moderation: the moderator's version, else what was written."""
    if moderation is not None:
        changed = moderation.texts.get(str(answer.question.code))
        if changed is not None:
            return str(changed)
    return str(answer.value)


def moderation_of(response: Response) -> ResponseModeration | None:
    try:
        return response.moderation
    except ResponseModeration.DoesNotExist:
        return None


def is_changed(moderation: ResponseModeration | None, answers: Iterable[Answer]) -> bool:
    return any(current_text(moderation, a) != str(a.value) for a in answers)


@dataclass
class Suspects:
    """What the detector found in one response's free-text answers, by question code."""

    by_question: dict[str, list[Passage]] = field(default_factory=dict)
    # Contact details or references typed into the name or organisation that would be published.
    in_name: list[Passage] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(found) for found in self.by_question.values()) + len(self.in_name)


# Kinds that never belong in the name a response is published under.
NOT_IN_A_NAME = frozenset({"email", "phone", "postcode", "ni_number", "address", "reference"})


def suspects_in(response: Response, names: KnownNames) -> Suspects:
    moderation = moderation_of(response)
    return Suspects(
        {
            str(a.question.code): find_passages(current_text(moderation, a), known_names=names)
            for a in free_text_answers(response)
        },
        [p for p in find_passages(_name_as_given(response)) if p.kind in NOT_IN_A_NAME],
    )


# Reading what is published ---------------------------------------------------------------


def published_responses(consultation: Consultation) -> QuerySet[Response]:
    """Responses whose respondents agreed to publication and that a moderator published."""
    return consultation.responses.exclude(publish=Response.Publish.NO).filter(
        moderation__status__in=ResponseModeration.PUBLISHED_STATUSES
    )


def published_text(response: Response, answer: Answer, shown: str) -> str:
    """What the public read for ``answer``: the moderated text of a free-text answer (with the
    pattern redaction on top, so contact details never slip through), else ``shown``."""
    if answer.question.kind == Question.Kind.TEXT and isinstance(answer.value, str):
        return redact(current_text(moderation_of(response), answer))
    return redact(shown)


def published_name(response: Response) -> str:
    """The name published with a response: an organisation's name always; a person's only if
    they chose to be named. Empty means "Anonymous". Contact details typed into either are
    redacted, as in the answers."""
    return redact(_name_as_given(response))


def _name_as_given(response: Response) -> str:
    if response.publish != Response.Publish.NAMED:
        return (
            response.organisation
            if response.respondent_type == Response.RespondentType.ORGANISATION and response.organisation
            else ""
        )
    return ", ".join(part for part in (response.name, response.organisation) if part)


def waiting(consultation: Consultation) -> QuerySet[Response]:
    """Responses to publish that have no decision yet."""
    return consultation.responses.exclude(publish=Response.Publish.NO).filter(
        Q(moderation__isnull=True) | Q(moderation__status=Status.PENDING)
    )


def decided(consultation: Consultation) -> QuerySet[Response]:
    return consultation.responses.exclude(publish=Response.Publish.NO).exclude(
        Q(moderation__isnull=True) | Q(moderation__status=Status.PENDING)
    )


# Writes -----------------------------------------------------------------------------------


def _locked(response: Response) -> ResponseModeration:
    if response.publish == Response.Publish.NO:
        raise ValueError("The respondent asked for this response not to be published.")
    moderation, _created = ResponseModeration.objects.select_for_update().get_or_create(response=response)
    response._state.fields_cache["moderation"] = moderation
    return moderation


def _back_to_pending(moderation: ResponseModeration) -> bool:
    """A changed text needs a fresh decision: a published response leaves the public page."""
    was_decided = moderation.status != Status.PENDING
    moderation.status, moderation.reason = Status.PENDING, ""
    moderation.decided_by, moderation.decided_at = None, None
    return was_decided


def _audit(
    *, actor: User, request: HttpRequest | None, response: Response, sentence: str, **detail: object
) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=response,
        request=request,
        object_repr=sentence,
        detail={"moderation": sentence, **detail},
    )


def _texts_save(
    moderation: ResponseModeration,
    texts: dict[str, str],
    *,
    actor: User,
    request: HttpRequest | None,
    response: Response,
    sentence: str,
    **detail: object,
) -> None:
    """Keep ``texts`` as the text to publish: the response waits for a fresh decision."""
    moderation.texts = texts
    unpublished = _back_to_pending(moderation)
    moderation.full_clean()
    moderation.save()
    _audit(
        actor=actor, request=request, response=response, sentence=sentence, unpublished=unpublished, **detail
    )


def response_redact(
    *,
    response: Response,
    question: Question,
    start: int,
    end: int,
    passage: str,
    kind: str,
    actor: User,
    request: HttpRequest | None = None,
) -> ResponseModeration:
    """Replace one passage of a free-text answer with a placeholder such as "[name]"."""
    answer = response.answers.select_related("question").filter(question=question).first()
    if answer is None or question.kind != Question.Kind.TEXT or not isinstance(answer.value, str):
        raise PassageChanged("That answer is not a free-text answer of this response.")
    with transaction.atomic():
        moderation = _locked(response)
        text = current_text(moderation, answer)
        if not (0 <= start < end <= len(text)) or text[start:end] != passage:
            raise PassageChanged("The text has changed since the page was shown.")
        _texts_save(
            moderation,
            {
                **moderation.texts,
                str(question.code): text[:start] + replacement_for(kind, response.language) + text[end:],
            },
            actor=actor,
            request=request,
            response=response,
            sentence=f"Response {response.reference}: redacted a passage ({kind_label(kind).lower()})"
            f" from the answer to “{question.text[:80]}”",
            question=str(question.code),
            kind=kind,
            start=start,
            end=end,
        )
    return moderation


def response_texts_edit(
    *, response: Response, texts: dict[str, str], actor: User, request: HttpRequest | None = None
) -> ResponseModeration:
    """Keep a moderator's own edit of the free-text answers (question code -> text)."""
    answers = {str(a.question.code): a for a in free_text_answers(response)}
    with transaction.atomic():
        moderation = _locked(response)
        kept = dict(moderation.texts)
        edited = []
        for code, text in texts.items():
            answer = answers.get(code)
            if answer is None or text == current_text(moderation, answer):
                continue
            edited.append(code)
            if text == str(answer.value):
                kept.pop(code, None)
            else:
                kept[code] = text
        if not edited:
            return moderation
        _texts_save(
            moderation,
            kept,
            actor=actor,
            request=request,
            response=response,
            sentence=f"Response {response.reference}: edited the text to publish ({len(edited)} answers)",
            questions=edited,
        )
    return moderation


def response_texts_reset(
    *, response: Response, actor: User, request: HttpRequest | None = None
) -> ResponseModeration:
    """Undo every redaction and edit: back to what the respondent wrote."""
    with transaction.atomic():
        moderation = _locked(response)
        if not moderation.texts:
            return moderation
        _texts_save(
            moderation,
            {},
            actor=actor,
            request=request,
            response=response,
            sentence=f"Response {response.reference}: undid the redactions and edits",
        )
    return moderation


def response_decide(
    *, response: Response, publish: bool, reason: str = "", actor: User, request: HttpRequest | None = None
) -> ResponseModeration:
    """Publish the response (with redactions if its text was changed) or keep it unpublished,
    which needs a reason."""
    reason = reason.strip()
    if not publish and not reason:
        raise ValueError("Say why the response is not published.")
    with transaction.atomic():
        moderation = _locked(response)
        if publish:
            changed = is_changed(moderation, free_text_answers(response))
            moderation.status = Status.REDACTED if changed else Status.PUBLISHED
            moderation.reason = ""
        else:
            moderation.status, moderation.reason = Status.NOT_PUBLISHED, reason
        moderation.decided_by, moderation.decided_at = actor, timezone.now()
        moderation.full_clean()
        moderation.save()
        with translation.override("en"):
            label = str(moderation.get_status_display()).lower()
        sentence = f"Response {response.reference}: {label}"
        if not publish:
            sentence += f", because {reason}"
        _audit(
            actor=actor,
            request=request,
            response=response,
            sentence=sentence[:200],
            status=moderation.status,
            reason=moderation.reason,
        )
    return moderation


def responses_publish_clean(
    *,
    consultation: Consultation,
    codes: Iterable[str],
    actor: User,
    request: HttpRequest | None = None,
) -> tuple[int, int]:
    """Publish, in one go, the chosen responses that are waiting and in which Chorus finds
    nothing to check. Returns (published, left for a moderator to read)."""
    chosen = list(
        waiting(consultation)
        .filter(code__in=list(codes))
        .select_related("moderation")
        .prefetch_related("answers__question__section")
    )
    names = known_names(chosen)
    published = skipped = 0
    for response in chosen:
        if suspects_in(response, names).count:
            skipped += 1
            continue
        response_decide(response=response, publish=True, actor=actor, request=request)
        published += 1
    return published, skipped
