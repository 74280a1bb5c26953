"""Equity of reach: who took part, beside the population the organisation serves.

People took part when they came to an activity (attendance marked), were on a panel when
it met, or answered a consultation from an email the directory holds for them (as the
checkpoints count them, ``chorus.engagement.participation``; each response is linked to
that person when stored, ``chorus.consultations.linking``). Their region and whether
they prefer Welsh come from the directory. Age, sex, ethnic group and disability come
only from equality answers, and only as the releases stored them: the figures of the
latest ``EqualityRelease`` of each consultation and each service's exit survey are added
up, so they move only when a release of at least the suppression threshold of new people
does (docs/architecture.md, "Equality figures"), and they are suppressed and rounded like
every equality count. They cover every consultation and service of the organisation that
asked, whatever the period. Service feedback is anonymous and carries no area, so it
counts only there, never by region nor for one project (no feedback belongs to a project).

Each group's share of the participants has a 95% Wilson interval. A group is
under-represented beyond chance when its share of the population lies above the
interval, and over-represented when it lies below.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as dt_time
from typing import TYPE_CHECKING, Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chorus.consultations.models import Consultation, Response
from chorus.core.access import visible_to
from chorus.core.disclosure import Cell, suppress, threshold
from chorus.core.i18n import current_language
from chorus.core.stats import wilson
from chorus.directory.models import GroupMembership, Person, Region
from chorus.engagement.models import Activity, Attendance
from chorus.equality.models import EqualityRelease
from chorus.equality.questions import QUESTIONS
from chorus.equality.services import rounded
from chorus.feedback.models import Service
from chorus.insights.population import TABLES, TOTAL, Figures, populations

if TYPE_CHECKING:
    from chorus.accounts.models import User
    from chorus.engagement.models import Project

UNDER = "under"
OVER = "over"
# The Census table whose totals give each region's population, first held first.
REGION_TOTALS = ("sex", "age", "ethnic_group", "disability")
# Census five-year bands in each band the equality question asks about. The band of 15 to
# 19 year olds straddles two, so it is shared as if ages within it were equally common.
AGE_BANDS: dict[str, dict[str, float]] = {
    "under_16": {"0_4": 1, "5_9": 1, "10_14": 1, "15_19": 0.2},
    "16_24": {"15_19": 0.8, "20_24": 1},
    "25_34": {"25_29": 1, "30_34": 1},
    "35_44": {"35_39": 1, "40_44": 1},
    "45_54": {"45_49": 1, "50_54": 1},
    "55_64": {"55_59": 1, "60_64": 1},
    "65_74": {"65_69": 1, "70_74": 1},
    "75_over": {"75_79": 1, "80_84": 1, "85_over": 1},
}
EQUALITY_DIMENSIONS = ("age", "sex", "ethnic_group", "disability")
QUESTION_OF = {"age": "age_band", "sex": "sex", "ethnic_group": "ethnic_group", "disability": "disability"}


@dataclass
class GroupRow:
    key: str
    label: Any
    count: int | None  # None when suppressed
    share: float | None  # of the participants, 0 to 1
    low: float | None
    high: float | None
    population_share: float | None

    def percent(self, name: str) -> float | None:
        value = getattr(self, name)
        return None if value is None else round(100 * value, 1)

    @property
    def percents(self) -> dict[str, float | None]:
        """Share, interval and population share as percentages, for the page."""
        return {name: self.percent(name) for name in ("share", "low", "high", "population_share")}

    @property
    def flag(self) -> str:
        if self.high is None or self.low is None or self.population_share is None:
            return ""
        if self.population_share > self.high:
            return UNDER
        if self.population_share < self.low:
            return OVER
        return ""

    @property
    def representation(self) -> Any:
        """The flag in words, as the equity page and the downloads say it."""
        if self.flag:
            return _("Under-represented") if self.flag == UNDER else _("Over-represented")
        return _("Within chance") if self.high is not None else _("Not known")


@dataclass
class Dimension:
    key: str
    heading: Any
    counted: Any  # who the participants' figures are of
    rows: list[GroupRow] = field(default_factory=list)
    participants: int | None = None  # None when suppressed
    why_not: Any = ""  # said instead of the table when there is none

    @property
    def flagged(self) -> list[GroupRow]:
        return [row for row in self.rows if row.flag]


@dataclass
class Equity:
    start: date | None
    end: date | None
    dimensions: list[Dimension]

    def flags(self, direction: str = UNDER) -> list[tuple[Any, Any]]:
        """(dimension heading, group) of every group flagged ``direction``."""
        return [(d.heading, row.label) for d in self.dimensions for row in d.rows if row.flag == direction]


# --- Who took part ---------------------------------------------------------------------


def _in_period(prefix: str, start: date | None, end: date | None) -> Q:
    """Times from the start of ``start`` to the end of ``end``, local time, and not in the
    future. Compared as times rather than by their dates (``__date``), so the database can
    use its index: on SQLite each ``__date`` is a Python call per row, ten seconds over a
    million responses."""
    condition = Q(**{f"{prefix}__lte": Now()})
    if start is not None:
        condition &= Q(**{f"{prefix}__gte": _midnight(start)})
    if end is not None:
        condition &= Q(**{f"{prefix}__lt": _midnight(end + timedelta(days=1))})
    return condition


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, dt_time.min))


def participants(
    *, user: User, project: Project | None, start: date | None, end: date | None
) -> QuerySet[Person]:
    """The directory people who took part (in ``project``, or anywhere) in the period, in
    the activities and consultations ``user`` may see (another team's restricted ones are
    not counted, nor can they be worked out by difference). A query to count from, not
    a list: the database adds them up."""
    activities = visible_to(user, Activity.objects.all()).values("pk")
    consultations = visible_to(user, Consultation.objects.all()).values("pk")
    # The period's activities first, on their own index: filtered on the join instead,
    # SQLite went through every activity the user may see (all of them, mostly).
    held = visible_to(user, Activity.objects.filter(_in_period("starts_at", start, end))).values("pk")
    attended = Attendance.objects.filter(attended=True, activity__in=held)
    # A panel member took part when one of the panel's activities in the period fell
    # within their membership (the same activity: the group having met at some other
    # time of the period does not count).
    whole, joined_or_left = _panel_members(activities, project, start, end)
    # Who each response is from was matched to the directory when it was stored
    # (``chorus.consultations.linking``): matching the period's addresses here was most of
    # the board pack's time on PostgreSQL.
    responses = Response.objects.filter(
        _in_period("submitted_at", start, end), consultation__in=consultations, person__isnull=False
    )
    if project is not None:
        attended = attended.filter(activity__projects=project)
        responses = responses.filter(consultation__project=project)
    # One list of ids (a UNION), not a test of each person against each list in turn: on
    # PostgreSQL that read every person of the directory, in each of its parallel workers.
    took_part = (
        attended.order_by()
        .values("person_id")
        .union(whole.order_by(), responses.order_by().values("person_id"))
    )
    return Person.objects.filter(Q(pk__in=took_part) | _any_of(joined_or_left))


def _panel_members(
    activities: QuerySet[Any], project: Project | None, start: date | None, end: date | None
) -> tuple[QuerySet[Any], set[int]]:
    """Who took part through a panel, in two parts: a query of the members who belonged
    throughout the period, of panels that met in it (nearly all of them), and the ids of
    those who joined or left within the period and were members on the day of one of
    their panel's meetings. The second part is worked out here from the meetings' local
    dates: in the database, each pair of membership and meeting would need its time turned
    into a local date, which on SQLite is a Python call (over ten seconds on the large
    demo data)."""
    met = Activity.objects.filter(
        _in_period("starts_at", start, end), pk__in=activities, groups__is_panel=True
    )
    if project is not None:
        met = met.filter(projects=project)
    days: dict[int, list[date]] = {}
    for group, starts_at in met.values_list("groups", "starts_at").order_by():
        days.setdefault(group, []).append(timezone.localdate(starts_at))
    if not days:
        return GroupMembership.objects.none().values("person_id"), set()
    for found in days.values():
        found.sort()
    on_panels = GroupMembership.objects.filter(group__in=list(days), group__is_panel=True)
    throughout = _member_throughout(start, end)
    whole = on_panels.filter(throughout).values("person_id")
    some_of_it: set[int] = set()
    for person, group, joined, left in on_panels.exclude(throughout).values_list(
        "person_id", "group_id", "start", "end"
    ):
        meetings = days[group]
        first = bisect_left(meetings, joined or date.min)
        if first < len(meetings) and meetings[first] <= (left or date.max):
            some_of_it.add(person)
    return whole, some_of_it


def _any_of(ids: set[int]) -> Q:
    """``pk__in=ids``, in parts small enough for any database's limit on parameters."""
    ordered = sorted(ids)
    condition = Q(pk__in=[])
    for first in range(0, len(ordered), 10_000):
        condition |= Q(pk__in=ordered[first : first + 10_000])
    return condition


