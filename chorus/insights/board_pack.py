"""The board pack: a period's engagement, checkpoints, consultations, commitments,
share-backs and service feedback, each figure beside the period before, for a board,
Cabinet or scrutiny committee.

``board_pack`` gathers everything the user may see with a fixed number of aggregate
queries (the engagement figures are the engagement report's own); the page, the PDF
and the Word document all render the one ``Pack`` it returns. Counts of people pass
the disclosure rule (``chorus.core.disclosure``): below the threshold, they are not
shown. No equality data is used.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from chorus.bulletins.models import Bulletin, Delivery
from chorus.consultations.models import Consultation, Response
from chorus.core.access import visible_to
from chorus.core.disclosure import suppress, threshold
from chorus.core.i18n import current_welsh_or_english, text_in_language
from chorus.engagement.models import (
    Checkpoint,
    CheckpointQuerySet,
    Commitment,
    CommitmentUpdate,
    ImpactRecord,
)
from chorus.engagement.report import Report, engagement_report, previous_period
from chorus.feedback.models import ExitSurveyResponse, PageFeedback, Service

if TYPE_CHECKING:
    from chorus.accounts.models import User

# Lists in the pack stop here; the figures above them count every record.
MOST_LISTED = 50


@dataclass
class Figure:
    """One measure, this period beside the previous one. ``None``: not shown (a small
    number of people, or a share of too few answers)."""

    label: str | Promise
    current: int | None
    previous: int | None
    percent: bool = False

    @property
    def change(self) -> int | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous


@dataclass
class Table:
    """Figures under a heading, with what the two columns of figures are."""

    key: str
    title: str | Promise
    figures: list[Figure]
    columns: tuple[str | Promise, str | Promise] = (_("This period"), _("Previous period"))

    @property
    def largest(self) -> int:
        return max([1, *(max(f.current or 0, f.previous or 0) for f in self.figures)])


@dataclass(frozen=True)
class Text:
    """A record's text in the pack's language, or its English where it has no Welsh
    (``lang`` says which, so a Welsh page can mark English as English)."""

    text: str
    lang: str

    def __str__(self) -> str:
        return self.text


def _text(obj: Any, name: str, language: str) -> Text:
    chosen = text_in_language(obj, name, language)
    return Text(chosen.text, chosen.language)


@dataclass
class CheckpointLine:
    project: str
    group: str
    due_on: date


@dataclass
class ConsultationLine:
    title: Text
    opens_at: datetime
    closes_at: datetime
    responses: int | None  # None: fewer than the threshold
    outcome: str | Promise


@dataclass
class CommitmentLine:
    title: Text
    was: str | Promise  # "New" for one made in the period
    now: str | Promise
    due_on: date | None


@dataclass
class SharedLine:
    project: str
    you_said: Text
    we_did: Text
    shared_on: date
    how: str


@dataclass
class EquityLine:
    dimension: str
    group: str
    now: str | Promise
    before: str | Promise


@dataclass
class Pack:
    start: date
    end: date
    previous_start: date
    previous_end: date
    language: str
    organisation: str
    made_at: datetime
    below: int
    engagement: Table
    activity_types: Table
    checkpoints: Table
    checkpoints_missed: list[CheckpointLine]
    consultations: Table
    consultations_opened: list[ConsultationLine]
    consultations_closed: list[ConsultationLine]
    commitment_status: Table
    commitment_movement: Table
    commitments_changed: list[CommitmentLine]
    commitments_changed_count: int
    sharebacks: Table
    shared: list[SharedLine]
    feedback: Table
    equity: list[EquityLine]
    equity_missing: list[str]  # why a dimension could not be compared, where one could not


def _span(start: date, end: date) -> tuple[datetime, datetime]:
    """The period as aware times: from the first day's midnight to the midnight after the last."""
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, datetime.min.time(), tzinfo=zone),
        datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=zone),
    )


def _people(count: int | None) -> int | None:
    """A count of people as it may be shown: ``None`` below the disclosure threshold."""
    if count is None:
        return None
    cells, _total = suppress({"people": count})
    return cells[0].count


def _share(part: int, whole: int) -> int | None:
    """A percentage, only where enough people are on each side of it to say nothing of one
    of them (90% of 10 would say one person was not satisfied)."""
    least = threshold()
    if whole < least or part < least or whole - part < least:
        return None
    return round(100 * part / whole)


