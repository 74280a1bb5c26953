"""The cases dashboard: cases received by kind, category, service and region; how many were
closed within their service level, kind by kind and stage by stage; what complaints came
to; how satisfied the people asked were; each beside the period of the same length just
before.

``case_dashboard`` counts in the database, a fixed number of grouped queries whatever the
number of cases, over the cases the user may see (``visible_to``, as the cases list); the
page and the CSV both render the one ``Dashboard`` it returns.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from chorus.cases.models import (
    Case,
    Category,
    Kind,
    Outcome,
    SatisfactionSurvey,
    ServiceLevel,
    Stage,
    Status,
)
from chorus.cases.services import DEFAULT_DAYS
from chorus.cases.working_days import is_working_day
from chorus.core.access import visible_to
from chorus.core.disclosure import threshold
from chorus.core.i18n import current_welsh_or_english
from chorus.engagement.report import Row, previous_period, quarter_of

if TYPE_CHECKING:
    from chorus.accounts.models import Team, User
    from chorus.directory.models import Region

# Rows a chart draws; its table beside it has every row (services: up to ``TABLE_ROWS``).
CHART_ROWS = 20
# Services are typed by people, so there can be many: the table has the busiest and one row
# for the rest (the CSV has every one).
TABLE_ROWS = 30


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    previous_start: date
    previous_end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def period_for(choice: str, today: date, start: date | None = None, end: date | None = None) -> Period:
    """This quarter so far (the default), last quarter, or the dates chosen; each with the
    period before it (the quarter before a whole quarter, otherwise the same number of days
    just before)."""
    if choice == "custom" and start and end:
        first, last = start, end
    elif choice == "last_quarter":
        first, last = quarter_of(quarter_of(today)[0] - timedelta(days=1))
    else:
        first, last = quarter_of(today)[0], today
    before = previous_period(first, last)
    return Period(first, last, before[0], before[1])


@dataclass
class Section:
    key: str
    title: str | Promise
    rows: list[Row]
    # What the table's first column names ("Kind", "Outcome").
    column: str | Promise = ""
    # Whether the table shows the busiest rows and adds up the rest ("All other services").
    fold: bool = False

    @property
    def chart_rows(self) -> list[Row]:
        return self.rows[:CHART_ROWS]

    @property
    def table_rows(self) -> list[Row]:
        """The table's rows: every one, or where folded, the busiest and one for the rest
        (the CSV has every one)."""
        if not self.fold or len(self.rows) <= TABLE_ROWS:
            return self.rows
        rest = self.rows[TABLE_ROWS - 1 :]
        return [
            *self.rows[: TABLE_ROWS - 1],
            Row(
                _("All other services (%(count)s)") % {"count": len(rest)},
                sum(r.current for r in rest),
                sum(r.previous for r in rest),
            ),
        ]

    @property
    def chart_height(self) -> int:
        """Height of the SVG chart: 28 units a row, as the engagement report draws it."""
        return len(self.chart_rows) * 28 + 8

    @property
    def largest(self) -> int:
        return max([1, *(max(r.current, r.previous) for r in self.rows)])

    @property
    def total(self) -> Row:
        return Row(_("All"), sum(r.current for r in self.rows), sum(r.previous for r in self.rows))


@dataclass
class Timeliness:
    """One kind (and, for complaints, stage): cases closed in each period, how many within
    the service level, the median working days taken; and open and overdue now."""

    kind: str
    stage: str
    label: str | Promise
    working_days: int
    closed: int = 0
    closed_before: int = 0
    within: int = 0
    within_before: int = 0
    days_taken: Counter[int] = field(default_factory=Counter)
    days_taken_before: Counter[int] = field(default_factory=Counter)
    open_now: int = 0
    overdue_now: int = 0

    @property
    def share(self) -> int | None:
        return _percent(self.within, self.closed)

    @property
    def share_before(self) -> int | None:
        return _percent(self.within_before, self.closed_before)

    @property
    def share_change(self) -> int | None:
        if self.share is None or self.share_before is None:
            return None
        return self.share - self.share_before

    @property
    def median(self) -> float | None:
        return _median(self.days_taken)

    @property
    def median_before(self) -> float | None:
        return _median(self.days_taken_before)


@dataclass
class Satisfaction:
    """Satisfaction surveys sent (when the case was closed) and answered in each period, and
    how many answers were satisfied or very satisfied."""

    sent: int = 0
    sent_before: int = 0
    answered: int = 0
    answered_before: int = 0
    satisfied: int = 0
    satisfied_before: int = 0

    @property
    def sent_row(self) -> Row:
        return Row(gettext_lazy("Surveys sent"), self.sent, self.sent_before)

    @property
    def answered_row(self) -> Row:
        return Row(gettext_lazy("Surveys answered"), self.answered, self.answered_before)

    @property
    def fewest(self) -> int:
        """The fewest answers whose share is shown."""
        return threshold()

    @property
    def share(self) -> int | None:
        """The share satisfied, as a whole percentage; None (hidden) when fewer answered than
        the disclosure threshold, as a share of a few answers could point at who gave them."""
        return _percent(self.satisfied, self.answered) if self.answered >= threshold() else None

    @property
    def share_before(self) -> int | None:
        return (
            _percent(self.satisfied_before, self.answered_before)
            if self.answered_before >= threshold()
            else None
        )

    @property
    def share_change(self) -> int | None:
        if self.share is None or self.share_before is None:
            return None
        return self.share - self.share_before


@dataclass
class Dashboard:
    period: Period
    filters: dict[str, Any]
    headline: list[Row]
    received: list[Section]
    timeliness: list[Timeliness]
    outcomes: Section
    # Shares of closed cases, as whole percentages (None where none were closed).
    within_share: int | None
    within_share_before: int | None
    upheld_share: int | None
    upheld_share_before: int | None
    open_now: int
    overdue_now: int
    satisfaction: Satisfaction


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def _median(counts: Counter[int]) -> float | None:
    """The median of values given as {value: how many}, without listing them one by one."""
    total = sum(counts.values())
    if not total:
        return None
    low_at, high_at = (total - 1) // 2, total // 2
    seen, low = 0, None
    for value in sorted(counts):
        seen += counts[value]
        if low is None and seen > low_at:
            low = value
        if seen > high_at:
            return (low + value) / 2 if low is not None else float(value)
    return None  # pragma: no cover (the counts add up to total)


def _span(start: date, end: date) -> tuple[datetime, datetime]:
    """The instants from the start of ``start`` to the end of ``end``, in local time."""
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def _working_day_index(first: date, last: date) -> dict[date, int]:
    """Working days from ``first`` to each day up to ``last``: the working days between two
    days is the difference of their numbers, one pass over the calendar rather than one per
    case."""
    index: dict[date, int] = {}
    count, day = 0, first
    while day <= last:
        if day != first and is_working_day(day):
            count += 1
        index[day] = count
        day += timedelta(days=1)
    return index


def cases_for(user: User, filters: dict[str, Any]) -> QuerySet[Case]:
    """The cases ``user`` may see (as the cases list shows them), narrowed by ``filters``."""
    cases = visible_to(user, Case.objects.all())
    if kind := filters.get("kind"):
        cases = cases.filter(kind=kind)
    if service := filters.get("service"):
        cases = cases.filter(service=service)
    if category := filters.get("category"):
        cases = cases.filter(category=category)
    if region := filters.get("region"):
        cases = cases.filter(Q(place__region=region) | Q(place__region__parent=region))
    if team := filters.get("team"):
        cases = cases.filter(team=team)
    # No ordering: it would be grouped by too.
    return cases.order_by()


@dataclass(frozen=True)
class DashboardScope:
    """The period and filters a user chose on the dashboard, as a higher app's section on it
    (``core.registry.page_section("cases_dashboard")``) gets them; ``query`` is the address's
    query that chose them."""

    period: Period
    filters: dict[str, Any]
    query: str

    @property
    def key(self) -> str:
        """The period and filters in a few characters, to find what was made for them again."""
        parts = [f"{self.period.start.isoformat()}/{self.period.end.isoformat()}"]
        for name in sorted(self.filters):
            value = self.filters[name]
            parts.append(f"{name}={getattr(value, 'pk', value)}")
        return "&".join(parts)[:300]


def scope_cases(user: User, scope: DashboardScope) -> QuerySet[Case]:
    """The cases ``user`` may see that were received in the scope's period, narrowed by its filters."""
    return cases_for(user, scope.filters).filter(
        received_on__gte=scope.period.start, received_on__lte=scope.period.end
    )


