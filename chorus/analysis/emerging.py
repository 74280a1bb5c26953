"""Emerging issues in service feedback: find them daily and tell the owning team."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from chorus.analysis.engine import emerging as engine
from chorus.analysis.engine.pii import redact
from chorus.analysis.models import AnalysisRun, Assignment, EmergingIssue, Item
from chorus.core.email import email_send_later
from chorus.core.hooks import event_happened
from chorus.feedback.models import ExitSurveyResponse, PageFeedback, Service

HISTORY_DAYS = 91
WINDOWS = (1, 7)


def _day_index(when: date, start: date) -> int:
    return (when - start).days


def _series(rows: list[tuple[str, date, bool]], start: date, days: int) -> dict[str, engine.Series]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0] * days)
    negatives: dict[str, list[int]] = defaultdict(lambda: [0] * days)
    for key, day, negative in rows:
        i = _day_index(day, start)
        if 0 <= i < days:
            counts[key][i] += 1
            negatives[key][i] += int(negative)
    return {k: engine.Series(counts[k], negatives[k]) for k in counts}


def service_rows(
    service: Service, start: date, end: date
) -> dict[str, list[tuple[str, date, bool, int, str]]]:
    """(key, day, negative, id, text) by what the key names: the service, a page, a theme."""
    out: dict[str, list[tuple[str, date, bool, int, str]]] = defaultdict(list)
    feedback = PageFeedback.objects.filter(
        service=service, created_at__date__gte=start, created_at__date__lte=end
    ).values_list("pk", "page", "kind", "text", "created_at")
    for pk, page, kind, text, at in feedback.iterator(chunk_size=5000):
        day = timezone.localtime(at).date()
        negative = kind in (PageFeedback.Kind.NOT_USEFUL, PageFeedback.Kind.PROBLEM)
        out[EmergingIssue.About.SERVICE].append((service.name, day, negative, pk, text))
        out[EmergingIssue.About.PAGE].append((page, day, negative, pk, text))
    exits = ExitSurveyResponse.objects.filter(
        service=service, created_at__date__gte=start, created_at__date__lte=end
    ).values_list("pk", "satisfaction", "improvement", "created_at")
    for pk, satisfaction, text, at in exits.iterator(chunk_size=5000):
        day = timezone.localtime(at).date()
        out[EmergingIssue.About.SERVICE].append((service.name, day, (satisfaction or 3) <= 2, -pk, text))
    run = (
        AnalysisRun.objects.filter(service=service, status=AnalysisRun.Status.DONE)
        .order_by("-finished_at")
        .first()
    )
    if run:
        assigned = Assignment.objects.filter(
            theme__run=run,
            theme__level="fine",
            item__received_at__date__gte=start,
            item__received_at__date__lte=end,
        ).values_list("theme__label", "item__received_at", "item__sentiment", "item_id", "item__redacted")
        for label, at, sentiment, pk, text in assigned.iterator(chunk_size=5000):
            day = timezone.localtime(at).date()
            out[EmergingIssue.About.THEME].append(
                (label, day, sentiment == Item.Sentiment.NEGATIVE, pk, text)
            )
    return out


def service_emerging_detect(service: Service, today: date | None = None) -> list[EmergingIssue]:
    today = today or timezone.localdate()
    start = today - timedelta(days=HISTORY_DAYS - 1)
    found: list[EmergingIssue] = []
    for about, rows in service_rows(service, start, today).items():
        series = _series([(k, d, n) for k, d, n, _, _ in rows], start, HISTORY_DAYS)
        for window in WINDOWS:
            for alert in engine.detect(series, window=window):
                since = today - timedelta(days=window - 1)
                comments = [
                    {"id": pk, "text": redact(text)[:500], "day": d.isoformat()}
                    for k, d, negative, pk, text in sorted(rows, key=lambda r: r[1], reverse=True)
                    if k == alert.key and d >= since and text and (alert.kind == "volume" or negative)
                ][:10]
                try:
                    with transaction.atomic():
                        issue = EmergingIssue.objects.create(
                            service=service,
                            about=about,
                            key=alert.key[:2000],
                            kind=alert.kind,
                            window_days=window,
                            recent=alert.recent,
                            expected=alert.expected,
                            p_value=alert.p_value,
                            recent_count=alert.recent_count,
                            comments=comments,
                            detected_on=today,
                        )
                        event_happened("emerging_issue_flagged", issue)
                except IntegrityError:
                    continue  # already found today
                found.append(issue)
    return found


def emerging_notify(service: Service, issues: list[EmergingIssue]) -> None:
    if not issues or service.team is None:
        return
    recipients = list(service.team.members.filter(is_active=True).values_list("email", flat=True))
    if not recipients:
        return
    link = settings.CHORUS_BASE_URL.rstrip("/") + reverse("analysis:emerging", args=[service.code])
    lines = [f"Chorus found {len(issues)} emerging issue(s) in feedback on {service.name}:", ""]
    for issue in issues:
        what = "more comments than usual" if issue.kind == "volume" else "a higher share of negative comments"
        period = "today" if issue.window_days == 1 else f"in the last {issue.window_days} days"
        lines.append(
            f"- {issue.get_about_display()} {issue.key}: {what} {period} "
            f"({issue.recent} against {issue.expected} expected)"
        )
        for comment in issue.comments[:3]:
            lines.append(f"    “{comment['text'][:200]}”")
    lines += ["", f"See them all: {link}"]
    email_send_later(
        to=recipients, subject=f"Emerging issues in feedback on {service.name}", body="\n".join(lines)
    )
    EmergingIssue.objects.filter(pk__in=[i.pk for i in issues]).update(notified=True)
