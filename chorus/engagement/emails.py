"""Emails logged to the people they concern.

Staff forward or copy an email to the people address (``CHORUS_PEOPLE_MAILBOX`` or
``CHORUS_PEOPLE_IMAP_*``, read by ``chorus.core.mailbox``; ``mailbox.py`` here is the
consumer). Every address in From, To and Cc (and, in an email a member of staff forwarded,
the From, To and Cc lines of the message forwarded) is matched to the directory's live
people by their email contact points, exactly, once lower-cased; the organisation's own
addresses (staff accounts, ``CHORUS_STAFF_EMAIL_DOMAINS``) and Chorus's own are never
matched. Near matches are not linked automatically: an address a typo away from a
person's may be someone else's, so filing it is a person's decision. "Emails to file"
suggests, for staff to choose, people whose address is near one in the email by the
directory linkage model's own "typo" rule (the same digits, at most two edits:
``directory/linkage/engine.py``), and people whose names match the sender's name.

A matched email is logged on each person it concerns; one matched to no one waits in
"Emails to file". A subject naming a project as ``[project: Court fees review]`` (its name,
any case, or the code in its address) logs it to that project too. Files pass the checks
every file people send passes (``core.uploads.attachment_problem``). An iCalendar invitation
(``METHOD:REQUEST``) becomes an activity with its attendees from the directory invited, when
the email is logged (or when staff file it); a later invitation with the same UID updates it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import getaddresses, parseaddr
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Length
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chorus.accounts.models import User
from chorus.core.access import visible_to
from chorus.core.audit import audit_record
from chorus.core.hooks import on_person_erased
from chorus.core.ical import Invitation, invitation_read
from chorus.core.mailbox import IncomingEmail, UnreadableEmail, email_parse
from chorus.core.models import AuditAction
from chorus.core.registry import (
    AttentionItem,
    TimelineEntry,
    attention_provider,
    subject_access_provider,
    timeline_provider,
)
from chorus.core.roles import Role
from chorus.directory.models import ContactPoint, Person, Place
from chorus.directory.normalise import normalise_email
from chorus.directory.search import search_people
from chorus.engagement.models import (
    Activity,
    ActivityType,
    Attendance,
    LoggedEmail,
    LoggedEmailAttachment,
    Project,
)

if TYPE_CHECKING:
    from django.http import HttpRequest

logger = logging.getLogger(__name__)

MAILBOX = "people"
# Who the audit log says logged an email that came in by itself.
BY_EMAIL = "the people address, by email"
# Officers and administrators file and discard; whoever may see contact details reads.
FILERS = (Role.ADMINISTRATOR, Role.ENGAGEMENT_OFFICER)

PROJECT_TAG = re.compile(r"\[\s*project\s*:\s*([^\]]+?)\s*\]", re.IGNORECASE)
# The header lines of a message forwarded inline ("From: Carys Jones <carys@...>").
FORWARDED_HEADER = re.compile(r"^\s*>?\s*(?:from|to|cc|sent by)\s*:\s*(.+)$", re.IGNORECASE | re.MULTILINE)
ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
CALENDAR_TYPES = ("text/calendar", "application/ics")
ANSWERS = {"ACCEPTED": Attendance.Invitation.ACCEPTED, "DECLINED": Attendance.Invitation.DECLINED}


# Whose addresses are whose -----------------------------------------------------------------


def chorus_addresses() -> set[str]:
    """Chorus's own addresses: the people address, the address it sends from, the mailbox user."""
    found = {
        parseaddr(settings.CHORUS_PEOPLE_ADDRESS)[1],
        parseaddr(settings.DEFAULT_FROM_EMAIL)[1],
        settings.CHORUS_PEOPLE_IMAP_USER if "@" in settings.CHORUS_PEOPLE_IMAP_USER else "",
    }
    return {normalise_email(a) for a in found if a}


def staff_by_address(addresses: Iterable[str]) -> dict[str, User]:
    """The staff accounts of ``addresses`` (normalised), by address."""
    wanted = {normalise_email(a) for a in addresses}
    return {u.email.lower(): u for u in User.objects.filter(email__in=wanted)}


def is_organisation_address(address: str, staff: dict[str, User]) -> bool:
    address = normalise_email(address)
    domain = address.rpartition("@")[2]
    return address in staff or domain in settings.CHORUS_STAFF_EMAIL_DOMAINS