# Engagement: the engagement report's own figures ------------------------------------------

# The report's headline rows the pack shows, by their label (the same message, so they are
# found in any language), and whether each counts people.
ENGAGEMENT_ROWS: tuple[tuple[Promise, bool], ...] = (
    (_("Activities"), False),
    (_("People from the directory who came"), True),
    (_("of whom engaged for the first time"), True),
    (_("Attendees not in the directory"), True),
    (_("Unique organisations reached"), False),
)
SHARED_ROWS: tuple[Promise, ...] = (
    _("“You said, we did” records made"),
    _("“You said, we did” records shared back"),
)


def _from_report(report: Report, label: Promise, people: bool) -> Figure:
    row = next(r for r in report.headline if str(r.label) == str(label))
    if people:
        return Figure(row.label, _people(row.current), _people(row.previous))
    return Figure(row.label, row.current, row.previous)


# Checkpoints ------------------------------------------------------------------------------


def _checkpoints(
    user: User, start: date, end: date, previous_start: date
) -> tuple[Table, list[CheckpointLine]]:
    today = timezone.localdate()
    visible = cast(CheckpointQuerySet, visible_to(user, Checkpoint.objects.all()))
    due = visible.filter(due_on__gte=previous_start, due_on__lte=end)
    # One row for each mix of period, waived, met and past due: each checkpoint's
    # participation is looked up once, and the tallies are made here.
    mixes = (
        due.with_engagement()
        .annotate(
            in_period=Case(When(due_on__gte=start, then=Value(True)), default=Value(False)),
            waived=Case(When(waived_reason="", then=Value(False)), default=Value(True)),
            past=Case(When(due_on__lt=today, then=Value(True)), default=Value(False)),
        )
        .order_by()
        .values_list("in_period", "waived", "engaged", "past")
        .annotate(n=Count("pk"))
    )
    counts: Counter[str] = Counter()
    for in_period, waived, engaged, past, n in mixes:
        when = "now" if in_period else "before"
        if waived:
            name = "waived"
        elif engaged:
            name = "met"
        else:
            name = "missed" if past else "open"
        counts[f"due_{when}"] += n
        counts[f"{name}_{when}"] += n

    def figure(label: Promise, name: str) -> Figure:
        return Figure(label, counts[f"{name}_now"], counts[f"{name}_before"])

    figures = [
        figure(_("Checkpoints due"), "due"),
        figure(_("Met: people of the group took part"), "met"),
        figure(_("Waived, with a reason"), "waived"),
        figure(_("Missed"), "missed"),
    ]
    if counts["open_now"] or counts["open_before"]:
        figures.append(figure(_("Not yet due"), "open"))
    missed_now = (
        due.not_engaged()
        .filter(due_on__gte=start, due_on__lt=today, waived_reason="")
        .select_related("project", "group")
        .order_by("due_on", "project__name")[:MOST_LISTED]
    )
    lines = [CheckpointLine(c.project.name, c.group.name, c.due_on) for c in missed_now]
    return Table("checkpoints", _("Checkpoints due in the period"), figures), lines


# Consultations ----------------------------------------------------------------------------


def _outcome(consultation: Any) -> Promise:
    if consultation.outcome_published:
        return _("“You said, we did” published")
    if consultation.outcome_drafted:
        return _("“You said, we did” being written")
    return _("No outcome published yet")


