"""The data inventory: each kind of personal data Chorus holds, why, on what lawful basis,
who can see it and how long it is kept (from the retention rules, so it stays true)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Holding:
    what: Any
    where: str  # the model that holds it
    why: Any
    lawful_basis: Any
    who: Any
    retention: str  # a key of retention.KINDS, or "" when kept while needed


HOLDINGS = (
    Holding(
        _("Stakeholder contacts: names, emails, phones, postcodes, organisations, needs"),
        "directory.Person",
        _("To engage the people and organisations our work affects"),
        _("Public task; consent where recorded per person"),
        _("Staff of the teams that work with them; administrators"),
        "inactive_contacts",
    ),
    Holding(
        _("Consultation responses: answers, and the respondent's name, email and organisation"),
        "consultations.Response",
        _("To consider what people told us and publish a response"),
        _("Public task"),
        _("Staff of the consultation's team; analysts"),
        "responses",
    ),
    Holding(
        _("Unfinished responses saved to come back to"),
        "consultations.ResponseDraft",
        _("So that people can finish their response later"),
        _("Public task"),
        _("Nobody: only the person with the emailed link"),
        "response_drafts",
    ),
    Holding(
        _("Equality monitoring answers"),
        "equality.EqualityRecord",
        _("To check whether some groups fare worse (Equality Act 2010 duties)"),
        _("Public task; explicit consent for special category data"),
        _("Nobody individually: staff see counts with small numbers suppressed"),
        "equality_answers",
    ),
    Holding(
        _("Bulletin subscribers: email, areas, topics, language"),
        "bulletins.Subscriber",
        _("To send the bulletins people asked for"),
        _("Consent (double opt-in), or the lawful basis recorded on import"),
        _("Engagement officers and administrators"),
        "stopped_subscribers",
    ),
    Holding(
        _("Idea challenge participants: email and the name they chose"),
        "ideas.Participant",
        _("To let people propose, comment on and support ideas, and tell followers of responses"),
        _("Public task"),
        _("Staff of the challenge's team (emails are never shown on public pages or exports)"),
        "",
    ),
    Holding(
        _("Audit log: who saw or changed personal data, and when"),
        "core.AuditEntry",
        _("Accountability for access to personal data"),
        _("Legal obligation (UK GDPR accountability)"),
        _("Administrators"),
        "audit_entries",
    ),
)