def services_named(user: User) -> list[str]:
    """The services named on the cases ``user`` may see, for the filter."""
    return list(
        visible_to(user, Case.objects.all())
        .exclude(service="")
        .order_by("service")
        .values_list("service", flat=True)
        .distinct()
    )


def _named(obj_name_en: str | None, obj_name_cy: str | None, language: str) -> str:
    return str((obj_name_cy if language == "cy" and obj_name_cy else obj_name_en) or "")


# What the received sections group by: one grouped query over the two periods' cases
# serves them all (each section adds up its own column), instead of one scan each.
RECEIVED_GROUPS = (
    "kind",
    "category",
    "category__name_en",
    "category__name_cy",
    "service",
    "place__region",
    "place__region__name_en",
    "place__region__name_cy",
)


def _received_counts(received: QuerySet[Case], period: Period) -> list[dict[str, Any]]:
    this_period = Q(received_on__gte=period.start)
    return list(
        received.values(*RECEIVED_GROUPS).annotate(
            current=Count("pk", filter=this_period), previous=Count("pk", filter=~this_period)
        )
    )


def _received_section(
    counts: list[dict[str, Any]],
    key: str,
    title: str | Promise,
    group: tuple[str, ...],
    label: Any,
    *,
    column: str | Promise,
    fold: bool = False,
) -> Section:
    added: dict[tuple[Any, ...], list[Any]] = {}
    for row in counts:
        held = added.setdefault(tuple(row[name] for name in group), [row, 0, 0])
        held[1] += row["current"]
        held[2] += row["previous"]
    rows = [Row(label(row), current, previous) for row, current, previous in added.values()]
    rows.sort(key=lambda r: (-r.current, -r.previous, str(r.label).lower()))
    return Section(key, title, rows, column, fold)