def _consultations(
    user: User, start: date, end: date, previous_start: date, previous_end: date
) -> tuple[Table, list[ConsultationLine], list[ConsultationLine]]:
    since, until = _span(start, end)
    before_since, _before_until = _span(previous_start, previous_end)
    published = visible_to(user, Consultation.objects.filter(is_published=True))
    counts = published.order_by().aggregate(
        opened_now=Count("pk", filter=Q(opens_at__gte=since, opens_at__lt=until)),
        opened_before=Count("pk", filter=Q(opens_at__gte=before_since, opens_at__lt=since)),
        closed_now=Count("pk", filter=Q(closes_at__gte=since, closes_at__lt=until)),
        closed_before=Count("pk", filter=Q(closes_at__gte=before_since, closes_at__lt=since)),
    )
    responses = (
        Response.objects.filter(consultation__in=published.values("pk"), submitted_at__gte=before_since)
        .filter(submitted_at__lt=until)
        .order_by()
        .aggregate(
            now=Count("pk", filter=Q(submitted_at__gte=since)),
            before=Count("pk", filter=Q(submitted_at__lt=since)),
        )
    )
    figures = [
        Figure(_("Consultations and surveys opened"), counts["opened_now"], counts["opened_before"]),
        Figure(_("Consultations and surveys closed"), counts["closed_now"], counts["closed_before"]),
        Figure(_("Responses received"), _people(responses["now"]), _people(responses["before"])),
    ]
    impact = ImpactRecord.objects.filter(consultations=OuterRef("pk"))
    listed = (
        published.filter(
            Q(opens_at__gte=since, opens_at__lt=until) | Q(closes_at__gte=since, closes_at__lt=until)
        )
        .annotate(
            answered=Count("responses", distinct=True),
            outcome_published=Exists(impact.filter(is_published=True)),
            outcome_drafted=Exists(impact),
        )
        .only("title", "title_cy", "opens_at", "closes_at")
        .order_by("opens_at", "title")
    )
    language = current_welsh_or_english()
    opened: list[ConsultationLine] = []
    closed: list[ConsultationLine] = []
    for consultation in listed:
        line = ConsultationLine(
            _text(consultation, "title", language),
            consultation.opens_at,
            consultation.closes_at,
            _people(consultation.answered),
            _outcome(consultation),
        )
        if since <= consultation.opens_at < until and len(opened) < MOST_LISTED:
            opened.append(line)
        if since <= consultation.closes_at < until and len(closed) < MOST_LISTED:
            closed.append(line)
    return Table("consultations", _("Opened, closed and responses received"), figures), opened, closed


# Commitments ------------------------------------------------------------------------------

NOT_MADE = "not_made"  # a commitment not yet made on the day


def _status_on(day: date) -> Case:
    """A commitment's status at the end of ``day``: that of its latest update dated then or
    before; with none, the status it was made with, which is its status now unless a later
    update changed it, and otherwise taken to be "not started" (the default)."""
    _since, next_midnight = _span(day, day)
    latest = (
        CommitmentUpdate.objects.filter(commitment=OuterRef("pk"), on__lte=day)
        .order_by("-on", "-id")
        .values("status")[:1]
    )
    later = CommitmentUpdate.objects.filter(commitment=OuterRef("pk"), on__gt=day)
    made_with = Case(
        When(Exists(later), then=Value(Commitment.Status.NOT_STARTED.value)),
        default=F("status"),
        output_field=CharField(),
    )
    return Case(
        When(created_at__gte=next_midnight, then=Value(NOT_MADE)),
        default=Coalesce(Subquery(latest), made_with),
        output_field=CharField(),
    )


