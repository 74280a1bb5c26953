"""The datasets Chorus publishes, each built from live records with disclosure control.

Every builder returns columns and rows. Counts go through ``suppress_table`` (small cells
and anything that would reveal them hidden, shown as empty); shares and means follow
their counts. ``catalogue_ensure`` creates a catalogue entry for each builder.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from chorus.core.disclosure import mean, share, suppress, suppress_table, threshold


@dataclass
class Column:
    name: str
    title: str
    description: str
    datatype: str = "string"  # CSVW/XSD: string, integer, decimal

    def as_dict(self) -> dict[str, str]:
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "datatype": self.datatype,
        }


@dataclass
class Built:
    columns: list[Column]
    rows: list[list[object]]
    suppressed: int = 0
    threshold: int = field(default_factory=threshold)


@dataclass
class Builder:
    slug: str
    title: Any  # lazy translations
    description: Any
    frequency: str
    build: Callable[[], Built]


def _quarter(moment: datetime) -> str:
    return f"{moment.year}-Q{(moment.month - 1) // 3 + 1}"


def _two_way(
    counts: dict[tuple[str, str], int], rows: list[str], columns: list[str]
) -> tuple[list[list[int | None]], list[int | None], list[int | None], int | None, int]:
    grid = [[counts.get((r, c), 0) for c in columns] for r in rows]
    table = suppress_table(grid, rows, columns)
    hidden = sum(v is None for row in table.grid() for v in row)
    return table.cells, table.row_totals, table.column_totals, table.total, hidden


def engagement_by_quarter() -> Built:
    """People who attended engagement activities, by quarter and type of activity."""
    from chorus.engagement.models import ActivityType, Attendance

    counts: dict[tuple[str, str], int] = defaultdict(int)
    for starts_at, kind in Attendance.objects.filter(attended=True, activity__team__isnull=True).values_list(
        "activity__starts_at", "activity__kind"
    ):
        counts[(_quarter(starts_at), kind)] += 1
    quarters = sorted({q for q, _k in counts})
    kinds = [k for k, _label in ActivityType.choices if any((q, k) in counts for q in quarters)]
    cells, row_totals, _column_totals, _total, hidden = _two_way(counts, quarters, kinds)
    labels = dict(ActivityType.choices)
    rows: list[list[object]] = []
    for i, quarter in enumerate(quarters):
        for j, kind in enumerate(kinds):
            rows.append([quarter, str(labels[kind]), cells[i][j], row_totals[i]])
    return Built(
        columns=[
            Column("quarter", str(_("Quarter")), str(_("Calendar quarter, such as 2026-Q3"))),
            Column("activity_type", str(_("Type of activity")), str(_("Forum, webinar, meeting and so on"))),
            Column("attendees", str(_("People who attended")), str(_("Empty where suppressed")), "integer"),
            Column(
                "quarter_total",
                str(_("All attendees that quarter")),
                str(_("Empty where suppressed")),
                "integer",
            ),
        ],
        rows=rows,
        suppressed=hidden,
    )


def consultation_responses() -> Built:
    """Responses to each published consultation, by channel."""
    from chorus.consultations.models import Consultation, Response

    consultations = list(
        Consultation.objects.filter(is_published=True, team__isnull=True).order_by("opens_at")
    )
    counts: dict[tuple[str, str], int] = {}
    for row in (
        Response.objects.filter(consultation__in=consultations)
        .values("consultation__code", "channel")
        .annotate(n=Count("pk"))
    ):
        counts[(str(row["consultation__code"]), row["channel"])] = row["n"]
    codes = [str(c.code) for c in consultations]
    channels = [c for c, _label in Response.Channel.choices]
    cells, row_totals, _column_totals, _total, hidden = _two_way(counts, codes, channels)
    labels = dict(Response.Channel.choices)
    rows: list[list[object]] = []
    for i, consultation in enumerate(consultations):
        for j, channel in enumerate(channels):
            rows.append(
                [
                    consultation.title,
                    consultation.opens_at.date().isoformat(),
                    str(labels[channel]),
                    cells[i][j],
                    row_totals[i],
                ]
            )
    return Built(
        columns=[
            Column("consultation", str(_("Consultation")), str(_("Its title"))),
            Column("opened", str(_("Opened")), str(_("Date it opened")), "date"),
            Column("channel", str(_("Channel")), str(_("Online, email, post, phone or assisted"))),
            Column("responses", str(_("Responses")), str(_("Empty where suppressed")), "integer"),
            Column("all_responses", str(_("All responses")), str(_("Empty where suppressed")), "integer"),
        ],
        rows=rows,
        suppressed=hidden,
    )


def closed_questions() -> Built:
    """How many chose each answer to the closed questions of published consultations.

    A single-choice question's answers add up to the people who answered, so they are
    suppressed together (``suppress``, with secondary suppression). Each answer to a
    several-choice question is its own yes or no: hidden when either the people who chose it
    or those who did not are fewer than the threshold."""
    from chorus.consultations.journey import choices_for
    from chorus.consultations.models import Consultation, Question
    from chorus.consultations.selectors import answer_counts

    below = threshold()
    consultations = {
        c.pk: c
        for c in Consultation.objects.filter(is_published=True, team__isnull=True).order_by("opens_at")
    }
    questions = list(
        Question.objects.filter(section__consultation__in=list(consultations))
        .exclude(kind__in=[Question.Kind.TEXT, Question.Kind.NUMBER, Question.Kind.DATE])
        .select_related("section")
        .order_by("section__consultation__opens_at", "section__order", "order", "id")
    )
    counts, answered = answer_counts(questions)
    rows: list[list[object]] = []
    hidden = 0
    for question in questions:
        consultation = consultations[question.section.consultation_id]
        options = choices_for(question, "en")
        chosen = {str(value): counts[question.pk].get(str(value), 0) for value, _label in options}
        total = answered[question.pk]
        shown: dict[str, int | None]
        if question.kind == Question.Kind.MULTIPLE:
            visible = total >= below
            shown = {
                key: n if visible and n >= below and total - n >= below else None for key, n in chosen.items()
            }
        else:
            cells, _total = suppress(chosen, below=below)
            shown = {cell.key: cell.count for cell in cells}
            visible = _total is not None
        hidden += sum(v is None for v in shown.values())
        for value, label in options:
            count = shown[str(value)]
            rows.append(
                [
                    consultation.title,
                    consultation.opens_at.date().isoformat(),
                    question.text,
                    str(label),
                    count,
                    share(count, total if visible else None),
                    total if visible else None,
                ]
            )
    return Built(
        columns=[
            Column("consultation", str(_("Consultation")), str(_("Its title"))),
            Column("opened", str(_("Opened")), str(_("Date it opened")), "date"),
            Column("question", str(_("Question")), str(_("The question as asked"))),
            Column("answer", str(_("Answer")), str(_("One of the answers to choose from"))),
            Column(
                "chose", str(_("Chose it")), str(_("People who chose it; empty where suppressed")), "integer"
            ),
            Column(
                "share",
                str(_("Share (%)")),
                str(_("Of the people who answered the question; empty where suppressed")),
                "decimal",
            ),
            Column(
                "answered",
                str(_("Answered")),
                str(_("People who answered the question; empty where suppressed")),
                "integer",
            ),
        ],
        rows=rows,
        suppressed=hidden,
    )


def theme_shares() -> Built:
    """The broad themes found in the free-text answers to published consultations: the latest
    finished analysis of each, the responses that mention each theme and their share.

    Themes overlap (a response can mention several), so no theme can be worked out from the
    others; a theme mentioned by fewer than the threshold is hidden, and so is a whole
    analysis of fewer responses than that."""
    from chorus.analysis.models import AnalysisRun, Theme
    from chorus.analysis.selectors import runs_finished_for_consultations
    from chorus.consultations.models import Consultation

    below = threshold()
    public = Consultation.objects.filter(is_published=True, team__isnull=True)
    runs = (
        runs_finished_for_consultations(public)
        .filter(team__isnull=True)
        .select_related("consultation", "question__section__consultation")
    )
    latest: dict[tuple[int, int | None], tuple[AnalysisRun, Consultation]] = {}
    for run in runs:
        consultation = run.consultation or run.question.section.consultation  # type: ignore[union-attr]
        latest.setdefault((consultation.pk, run.question_id), (run, consultation))
    themes: dict[int, list[Theme]] = defaultdict(list)
    for theme in Theme.objects.filter(
        run__in=[run for run, _c in latest.values()], level=Theme.Level.BROAD
    ).order_by("-counted", "key"):
        themes[theme.run_id].append(theme)
    rows: list[list[object]] = []
    hidden = 0
    for run, consultation in sorted(latest.values(), key=lambda pair: (pair[0].title, pair[0].pk)):
        analysed = run.item_count if run.item_count >= below else None
        for theme in themes[run.pk]:
            count = theme.counted if analysed is not None and theme.counted >= below else None
            hidden += count is None
            rows.append(
                [
                    consultation.title,
                    run.question.text if run.question else str(_("All free-text answers")),
                    theme.label,
                    theme.description,
                    count,
                    share(count, analysed),
                    analysed,
                ]
            )
    return Built(
        columns=[
            Column("consultation", str(_("Consultation")), str(_("Its title"))),
            Column("question", str(_("Question")), str(_("The question whose answers were analysed"))),
            Column("theme", str(_("Theme")), str(_("The theme's name, as reviewed by analysts"))),
            Column("description", str(_("Description")), str(_("What the theme covers"))),
            Column(
                "responses",
                str(_("Responses")),
                str(_("Responses mentioning it, a campaign counted once; empty where suppressed")),
                "integer",
            ),
            Column("share", str(_("Share (%)")), str(_("Of the responses analysed")), "decimal"),
            Column(
                "analysed",
                str(_("Analysed")),
                str(_("Responses analysed; empty where suppressed")),
                "integer",
            ),
        ],
        rows=rows,
        suppressed=hidden,
    )


def service_feedback() -> Built:
    """Each service's feedback by month: volume, share saying the page was not useful, and
    the exit survey's mean satisfaction (1 very dissatisfied to 5 very satisfied)."""
    from chorus.feedback.models import ExitSurveyResponse, PageFeedback

    volume: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: {"all": 0, "negative": 0})
    for row in (
        PageFeedback.objects.filter(service__team__isnull=True)
        .annotate(month=TruncMonth("created_at"))
        .values("service__name", "month")
        .annotate(n=Count("pk"), negative=Count("pk", filter=~Q(kind=PageFeedback.Kind.USEFUL)))
    ):
        key = (row["service__name"], row["month"].strftime("%Y-%m"))
        volume[key] = {"all": row["n"], "negative": row["negative"]}
    satisfaction: dict[tuple[str, str], list[float]] = defaultdict(list)
    for name, created, score in ExitSurveyResponse.objects.filter(
        service__team__isnull=True, satisfaction__isnull=False
    ).values_list("service__name", "created_at", "satisfaction"):
        satisfaction[(name, created.strftime("%Y-%m"))].append(float(score))
    keys = sorted(set(volume) | set(satisfaction))
    services = sorted({k[0] for k in keys})
    months = sorted({k[1] for k in keys})
    # No totals are published with this table, so hiding the small cells is enough:
    # there is nothing to subtract them from.
    below = threshold()
    cells = [
        [
            volume[(s, m)]["all"] if (s, m) in volume and volume[(s, m)]["all"] >= below else None
            for m in months
        ]
        for s in services
    ]
    hidden = sum(1 for s, m in keys if (s, m) in volume and volume[(s, m)]["all"] < below)
    negatives = {(s, m): volume[(s, m)]["negative"] for s, m in keys if (s, m) in volume}
    rows: list[list[object]] = []
    for i, service in enumerate(services):
        for j, month in enumerate(months):
            if (service, month) not in volume and (service, month) not in satisfaction:
                continue
            shown = cells[i][j]
            negative = negatives.get((service, month), 0)
            # A share is shown only when its count is, and its part is not small itself.
            negative_share = share(negative if negative >= threshold() else None, shown)
            average = mean(satisfaction.get((service, month), []))
            rows.append(
                [service, month, shown, negative_share, round(average, 2) if average is not None else None]
            )
    return Built(
        columns=[
            Column("service", str(_("Service")), str(_("The digital service"))),
            Column("month", str(_("Month")), str(_("Year and month, such as 2026-10"))),
            Column("feedback", str(_("In-page feedback")), str(_("Empty where suppressed")), "integer"),
            Column(
                "not_useful_percent",
                str(_("Not useful or a problem (%)")),
                str(_("Share of in-page feedback that was negative; empty where suppressed")),
                "decimal",
            ),
            Column(
                "mean_satisfaction",
                str(_("Mean satisfaction")),
                str(_("Exit survey, 1 to 5; empty when fewer answers than the threshold")),
                "decimal",
            ),
        ],
        rows=rows,
        suppressed=hidden,
    )


