"""The engagement report: levels of engagement in a period, beside the period before.

``engagement_report`` counts everything in the database (a fixed number of
aggregate queries per period, whatever the volume); the page, the CSV and the PDF
all render the one ``Report`` it returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, QuerySet, Sum, Value, When
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from chorus.core.access import visible_to
from chorus.core.i18n import current_language
from chorus.core.registry import ExportSection
from chorus.directory.models import Membership, Person, Region, StakeholderGroup
from chorus.engagement.models import (
    BROADCAST_TYPES,
    Activity,
    ActivityType,
    Attendance,
    Checkpoint,
    ImpactRecord,
    Project,
)

if TYPE_CHECKING:
    from chorus.accounts.models import Team, User


def quarter_of(day: date) -> tuple[date, date]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    end = (date(day.year + 1, 1, 1) if first_month == 10 else date(day.year, first_month + 3, 1)) - timedelta(
        days=1
    )
    return start, end


def quarter_label(start: date) -> str:
    return f"{start.year} Q{(start.month - 1) // 3 + 1}"


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The quarter before a quarter; otherwise the same number of days just before."""
    if quarter_of(start) == (start, end):
        return quarter_of(start - timedelta(days=1))
    days = (end - start).days + 1
    return start - timedelta(days=days), start - timedelta(days=1)


@dataclass
class Row:
    label: str | Promise
    current: int
    previous: int

    @property
    def change(self) -> int:
        return self.current - self.previous

    @property
    def change_percent(self) -> int | None:
        if not self.previous:
            return None
        return round(100 * (self.current - self.previous) / self.previous)


@dataclass
class Section:
    key: str
    title: str | Promise
    measure: str | Promise
    rows: list[Row]

    @property
    def chart_height(self) -> int:
        """Height of the page's SVG chart: 28 units a row, for the first 20 rows."""
        return min(len(self.rows), 20) * 28 + 8

    @property
    def largest(self) -> int:
        return max([1, *(max(r.current, r.previous) for r in self.rows)])


@dataclass
class Report:
    start: date
    end: date
    previous_start: date
    previous_end: date
    project: Project | None
    team: Team | None
    headline: list[Row]
    sections: list[Section]
    groups_not_engaged: list[str] = field(default_factory=list)
    regions_not_engaged: list[str] = field(default_factory=list)
    projects_overdue: list[tuple[str, int]] = field(default_factory=list)


