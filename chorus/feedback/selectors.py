"""What staff see of a service's feedback: counts, shares and means over a period."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Avg, Count, Q, QuerySet

from chorus.feedback.models import ExitSurveyResponse, PageFeedback, Service


@dataclass
class ServiceSummary:
    useful: int = 0
    not_useful: int = 0
    problems: int = 0
    exit_count: int = 0
    satisfaction_mean: float | None = None
    satisfied_share: float | None = None
    effort_mean: float | None = None
    needed_help_share: float | None = None
    satisfaction: list[tuple[str, int]] = field(default_factory=list)
    effort: list[tuple[str, int]] = field(default_factory=list)
    helpers: list[tuple[str, int]] = field(default_factory=list)
    pages: list[dict[str, object]] = field(default_factory=list)

    @property
    def useful_share(self) -> float | None:
        rated = self.useful + self.not_useful
        return self.useful / rated if rated else None


def service_feedback(service: Service, since: datetime) -> QuerySet[PageFeedback]:
    return service.page_feedback.filter(created_at__gte=since)


def service_exit_responses(service: Service, since: datetime) -> QuerySet[ExitSurveyResponse]:
    return service.exit_responses.filter(created_at__gte=since)


def service_summary(service: Service, since: datetime) -> ServiceSummary:
    feedback = service_feedback(service, since)
    kinds = dict(feedback.order_by().values_list("kind").annotate(n=Count("pk")))
    exits = service_exit_responses(service, since)
    totals = exits.aggregate(
        n=Count("pk"),
        mean=Avg("satisfaction"),
        satisfied=Count("pk", filter=Q(satisfaction__gte=4)),
        effort=Avg("effort"),
        helped=Count("pk", filter=Q(needed_help=True)),
        answered_help=Count("pk", filter=Q(needed_help__isnull=False)),
    )
    n = totals["n"]
    by_satisfaction = dict(exits.order_by().values_list("satisfaction").annotate(c=Count("pk")))
    by_effort = dict(exits.exclude(effort=None).order_by().values_list("effort").annotate(c=Count("pk")))
    helpers: Counter[str] = Counter()
    for chosen in exits.filter(needed_help=True).values_list("help_from", flat=True).iterator():
        helpers.update(value for value in chosen or [] if isinstance(value, str))
    helper_labels = dict(ExitSurveyResponse.Helper.choices)
    pages = list(
        feedback.order_by()
        .values("page")
        .annotate(
            total=Count("pk"),
            not_useful=Count("pk", filter=Q(kind=PageFeedback.Kind.NOT_USEFUL)),
            problems=Count("pk", filter=Q(kind=PageFeedback.Kind.PROBLEM)),
        )
        .filter(Q(not_useful__gt=0) | Q(problems__gt=0))
        .order_by("-problems", "-not_useful", "page")[:10]
    )
    return ServiceSummary(
        useful=kinds.get(PageFeedback.Kind.USEFUL, 0),
        not_useful=kinds.get(PageFeedback.Kind.NOT_USEFUL, 0),
        problems=kinds.get(PageFeedback.Kind.PROBLEM, 0),
        exit_count=n,
        satisfaction_mean=totals["mean"],
        satisfied_share=totals["satisfied"] / n if n else None,
        effort_mean=totals["effort"],
        needed_help_share=totals["helped"] / totals["answered_help"] if totals["answered_help"] else None,
        satisfaction=[
            (str(label), by_satisfaction.get(value, 0))
            for value, label in ExitSurveyResponse.Satisfaction.choices
        ],
        effort=[(str(label), by_effort.get(value, 0)) for value, label in ExitSurveyResponse.Effort.choices],
        helpers=[(str(helper_labels.get(k, k)), c) for k, c in helpers.most_common()],
        pages=pages,
    )