def _member_throughout(start: date | None, end: date | None) -> Q:
    """Panel memberships that cover the whole period (to today where it has no end)."""
    last = end if end is not None else timezone.localdate()
    throughout = Q(end__isnull=True) | Q(end__gte=last)
    if start is None:
        return throughout & Q(start__isnull=True)
    return throughout & (Q(start__isnull=True) | Q(start__lte=start))


def _reach(people: QuerySet[Person], codes: Collection[str]) -> dict[str, Region]:
    """The regions of ``codes``, each with how many of ``people`` live there
    (``took_part``) and how many of those prefer Welsh (``welsh``). The people are counted
    in one grouped query, with who took part as a subquery in its WHERE clause, which the
    database works out once; as a filter inside the counts, SQLite worked it out again for
    every person of every region (a board pack on the large demo ran for over 15 minutes)."""
    if not codes:
        return {}
    counted = {
        row["region__ons_code"]: row
        for row in people.filter(region__ons_code__in=list(codes))
        .values("region__ons_code")
        .annotate(took_part=Count("pk"), welsh=Count("pk", filter=Q(preferred_language="cy")))
        .order_by()
    }
    regions = {region.ons_code: region for region in Region.objects.filter(ons_code__in=list(codes))}
    for code, region in regions.items():
        row = counted.get(code, {})
        region.took_part = row.get("took_part", 0)  # type: ignore[attr-defined]
        region.welsh = row.get("welsh", 0)  # type: ignore[attr-defined]
    return regions


