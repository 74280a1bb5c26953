"""Audit entries as sentences a person would write.

The audit log keeps each entry's ``detail`` as data (record kinds, counts, codes), which
is right for the record but unreadable on a page. Every timeline, audit and history list
shows entries through this module: it knows the details that Chorus writes, says each as
a translated sentence, and leaves out anything it does not know rather than showing a
dict, a model label or an id.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, ngettext_lazy

from chorus.core.models import AuditAction, AuditEntry
from chorus.core.roles import Role

_ID = re.compile(r"^(\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$", re.I)
_LABEL = re.compile(r"^[a-z_]+\.[a-z_]+$")


def _model_name(label: str) -> str | None:
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    return str(model._meta.verbose_name)


def record_kind_name(label: str) -> str:
    """The translated name of a kind of record ("directory.person" -> "person"), or a
    plain "record" when no installed model has that label."""
    return _model_name(label) or _("record")


def _text(value: Any) -> str:
    """``value`` as words, or "" where it is data a person should not see."""
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list, tuple, set)):
        return ""
    text = str(value).strip()
    if not text or _ID.match(text) or _LABEL.match(text):
        return ""
    return text


def _count(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, (list, tuple)):
        return len(value)
    return None


def _with_text(template: Promise) -> Callable[[Any, Mapping[str, Any]], list[str]]:
    def describe(value: Any, detail: Mapping[str, Any]) -> list[str]:
        text = _text(value)
        return [str(template) % {"value": text}] if text else []

    return describe


def _fixed(template: Promise) -> Callable[[Any, Mapping[str, Any]], list[str]]:
    def describe(value: Any, detail: Mapping[str, Any]) -> list[str]:
        return [str(template)] if value else []

    return describe


def _counted(template: Promise) -> Callable[[Any, Mapping[str, Any]], list[str]]:
    """``template`` is an ``ngettext_lazy(..., "count")``: the count picks the plural."""

    def describe(value: Any, detail: Mapping[str, Any]) -> list[str]:
        count = _count(value)
        return [] if count is None else [str(template % {"count": count})]

    return describe


def _merge_into(value: Any, detail: Mapping[str, Any]) -> list[str]:
    name = _text(detail.get("survivor_name"))
    if name:
        return [_("Merged into %(name)s's record.") % {"name": name}]
    return [_("Merged into another record.")]


def _merged(value: Any, detail: Mapping[str, Any]) -> list[str]:
    name = _text(detail.get("duplicate_name"))
    if name:
        return [_("%(name)s's duplicate record was merged with this one.") % {"name": name}]
    return [_("A duplicate record was merged with this one.")]


def _moved(value: Any, detail: Mapping[str, Any]) -> list[str]:
    if not isinstance(value, Mapping):
        return []
    name = _text(detail.get("duplicate_name"))
    sentences = []
    for label, how_many in sorted(value.items()):
        count = _count(how_many)
        if not count:
            continue
        kind = _model_name(str(label)) or _("other")
        if name:
            sentence = ngettext(
                "%(count)d %(kind)s record moved from %(name)s's duplicate record.",
                "%(count)d %(kind)s records moved from %(name)s's duplicate record.",
                count,
            )
        else:
            sentence = ngettext(
                "%(count)d %(kind)s record moved from the duplicate record.",
                "%(count)d %(kind)s records moved from the duplicate record.",
                count,
            )
        sentences.append(sentence % {"count": count, "kind": kind, "name": name})
    return sentences


def _kept(value: Any, detail: Mapping[str, Any]) -> list[str]:
    if not isinstance(value, Mapping):
        return []
    sentences = []
    for label, ids in sorted(value.items()):
        count = _count(ids)
        if not count:
            continue
        sentence = ngettext(
            "%(count)d %(kind)s record stayed on the duplicate record, because this record "
            "already has the same.",
            "%(count)d %(kind)s records stayed on the duplicate record, because this record "
            "already has the same.",
            count,
        )
        sentences.append(sentence % {"count": count, "kind": _model_name(str(label)) or _("other")})
    return sentences


def _active(value: Any, detail: Mapping[str, Any]) -> list[str]:
    return [_("Account turned on.") if value else _("Account turned off.")]


def _two_factor(value: Any, detail: Mapping[str, Any]) -> list[str]:
    if value == "reset":
        return [_("Two-factor authentication reset.")]
    return [_("Two-factor authentication set up.")]


def _attended(value: Any, detail: Mapping[str, Any]) -> list[str]:
    activity = _text(detail.get("activity"))
    if not activity:
        return []
    if value:
        return [_("Came to %(activity)s.") % {"activity": activity}]
    return [_("Invited to %(activity)s.") % {"activity": activity}]


def _file(value: Any, detail: Mapping[str, Any]) -> list[str]:
    text = _text(value)
    return [_("From the file %(file)s.") % {"file": text}] if text else []


def _search(value: Any, detail: Mapping[str, Any]) -> list[str]:
    text = _text(value)
    return [_("Searched for “%(query)s”.") % {"query": text}] if text else []


def _admin_change(value: Any, detail: Mapping[str, Any]) -> list[str]:
    # Written by the admin site as a finished sentence.
    return [_text(value)] if _text(value) else []


def _role(value: Any, detail: Mapping[str, Any]) -> list[str]:
    if value not in Role.values:
        return []
    return [_("Role: %(role)s.") % {"role": Role(value).label}]


def _reason(value: Any, detail: Mapping[str, Any]) -> list[str]:
    text = _text(value)
    return [_("Reason: %(reason)s") % {"reason": text}] if text else []


# The details Chorus writes, in the order they are said.
_DESCRIBERS: dict[str, Callable[[Any, Mapping[str, Any]], list[str]]] = {
    "merged": _merged,
    "into": _merge_into,
    "moved": _moved,
    "kept": _kept,
    "merge undone": _fixed(gettext_lazy("A merge was undone.")),
    "not the same as": _fixed(gettext_lazy("Marked as not the same person as a possible duplicate.")),
    "source": _with_text(gettext_lazy("Source: %(value)s.")),
    "where": _fixed(gettext_lazy("Done in the administration site.")),
    "change": _admin_change,
    "membership added": _with_text(gettext_lazy("Membership added: %(value)s.")),
    "assessment": _fixed(gettext_lazy("Stakeholder assessment updated.")),
    "note": _fixed(gettext_lazy("Note added.")),
    "adjustments": _fixed(gettext_lazy("Reasonable adjustments.")),
    "adjustments link": _fixed(gettext_lazy("Link to see or change their adjustments emailed.")),
    "briefing": _fixed(gettext_lazy("Briefing on attendees' adjustments.")),
    "tag added": _with_text(gettext_lazy("Tag added: %(value)s.")),
    "tag removed": _with_text(gettext_lazy("Tag removed: %(value)s.")),
    "consent": _with_text(gettext_lazy("Consent recorded: %(value)s.")),
    "joined": _with_text(gettext_lazy("Joined %(value)s.")),
    "erased": _fixed(gettext_lazy("Personal details erased.")),
    "attended": _attended,
    "removed from": _with_text(gettext_lazy("Removed from %(value)s.")),
    "attendance imported": _with_text(gettext_lazy("Attendance imported from %(value)s.")),
    "import": _fixed(gettext_lazy("Added by an import.")),
    "file": _file,
    "role": _role,
    "active": _active,
    "password": _fixed(gettext_lazy("Password set.")),
    "two_factor": _two_factor,
    "document added": _with_text(gettext_lazy("Document added: %(value)s.")),
    "document removed": _with_text(gettext_lazy("Document removed: %(value)s.")),
    "document replaced": _with_text(gettext_lazy("Document replaced by a new version: %(value)s.")),
    "document withdrawn": _with_text(gettext_lazy("Document withdrawn (its file is kept): %(value)s.")),
    "document file deleted": _with_text(gettext_lazy("A version's file deleted for good: %(value)s.")),
    "section added": _with_text(gettext_lazy("Section added: %(value)s.")),
    "question added": _with_text(gettext_lazy("Question added: %(value)s.")),
    "question removed": _with_text(gettext_lazy("Question removed: %(value)s.")),
    "question changed": _with_text(gettext_lazy("Question changed: %(value)s.")),
    "question was": _with_text(gettext_lazy("Before the change it read: %(value)s.")),
    "question moved": _with_text(gettext_lazy("Question moved: %(value)s.")),
    "section changed": _with_text(gettext_lazy("Section changed: %(value)s.")),
    "section moved": _with_text(gettext_lazy("Section moved: %(value)s.")),
    "copied from": _fixed(gettext_lazy("Copied from another consultation.")),
    "responses imported": _counted(
        ngettext_lazy("%(count)d response imported.", "%(count)d responses imported.", "count")
    ),
    "material": _with_text(gettext_lazy("Material added: %(value)s.")),
    "evidence removed": _with_text(gettext_lazy("Evidence link removed: %(value)s.")),
    "checkpoint set": _with_text(gettext_lazy("Checkpoint set: %(value)s.")),
    "checkpoint": _with_text(gettext_lazy("Checkpoint: %(value)s.")),
    "published": _fixed(gettext_lazy("Published.")),
    "shared back": _with_text(gettext_lazy("Shared back: %(value)s.")),
    "moderation": _with_text(gettext_lazy("Moderation: %(value)s.")),
    "reason": _reason,
    "merged_into": _fixed(gettext_lazy("Merged into another idea.")),
    "closed": _fixed(gettext_lazy("Closed.")),
    "q": _search,
    "shown": _counted(ngettext_lazy("%(count)d record shown.", "%(count)d records shown.", "count")),
    "responses listed": _counted(
        ngettext_lazy("%(count)d response shown.", "%(count)d responses shown.", "count")
    ),
    "responses shown": _counted(
        ngettext_lazy("%(count)d response shown.", "%(count)d responses shown.", "count")
    ),
    "attendees shown": _counted(
        ngettext_lazy("%(count)d attendee shown.", "%(count)d attendees shown.", "count")
    ),
    "points": _counted(ngettext_lazy("%(count)d point shown.", "%(count)d points shown.", "count")),
    "subject access request": _fixed(gettext_lazy("Subject access request recorded.")),
    "subject access file": _fixed(gettext_lazy("Subject access file downloaded.")),
    "respondent copy": _fixed(gettext_lazy("The respondent downloaded a copy of their answers.")),
}


def audit_sentences(entry: AuditEntry) -> list[str]:
    """What ``entry``'s detail says, as translated sentences; details this module does
    not know are left out, so a page never shows raw data."""
    detail = entry.detail if isinstance(entry.detail, Mapping) else {}
    sentences: list[str] = []
    for key, describe in _DESCRIBERS.items():
        if key in detail:
            sentences.extend(describe(detail[key], detail))
    return sentences


def audit_heading(entry: AuditEntry) -> str:
    """What happened and who did it: "Changed by Alex Jones"."""
    action = AuditAction(entry.action).label if entry.action in AuditAction.values else _("Recorded")
    actor = entry.actor if entry.actor_id else None
    name = (actor.full_name if actor is not None else "") or entry.actor_label
    if name:
        return _("%(action)s by %(name)s") % {"action": action, "name": name}
    return str(action)