def _by_kind(counts: list[dict[str, Any]]) -> Section:
    found: dict[str, list[int]] = {}
    for row in counts:
        held = found.setdefault(row["kind"], [0, 0])
        held[0] += row["current"]
        held[1] += row["previous"]
    # Every kind, in the order staff know them, even where there were none.
    rows = [Row(kind.label, *found.get(kind.value, [0, 0])) for kind in Kind]
    return Section("kind", gettext_lazy("Cases received by kind"), rows, column=gettext_lazy("Kind"))


def _service_levels() -> dict[tuple[str, str], int]:
    levels = dict(DEFAULT_DAYS)
    levels.update({(level.kind, level.stage): level.working_days for level in ServiceLevel.objects.all()})
    return levels


def _timeliness(cases: QuerySet[Case], period: Period, today: date) -> list[Timeliness]:
    levels = _service_levels()
    rows: dict[tuple[str, str], Timeliness] = {}
    for kind in Kind:
        stages: list[Stage] = (
            [s for s in Stage if s != Stage.NONE] if kind == Kind.COMPLAINT else [Stage.NONE]
        )
        for stage in stages:
            label = f"{kind.label}: {stage.label}" if stage else kind.label
            rows[(kind.value, stage.value)] = Timeliness(
                kind.value, stage.value, label, levels.get((kind.value, stage.value), 10)
            )
    start, end = _span(period.previous_start, period.end)
    closed = (
        cases.filter(status=Status.CLOSED, closed_at__gte=start, closed_at__lt=end)
        # The day kept on the case; worked out from the time only where a bulk update
        # closed it without saving it (the database evaluates the second only then).
        .annotate(
            closed_day=Coalesce(
                F("closed_on"), TruncDate("closed_at", tzinfo=timezone.get_current_timezone())
            )
        )
        .values("kind", "stage", "stage_started_on", "closed_day")
        .annotate(n=Count("pk"), within=Count("pk", filter=Q(closed_day__lte=F("due_on"))))
    )
    groups = list(closed)
    if groups:
        first = min(min(g["stage_started_on"], g["closed_day"]) for g in groups)
        index = _working_day_index(first, max(g["closed_day"] for g in groups))
        for g in groups:
            row = rows.get((g["kind"], g["stage"]))
            if row is None:
                continue
            # A stage can start after the case closed (a received date typed later than the
            # day it was closed, past the index's last day): no working days taken.
            done = index[g["closed_day"]]
            taken = max(0, done - index.get(g["stage_started_on"], done))
            if g["closed_day"] >= period.start:
                row.closed += g["n"]
                row.within += g["within"]
                row.days_taken[taken] += g["n"]
            else:
                row.closed_before += g["n"]
                row.within_before += g["within"]
                row.days_taken_before[taken] += g["n"]
    for g in (
        cases.filter(status=Status.OPEN)
        .values("kind", "stage")
        .annotate(n=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
    ):
        row = rows.get((g["kind"], g["stage"]))
        if row is not None:
            row.open_now, row.overdue_now = g["n"], g["overdue"]
    return list(rows.values())


def _outcomes(cases: QuerySet[Case], period: Period) -> Section:
    start, end = _span(period.previous_start, period.end)
    this_start = _span(period.start, period.end)[0]
    this_period = Q(closed_at__gte=this_start)
    found = {
        row["outcome"]: row
        for row in cases.filter(
            kind=Kind.COMPLAINT, status=Status.CLOSED, closed_at__gte=start, closed_at__lt=end
        )
        .values("outcome")
        .annotate(current=Count("pk", filter=this_period), previous=Count("pk", filter=~this_period))
    }
    rows = [
        Row(
            outcome.label,
            found.get(outcome.value, {}).get("current", 0),
            found.get(outcome.value, {}).get("previous", 0),
        )
        for outcome in (Outcome.UPHELD, Outcome.PARTLY_UPHELD, Outcome.NOT_UPHELD)
    ]
    unrecorded = found.get(Outcome.NONE.value)
    if unrecorded:
        rows.append(Row(_("No outcome recorded"), unrecorded["current"], unrecorded["previous"]))
    return Section(
        "outcomes", gettext_lazy("Outcomes of complaints closed"), rows, column=gettext_lazy("Outcome")
    )


def _satisfaction(cases: QuerySet[Case], period: Period) -> Satisfaction:
    """One aggregate over the surveys of the cases counted, sent or answered in either period."""
    start, end = _span(period.previous_start, period.end)
    this_start = _span(period.start, period.end)[0]
    sent_now = Q(created_at__gte=this_start, created_at__lt=end)
    sent_before = Q(created_at__gte=start, created_at__lt=this_start)
    answered_now = Q(answered_at__gte=this_start, answered_at__lt=end)
    answered_before = Q(answered_at__gte=start, answered_at__lt=this_start)
    satisfied = Q(
        satisfaction__in=[
            SatisfactionSurvey.Satisfaction.VERY_SATISFIED,
            SatisfactionSurvey.Satisfaction.SATISFIED,
        ]
    )
    figures = (
        # The periods' surveys first, on their dates' indexes, each then checked against the
        # cases counted (as ``case__in``, SQLite went through every case the user may see).
        SatisfactionSurvey.objects.filter(sent_now | sent_before | answered_now | answered_before)
        .filter(Exists(cases.filter(pk=OuterRef("case_id"))))
        .aggregate(
            sent=Count("pk", filter=sent_now),
            sent_before=Count("pk", filter=sent_before),
            answered=Count("pk", filter=answered_now),
            answered_before=Count("pk", filter=answered_before),
            satisfied=Count("pk", filter=answered_now & satisfied),
            satisfied_before=Count("pk", filter=answered_before & satisfied),
        )
    )
    return Satisfaction(**{name: value or 0 for name, value in figures.items()})


def case_dashboard(
    *, user: User, period: Period, filters: dict[str, Any], today: date | None = None
) -> Dashboard:
    today = today or timezone.localdate()
    language = current_welsh_or_english()
    cases = cases_for(user, filters)
    received = cases.filter(received_on__gte=period.previous_start, received_on__lte=period.end)
    counts = _received_counts(received, period)
    not_recorded = _("Not recorded")
    sections = [
        _by_kind(counts),
        _received_section(
            counts,
            "category",
            gettext_lazy("Cases received by category"),
            ("category", "category__name_en", "category__name_cy"),
            lambda r: _named(r["category__name_en"], r["category__name_cy"], language) or not_recorded,
            column=gettext_lazy("Category"),
        ),
        _received_section(
            counts,
            "service",
            gettext_lazy("Cases received by service"),
            ("service",),
            lambda r: r["service"] or not_recorded,
            column=gettext_lazy("Service"),
            fold=True,
        ),
        _received_section(
            counts,
            "region",
            gettext_lazy("Cases received by region"),
            ("place__region", "place__region__name_en", "place__region__name_cy"),
            lambda r: (
                _named(r["place__region__name_en"], r["place__region__name_cy"], language) or not_recorded
            ),
            column=gettext_lazy("Region"),
        ),
    ]
    timeliness = _timeliness(cases, period, today)
    outcomes = _outcomes(cases, period)
    closed = sum(t.closed for t in timeliness)
    closed_before = sum(t.closed_before for t in timeliness)
    within = sum(t.within for t in timeliness)
    within_before = sum(t.within_before for t in timeliness)
    upheld = outcomes.rows[:2]
    complaints = outcomes.total
    headline = [
        Row(gettext_lazy("Cases received"), sections[0].total.current, sections[0].total.previous),
        Row(gettext_lazy("Cases closed"), closed, closed_before),
        Row(gettext_lazy("Closed within the service level"), within, within_before),
        Row(gettext_lazy("Complaints closed"), complaints.current, complaints.previous),
        Row(
            gettext_lazy("Complaints upheld or partly upheld"),
            sum(r.current for r in upheld),
            sum(r.previous for r in upheld),
        ),
    ]
    return Dashboard(
        period=period,
        filters=filters,
        headline=headline,
        received=sections,
        timeliness=timeliness,
        outcomes=outcomes,
        within_share=_percent(within, closed),
        within_share_before=_percent(within_before, closed_before),
        upheld_share=_percent(headline[4].current, complaints.current),
        upheld_share_before=_percent(headline[4].previous, complaints.previous),
        open_now=sum(t.open_now for t in timeliness),
        overdue_now=sum(t.overdue_now for t in timeliness),
        satisfaction=_satisfaction(cases, period),
    )


def _median_cell(value: float | None) -> float | str:
    return "" if value is None else value


def dashboard_rows(dashboard: Dashboard) -> list[list[Any]]:
    """The dashboard as CSV rows: section, item, this period, previous period, change, in
    the reader's language; figures stay numbers, so a spreadsheet adds them up."""
    p = dashboard.period
    rows: list[list[Any]] = [
        [_("Section"), _("Item"), _("This period"), _("Previous period"), _("Change")],
        [
            _("Period"),
            _("Dates"),
            f"{p.start.isoformat()}..{p.end.isoformat()}",
            f"{p.previous_start.isoformat()}..{p.previous_end.isoformat()}",
            "",
        ],
    ]
    for name, value in filter_labels(dashboard.filters):
        rows.append([_("Filter"), name, value, "", ""])
    for r in dashboard.headline:
        rows.append([_("Headline figures"), str(r.label), r.current, r.previous, r.change])
    for section in [*dashboard.received, dashboard.outcomes]:
        for r in section.rows:
            rows.append([str(section.title), str(r.label), r.current, r.previous, r.change])
    heading = _("Timeliness")
    for t in dashboard.timeliness:
        label = str(t.label)
        rows += [
            [
                heading,
                _("%(kind)s: closed") % {"kind": label},
                t.closed,
                t.closed_before,
                t.closed - t.closed_before,
            ],
            [
                heading,
                ngettext(
                    "%(kind)s: closed within %(days)s working day",
                    "%(kind)s: closed within %(days)s working days",
                    t.working_days,
                )
                % {"kind": label, "days": t.working_days},
                t.within,
                t.within_before,
                t.within - t.within_before,
            ],
            [
                heading,
                _("%(kind)s: share closed within the service level, per cent") % {"kind": label},
                "" if t.share is None else t.share,
                "" if t.share_before is None else t.share_before,
                "" if t.share_change is None else t.share_change,
            ],
            [
                heading,
                _("%(kind)s: median working days to close") % {"kind": label},
                _median_cell(t.median),
                _median_cell(t.median_before),
                "" if t.median is None or t.median_before is None else round(t.median - t.median_before, 1),
            ],
            [heading, _("%(kind)s: open now") % {"kind": label}, t.open_now, "", ""],
            [heading, _("%(kind)s: overdue now") % {"kind": label}, t.overdue_now, "", ""],
        ]
    s = dashboard.satisfaction
    heading = _("Satisfaction")
    rows += [
        [heading, _("Surveys sent"), s.sent, s.sent_before, s.sent - s.sent_before],
        [heading, _("Surveys answered"), s.answered, s.answered_before, s.answered - s.answered_before],
        [
            heading,
            _("Share satisfied or very satisfied, per cent"),
            "" if s.share is None else s.share,
            "" if s.share_before is None else s.share_before,
            "" if s.share_change is None else s.share_change,
        ],
    ]
    return rows


def filter_labels(filters: dict[str, Any]) -> list[tuple[str, str]]:
    language = current_welsh_or_english()
    shown: list[tuple[str, str]] = []
    if kind := filters.get("kind"):
        shown.append((_("Kind"), str(Kind(kind).label)))
    if service := filters.get("service"):
        shown.append((_("Service"), service))
    category: Category | None = filters.get("category")
    if category is not None:
        shown.append((_("Category"), _named(category.name_en, category.name_cy, language)))
    region: Region | None = filters.get("region")
    if region is not None:
        shown.append((_("Region"), region.name_for(language)))
    team: Team | None = filters.get("team")
    if team is not None:
        shown.append((_("Team"), team.name))
    return shown