def _commitments(
    user: User, start: date, end: date, previous_start: date
) -> tuple[Table, Table, list[CommitmentLine], int]:
    today = timezone.localdate()
    statuses: dict[str, str | Promise] = dict(Commitment.Status.choices)
    visible = visible_to(user, Commitment.objects.all()).annotate(
        before_start=_status_on(previous_start - timedelta(days=1)),
        at_start=_status_on(start - timedelta(days=1)),
        at_end=_status_on(end),
    )
    overdue_end = min(end + timedelta(days=1), today)
    overdue_start = min(start, today)
    # One row for each mix of statuses on the three days (a few dozen at most), so each
    # commitment's statuses are worked out once, and the tallies are made here.
    mixes = (
        visible.annotate(
            due_by_end=Case(When(due_on__lt=overdue_end, then=Value(True)), default=Value(False)),
            due_by_start=Case(When(due_on__lt=overdue_start, then=Value(True)), default=Value(False)),
        )
        .order_by()
        .values_list("before_start", "at_start", "at_end", "due_by_end", "due_by_start")
        .annotate(n=Count("pk"))
    )
    counts: Counter[str] = Counter()
    done, not_open = Commitment.Status.DONE, {*Commitment.CLOSED, NOT_MADE}
    for before_start, at_start, at_end, due_by_end, due_by_start, n in mixes:
        counts[f"start_{at_start}"] += n
        counts[f"end_{at_end}"] += n
        counts["new_now"] += n if at_start == NOT_MADE and at_end != NOT_MADE else 0
        counts["new_before"] += n if before_start == NOT_MADE and at_start != NOT_MADE else 0
        counts["done_now"] += n if at_end == done and at_start != done else 0
        counts["done_before"] += n if at_start == done and before_start != done else 0
        counts["overdue_now"] += n if due_by_end and at_end not in not_open else 0
        counts["overdue_before"] += n if due_by_start and at_start not in not_open else 0
        counts["changed"] += n if at_start != at_end else 0
    status_table = Table(
        "commitment_status",
        _("Commitments by status"),
        [
            Figure(label, counts[f"end_{status}"], counts[f"start_{status}"])
            for status, label in statuses.items()
        ],
        columns=(_("At the end of the period"), _("At the start of the period")),
    )
    movement = Table(
        "commitment_movement",
        _("Commitments made, done and overdue"),
        [
            Figure(_("New commitments"), counts["new_now"], counts["new_before"]),
            Figure(_("Commitments done"), counts["done_now"], counts["done_before"]),
            Figure(_("Overdue at the end of the period"), counts["overdue_now"], counts["overdue_before"]),
        ],
    )
    language = current_welsh_or_english()
    changed = (
        visible.exclude(at_start=F("at_end"))
        .only("title", "title_cy", "due_on", "status")
        .order_by("due_on", "title")[:MOST_LISTED]
    )
    lines = [
        CommitmentLine(
            _text(c, "title", language),
            _("New") if c.at_start == NOT_MADE else statuses[c.at_start],
            statuses[c.at_end],
            c.due_on,
        )
        for c in changed
    ]
    return status_table, movement, lines, counts["changed"]


# Share-backs ------------------------------------------------------------------------------


def _sharebacks(
    user: User, report: Report, start: date, end: date, previous_start: date, previous_end: date
) -> tuple[Table, list[SharedLine]]:
    since, until = _span(start, end)
    before_since, _before_until = _span(previous_start, previous_end)
    impact = visible_to(user, ImpactRecord.objects.all())
    bulletins = visible_to(user, Bulletin.objects.filter(kind=Bulletin.Kind.SHARE_BACK)).filter(
        impact__in=impact.values("pk")
    )
    reached = (
        Delivery.objects.filter(
            bulletin__in=bulletins.values("pk"),
            status=Delivery.Status.SENT,
            sent_at__gte=before_since,
            sent_at__lt=until,
        )
        .order_by()
        .aggregate(
            now=Count("subscriber", distinct=True, filter=Q(sent_at__gte=since)),
            before=Count("subscriber", distinct=True, filter=Q(sent_at__lt=since)),
        )
    )
    figures = [
        *(_from_report(report, label, people=False) for label in SHARED_ROWS),
        Figure(_("People told by email what changed"), _people(reached["now"]), _people(reached["before"])),
    ]
    language = current_welsh_or_english()
    shared = (
        impact.filter(shared_back_on__gte=start, shared_back_on__lte=end)
        .select_related("project")
        .order_by("shared_back_on", "pk")[:MOST_LISTED]
    )
    lines = [
        SharedLine(
            r.project.name,
            _text(r, "you_said", language),
            _text(r, "we_did", language),
            r.shared_back_on or start,
            r.shared_back_how,
        )
        for r in shared
    ]
    return Table("sharebacks", _("Records made and shared back"), figures), lines


# Service feedback -------------------------------------------------------------------------


def _feedback(user: User, start: date, end: date, previous_start: date, previous_end: date) -> Table:
    since, until = _span(start, end)
    before_since, _before_until = _span(previous_start, previous_end)
    services = visible_to(user, Service.objects.all()).values("pk")
    page = (
        PageFeedback.objects.filter(service__in=services, created_at__gte=before_since, created_at__lt=until)
        .order_by()
        .aggregate(
            now=Count("pk", filter=Q(created_at__gte=since)),
            before=Count("pk", filter=Q(created_at__lt=since)),
        )
    )
    exits = (
        ExitSurveyResponse.objects.filter(
            service__in=services, created_at__gte=before_since, created_at__lt=until
        )
        .order_by()
        .aggregate(
            now=Count("pk", filter=Q(created_at__gte=since)),
            before=Count("pk", filter=Q(created_at__lt=since)),
            satisfied_now=Count("pk", filter=Q(created_at__gte=since, satisfaction__gte=4)),
            satisfied_before=Count("pk", filter=Q(created_at__lt=since, satisfaction__gte=4)),
        )
    )
    return Table(
        "feedback",
        _("Feedback and satisfaction"),
        [
            Figure(_("Feedback on pages of our services"), _people(page["now"]), _people(page["before"])),
            Figure(_("Exit survey answers"), _people(exits["now"]), _people(exits["before"])),
            Figure(
                _("Satisfied or very satisfied"),
                _share(exits["satisfied_now"], exits["now"]),
                _share(exits["satisfied_before"], exits["before"]),
                percent=True,
            ),
        ],
    )


