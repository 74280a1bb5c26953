"""Emerging issues in service feedback, and in the enquiries and complaints cases hold: find
them every six hours and tell the owning team."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from chorus.accounts.models import Team
from chorus.analysis.engine import emerging as engine
from chorus.analysis.engine.pii import redact
from chorus.analysis.models import AnalysisRun, Assignment, CaseEmergingIssue, EmergingIssue, Item
from chorus.cases.models import Case, Kind
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


# --- Cases: the person's own message of each new enquiry and complaint, by the team that
# holds it (so that an issue is seen by exactly those who may see its cases), counted by
# the service it names and by its category. A complaint is the "negative" of the stream,
# so a rising share of complaints among enquiries and complaints is flagged too.

CASE_KINDS = (Kind.ENQUIRY, Kind.COMPLAINT)
CASE_EVIDENCE = 10

# (about, key, day, negative, case id), by the team's id (None: cases with no team)
CaseRows = dict[int | None, list[tuple[str, str, date, bool, int]]]


def case_rows(start: date, end: date) -> tuple[CaseRows, dict[str, str]]:
    """The enquiries and complaints received from ``start`` to ``end``, by team, and the name
    to show for each service key (the way most of its cases write it)."""
    out: CaseRows = defaultdict(list)
    spellings: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    cases = Case.objects.filter(
        kind__in=CASE_KINDS, received_on__gte=start, received_on__lte=end
    ).values_list("pk", "team_id", "kind", "service", "category__name_en", "received_on")
    for pk, team_id, kind, service, category, day in cases.iterator(chunk_size=5000):
        negative = kind == Kind.COMPLAINT
        if name := " ".join(service.split()):
            key = name.casefold()
            spellings[key][name] += 1
            out[team_id].append((CaseEmergingIssue.About.SERVICE, key, day, negative, pk))
        if category:
            out[team_id].append((CaseEmergingIssue.About.CATEGORY, category, day, negative, pk))
    names = {key: max(names, key=lambda n: (names[n], n)) for key, names in spellings.items()}
    return out, names


def cases_emerging_detect(today: date | None = None) -> list[CaseEmergingIssue]:
    """Look for rises in every team's enquiries and complaints, with the same windows and
    tests as feedback; each issue found is stored once a day and announced to webhooks."""
    today = today or timezone.localdate()
    start = today - timedelta(days=HISTORY_DAYS - 1)
    rows_by_team, names = case_rows(start, today)
    found: list[CaseEmergingIssue] = []
    for team_id, rows in rows_by_team.items():
        for about in CaseEmergingIssue.About:
            about_rows = [r for r in rows if r[0] == about]
            series = _series([(k, d, n) for _, k, d, n, _ in about_rows], start, HISTORY_DAYS)
            for window in WINDOWS:
                for alert in engine.detect(series, window=window):
                    since = today - timedelta(days=window - 1)
                    evidence = [
                        pk
                        for _, k, d, negative, pk in sorted(
                            about_rows, key=lambda r: (r[2], r[4]), reverse=True
                        )
                        if k == alert.key and d >= since and (alert.kind == "volume" or negative)
                    ][:CASE_EVIDENCE]
                    key = (
                        names.get(alert.key, alert.key)
                        if about == CaseEmergingIssue.About.SERVICE
                        else alert.key
                    )
                    try:
                        with transaction.atomic():
                            issue = CaseEmergingIssue.objects.create(
                                team_id=team_id,
                                about=about,
                                key=key[:200],
                                kind=alert.kind,
                                window_days=window,
                                recent=alert.recent,
                                expected=alert.expected,
                                p_value=alert.p_value,
                                recent_count=alert.recent_count,
                                cases=evidence,
                                detected_on=today,
                            )
                            event_happened("emerging_issue_flagged", issue)
                    except IntegrityError:
                        continue  # already found today
                    found.append(issue)
    return found


def cases_emerging_notify(issues: list[CaseEmergingIssue]) -> None:
    """Email each team the issues found in its cases (never the cases' text: the email
    links to the page, where each reader sees only the cases they may)."""
    link = settings.CHORUS_BASE_URL.rstrip("/") + reverse("analysis:case_emerging")
    by_team: dict[Team, list[CaseEmergingIssue]] = defaultdict(list)
    for issue in issues:
        if issue.team is not None:
            by_team[issue.team].append(issue)
    for team, team_issues in by_team.items():
        recipients = list(team.members.filter(is_active=True).values_list("email", flat=True))
        if not recipients:
            continue
        lines = [
            f"Chorus found {len(team_issues)} emerging issue(s) in {team.name}'s enquiries and complaints:",
            "",
        ]
        for issue in team_issues:
            what = "more cases than usual" if issue.kind == "volume" else "a higher share of complaints"
            period = "today" if issue.window_days == 1 else f"in the last {issue.window_days} days"
            lines.append(
                f"- {issue.get_about_display()} {issue.key}: {what} {period} "
                f"({issue.recent:g} against {issue.expected:g} expected)"
            )
        lines += ["", f"See them, with the cases: {link}"]
        email_send_later(
            to=recipients, subject=f"Emerging issues in {team.name}'s cases", body="\n".join(lines)
        )
        CaseEmergingIssue.objects.filter(pk__in=[i.pk for i in team_issues]).update(notified=True)