@dataclass(frozen=True)
class Addresses:
    """Who an email is between: the logger (a staff account that sent it) and the addresses
    to match to the directory, in the order they appear."""

    logged_by: User | None
    outside: list[str]
    # Whether someone of the organisation sent it, or was sent or copied it: only then is it
    # logged straight away. Anyone can write to the people address giving a directory
    # person's address as theirs; such an email waits for staff to file it.
    staff_involved: bool = False


def addresses_of(message: IncomingEmail) -> Addresses:
    on_message = [message.sender, *message.to, *message.cc]
    staff = staff_by_address([*on_message])
    sender = staff.get(normalise_email(message.sender))
    forwarded: list[str] = []
    if sender is not None or is_organisation_address(message.sender, staff):
        # Staff forwarded it: whom the forwarded message was between counts too.
        forwarded = _forwarded_addresses(message)
        staff |= staff_by_address(forwarded)
    ours = chorus_addresses()
    outside: list[str] = []
    for address in (normalise_email(a) for a in [*on_message, *forwarded]):
        ours_or_seen = address in ours or address in outside
        if address and not ours_or_seen and not is_organisation_address(address, staff):
            outside.append(address)
    involved = any(is_organisation_address(normalise_email(a), staff) for a in on_message)
    return Addresses(logged_by=sender, outside=outside, staff_involved=involved)


def _forwarded_addresses(message: IncomingEmail) -> list[str]:
    found: list[str] = []
    for line in FORWARDED_HEADER.findall(message.text):
        found += [a for _name, a in getaddresses([line]) if "@" in a] or ADDRESS.findall(line)
    for attachment in message.attachments:
        if attachment.content_type == "message/rfc822":
            try:
                inner = email_parse(attachment.data)
            except UnreadableEmail:
                continue  # an attached message too broken to read adds no one
            found += [inner.sender, *inner.to, *inner.cc]
    return found


def _live_people() -> QuerySet[Person]:
    return Person.objects.filter(merged_into__isnull=True, erased_at__isnull=True)


def people_matched(addresses: Iterable[str]) -> list[Person]:
    """The live directory people with one of ``addresses`` as an email contact point."""
    wanted = [normalise_email(a) for a in addresses]
    ids = ContactPoint.objects.filter(
        kind=ContactPoint.Kind.EMAIL, normalised__in=wanted, person__in=_live_people()
    ).values("person")
    return list(Person.objects.filter(pk__in=ids).order_by("last_name", "first_name"))


def people_suggested(email: LoggedEmail, user: User, most: int = 5) -> list[Person]:
    """People whose names match the sender's name, for staff filing an email to choose from."""
    name = email.sender_name.strip()
    if not name or "@" in name:
        return []
    return list(search_people(people_visible(user), name)[:most])


# The linkage model's "typo" level for email addresses: the same digits and at most two edits.
NEAR_EDITS = 2
# The most directory addresses compared with one address in the email (a common domain has
# many; those of about the same length, sharing its domain or its name part, are compared).
_NEAR_CANDIDATES = 5000
# The most addresses of one email looked at for near matches: anyone can write to the people
# address with hundreds of addresses in Cc, and the filing page must still open at once.
_NEAR_ADDRESSES = 10


@dataclass(frozen=True)
class NearMatch:
    person: Person
    theirs: str  # the person's address in the directory
    written: str  # the address in the email


def email_addresses_outside(email: LoggedEmail) -> list[str]:
    """The addresses in a logged email that are not the organisation's or Chorus's own."""
    addresses = [email.sender, *email.to.split(), *email.cc.split()]
    staff = staff_by_address(addresses)
    own = chorus_addresses()
    return sorted(
        {
            normalise_email(a)
            for a in addresses
            if "@" in a and not is_organisation_address(a, staff) and normalise_email(a) not in own
        }
    )


def people_exact(email: LoggedEmail, user: User) -> list[Person]:
    """People the user may see with one of the email's addresses exactly: for an email that
    waits because no one of the organisation sent or received it, staff confirm them."""
    found = [p.pk for p in people_matched(email_addresses_outside(email))]
    return list(people_visible(user).filter(pk__in=found).order_by("last_name", "first_name"))


