"""The body each format sends: Chorus's own JSON, or the shape a tool already understands."""

from __future__ import annotations

from typing import Any

from chorus.webhooks.models import Delivery, Format

Body = dict[str, Any]


def _text(delivery: Delivery) -> tuple[str, str, str]:
    data = delivery.payload
    title = str(data.get("title") or delivery.get_kind_display())
    summary = str(data.get("summary") or "")
    return title, summary, str(data.get("url") or "")


def plain(delivery: Delivery) -> Body:
    return {
        "id": str(delivery.event_id),
        "kind": delivery.kind,
        "created_at": delivery.created_at.isoformat(),
        "data": delivery.payload,
    }


def teams(delivery: Delivery) -> Body:
    """An Adaptive Card, as Teams workflows ("Post to a channel when a webhook request is received") take."""
    title, summary, url = _text(delivery)
    body: list[dict[str, Any]] = [{"type": "TextBlock", "text": title, "weight": "Bolder", "wrap": True}]
    if summary:
        body.append({"type": "TextBlock", "text": summary, "wrap": True})
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    if url:
        card["actions"] = [{"type": "Action.OpenUrl", "title": "Open in Chorus", "url": url}]
    return {
        "type": "message",
        "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "content": card}],
    }


def slack(delivery: Delivery) -> Body:
    """A message for a Slack incoming webhook: text for notifications, blocks for the channel."""
    title, summary, url = _text(delivery)
    text = f"*{title}*" + (f"\n{summary}" if summary else "") + (f"\n<{url}|Open in Chorus>" if url else "")
    return {"text": title, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]}


def _description(delivery: Delivery) -> str:
    _title, summary, url = _text(delivery)
    lines = [summary] if summary else []
    if url:
        lines.append(f"In Chorus: {url}")
    lines.append(f"Chorus event {delivery.event_id}")
    return "\n\n".join(lines)


def jira(delivery: Delivery) -> Body:
    """The body of Jira's "create issue" call (REST API v2: a plain-text description)."""
    title, _summary, _url = _text(delivery)
    return {
        "fields": {
            "project": {"key": delivery.endpoint.project_key},
            "summary": title[:250],
            "description": _description(delivery),
            "issuetype": {"name": "Task"},
            "labels": ["chorus", delivery.kind],
        }
    }


def servicenow(delivery: Delivery) -> Body:
    """A record for ServiceNow's Table API (``/api/now/table/incident``)."""
    title, _summary, _url = _text(delivery)
    return {
        "short_description": title[:160],
        "description": _description(delivery),
        "category": "inquiry",
        "urgency": "3",
        "impact": "3",
        "correlation_id": str(delivery.event_id),
        "correlation_display": "Chorus",
    }


def zendesk(delivery: Delivery) -> Body:
    """A ticket for Zendesk's Tickets API; ``external_id`` lets Zendesk find repeats."""
    title, _summary, _url = _text(delivery)
    return {
        "ticket": {
            "subject": title[:250],
            "comment": {"body": _description(delivery), "public": False},
            "external_id": str(delivery.event_id),
            "tags": ["chorus", delivery.kind],
        }
    }


FORMATS = {
    Format.JSON: plain,
    Format.TEAMS: teams,
    Format.SLACK: slack,
    Format.JIRA: jira,
    Format.SERVICENOW: servicenow,
    Format.ZENDESK: zendesk,
}


def body_for(delivery: Delivery) -> Body:
    return FORMATS[Format(delivery.endpoint.format)](delivery)