Cells = dict[str, dict[str, int]]


def released_answers(*, user: User) -> tuple[Cells, set[tuple[str, str]]]:
    """Question -> answer -> people, added up over the latest release of each consultation
    and each service's exit survey that asks the equality questions and that ``user`` may
    see, whatever the period (were the period to choose them, comparing two periods' sums
    would pick out one consultation's groups, small ones included); and the (question,
    answer) cells that some of them holds fewer than the suppression threshold of (but
    some): those stay hidden in the sum too, or the sum less the others' figures would show
    them. Only the counts a release stored are read, in one query."""
    consultations = visible_to(user, Consultation.objects.filter(equality_monitoring=True)).values("code")
    services = visible_to(user, Service.objects.filter(equality_monitoring=True)).values("code")
    newest = EqualityRelease.objects.filter(asked_for=OuterRef("asked_for")).order_by("-number")
    releases = EqualityRelease.objects.filter(
        Q(asked_for__in=consultations) | Q(asked_for__in=services),
        number=Subquery(newest.values("number")[:1]),
    )
    total: Cells = {}
    small: set[tuple[str, str]] = set()
    least = threshold()
    for counts in releases.values_list("counts", flat=True):
        for question, answers in (counts or {}).get("answers", {}).items():
            for answer, count in answers.items():
                total.setdefault(question, {})
                total[question][answer] = total[question].get(answer, 0) + int(count)
                if 0 < int(count) < least:
                    small.add((question, answer))
    return total, small


# --- Shares and flags ------------------------------------------------------------------


def compare(
    counts: Mapping[str, int],
    labels: Mapping[str, Any],
    population_counts: Mapping[str, float],
    *,
    equality: bool = False,
    hidden: Iterable[str] = (),
) -> tuple[list[GroupRow], int | None]:
    """Each group's share of the participants, with its interval, beside its share of the
    population. Small counts are suppressed; equality counts are rounded too, and their
    shares and intervals are worked out from the rounded counts shown, so they tell no
    more than the table does."""
    cells, total = suppress(dict(counts))
    if equality:
        total = rounded(total)
        # A cell hidden for one release's few is hidden like a small one: never alone
        # beside a total, or the total less the other cells would give it back.
        hide = {cell.key for cell in cells if cell.suppressed} | set(hidden)
        if len(hide) == 1:
            others = sorted((cell.count or 0, cell.key) for cell in cells if cell.key not in hide)
            hide |= {key for _count, key in others[:1]}
        cells = [cell if cell.key not in hide else Cell(cell.key, None) for cell in cells]
    whole = sum(population_counts.values())
    rows = []
    for cell in cells:
        count = rounded(cell.count) if equality else cell.count
        population_share = population_counts.get(cell.key, 0) / whole if whole else None
        if count is None or not total:
            rows.append(GroupRow(cell.key, labels[cell.key], None, None, None, None, population_share))
            continue
        shown = min(count, total)
        low, high = wilson(shown, total)
        rows.append(GroupRow(cell.key, labels[cell.key], count, shown / total, low, high, population_share))
    return rows, total