def people_near(email: LoggedEmail, user: User, most: int = 5) -> list[NearMatch]:
    """People the user may see whose email address is a typo away from one in the email,
    and who do not have one of its addresses exactly, nearest first."""
    from rapidfuzz.distance import Levenshtein

    written = email_addresses_outside(email)
    best: dict[int, tuple[int, str, str]] = {}
    exact = {p.pk for p in people_matched(written)}
    visible = people_visible(user)
    sender_first = sorted(written, key=lambda a: a != normalise_email(email.sender))
    for address in sender_first[:_NEAR_ADDRESSES]:
        local, _, domain = address.rpartition("@")
        if not local or not domain:
            continue
        digits = [c for c in address if c.isdigit()]
        candidates = (
            ContactPoint.objects.filter(kind=ContactPoint.Kind.EMAIL, person__in=visible)
            .filter(Q(normalised__endswith=f"@{domain}") | Q(normalised__startswith=f"{local}@"))
            .annotate(length=Length("normalised"))
            .filter(length__gte=len(address) - NEAR_EDITS, length__lte=len(address) + NEAR_EDITS)
            .values_list("normalised", "person_id")[:_NEAR_CANDIDATES]
        )
        for theirs, person_id in candidates:
            if theirs == address or [c for c in theirs if c.isdigit()] != digits:
                continue
            edits = Levenshtein.distance(theirs, address, score_cutoff=NEAR_EDITS)
            if edits <= NEAR_EDITS and (person_id not in best or edits < best[person_id][0]):
                best[person_id] = (edits, theirs, address)
    nearest = [
        item
        for item in sorted(best.items(), key=lambda item: (item[1][0], item[1][1]))
        if item[0] not in exact
    ]
    nearest = nearest[:most]
    people = Person.objects.in_bulk([person_id for person_id, _ in nearest])
    return [
        NearMatch(people[pid], theirs, written_) for pid, (_, theirs, written_) in nearest if pid in people
    ]


def people_visible(user: User) -> QuerySet[Person]:
    return visible_to(user, _live_people())


def project_named(subject: str) -> Project | None:
    """The project a ``[project: ...]`` tag in ``subject`` names by its name (any case) or its
    code; None when none does, or when the name is shared by projects of two programmes."""
    for named in PROJECT_TAG.findall(subject):
        by_code = Project.objects.filter(code=named) if re.fullmatch(r"[0-9a-fA-F-]{32,36}", named) else None
        try:
            found = list(by_code if by_code is not None else Project.objects.filter(name__iexact=named)[:2])
        except ValidationError:
            found = []
        if len(found) == 1:
            return found[0]
    return None


def calendar_of(message: IncomingEmail) -> str:
    """The first iCalendar invitation the email carries, as text ("" when none)."""
    for attachment in message.attachments:
        is_ics = attachment.name.lower().endswith(".ics")
        if attachment.content_type in CALENDAR_TYPES or is_ics:
            text = attachment.data.decode("utf-8", errors="replace")
            if invitation_read(text) is not None:
                return text
    return ""


# Logging, filing and discarding --------------------------------------------------------------


def _attach(email: LoggedEmail, upload: UploadedFile) -> LoggedEmailAttachment:
    attachment = LoggedEmailAttachment(email=email, original_name=upload.name or "", size=upload.size or 0)
    attachment.file.save(upload.name or "attachment", upload, save=False)
    attachment.save()
    return attachment


def email_log(
    *, message: IncomingEmail, files: list[UploadedFile], refused: list[dict[str, str]], calendar: str
) -> LoggedEmail:
    """Keep ``message``: logged on the people it concerns (and the project its subject names),
    or waiting to be filed when it concerns no one in the directory."""
    addresses = addresses_of(message)
    people = people_matched(addresses.outside) if addresses.staff_involved else []
    with transaction.atomic():
        email = LoggedEmail.objects.create(
            status=LoggedEmail.Status.FILED if people else LoggedEmail.Status.TO_FILE,
            message_id=message.message_id[:255],
            sender=message.sender[:254],
            sender_name=message.sender_name[:200],
            to="\n".join(message.to),
            cc="\n".join(message.cc),
            subject=message.subject[:300],
            sent_at=message.sent_at,
            text=message.text,
            logged_by=addresses.logged_by,
            project=project_named(message.subject),
            calendar=calendar,
            calendar_uid=_uid(calendar),
            refused=refused,
        )
        email.people.set(people)
        for upload in files:
            _attach(email, upload)
        if people:
            _activity_from_invitation(email, people)
        audit_record(
            actor=None,
            action=AuditAction.CREATE,
            obj=email,
            actor_label=BY_EMAIL,
            detail={
                "people": len(people),
                "project": email.project.name if email.project else "",
                "files kept": len(files),
                "files not kept": len(refused),
                "activity": email.activity.title if email.activity else "",
            },
        )
    return email


