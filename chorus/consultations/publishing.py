"""What a consultation needs before it can be published, as a GOV.UK task list: each task
says whether it is done, what is missing, and where to put it right."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from chorus.consultations.models import Consultation, Question

# Shown as the reason whenever a change to the questions is refused.
LOCKED = gettext_lazy(
    "People have already responded, so its questions cannot change: the answers given must keep "
    "their meaning. To ask different questions, copy it as a new consultation (and close this one "
    "if it is still open)."
)


@dataclass
class Task:
    name: str
    url: str
    done: bool
    missing: list[str] = field(default_factory=list)


def publish_checklist(consultation: Consultation) -> list[Task]:
    """Every task, in the order they are usually done; Welsh ones only where it needs Welsh."""
    edit = reverse("consultations:consultation_edit", kwargs={"code": consultation.code})
    builder = reverse("consultations:questions", kwargs={"code": consultation.code})
    questions = list(Question.objects.filter(section__consultation=consultation).select_related("section"))
    tasks = [
        Task(
            _("Add questions"),
            builder,
            bool(questions),
            [] if questions else [_("It has no questions yet")],
        ),
        _dates(consultation, edit),
        Task(
            _("Link to a privacy notice"),
            f"{edit}#id_privacy_url",
            bool(consultation.privacy_url),
            [] if consultation.privacy_url else [_("There is no link to a privacy notice")],
        ),
        Task(
            _("Give contact details"),
            f"{edit}#id_contact_email",
            bool(consultation.contact_email or consultation.contact_phone),
            []
            if consultation.contact_email or consultation.contact_phone
            else [_("There is no email address or phone number for questions")],
        ),
    ]
    if consultation.team_id is not None:
        tasks.append(
            Task(
                _("Open it to the public"),
                f"{edit}#id_team",
                False,
                [_("It is restricted to a team, and a consultation restricted to a team is never public")],
            )
        )
    if consultation.needs_welsh():
        tasks.append(_welsh_details(consultation, edit))
        tasks.append(_welsh_questions(consultation, builder, questions))
    return tasks


def ready_to_publish(tasks: list[Task]) -> bool:
    return all(task.done for task in tasks)


def _dates(consultation: Consultation, edit: str) -> Task:
    missing = []
    if consultation.closes_at <= timezone.now():
        missing.append(_("The closing date has passed: set a closing date in the future"))
    elif consultation.closes_at - consultation.opens_at < timedelta(days=1):
        missing.append(_("It would be open for less than a day: give people longer to respond"))
    return Task(_("Set the opening and closing dates"), f"{edit}#id_opens_at", not missing, missing)


def _welsh_details(consultation: Consultation, edit: str) -> Task:
    missing = []
    if not consultation.title_cy:
        missing.append(_("The title in Welsh"))
    if not consultation.summary_cy:
        missing.append(_("The summary in Welsh"))
    if consultation.body and not consultation.body_cy:
        missing.append(_("What you are consulting on, in Welsh"))
    return Task(_("Give the consultation's texts in Welsh"), f"{edit}#id_title_cy", not missing, missing)


def _welsh_questions(consultation: Consultation, builder: str, questions: list[Question]) -> Task:
    missing = [
        _("The title of section “%(title)s” in Welsh") % {"title": section.title}
        for section in consultation.sections.all()
        if not section.title_cy
    ]
    for question in questions:
        lacking = sum(
            [
                not question.text_cy,
                bool(question.help_text and not question.help_text_cy),
                sum(1 for option in question.options if not option.get("label_cy")),
                bool(question.low_label and not question.low_label_cy),
                bool(question.high_label and not question.high_label_cy),
            ]
        )
        if lacking:
            missing.append(
                ngettext(
                    "“%(question)s”: %(count)s text in Welsh",
                    "“%(question)s”: %(count)s texts in Welsh",
                    lacking,
                )
                % {"question": question.text, "count": lacking}
            )
    return Task(_("Give the questions in Welsh"), builder, not missing, missing)