def _span(start: date, end: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


CHANNEL = Case(
    When(kind__in=list(BROADCAST_TYPES), then=Value("broadcast")),
    When(Q(place__isnull=False) & ~Q(online_link=""), then=Value("hybrid")),
    When(place__isnull=False, then=Value("in_person")),
    When(~Q(online_link=""), then=Value("online")),
    default=Value("not_recorded"),
    output_field=CharField(),
)
CHANNELS = {
    "in_person": _("In person"),
    "online": _("Online"),
    "hybrid": _("In person and online"),
    "broadcast": _("Broadcast (bulletins, social media, surveys)"),
    "not_recorded": _("Not recorded"),
}


def _period(
    base: QuerySet[Activity], impact: QuerySet[ImpactRecord], start: date, end: date
) -> dict[str, Any]:
    acts = _activities_in(base, start, end)
    came = _came_in(base, start, end)
    sums = acts.aggregate(
        activities=Count("pk"),
        unlisted=Sum("unlisted_attendees"),
        recipients=Sum("recipients"),
        impressions=Sum("impressions"),
    )
    # Who came is counted by the database, never fetched: tens of thousands of ids per
    # period cost more to carry into Python than to count.
    figures: dict[str, Any] = {
        "came": came,
        "people": came.values("person").distinct().count(),
        "activities": sums["activities"],
        "unlisted": sums["unlisted"] or 0,
        "recipients": sums["recipients"] or 0,
        "impressions": sums["impressions"] or 0,
        "impact_made": impact.filter(decided_on__gte=start, decided_on__lte=end).count(),
        "impact_shared": impact.filter(shared_back_on__gte=start, shared_back_on__lte=end).count(),
        "kind": dict(acts.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n")),
        "channel": dict(
            acts.annotate(channel=CHANNEL)
            .values("channel")
            .annotate(n=Count("pk"))
            .values_list("channel", "n")
        ),
        "group": dict(
            acts.filter(groups__isnull=False)
            .values("groups")
            .annotate(n=Count("pk", distinct=True))
            .values_list("groups", "n")
        ),
        "region": dict(
            acts.filter(regions__isnull=False)
            .values("regions")
            .annotate(n=Count("pk", distinct=True))
            .values_list("regions", "n")
        ),
        "project": dict(
            acts.filter(projects__isnull=False)
            .values("projects")
            .annotate(n=Count("pk", distinct=True))
            .values_list("projects", "n")
        ),
        "project_people": dict(
            came.filter(activity__projects__isnull=False)
            .values("activity__projects")
            .annotate(n=Count("person", distinct=True))
            .values_list("activity__projects", "n")
        ),
    }
    return figures


def _activities_in(base: QuerySet[Activity], start: date, end: date) -> QuerySet[Activity]:
    since, until = _span(start, end)
    return base.filter(starts_at__gte=since, starts_at__lt=until)


def _came_in(base: QuerySet[Activity], start: date, end: date) -> QuerySet[Attendance]:
    return Attendance.objects.filter(
        attended=True, activity__in=_activities_in(base, start, end).values("pk")
    )


def _organisations(came: QuerySet[Attendance]) -> int:
    """Organisations reached: those of anyone who came."""
    return (
        Membership.objects.filter(person__in=came.values("person"))
        .order_by()  # the default order would make each membership distinct
        .values("organisation")
        .distinct()
        .count()
    )


def _sees_every_activity(user: User, visible: QuerySet[Activity]) -> bool:
    """Whether ``user`` may see every activity (as administrators do, and everyone where no
    activity is restricted to a team they are not in): then first-timers to the activities
    they see are first-timers anywhere."""
    if user.is_administrator:
        return True
    return not Activity.objects.exclude(pk__in=visible.values("pk")).exists()


def _first_timers_anywhere(periods: list[tuple[date, date]]) -> list[int]:
    """Across every activity, first-timers are those whose first attendance (kept on the
    person, see ``people_first_attended_refresh``) falls in the period: one indexed count."""
    spans = [_span(start, end) for start, end in periods]
    counts = {
        f"period_{i}": Count("pk", filter=Q(first_attended_at__gte=since, first_attended_at__lt=until))
        for i, (since, until) in enumerate(spans)
    }
    found = Person.objects.filter(
        first_attended_at__gte=min(since for since, _until in spans),
        first_attended_at__lt=max(until for _since, until in spans),
    ).aggregate(**counts)
    return [found[f"period_{i}"] for i in range(len(periods))]


def _first_timers(
    base: QuerySet[Activity], since: datetime, now: QuerySet[Attendance], before: QuerySet[Attendance]
) -> tuple[int, int]:
    """How many of the people who came in each period had come to none of these activities
    before it. The two periods are adjacent, so someone new this period is someone who came
    neither in the period before nor earlier than that: one look back, from the start of the
    earlier period (``since``), answers both. Each person is checked on the (person,
    attended, activity) index, so the cost grows with the periods' attendance, not with all
    history (a GROUP BY over every person's first attendance read 500,000 rows on the large
    demo data)."""
    # The earlier activities as a list of ids, not a join: each person's check is then one
    # index range on attendance tested against that list, with no lookup of each activity.
    earlier = Attendance.objects.filter(
        person=OuterRef("pk"), attended=True, activity__in=base.filter(starts_at__lt=since).values("pk")
    )
    new_before = Person.objects.filter(pk__in=before.values("person")).exclude(Exists(earlier)).order_by()
    new_now = (
        Person.objects.filter(pk__in=now.values("person"))
        .exclude(pk__in=before.values("person"))
        .exclude(Exists(earlier))
        .order_by()
    )
    return new_now.count(), new_before.count()


def _rows(
    labels: dict[Any, str | Promise], now: dict[Any, int], before: dict[Any, int], keep_all: bool = False
) -> list[Row]:
    rows = [
        Row(label, now.get(key, 0), before.get(key, 0))
        for key, label in labels.items()
        if keep_all or now.get(key) or before.get(key)
    ]
    return sorted(rows, key=lambda r: (-r.current, -r.previous, str(r.label)))


def engagement_report(
    *, user: User, start: date, end: date, project: Project | None = None, team: Team | None = None
) -> Report:
    previous_start, previous_end = previous_period(start, end)
    base = visible_to(user, Activity.objects.all())
    impact = visible_to(user, ImpactRecord.objects.all())
    projects = visible_to(user, Project.objects.all())
    if project is not None:
        base = base.filter(projects=project)
        impact = impact.filter(project=project)
        projects = projects.filter(pk=project.pk)
    if team is not None:
        base = base.filter(Q(team=team) | Q(projects__team=team)).distinct()
        impact = impact.filter(project__team=team)
        projects = projects.filter(team=team)
    now = _period(base, impact, start, end)
    before = _period(base, impact, previous_start, previous_end)
    if project is None and team is None and _sees_every_activity(user, base):
        now["new_people"], before["new_people"] = _first_timers_anywhere(
            [(start, end), (previous_start, previous_end)]
        )
    else:
        now["new_people"], before["new_people"] = _first_timers(
            base, _span(previous_start, end)[0], now["came"], before["came"]
        )
    now["organisations"] = _organisations(now["came"])
    before["organisations"] = _organisations(before["came"])

    def row(label: str | Promise, key: str) -> Row:
        return Row(label, now[key], before[key])

    headline = [
        row(_("Activities"), "activities"),
        row(_("People from the directory who came"), "people"),
        row(_("of whom engaged for the first time"), "new_people"),
        row(_("Attendees not in the directory"), "unlisted"),
        row(_("Unique organisations reached"), "organisations"),
        row(_("Broadcast recipients"), "recipients"),
        row(_("Broadcast impressions"), "impressions"),
        row(_("“You said, we did” records made"), "impact_made"),
        row(_("“You said, we did” records shared back"), "impact_shared"),
    ]
    language = current_language()
    groups = {g.pk: g.name for g in StakeholderGroup.objects.filter(is_panel=False).only("pk", "name")}
    regions = {
        r.pk: (r.name_cy if language == "cy" and r.name_cy else r.name_en) for r in Region.objects.all()
    }
    project_names = {p.pk: p.name for p in projects.only("pk", "name")}
    sections = [
        Section(
            "type",
            _("Activities by type"),
            _("Activities"),
            _rows(dict(ActivityType.choices), now["kind"], before["kind"]),
        ),
        Section(
            "channel",
            _("Activities by channel"),
            _("Activities"),
            _rows(dict(CHANNELS), now["channel"], before["channel"]),
        ),
        Section(
            "group",
            _("Activities by stakeholder group targeted"),
            _("Activities"),
            _rows(dict(groups), now["group"], before["group"]),
        ),
        Section(
            "region",
            _("Activities by region"),
            _("Activities"),
            _rows(dict(regions), now["region"], before["region"]),
        ),
        Section(
            "project",
            _("Activities by project"),
            _("Activities"),
            _rows(dict(project_names), now["project"], before["project"]),
        ),
        Section(
            "project_people",
            _("People who came, by project"),
            _("People"),
            _rows(dict(project_names), now["project_people"], before["project_people"]),
        ),
    ]
    top_groups = StakeholderGroup.objects.filter(is_panel=False, parent__isnull=True).order_by("name")
    overdue_by = min(end + timedelta(days=1), timezone.localdate())
    overdue = (
        Checkpoint.objects.not_engaged()
        .filter(project__in=projects.values("pk"), due_on__lt=overdue_by, waived_reason="")
        .values("project__name")
        .annotate(n=Count("pk"))
        .order_by("project__name")
    )
    return Report(
        start=start,
        end=end,
        previous_start=previous_start,
        previous_end=previous_end,
        project=project,
        team=team,
        headline=headline,
        sections=sections,
        groups_not_engaged=[g.name for g in top_groups if g.pk not in now["group"]],
        regions_not_engaged=sorted(name for pk, name in regions.items() if pk not in now["region"]),
        projects_overdue=[(o["project__name"], o["n"]) for o in overdue],
    )


def report_rows(report: Report, extra: Sequence[ExportSection] = ()) -> list[list[str | int | float]]:
    """The report as CSV rows: section, item, this period, previous period, change; then
    each of ``extra`` (what higher apps add) after a blank row, as its heading, its note,
    its header row and its rows. Figures stay numbers, so a spreadsheet adds them up (and a
    fall such as -16 is not text)."""
    rows: list[list[str | int | float]] = [
        [
            "section",
            "item",
            f"{report.start}..{report.end}",
            f"{report.previous_start}..{report.previous_end}",
            "change",
        ]
    ]
    for r in report.headline:
        rows.append(["Headline", str(r.label), r.current, r.previous, r.change])
    for section in report.sections:
        for r in section.rows:
            rows.append([str(section.title), str(r.label), r.current, r.previous, r.change])
    for name in report.groups_not_engaged:
        rows.append(["Stakeholder groups not engaged", name, 0, "", ""])
    for name in report.regions_not_engaged:
        rows.append(["Regions not engaged", name, 0, "", ""])
    for name, count in report.projects_overdue:
        rows.append(["Projects with overdue checkpoints", name, count, "", ""])
    for added in extra:
        rows += [[], [str(added.heading)]]
        rows += [[str(added.note)]] if added.note else []
        rows += [[str(cell) for cell in added.header]] if added.header else []
        rows += [[str(cell) if isinstance(cell, Promise) else cell for cell in row] for row in added.rows]
    return rows