BUILDERS = {
    b.slug: b
    for b in (
        Builder(
            "engagement-by-quarter",
            _("Engagement: people attending, by quarter"),
            _(
                "How many people attended our forums, webinars, meetings and events each quarter, "
                "by type of activity."
            ),
            "quarterly",
            engagement_by_quarter,
        ),
        Builder(
            "consultation-responses",
            _("Consultation responses by channel"),
            _(
                "How many responses each published consultation received, online, by email, by post, "
                "by phone and with help."
            ),
            "monthly",
            consultation_responses,
        ),
        Builder(
            "consultation-closed-questions",
            _("Consultation closed-question results"),
            _(
                "For each closed question of our published consultations, how many people chose each "
                "answer and what share of those who answered that was."
            ),
            "monthly",
            closed_questions,
        ),
        Builder(
            "consultation-theme-shares",
            _("Themes in consultation responses"),
            _(
                "The broad themes our analysts found in the written answers to published consultations, "
                "with how many responses mention each."
            ),
            "monthly",
            theme_shares,
        ),
        Builder(
            "service-feedback",
            _("Service feedback by month"),
            _(
                "In-page feedback on our digital services each month, the share that was negative, "
                "and exit survey satisfaction."
            ),
            "monthly",
            service_feedback,
        ),
    )
}


def catalogue_ensure() -> None:
    """A catalogue entry for every dataset Chorus can build (titles can then be edited)."""
    from django.utils import translation

    from chorus.insights.models import Dataset

    for builder in BUILDERS.values():
        with translation.override("en"):
            title, description = str(builder.title), str(builder.description)
        with translation.override("cy"):
            title_cy, description_cy = str(builder.title), str(builder.description)
        Dataset.objects.get_or_create(
            slug=builder.slug,
            defaults={
                "builder": builder.slug,
                "title": title,
                "title_cy": title_cy,
                "description": description,
                "description_cy": description_cy,
                "frequency": builder.frequency,
            },
        )