# The pack ---------------------------------------------------------------------------------


def _equity(
    user: User, start: date, end: date, previous_start: date, previous_end: date
) -> tuple[list[EquityLine], list[str]]:
    """Groups whose share of the people who took part differs from their share of the
    population beyond chance (``chorus.insights.equity``), by where people live and whether
    they prefer Welsh; never from equality answers."""
    from chorus.insights.equity import EQUALITY_DIMENSIONS, equity

    def said(found: Any) -> dict[tuple[str, str], tuple[str, str | Promise]]:
        """Each group's flag, and what the pack says of it."""
        return {
            (d.key, row.key): (row.flag, row.representation)
            for d in found.dimensions
            if d.key not in EQUALITY_DIMENSIONS
            for row in d.rows
        }

    now = equity(user=user, project=None, start=start, end=end, with_equality=False)
    earlier = equity(user=user, project=None, start=previous_start, end=previous_end, with_equality=False)
    this, before = said(now), said(earlier)
    unknown = ("", _("Not known"))
    lines = [
        EquityLine(str(d.heading), str(row.label), this[key][1], before.get(key, unknown)[1])
        for d in now.dimensions
        if d.key not in EQUALITY_DIMENSIONS
        for row in d.rows
        if this[key := (d.key, row.key)][0] or before.get(key, unknown)[0]
    ]
    missing = [str(d.why_not) for d in now.dimensions if d.key not in EQUALITY_DIMENSIONS and d.why_not]
    return lines, missing


def organisation_name(language: str) -> str:
    welsh = settings.CHORUS_ORGANISATION_NAME_CY if language == "cy" else None
    return str(welsh or settings.CHORUS_ORGANISATION_NAME or settings.CHORUS_SERVICE_NAME)


def board_pack(user: User, start: date, end: date) -> Pack:
    """Everything ``user`` may see of the period from ``start`` to ``end`` (both included),
    beside the period before (the quarter before a quarter, otherwise as many days), in the
    active language."""
    previous_start, previous_end = previous_period(start, end)
    language = current_welsh_or_english()
    report = engagement_report(user=user, start=start, end=end)
    engagement = Table(
        "engagement",
        _("People reached and activities held"),
        [_from_report(report, label, people) for label, people in ENGAGEMENT_ROWS],
    )
    by_type = next(s for s in report.sections if s.key == "type")
    activity_types = Table(
        "activity_types",
        _("Activities by type"),
        [Figure(r.label, r.current, r.previous) for r in by_type.rows],
    )
    checkpoints, missed = _checkpoints(user, start, end, previous_start)
    consultations, opened, closed = _consultations(user, start, end, previous_start, previous_end)
    status_table, movement, changed, changed_count = _commitments(user, start, end, previous_start)
    sharebacks, shared = _sharebacks(user, report, start, end, previous_start, previous_end)
    equity_lines, equity_missing = _equity(user, start, end, previous_start, previous_end)
    return Pack(
        start=start,
        end=end,
        previous_start=previous_start,
        previous_end=previous_end,
        language=language,
        organisation=organisation_name(language),
        made_at=timezone.now(),
        below=threshold(),
        engagement=engagement,
        activity_types=activity_types,
        checkpoints=checkpoints,
        checkpoints_missed=missed,
        consultations=consultations,
        consultations_opened=opened,
        consultations_closed=closed,
        commitment_status=status_table,
        commitment_movement=movement,
        commitments_changed=changed,
        commitments_changed_count=changed_count,
        sharebacks=sharebacks,
        shared=shared,
        feedback=_feedback(user, start, end, previous_start, previous_end),
        equity=equity_lines,
        equity_missing=equity_missing,
    )
