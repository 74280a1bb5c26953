"""Asking the person how we handled their case: one short survey, emailed when an enquiry or
complaint is first closed, answered once through a signed link.

Compliments and suggestions are not asked: the questions (was it resolved, was it handled
in reasonable time) are about something the person wanted done, which a compliment or a
suggestion is not, and thanking someone for a compliment with a survey reads badly.

The ``SatisfactionSurvey`` row, one per case, is written in the closing transaction and the
email is queued to go once it commits, so a close that is retried or a case closed again
after reopening sends nothing more. Answers are shown to staff on the case page (audited
as a view of the case), counted on the cases dashboard, included in the person's subject
access file and blanked with the rest of the case's words on erasure.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chorus.cases.models import Case, Kind, SatisfactionSurvey
from chorus.core.audit import audit_record
from chorus.core.email import email_send_later
from chorus.core.links import code_from_token, code_token
from chorus.core.models import AuditAction

SALT = "chorus.cases.satisfaction"
# The kinds asked how it went.
SURVEYED_KINDS = (Kind.ENQUIRY, Kind.COMPLAINT)
# How long the link takes answers: long enough for a holiday, short enough to remember.
OPEN_FOR = timedelta(days=60)
# The most the free-text answer takes.
IMPROVE_MAX = 1200
# What the audit log names someone answering through their link as.
ANSWERER = "the person, through their survey link"


def survey_token(survey: SatisfactionSurvey) -> str:
    return code_token(survey, SALT)


def survey_from_token(token: str) -> SatisfactionSurvey | None:
    code = code_from_token(token, SALT)
    if code is None:
        return None
    return SatisfactionSurvey.objects.select_related("case").filter(code=code).first()


def survey_url(survey: SatisfactionSurvey) -> str:
    with translation.override(survey.language):
        return settings.CHORUS_BASE_URL + reverse(
            "cases:satisfaction", kwargs={"token": survey_token(survey)}
        )


def survey_is_open(survey: SatisfactionSurvey) -> bool:
    """Whether the link still takes an answer: not answered, not expired, and the case still
    says who it was sent to (a case whose person was erased takes no more of their words)."""
    return (
        survey.answered_at is None
        and timezone.now() < survey.created_at + OPEN_FOR
        and bool(survey.case.email)
    )


def survey_wanted(case: Case) -> bool:
    """Whether closing ``case`` asks the person: an enquiry or complaint with an email address
    to send to."""
    return case.kind in SURVEYED_KINDS and bool(case.email.strip())


def survey_send(case: Case) -> SatisfactionSurvey | None:
    """Ask the person, the first time ``case`` is closed; call inside the closing
    transaction. None when they are not asked (not wanted, or asked already)."""
    if not survey_wanted(case):
        return None
    survey, created = SatisfactionSurvey.objects.get_or_create(
        case=case, defaults={"language": case.language if case.language in ("en", "cy") else "en"}
    )
    if not created:
        return None
    _email(survey)
    return survey


def _email(survey: SatisfactionSurvey) -> None:
    case = survey.case
    with translation.override(survey.language):
        context: dict[str, Any] = {
            "case": case,
            "url": survey_url(survey),
            "days": OPEN_FOR.days,
            "service_name": settings.CHORUS_SERVICE_NAME_CY
            if survey.language == "cy"
            else settings.CHORUS_SERVICE_NAME,
        }
        body = render_to_string("cases/email/satisfaction.txt", context)
        if case.kind == Kind.COMPLAINT:
            subject = _("How did we handle your complaint? %(reference)s")
        else:
            subject = _("How did we handle your enquiry? %(reference)s")
    email_send_later(to=[case.email], subject=subject % {"reference": case.reference}, body=body)


def survey_answer(
    *,
    survey: SatisfactionSurvey,
    satisfaction: str,
    resolved: str,
    timely: str,
    improve: str,
    request: HttpRequest | None = None,
) -> bool:
    """Keep the person's answer. False when they had answered already or the link has
    closed: their first answer stands, and a double submit or a second visit changes
    nothing."""
    with transaction.atomic():
        locked = SatisfactionSurvey.objects.select_for_update().get(pk=survey.pk)
        if not survey_is_open(locked):
            return False
        locked.satisfaction, locked.resolved, locked.timely = satisfaction, resolved, timely
        # Kept as typed (escaped wherever it is shown), within the length the form allows.
        locked.improve = improve.strip()[:IMPROVE_MAX]
        locked.answered_at = timezone.now()
        locked.full_clean()
        locked.save()
        audit_record(
            actor=None,
            actor_label=ANSWERER,
            action=AuditAction.CHANGE,
            obj=locked.case,
            request=request,
            detail={"satisfaction survey": "answered"},
        )
    survey.refresh_from_db()
    return True


def answer_lines(survey: SatisfactionSurvey) -> list[tuple[str, str, str]]:
    """The questions and answers as staff read them, in the page's language, each with the
    language of the answer where it is the person's own words (the survey's), else ""."""
    if survey.answered_at is None:
        return []
    lines = [
        (_("How satisfied with how we handled it"), survey.get_satisfaction_display(), ""),
        (_("Resolved"), survey.get_resolved_display(), ""),
        (_("Handled in a reasonable time"), survey.get_timely_display(), ""),
        (
            _("What we could do better"),
            survey.improve or _("Nothing written"),
            survey.language if survey.improve else "",
        ),
    ]
    return [(str(question), str(answer), lang) for question, answer, lang in lines]