def _uid(calendar: str) -> str:
    invitation = invitation_read(calendar) if calendar else None
    return invitation.uid if invitation else ""


def email_file(
    *,
    actor: User,
    email: LoggedEmail,
    people: list[Person],
    project: Project | None,
    request: HttpRequest | None = None,
) -> LoggedEmail:
    """File an email waiting in "Emails to file" to ``people`` (at least one), and a project."""
    if not people:
        raise ValidationError({"people": _("Choose at least one person to file the email to")})
    with transaction.atomic():
        email = LoggedEmail.objects.select_for_update().get(pk=email.pk)
        if email.status != LoggedEmail.Status.TO_FILE:
            raise ValidationError(_("This email has already been filed or discarded"))
        email.status = LoggedEmail.Status.FILED
        email.project = project or email.project
        email.decided_by, email.decided_at = actor, timezone.now()
        email.save(update_fields=["status", "project", "decided_by", "decided_at", "updated_at"])
        email.people.set(people)
        _activity_from_invitation(email, people)
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=email,
            request=request,
            detail={
                "filed to": [str(p.code) for p in people],
                "project": email.project.name if email.project else "",
            },
        )
    return email


def email_discard(
    *, actor: User, email: LoggedEmail, reason: str, request: HttpRequest | None = None
) -> None:
    """Discard an email waiting to be filed: its words and files go; the reason is kept."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the email is discarded")})
    with transaction.atomic():
        email = LoggedEmail.objects.select_for_update().get(pk=email.pk)
        if email.status != LoggedEmail.Status.TO_FILE:
            raise ValidationError(_("This email has already been filed or discarded"))
        for attachment in email.attachments.all():
            attachment.file.delete(save=False)
        email.attachments.all().delete()
        email.status, email.discard_reason = LoggedEmail.Status.DISCARDED, reason[:300]
        email.text, email.calendar = "", ""
        email.decided_by, email.decided_at = actor, timezone.now()
        email.save()
        audit_record(
            actor=actor, action=AuditAction.CHANGE, obj=email, request=request, detail={"discarded": reason}
        )


def _place(location: str) -> Place | None:
    if not location:
        return None
    for place in Place.objects.filter(Q(name__iexact=location) | Q(other_names__icontains=location)):
        if location.lower() in {place.name.lower(), *(n.lower() for n in place.other_name_list())}:
            return place
    return None


def _activity_from_invitation(email: LoggedEmail, people: list[Person]) -> None:
    """Make (or, for a later invitation to the same event, update) the activity of the
    email's invitation, with its attendees from the directory and ``people`` invited."""
    invitation = invitation_read(email.calendar, timezone.get_default_timezone()) if email.calendar else None
    if invitation is None:
        return
    earlier = (
        LoggedEmail.objects.filter(calendar_uid=invitation.uid, activity__isnull=False)
        .exclude(pk=email.pk)
        .select_related("activity")
        .first()
        if invitation.uid
        else None
    )
    activity = earlier.activity if earlier is not None else None
    is_link = bool(re.match(r"https://\S+$", invitation.location)) and len(invitation.location) <= 200
    fields: dict[str, Any] = {
        "title": (invitation.summary or email.subject or _("Meeting"))[:200],
        "starts_at": invitation.starts,
        "ends_at": invitation.ends,
    }
    if activity is None:
        activity = Activity(
            kind=ActivityType.MEETING,
            summary=invitation.description
            if not invitation.location or is_link
            else f"{invitation.description}\n\n{_('Where')}: {invitation.location}".strip(),
            online_link=invitation.location if is_link else "",
            place=None if is_link else _place(invitation.location),
            organiser=email.logged_by or staff_by_address([invitation.organiser]).get(invitation.organiser),
            # A meeting with someone whose record is restricted to a team is that team's too.
            team=next((p.team for p in people if p.team_id), None),
        )
    for name, value in fields.items():
        setattr(activity, name, value)
    try:
        activity.full_clean()
    except ValidationError as error:
        # An invitation Chorus cannot make an activity of still leaves the email logged.
        logger.warning("Email %s: its invitation makes no activity (%s)", email.code, error)
        return
    activity.save()
    if email.project is not None:
        activity.projects.add(email.project)
    _invite(activity, invitation, people)
    email.activity = activity
    email.save(update_fields=["activity", "updated_at"])


