"""Inviting people from the directory to register for an activity.

Each invitee gets, in their language, a personal link: the activity and the person, signed.
The link lets them register for an activity not on the public calendar (a team's own
event), with their name and email filled in. A person is invited once per activity; sending
again to a group invites only those not invited yet.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from chorus.core.audit import audit_record
from chorus.core.email import email_send_later
from chorus.core.models import AuditAction
from chorus.directory.models import ContactPoint, Person, SavedSearch
from chorus.engagement.models import Activity
from chorus.events.models import Invitation

if TYPE_CHECKING:
    from django.http import HttpRequest

    from chorus.accounts.models import User

INVITE_SALT = "chorus.events.invitation"
# Where the session keeps the invitations a browser arrived with, by activity code.
SESSION_KEY = "event_invitations"


def invitation_token(activity: Activity, person: Person) -> str:
    return signing.dumps({"a": str(activity.code), "p": str(person.code)}, salt=INVITE_SALT, compress=True)


def invitation_from_token(token: str) -> Invitation | None:
    """The invitation a personal link names, or None for one altered, made up or withdrawn."""
    try:
        payload = signing.loads(token, salt=INVITE_SALT)
    except signing.BadSignature:
        return None
    activity_code = payload.get("a") if isinstance(payload, dict) else None
    person_code = payload.get("p") if isinstance(payload, dict) else None
    if not isinstance(activity_code, str) or not isinstance(person_code, str):
        return None
    return (
        Invitation.objects.select_related("activity", "person")
        .filter(
            activity__code=activity_code,
            person__code=person_code,
            person__erased_at__isnull=True,
        )
        .first()
    )


def invited_to(request: HttpRequest, code: UUID) -> bool:
    """Whether this browser came with a personal invitation to the activity ``code``."""
    token = request.session.get(SESSION_KEY, {}).get(str(code))
    invitation = invitation_from_token(token) if token else None
    return invitation is not None and invitation.activity.code == code


def email_of(person: Person) -> str:
    contact = (
        ContactPoint.objects.filter(person=person, kind=ContactPoint.Kind.EMAIL)
        .order_by("-is_primary", "id")
        .first()
    )
    return contact.value if contact else ""


@dataclass
class InvitationsSent:
    sent: int = 0
    already: int = 0
    not_reachable: list[Person] = field(default_factory=list)


def invitations_send(
    *,
    actor: User,
    request: HttpRequest | None,
    activity: Activity,
    people: Iterable[Person],
    saved_search: SavedSearch | None = None,
) -> InvitationsSent:
    """Invite ``people`` to register for ``activity``: each not invited before gets an email
    in their language with their personal link; those without an email address are
    returned as not reachable. One audit entry says how many (and which saved search of
    the directory chose them, where one did)."""
    result = InvitationsSent()
    with transaction.atomic():
        invited = set(Invitation.objects.filter(activity=activity).values_list("person_id", flat=True))
        for person in {p.pk: p for p in people if p.erased_at is None}.values():
            if person.pk in invited:
                result.already += 1
                continue
            to = email_of(person)
            if not to:
                result.not_reachable.append(person)
                continue
            Invitation.objects.create(activity=activity, person=person, invited_by=actor)
            _email(activity, person, to)
            result.sent += 1
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=activity,
            request=request,
            object_type="events.invitation",
            detail={
                "invited": result.sent,
                "invited before": result.already,
                "not reachable": len(result.not_reachable),
                **({"saved search": f"{saved_search.name} ({saved_search.code})"} if saved_search else {}),
            },
        )
    return result


def _email(activity: Activity, person: Person, to: str) -> None:
    language = person.preferred_language if person.preferred_language in ("en", "cy") else "en"
    with translation.override(language):
        url = settings.CHORUS_BASE_URL + reverse(
            "events:invited", kwargs={"token": invitation_token(activity, person)}
        )
        context: dict[str, Any] = {
            "name": person.full_name,
            "title": activity.title_for(language),
            "activity": activity,
            "url": url,
            "service_name": settings.CHORUS_SERVICE_NAME,
        }
        body = render_to_string("events/email/invitation.txt", context)
        subject = _("Invitation: %(title)s") % {"title": context["title"]}
    email_send_later(to=[to], subject=subject, body=body)
