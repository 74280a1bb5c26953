"""A defensible record of one consultation: what a court would ask about it.

Courts test a consultation against the Gunning principles (proposals at a formative
stage; enough reasons and information; adequate time; conscientious consideration); the
Cabinet Office Consultation Principles add accessible formats and proportionate length.
``consultation_record`` gathers, in a fixed number of queries (counts are aggregates, no
response is loaded), the dates and length, the documents and the dated history of its
questions, the formats and channels offered, the help asked for and how it was met,
responses by channel and respondent type, the analysis and analysts' changes to it, and
what was published back; and a checklist of each principle. It never holds equality
figures or anything a respondent wrote.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from chorus.analysis.models import AnalysisRun, ReviewEvent, Theme, ThemeChange
from chorus.consultations import gunning
from chorus.consultations.gunning import Check, Length
from chorus.consultations.models import Consultation, HelpRequest, Question, Response, SupportingDocument
from chorus.consultations.moderation import published_responses
from chorus.consultations.selectors import DocumentHistory, document_histories
from chorus.core.access import visible_to
from chorus.core.audit_text import audit_sentences
from chorus.core.models import AuditAction, AuditEntry
from chorus.engagement.models import Activity, ImpactRecord

if TYPE_CHECKING:
    from chorus.accounts.models import User

# What the audit log of a consultation says when its questions or their pages change.
QUESTION_CHANGES = frozenset(
    f"{what} {how}" for what in ("question", "section") for how in ("added", "changed", "moved", "removed")
)
# Words in a document's title that say it is an easy read version.
EASY_READ = ("easy read", "hawdd ei ddarllen")


@dataclass(frozen=True)
class Tally:
    label: str
    count: int


@dataclass(frozen=True)
class Event:
    """A dated line in a history: when, who, and what happened."""

    at: datetime
    who: str
    what: str
    about: str = ""  # the analysis it belongs to, in the analysis trail
    questions: bool = False  # it changed the questions or their sections


@dataclass(frozen=True)
class Offer:
    """A format or channel, and what the record shows of it."""

    name: str
    shows: str
    offered: bool


@dataclass(frozen=True)
class HelpLine:
    number: int
    asked_on: datetime
    way: str
    in_welsh: bool
    status: str
    answered: bool
    updated_on: datetime
    way_value: str = ""
    responded: bool = False  # staff entered a response for them


@dataclass(frozen=True)
class RunLine:
    title: str
    status: str
    finished_at: datetime | None
    items: int
    themes: int
    locked: int
    review: str
    signed_off_by: str
    signed_off_at: datetime | None


@dataclass
class Record:
    consultation: Consultation
    made_at: datetime
    published_at: datetime | None
    length: Length
    status: str
    closed: bool
    needs_welsh: bool
    documents: list[SupportingDocument]  # the current versions, not withdrawn
    document_histories: list[DocumentHistory]  # every version of every document it held
    questions: list[Question]
    history: list[Event]
    offers: list[Offer]
    events: list[Activity]
    help_requests: list[HelpLine]
    responses: int
    by_channel: list[Tally]
    by_type: list[Tally]
    published_responses: int
    runs: list[RunLine]
    trail: list[Event]
    impact: list[ImpactRecord]
    checklist: list[Check] = field(default_factory=list)

    @property
    def unanswered_help(self) -> int:
        return sum(1 for line in self.help_requests if not line.answered)

    @property
    def checks_met(self) -> int:
        return sum(1 for check in self.checklist if check.met)

    @property
    def opened(self) -> bool:
        return self.consultation.opens_at <= timezone.now()

    @property
    def question_changes(self) -> list[Event]:
        """Every change to its questions and their pages, oldest first."""
        return [event for event in self.history if event.questions]

    @property
    def questions_changed_after_opening(self) -> list[Event]:
        return [event for event in self.question_changes if event.at > self.consultation.opens_at]


def _name(user: User | None, label: str = "") -> str:
    return (user.full_name or user.email) if user is not None else (label or _("Someone no longer here"))


def _counts(consultation: Consultation, field_name: str, choices: type[models.TextChoices]) -> list[Tally]:
    found = dict(
        consultation.responses.order_by()
        .values_list(field_name)
        .annotate(n=Count("id"))
        .values_list(field_name, "n")
    )
    return [Tally(str(label), found.get(value, 0)) for value, label in choices.choices]


def _history(consultation: Consultation) -> tuple[list[Event], datetime | None]:
    """Its changes, as the audit log tells them (documents, sections, questions and
    publishing are recorded there, each with who and when), and when it was published."""
    entries = AuditEntry.objects.filter(
        object_type=Consultation._meta.label_lower,
        object_id=str(consultation.code),
        action=AuditAction.CHANGE,
    ).select_related("actor")
    history = []
    published_at = None
    for entry in entries.order_by("at", "id"):
        if entry.detail.get("published") is True and published_at is None:
            published_at = entry.at
        sentences = audit_sentences(entry)
        if sentences:
            who = _name(entry.actor, entry.actor_label)
            questions = bool(QUESTION_CHANGES & entry.detail.keys())
            history.append(Event(entry.at, who, " ".join(sentences), questions=questions))
    return history, published_at


def _runs(consultation: Consultation, user: User) -> list[AnalysisRun]:
    runs = AnalysisRun.objects.filter(
        Q(consultation=consultation) | Q(question__section__consultation=consultation)
    ).annotate(
        theme_count=Count("themes", distinct=True),
        locked_count=Count("themes", filter=Q(themes__locked=True), distinct=True),
    )
    return list(visible_to(user, runs).select_related("signed_off_by").order_by("created_at"))


def _trail(runs: list[AnalysisRun]) -> list[Event]:
    """Every change analysts made to the themes and every review step, oldest first."""
    titles = {run.pk: run.title for run in runs}
    changes = ThemeChange.objects.filter(run__in=list(titles)).select_related("actor")
    reviews = ReviewEvent.objects.filter(run__in=list(titles)).select_related("actor")
    trail = [
        Event(c.at, _name(c.actor), f"{c.get_action_display()}: {c.summary}", titles[c.run_id])
        for c in changes
    ]
    for event in reviews:
        what = str(event.get_action_display())
        if event.reason:
            what = _("%(what)s: %(reason)s") % {"what": what, "reason": event.reason}
        trail.append(Event(event.at, _name(event.actor), what, titles[event.run_id]))
    return sorted(trail, key=lambda event: event.at)


def _offers(
    consultation: Consultation,
    documents: list[SupportingDocument],
    help_requests: list[HelpLine],
    events: list[Activity],
    needs_welsh: bool,
) -> list[Offer]:
    ways = {way: sum(1 for line in help_requests if line.way_value == way) for way in HelpRequest.Way.values}
    easy_read = [d for d in documents if any(word in f"{d.title} {d.title_cy}".lower() for word in EASY_READ)]
    welsh = bool(consultation.title_cy and consultation.summary_cy)
    if welsh:
        welsh_shows = _("Its texts are in Welsh.")
    elif needs_welsh:
        welsh_shows = _("Not in Welsh, though its audience includes Wales.")
    else:
        welsh_shows = _("Not in Welsh.")
    public = consultation.team_id is None
    if public:
        asked = _("Offered on its public page. Requests: %(count)s.")
    else:
        asked = _("It is restricted to a team, so the public cannot ask for it. Requests: %(count)s.")
    help_asked = ways[HelpRequest.Way.PHONE] + ways[HelpRequest.Way.FACE_TO_FACE]
    return [
        Offer(_("Online"), _("The online response form."), True),
        Offer(_("Paper copies"), asked % {"count": ways[HelpRequest.Way.PAPER]}, public),
        Offer(_("Phone and face-to-face help"), asked % {"count": help_asked}, public),
        Offer(_("Welsh"), welsh_shows, welsh),
        Offer(
            _("Easy read"),
            ", ".join(d.title for d in easy_read) if easy_read else _("No easy read document."),
            bool(easy_read),
        ),
        Offer(
            _("Events"),
            ngettext(
                "%(count)s event of its project while it was open.",
                "%(count)s events of its project while it was open.",
                len(events),
            )
            % {"count": len(events)}
            if consultation.project_id
            else _("It is not part of a project, so no events are linked to it."),
            bool(events),
        ),
        Offer(
            _("Contact for questions and other formats"),
            ", ".join(filter(None, [consultation.contact_email, consultation.contact_phone]))
            or _("No contact details."),
            bool(consultation.contact_email or consultation.contact_phone),
        ),
    ]


def _planned_check(record: Record) -> Check:
    consultation = record.consultation
    name = _("Planned and published before it opened")
    published = record.published_at or (consultation.created_at if consultation.is_published else None)
    if consultation.created_at >= consultation.opens_at or (
        published is not None and published > consultation.opens_at
    ):
        return Check(
            gunning.FORMATIVE, name, gunning.WARNING, _("It was set up or published after its opening date.")
        )
    if not consultation.is_published:
        return Check(gunning.FORMATIVE, name, gunning.WARNING, _("It is still a draft."))
    return Check(gunning.FORMATIVE, name, gunning.MET, _("It was set up and published before it opened."))


def _questions_check(record: Record) -> Check:
    name = _("Questions settled before it opened")
    if not record.questions:
        return Check(gunning.FORMATIVE, name, gunning.MISSING, _("It has no questions."))
    changed = record.questions_changed_after_opening
    if changed:
        return Check(
            gunning.FORMATIVE,
            name,
            gunning.WARNING,
            ngettext(
                "Its questions were changed %(count)s time after it opened.",
                "Its questions were changed %(count)s times after it opened.",
                len(changed),
            )
            % {"count": len(changed)},
        )
    shows = ngettext(
        "%(count)s question, unchanged since it opened.",
        "%(count)s questions, unchanged since it opened.",
        len(record.questions),
    ) % {"count": len(record.questions)}
    return Check(gunning.FORMATIVE, name, gunning.MET, shows)


def _analysis_check(record: Record) -> Check:
    name = _("Analysis run and themes reviewed")
    finished = [run for run in record.runs if run.finished_at is not None]
    if not finished:
        if record.closed:
            return Check(gunning.CONSIDERATION, name, gunning.MISSING, _("No analysis has finished."))
        return Check(
            gunning.CONSIDERATION, name, gunning.WARNING, _("It has not closed yet; no analysis yet.")
        )
    reviewed = [run for run in finished if run.signed_off_at or run.locked]
    if reviewed or record.trail:
        shows = ngettext(
            "%(count)s analysis finished; analysts reviewed its themes.",
            "%(count)s analyses finished; analysts reviewed their themes.",
            len(finished),
        ) % {"count": len(finished)}
        return Check(gunning.CONSIDERATION, name, gunning.MET, shows)
    return Check(
        gunning.CONSIDERATION,
        name,
        gunning.WARNING,
        _("Analysed, but no analyst has reviewed the themes yet."),
    )


def _response_check(record: Record) -> Check:
    name = _("Published response or “you said, we did” record")
    published = [impact for impact in record.impact if impact.is_published]
    if published:
        shows = ngettext(
            "%(count)s published “you said, we did” record.",
            "%(count)s published “you said, we did” records.",
            len(published),
        ) % {"count": len(published)}
        return Check(gunning.CONSIDERATION, name, gunning.MET, shows)
    if record.impact:
        return Check(
            gunning.CONSIDERATION,
            name,
            gunning.WARNING,
            _("A “you said, we did” record is written but not published."),
        )
    if record.published_responses:
        return Check(
            gunning.CONSIDERATION,
            name,
            gunning.WARNING,
            _("Responses are published, but there is no “you said, we did” record of what changed."),
        )
    if record.closed:
        return Check(gunning.CONSIDERATION, name, gunning.MISSING, _("Nothing has been published back."))
    return Check(
        gunning.CONSIDERATION, name, gunning.WARNING, _("It has not closed yet; nothing published back.")
    )


def _checklist(record: Record) -> list[Check]:
    consultation = record.consultation
    return [
        _planned_check(record),
        _questions_check(record),
        gunning.documents_check(consultation, record.documents),
        gunning.length_check(consultation),
        gunning.welsh_check(consultation, record.documents, record.needs_welsh),
        gunning.contact_check(consultation),
        gunning.help_check(len(record.help_requests), record.unanswered_help),
        _analysis_check(record),
        _response_check(record),
    ]


def consultation_record(consultation: Consultation, user: User) -> Record:
    """Everything the record shows of ``consultation``, as ``user`` may see it."""
    now = timezone.now()
    histories = document_histories(consultation)
    documents = [history.latest for history in histories if not history.withdrawn]
    questions = list(Question.objects.filter(section__consultation=consultation).select_related("section"))
    history, published_at = _history(consultation)
    help_requests = [
        HelpLine(
            number,
            found.created_at,
            str(found.get_way_display()),
            found.in_welsh,
            str(found.get_status_display()),
            found.status not in gunning.UNANSWERED,
            found.updated_at,
            found.way,
            found.response_id is not None,
        )
        for number, found in enumerate(consultation.help_requests.order_by("created_at", "id"), start=1)
    ]
    events: list[Activity] = []
    if consultation.project_id:
        events = list(
            visible_to(user, Activity.objects.filter(projects=consultation.project_id))
            .filter(starts_at__gte=consultation.opens_at, starts_at__lt=consultation.closes_at)
            .order_by("starts_at")
        )
    runs = _runs(consultation, user)
    needs_welsh = consultation.needs_welsh()
    by_channel = _counts(consultation, "channel", Response.Channel)
    record = Record(
        consultation=consultation,
        made_at=consultation.created_at,
        published_at=published_at,
        length=gunning.open_length(consultation),
        status=str(Consultation.Status(consultation.status(now)).label),
        closed=consultation.closes_at <= now,
        needs_welsh=needs_welsh,
        documents=documents,
        document_histories=histories,
        questions=questions,
        history=history,
        offers=_offers(consultation, documents, help_requests, events, needs_welsh),
        events=events,
        help_requests=help_requests,
        responses=sum(line.count for line in by_channel),
        by_channel=by_channel,
        by_type=_counts(consultation, "respondent_type", Response.RespondentType),
        published_responses=published_responses(consultation).count(),
        runs=[
            RunLine(
                run.title,
                str(run.get_status_display()),
                run.finished_at,
                run.item_count,
                run.theme_count,  # type: ignore[attr-defined]
                run.locked_count,  # type: ignore[attr-defined]
                str(run.get_review_stage_display()),
                _name(run.signed_off_by) if run.signed_off_by_id else "",
                run.signed_off_at,
            )
            for run in runs
        ],
        trail=_trail(runs),
        impact=list(
            visible_to(user, consultation.impact.all())
            # Only the themes of analyses the reader may see: a theme's name is what people wrote.
            .prefetch_related(Prefetch("themes", queryset=visible_to(user, Theme.objects.order_by("label"))))
            .order_by("decided_on", "id")
        ),
    )
    record.checklist = _checklist(record)
    return record
