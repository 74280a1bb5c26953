"""Asking the people who came how it went: a short survey sent once to each after the
activity, answered once through a signed link, and its results with small numbers hidden.

The survey goes to people whose attendance says they came, for activities people
registered for, in the person's language. Answers are counted on the activity page and in
the engagement report ("quality of engagement"), through ``evaluation_sections``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chorus.core.audit import audit_record
from chorus.core.disclosure import mean, suppress
from chorus.core.email import email_send_later
from chorus.core.hooks import texts_received
from chorus.core.links import code_from_token, code_token
from chorus.core.models import AuditAction
from chorus.engagement.models import Activity, Attendance
from chorus.events.invitations import email_of
from chorus.events.models import Evaluation

EVALUATION_SALT = "chorus.events.evaluation"
# The survey goes this long after the activity ends (or starts, with no end given) ...
AFTER = timedelta(hours=2)
# ... and no later than this: people asked weeks on remember little.
UNTIL = timedelta(days=14)
# What the audit log names someone answering through their link as.
ANSWERER = "The person, through their evaluation link"
# The source the answers' free text is sent as to whatever reads texts received.
TEXT_SOURCE = "event_evaluation"


def evaluation_token(evaluation: Evaluation) -> str:
    return code_token(evaluation, EVALUATION_SALT)


def evaluation_from_token(token: str) -> Evaluation | None:
    code = code_from_token(token, EVALUATION_SALT)
    if code is None:
        return None
    return Evaluation.objects.select_related("activity").filter(code=code).first()


def _ended(now: datetime) -> QuerySet[Attendance]:
    """Attendance of people who came to a registered-for activity that ended a while ago."""
    return Attendance.objects.filter(
        attended=True,
        activity__registration_settings__isnull=False,
        activity__starts_at__gte=now - UNTIL,
        person__erased_at__isnull=True,
        person__merged_into__isnull=True,
    ).select_related("activity", "person")


def evaluations_send(now: datetime | None = None) -> int:
    """Send the survey to each person who came to an activity that has ended, once: the
    ``Evaluation`` row, unique per activity and person, records that it went. Returns the
    number sent."""
    now = now or timezone.now()
    sent = 0
    asked = set(
        Evaluation.objects.filter(activity__starts_at__gte=now - UNTIL).values_list(
            "activity_id", "person_id"
        )
    )
    for attendance in _ended(now):
        activity, person = attendance.activity, attendance.person
        ended = activity.ends_at or activity.starts_at
        if ended + AFTER > now or (activity.pk, person.pk) in asked:
            continue
        to = email_of(person)
        if not to:
            continue
        language = person.preferred_language if person.preferred_language in ("en", "cy") else "en"
        try:
            with transaction.atomic():
                evaluation = Evaluation.objects.create(activity=activity, person=person, language=language)
                _email(evaluation, to)
        except IntegrityError:
            continue  # another run asked them first
        sent += 1
    return sent


def _email(evaluation: Evaluation, to: str) -> None:
    activity = evaluation.activity
    with translation.override(evaluation.language):
        title = activity.title_for(evaluation.language)
        url = settings.CHORUS_BASE_URL + reverse(
            "events:evaluation", kwargs={"token": evaluation_token(evaluation)}
        )
        context: dict[str, Any] = {
            "name": evaluation.person.full_name if evaluation.person else "",
            "title": title,
            "url": url,
            "service_name": settings.CHORUS_SERVICE_NAME,
        }
        body = render_to_string("events/email/evaluation.txt", context)
        subject = _("How was %(title)s?") % {"title": title}
    email_send_later(to=[to], subject=subject, body=body)


def evaluation_answer(
    *, evaluation: Evaluation, useful: int, listened: int, accessible: str, improve: str
) -> bool:
    """Keep the person's answer. False when they had answered already (their first answer
    stands: a double submit or a second visit changes nothing)."""
    with transaction.atomic():
        locked = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        if locked.answered_at is not None:
            return False
        locked.useful, locked.listened, locked.accessible = useful, listened, accessible
        locked.improve = improve.strip()
        locked.answered_at = timezone.now()
        locked.full_clean()
        locked.save()
        audit_record(
            actor=None,
            actor_label=ANSWERER,
            action=AuditAction.CREATE,
            obj=locked,
            object_repr=str(locked.activity),
            detail={"evaluation": "answered"},
        )
        if locked.improve:
            # Staff analyse these comments by starting a run on the activity (analysis's
            # ``event_sections``); nothing listens to this hook for them yet. To feed them
            # to the engine as they arrive, analysis would register a receiver with
            # ``core.hooks.on_texts_received`` in its ``AppConfig.ready`` that, for
            # ``TEXT_SOURCE``, marks the activity's latest run out of date or queues a
            # fresh one: events stays below analysis and imports nothing from it.
            texts_received(
                source=TEXT_SOURCE, ids=[locked.pk], subject="activity", target_id=locked.activity_id
            )
    evaluation.refresh_from_db()
    return True


@dataclass(frozen=True)
class Results:
    """What the answers say, each figure hidden (None) when too few gave it."""

    asked: int
    answered: int | None
    useful: float | None
    listened: float | None
    # (label, count or None) for yes, partly, no.
    accessible: list[tuple[str, int | None]]


def evaluation_results(activities: QuerySet[Activity] | list[Activity]) -> Results | None:
    """The answers for these activities together; None when the survey went to no one."""
    rows = Evaluation.objects.filter(activity__in=activities)
    asked = rows.count()
    if not asked:
        return None
    answered = list(rows.filter(answered_at__isnull=False).values("useful", "listened", "accessible"))
    counted, _answered_total = suppress({"answered": len(answered)})
    cells, _cells_total = suppress(
        {
            choice: sum(1 for a in answered if a["accessible"] == choice)
            for choice in Evaluation.Accessible.values
        }
    )
    labels = dict(Evaluation.Accessible.choices)
    return Results(
        asked=asked,
        answered=counted[0].count,
        useful=mean([a["useful"] for a in answered if a["useful"]]),
        listened=mean([a["listened"] for a in answered if a["listened"]]),
        accessible=[(str(labels[cell.key]), cell.count) for cell in cells],
    )


def result_lines(results: Results) -> list[str]:
    """The results in sentences, as the activity page and the report show them."""
    lines = [
        _("Sent to %(asked)s people who came.") % {"asked": results.asked},
        _("%(answered)s answered.") % {"answered": results.answered}
        if results.answered is not None
        else _("Too few have answered to show the results."),
    ]
    if results.answered is None:
        return lines
    if results.useful is not None:
        lines.append(_("How useful, out of 5: %(score).1f on average.") % {"score": results.useful})
    if results.listened is not None:
        lines.append(_("Felt listened to, out of 5: %(score).1f on average.") % {"score": results.listened})
    shown = [f"{label}: {count}" for label, count in results.accessible if count is not None]
    if shown:
        lines.append(_("Could take part fully: %(counts)s.") % {"counts": "; ".join(shown)})
    return lines
