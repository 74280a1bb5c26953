"""What each event says about its record: codes, titles and the staff page to open.

Never what identifies a person (names, email addresses, phone numbers), never equality
answers, never the free text of a response, a help request or a comment: an integration
that needs more reads it through the staff API, under its own token's access rules.
The records come through ``core.hooks.event_happened`` from apps on this floor or below;
ideas and bulletins stand beside this app, so their records are read by attribute.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, reverse

Payload = dict[str, Any]


def staff_url(name: str, *args: Any) -> str:
    try:
        path = reverse(name, args=args)
    except NoReverseMatch:
        return ""
    return str(settings.CHORUS_BASE_URL).rstrip("/") + path


def _when(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _response(response: Any) -> Payload:
    consultation = response.consultation
    return {
        "consultation": {"code": str(consultation.code), "title": consultation.title},
        "response": {
            "code": str(response.code),
            "reference": response.reference,
            "channel": response.channel,
            "respondent_type": response.respondent_type,
            "language": response.language,
            "submitted_at": _when(response.submitted_at),
        },
        "title": f"Response {response.reference} to {consultation.title}",
        "url": staff_url("consultations:response_detail", consultation.code, response.code),
    }


def _help(help_request: Any) -> Payload:
    consultation = help_request.consultation
    return {
        "consultation": {"code": str(consultation.code), "title": consultation.title},
        "help_request": {
            "code": str(help_request.code),
            "way": help_request.way,
            "in_welsh": help_request.in_welsh,
        },
        "title": f"Help requested with {consultation.title}",
        "url": staff_url("consultations:help_queue"),
    }


def _case_emerging(issue: Any) -> Payload:
    """An issue in a team's enquiries and complaints: what it is about, never the cases."""
    what = "more cases than usual" if issue.kind == "volume" else "a higher share of complaints"
    period = "today" if issue.window_days == 1 else f"in the last {issue.window_days} days"
    team = issue.team
    return {
        "cases": {"team": {"code": str(team.code), "name": team.name} if team else None},
        "issue": {
            "id": issue.pk,
            "about": issue.about,
            "key": issue.key[:300],
            "kind": issue.kind,
            "window_days": issue.window_days,
            "recent": round(float(issue.recent), 3),
            "expected": round(float(issue.expected), 3),
            "recent_count": issue.recent_count,
            "p_value": float(issue.p_value),
            "detected_on": _when(issue.detected_on),
        },
        "title": f"Emerging issue in enquiries and complaints, {issue.about} {issue.key[:120]}",
        "summary": f"{what} {period} ({issue.recent:g} against {issue.expected:g} expected)",
        "url": staff_url("analysis:case_emerging"),
    }


def _emerging(issue: Any) -> Payload:
    if issue._meta.model_name == "caseemergingissue":
        return _case_emerging(issue)
    service = issue.service
    what = "more comments than usual" if issue.kind == "volume" else "a higher share of negative comments"
    period = "today" if issue.window_days == 1 else f"in the last {issue.window_days} days"
    return {
        "service": {"code": str(service.code), "name": service.name},
        "issue": {
            "id": issue.pk,
            "about": issue.about,
            "key": issue.key[:300],
            "kind": issue.kind,
            "window_days": issue.window_days,
            "recent": round(float(issue.recent), 3),
            "expected": round(float(issue.expected), 3),
            "recent_count": issue.recent_count,
            "p_value": float(issue.p_value),
            "detected_on": _when(issue.detected_on),
        },
        "title": f"Emerging issue in feedback on {service.name}: {issue.key[:120]}",
        "summary": f"{what} {period} ({issue.recent:g} against {issue.expected:g} expected)",
        "url": staff_url("analysis:emerging", service.code),
    }


def _idea(idea: Any) -> Payload:
    challenge = idea.challenge
    published = idea.moderation == "published"
    return {
        "challenge": {"code": str(challenge.code), "title": challenge.title},
        "idea": {
            "code": str(idea.code),
            # A held idea's title may be what was held: it waits for a moderator.
            "title": idea.title if published else "",
            "status": idea.status,
            "moderation": idea.moderation,
        },
        "title": f"Idea on {challenge.title}"
        + (f": {idea.title}" if published else " (waiting for moderation)"),
        "url": staff_url("ideas:staff_idea", idea.code),
    }


def _subscriber(subscriber: Any) -> Payload:
    return {
        "subscriber": {
            "code": str(subscriber.code),
            "status": subscriber.status,
            "language": subscriber.language,
        },
        "title": "Bulletin subscriber " + ("joined" if subscriber.status == "active" else "left"),
        "url": staff_url("bulletins:subscriber_list"),
    }


IMPORT_PAGES = {"directory.importjob": "directory:import_progress"}


def _import(job: Any) -> Payload:
    label = job._meta.label_lower
    page = IMPORT_PAGES.get(label)
    return {
        "import": {
            "code": str(job.code),
            "what": str(job._meta.verbose_name),
            "model": label,
            "status": job.status,
            "file": job.original_name,
        },
        "title": f"Import of {job.original_name} finished",
        "url": staff_url(page, job.code) if page else "",
    }


def _commitment(commitment: Any) -> Payload:
    return {
        "commitment": {
            "code": str(commitment.code),
            "title": commitment.title,
            "reference": commitment.reference,
            "source": commitment.source,
            "status": commitment.status,
            "due_on": _when(commitment.due_on),
            "team": commitment.team.name if commitment.team_id else None,
        },
        "title": f"Commitment overdue: {commitment.title}",
        "url": staff_url("engagement:commitment_detail", commitment.code),
    }


BUILDERS: dict[str, Callable[[Any], Payload]] = {
    "response_submitted": _response,
    "help_requested": _help,
    "emerging_issue_flagged": _emerging,
    "idea_posted": _idea,
    "idea_answered": _idea,
    "subscriber_joined": _subscriber,
    "subscriber_left": _subscriber,
    "import_finished": _import,
    "commitment_overdue": _commitment,
}


def payload_for(kind: str, record: Any) -> Payload:
    return BUILDERS[kind](record)


def payload_for_test() -> Payload:
    return {
        "title": "Test event from Chorus",
        "summary": "If you can read this, the endpoint receives Chorus's events.",
        "url": staff_url("webhooks:endpoint_list"),
    }