def _region_dimension(held: Mapping[str, Figures], reach: Mapping[str, Region]) -> Dimension:
    dimension = Dimension(
        "region", _("Region"), _("People in the directory who took part, by where they live")
    )
    totals: dict[str, float] = {}
    for table in REGION_TOTALS:
        for code, counts in held.get(table, {}).items():
            totals.setdefault(code, counts.get(TOTAL, sum(counts.values())))
    if not totals:
        dimension.why_not = _("No population figures have been imported.")
        return dimension
    language = current_language()
    names = {code: reach[code].name_for(language) if code in reach else code for code in totals}
    ordered = sorted(totals, key=lambda code: str(names[code]))
    found = {code: getattr(reach.get(code), "took_part", 0) for code in ordered}
    dimension.rows, dimension.participants = compare(found, {code: names[code] for code in ordered}, totals)
    return dimension


def _welsh_dimension(held: Mapping[str, Figures], reach: Mapping[str, Region]) -> Dimension:
    table = TABLES["welsh"]
    dimension = Dimension(
        "welsh",
        _("Welsh speakers"),
        _("People in the directory in Wales who took part, by whether they prefer Welsh"),
    )
    welsh = held.get("welsh", {})
    if not welsh:
        dimension.why_not = _("No population figures for Welsh language skills have been imported.")
        return dimension
    in_area = [reach[code] for code in welsh if code in reach]
    yes = sum(region.welsh for region in in_area)  # type: ignore[attr-defined]
    counts = {"yes": yes, "no": sum(region.took_part for region in in_area) - yes}  # type: ignore[attr-defined]
    pop = {c.key: float(sum(region.get(c.key, 0) for region in welsh.values())) for c in table.categories}
    labels = {c.key: c.label for c in table.categories}
    dimension.rows, dimension.participants = compare(counts, labels, pop)
    return dimension


def _equality_dimension(
    key: str,
    held: Mapping[str, Figures],
    answers: Mapping[str, Mapping[str, int]],
    small: set[tuple[str, str]],
) -> Dimension:
    question = next(q for q in QUESTIONS if q.name == QUESTION_OF[key])
    dimension = Dimension(
        key,
        question.heading,
        _(
            "People who answered the equality questions in a consultation or after giving feedback on "
            "a service, as at each one's latest release, whatever the period"
        ),
    )
    figures = held.get(key, {})
    if not figures:
        dimension.why_not = _("No population figures for this have been imported.")
        return dimension
    keys = [value for value, _label in question.choices if value != "prefer_not"]
    labels = dict(question.choices)
    pop: dict[str, float] = {}
    for value in keys:
        parts = AGE_BANDS[value] if key == "age" else {value: 1.0}
        pop[value] = sum(
            weight * region.get(band, 0) for region in figures.values() for band, weight in parts.items()
        )
    given = answers.get(question.name, {})
    dimension.rows, dimension.participants = compare(
        {value: given.get(value, 0) for value in keys},
        labels,
        pop,
        equality=True,
        hidden={value for value in keys if (question.name, value) in small},
    )
    return dimension


def equity(
    *,
    user: User,
    project: Project | None,
    start: date | None,
    end: date | None,
    with_equality: bool = True,
) -> Equity:
    """Equity of reach for the organisation's area, or one project, in a period. The rows
    drawn from equality answers are shown only for the whole organisation (never one
    project: a project's figures less the organisation's would narrow down the rest), and
    only to those who may see equality figures, on the equity page itself (which audits its
    views): the sections other pages show leave them out (``with_equality=False``)."""
    held = populations()
    people = participants(user=user, project=project, start=start, end=end)
    reach = _reach(people, {code for figures in held.values() for code in figures})
    dimensions = [_region_dimension(held, reach), _welsh_dimension(held, reach)]
    if with_equality and user.can_see_equality_figures and project is None:
        answers, small = released_answers(user=user)
        dimensions += [_equality_dimension(key, held, answers, small) for key in EQUALITY_DIMENSIONS]
    return Equity(start=start, end=end, dimensions=dimensions)
