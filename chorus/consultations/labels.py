"""How staff pickers name consultations and questions, so that no two read alike.

Two consultations may share a title (a survey run every year), and many questions share
their wording ("Anything else?"), so a picker names a consultation with when it closes and
a question with its number and its consultation: "Q3 How satisfied… — Online money claims
(closes 5 March 2027)".
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from chorus.consultations.models import Consultation, Question
from chorus.core.dates import long_date

# Question wording is cut to this many characters in a picker; the number tells them apart.
QUESTION_CHARACTERS = 60


def consultation_label(consultation: Consultation) -> str:
    """``Online money claims (closes 5 March 2027)``, or "closed" once it has."""
    day = long_date(consultation.closes_at)
    if consultation.closes_at > timezone.now():
        return _("%(title)s (closes %(date)s)") % {"title": consultation.title, "date": day}
    return _("%(title)s (closed %(date)s)") % {"title": consultation.title, "date": day}


def question_label(question: Question, number: int, *, consultation: Consultation | None = None) -> str:
    """``Q3 How satisfied…``, and `` — `` its consultation where one is given."""
    shown = _("Q%(number)s %(question)s") % {
        "number": number,
        "question": Truncator(question.text).chars(QUESTION_CHARACTERS),
    }
    if consultation is None:
        return shown
    return _("%(question)s — %(consultation)s") % {
        "question": shown,
        "consultation": consultation_label(consultation),
    }


def question_numbers(consultations: Iterable[Consultation]) -> dict[int, int]:
    """Each question's number in its consultation (as the response export numbers them),
    by question id, for every question of ``consultations``, in one query."""
    numbers: dict[int, int] = {}
    counted: dict[int, int] = {}
    for question_id, consultation_id in (
        Question.objects.filter(section__consultation__in=list(consultations))
        .order_by("section__consultation", "section__order", "section_id", "order", "id")
        .values_list("id", "section__consultation")
    ):
        counted[consultation_id] = counted.get(consultation_id, 0) + 1
        numbers[question_id] = counted[consultation_id]
    return numbers
