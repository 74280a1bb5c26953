"""The data inventory: each kind of personal data Chorus holds, why, on what lawful basis,
who can see it and how long it is kept (from the retention rules, so it stays true)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Holding:
    what: Any
    where: Any  # where Chorus keeps it, in words a data protection officer reads
    why: Any
    lawful_basis: Any
    who: Any
    retention: str  # a key of retention.KINDS, or "" when kept while needed


HOLDINGS = (
    Holding(
        _("Stakeholder contacts: names, emails, phones, postcodes, organisations, needs"),
        _("The stakeholder directory"),
        _("To engage the people and organisations our work affects"),
        _("Public task; consent where recorded per person"),
        _("Staff of the teams that work with them; administrators"),
        "inactive_contacts",
    ),
    Holding(
        _("Consultation responses: answers, and the respondent's name, email and organisation"),
        _("Consultation responses"),
        _("To consider what people told us and publish a response"),
        _("Public task"),
        _("Staff of the consultation's team; analysts"),
        "responses",
    ),
    Holding(
        _("Unfinished responses saved to come back to"),
        _("Saved unfinished responses"),
        _("So that people can finish their response later"),
        _("Public task"),
        _("Nobody: only the person with the emailed link"),
        "response_drafts",
    ),
    Holding(
        _("Equality monitoring answers"),
        _("Equality monitoring records, kept apart from responses"),
        _("To check whether some groups fare worse (Equality Act 2010 duties)"),
        _("Public task; explicit consent for special category data"),
        _("Nobody individually: staff see counts with small numbers suppressed"),
        "equality_answers",
    ),
    Holding(
        _("Bulletin subscribers: email, areas, topics, language"),
        _("The bulletin subscriber list"),
        _("To send the bulletins people asked for"),
        _("Consent (double opt-in), or the lawful basis recorded on import"),
        _("Engagement officers and administrators"),
        "stopped_subscribers",
    ),
    Holding(
        _("Idea challenge participants: email and the name they chose"),
        _("Idea challenge participants"),
        _("To let people propose, comment on and support ideas, and tell followers of responses"),
        _("Public task"),
        _("Staff of the challenge's team (emails are never shown on public pages or exports)"),
        "",
    ),
    Holding(
        _("Audit log: who saw or changed personal data, and when"),
        _("The audit log"),
        _("Accountability for access to personal data"),
        _("Legal obligation (UK GDPR accountability)"),
        _("Administrators"),
        "audit_entries",
    ),
)