def _invite(activity: Activity, invitation: Invitation, people: list[Person]) -> None:
    answers: dict[int, str] = {}
    for attendee in invitation.attendees:
        for person in people_matched([attendee.email]):
            answers[person.pk] = ANSWERS.get(attendee.answer, Attendance.Invitation.INVITED)
    for person in people:
        answers.setdefault(person.pk, Attendance.Invitation.INVITED)
    for person_id, answer in answers.items():
        row, created = Attendance.objects.get_or_create(
            activity=activity, person_id=person_id, defaults={"invitation": answer}
        )
        if not created and not row.attended and row.invitation != answer:
            row.invitation = answer
            row.save(update_fields=["invitation", "updated_at"])


# Who sees what -------------------------------------------------------------------------------


def emails_for(user: User) -> QuerySet[LoggedEmail]:
    """The logged emails ``user`` may read: those who may see people's contact details read
    an email when they may see every person and the project it is logged to."""
    if not (user.is_active and user.can_see_contact_details):
        return LoggedEmail.objects.none()
    emails = LoggedEmail.objects.all()
    if user.role not in FILERS:  # those waiting to be filed, or discarded, are the filers'
        emails = emails.filter(status=LoggedEmail.Status.FILED)
    if user.is_administrator:
        return emails
    hidden_people = Person.objects.exclude(pk__in=visible_to(user, Person.objects.all()).values("pk"))
    hidden_projects = Project.objects.exclude(pk__in=visible_to(user, Project.objects.all()).values("pk"))
    return emails.exclude(people__in=hidden_people).exclude(project__in=hidden_projects)


def emails_to_file(user: User) -> QuerySet[LoggedEmail]:
    if user.role not in FILERS:
        return LoggedEmail.objects.none()
    return emails_for(user).filter(status=LoggedEmail.Status.TO_FILE).order_by("created_at", "id")


def email_url(email: LoggedEmail) -> str:
    return reverse("engagement:email_detail", kwargs={"code": email.code})


@timeline_provider
def person_emails(record: object, user: User) -> list[TimelineEntry]:
    """A person's logged emails on their timeline: the subject and who it was from for those
    who may read it; for viewers, only that an email was logged."""
    if not isinstance(record, Person):
        return []
    emails = LoggedEmail.objects.filter(people=record, status=LoggedEmail.Status.FILED)
    readable = set(emails_for(user).filter(people=record).values_list("pk", flat=True))
    entries = []
    for email in emails.order_by("-sent_at", "-id")[:100]:
        if email.pk in readable:
            title = _("Email: %(subject)s") % {"subject": email.subject or _("(no subject)")}
            sender = email.sender_name or email.sender
            entries.append(
                TimelineEntry(email.at, title, [_("From %(sender)s") % {"sender": sender}], email_url(email))
            )
        elif not user.can_see_contact_details:
            entries.append(TimelineEntry(email.at, _("Email logged"), []))
    return entries


@subject_access_provider
def person_email_records(person: object) -> dict[str, list[object]]:
    if not isinstance(person, Person):
        return {}
    emails = list(LoggedEmail.objects.filter(people=person))
    files = list(LoggedEmailAttachment.objects.filter(email__in=emails))
    return {"loggedemail.csv": list(emails), "loggedemailattachment.csv": list(files)}


@on_person_erased
def person_emails_erase(person_id: int) -> None:
    """An erased person's emails go with them, files and all; one logged to other people too
    stays for them, no longer linked to the erased person."""
    for email in LoggedEmail.objects.filter(people=person_id).prefetch_related("people", "attachments"):
        if any(p.pk != person_id for p in email.people.all()):
            email.people.remove(person_id)
            continue
        for attachment in email.attachments.all():
            attachment.file.delete(save=False)
        email.delete()


@attention_provider
def emails_waiting(user: User) -> list[AttentionItem]:
    """Emails to the people address matched to no one, for officers and administrators."""
    count = emails_to_file(user).count()
    if not count:
        return []
    return [
        AttentionItem(
            title=_("Emails to file"),
            description=_("Emails copied to Chorus that are not from or to anyone in the directory."),
            url=reverse("engagement:email_list"),
            count=count,
        )
    ]
