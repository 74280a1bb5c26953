"""Telling people what changed because of what they said: a "you said, we did" record
emailed, through the bulletin machinery, to the people it came from.

Who is told, once per email address whichever way they came (the first way counts):

1. people from the directory who came to the record's activities, at their primary email
   address (``engagement.services.impact_participants``);
2. people who responded to the record's consultations and asked, in their response, to be
   told what changed, or agreed to hear from us another way (see ``_respondents_agreed``);
3. if staff choose topics or regions, the active subscribers of those.

Nobody who unsubscribed, whose address bounced or was marked as spam, or whom an earlier
share-back of the same record reached, is emailed. Each recipient needs a ``Subscriber``
row for their delivery and unsubscribe link; people who were not subscribers get one
with status "share_back", which no bulletin's audience includes, so being told about
one change never subscribes anyone to bulletins.

``shareback_plan`` counts who would be told (nothing is written); ``shareback_prepare``
writes the bulletin and its deliveries ready for ``bulletin_deliver``;
``shareback_send`` does that for a member of staff, audited, and starts the sending.
When the sending finishes, ``shareback_finished`` marks the record as shared back.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Lower
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chorus.accounts.models import User
from chorus.bulletins.models import AddressEvent, Bulletin, Delivery, Subscriber
from chorus.bulletins.services.audience import audience_for
from chorus.bulletins.services.composing import links_register
from chorus.bulletins.services.sending import SendError, bulletin_deliver
from chorus.consultations.models import Response
from chorus.core.audit import audit_record, audit_record_many
from chorus.core.downloads import absolute_url
from chorus.core.models import AuditAction
from chorus.core.tasks import enqueue_after_commit
from chorus.directory.models import ContactPoint, LawfulBasis
from chorus.engagement.models import ImpactRecord
from chorus.engagement.services import impact_participants

# Where a recipient came from, in the order that decides when they came more than one way.
SOURCES = {
    "attended": gettext_lazy("Came to an activity"),
    "responded": gettext_lazy("Responded to a consultation"),
    "subscribed": gettext_lazy("Subscribers to the topics and areas chosen"),
}
# Why someone who took part is not emailed.
EXCLUDED = {
    "no_email": gettext_lazy("No email address"),
    "not_agreed": gettext_lazy("Responded, but did not agree to hear from us"),
    "unsubscribed": gettext_lazy("Unsubscribed from our emails"),
    "stopped": gettext_lazy("Email address bounced or was marked as spam"),
    "already": gettext_lazy("Already told by an earlier share-back"),
}
LANGUAGES = {"en": "English", "cy": "Cymraeg"}
# Deliveries that went, may have gone, or are about to: their addresses are not told again.
_REACHED = (Delivery.Status.QUEUED, Delivery.Status.SENDING, Delivery.Status.SENT, Delivery.Status.UNKNOWN)
_CHUNK = 2000  # addresses per query, well inside every database's limit on parameters
T = TypeVar("T")


@dataclass(frozen=True)
class Recipient:
    email: str  # lower-cased
    language: str  # "en" or "cy"
    source: str  # a key of SOURCES
    person_id: int | None = None


@dataclass
class Plan:
    """Who a share-back of ``record`` would tell, and who it leaves out and why."""

    record: ImpactRecord
    recipients: list[Recipient] = field(default_factory=list)
    excluded: dict[str, int] = field(default_factory=lambda: dict.fromkeys(EXCLUDED, 0))
    # Addresses that came more than one way (attended and responded, say), told once.
    overlap: int = 0

    @property
    def total(self) -> int:
        return len(self.recipients)

    def by_source(self) -> list[tuple[str, int]]:
        return [(str(label), sum(r.source == key for r in self.recipients)) for key, label in SOURCES.items()]

    def by_language(self) -> list[tuple[str, int]]:
        return [(label, sum(r.language == key for r in self.recipients)) for key, label in LANGUAGES.items()]

    def exclusions(self) -> list[tuple[str, int]]:
        return [(str(EXCLUDED[key]), n) for key, n in self.excluded.items() if n]


def _language(value: str) -> str:
    return "cy" if (value or "").lower().startswith("cy") else "en"


def _chunks(items: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _attendees(record: ImpactRecord) -> tuple[list[tuple[str, str, int]], int]:
    """(email, language, person id) of each participant with a primary email address, and
    how many participants have none."""
    participants = impact_participants(record).order_by()
    people = dict(participants.values_list("pk", "preferred_language"))
    emails = dict(
        ContactPoint.objects.filter(
            person__in=participants.values("pk"), kind=ContactPoint.Kind.EMAIL, is_primary=True
        ).values_list("person_id", "normalised")
    )
    found = [(emails[pk].lower(), _language(people[pk]), pk) for pk in people if emails.get(pk)]
    return found, len(people) - len(found)


def _respondents(record: ImpactRecord) -> tuple[dict[str, str], set[str], int]:
    """{email: language} of everyone who responded to the record's consultations with an
    email address (their latest response's language); the addresses whose response asked
    to be told what changed (``Response.may_contact``); and how many responses gave none.
    A response anonymised under the retention rules has no email left, so it counts there."""
    responses = Response.objects.filter(consultation__in=record.consultations.all())
    found: dict[str, str] = {}
    asked: set[str] = set()
    for email, language, may_contact in (
        responses.exclude(email="")
        .order_by("submitted_at", "pk")
        .values_list(Lower("email"), "language", "may_contact")
    ):
        found[email] = _language(language)
        if may_contact:
            asked.add(email)
    return found, asked, responses.filter(email="").count()


def _respondents_agreed(emails: Sequence[str]) -> set[str]:
    """The addresses whose owner agreed to hear from us some other way than their response:
    a confirmed bulletin subscription. (Consent recorded in the directory is not enough: it
    may be for another purpose, such as photographs or research.)"""
    agreed: set[str] = set()
    for chunk in _chunks(emails):
        agreed.update(
            Subscriber.objects.annotate(address=Lower("email"))
            .filter(address__in=chunk, status=Subscriber.Status.ACTIVE)
            .values_list("address", flat=True)
        )
    return agreed


def _subscribers(topics: Sequence[int], regions: Sequence[int]) -> list[tuple[str, str]]:
    # With nothing chosen ``audience_for`` means every subscriber; here it means none.
    if not (topics or regions):
        return []
    return [
        (email.lower(), _language(language))
        for email, language in audience_for(regions=regions, topics=topics, lists=[], groups=[])
        .order_by("pk")
        .values_list("email", "language")
    ]


def _subscriber_statuses(emails: Sequence[str]) -> dict[str, str]:
    """Each address's subscriber status; an address that unsubscribed and has not confirmed
    a subscription since reads as unsubscribed, whatever a later unconfirmed sign-up (which
    anyone can make with anyone's address) set its status to."""
    found: dict[str, str] = {}
    for chunk in _chunks(emails):
        for address, status, unsubscribed_at in (
            Subscriber.objects.annotate(address=Lower("email"))
            .filter(address__in=chunk)
            .values_list("address", "status", "unsubscribed_at")
        ):
            opted_out = unsubscribed_at is not None and status != Subscriber.Status.ACTIVE
            found[address] = Subscriber.Status.UNSUBSCRIBED if opted_out else status
    return found


def _stopped_addresses(emails: Sequence[str]) -> set[str]:
    stopped: set[str] = set()
    for chunk in _chunks(emails):
        stopped.update(
            AddressEvent.objects.annotate(address=Lower("email"))
            .filter(address__in=chunk)
            .values_list("address", flat=True)
        )
    return stopped


def _already_told(record: ImpactRecord) -> set[str]:
    return set(
        Delivery.objects.filter(bulletin__impact=record, status__in=_REACHED)
        .annotate(address=Lower("subscriber__email"))
        .values_list("address", flat=True)
    )


def shareback_plan(record: ImpactRecord, *, topics: Sequence[int] = (), regions: Sequence[int] = ()) -> Plan:
    """Who a share-back of ``record`` would tell now, by source and language, and who it
    leaves out and why. Reads only."""
    plan = Plan(record=record)
    attendees, plan.excluded["no_email"] = _attendees(record)
    respondents, asked, no_email = _respondents(record)
    plan.excluded["no_email"] += no_email
    agreed = asked | _respondents_agreed([email for email in respondents if email not in asked])
    candidates: dict[str, Recipient] = {}
    ways: dict[str, int] = {}

    def offer(recipient: Recipient) -> None:
        ways[recipient.email] = ways.get(recipient.email, 0) + 1
        candidates.setdefault(recipient.email, recipient)

    for email, language, person_id in attendees:
        offer(Recipient(email, language, "attended", person_id))
    for email, language in respondents.items():
        if email in agreed:
            offer(Recipient(email, language, "responded"))
    for email, language in _subscribers(topics, regions):
        offer(Recipient(email, language, "subscribed"))
    # Counted once per address: someone who came and also responded without agreeing came.
    plan.excluded["not_agreed"] = len(set(respondents) - agreed - set(candidates))
    plan.overlap = sum(1 for n in ways.values() if n > 1)

    emails = list(candidates)
    statuses = _subscriber_statuses(emails)
    stopped = _stopped_addresses(emails)
    told = _already_told(record)
    for email, recipient in candidates.items():
        status = statuses.get(email)
        if email in stopped or status in (Subscriber.Status.BOUNCED, Subscriber.Status.COMPLAINED):
            plan.excluded["stopped"] += 1
        elif status == Subscriber.Status.UNSUBSCRIBED:
            plan.excluded["unsubscribed"] += 1
        elif email in told:
            plan.excluded["already"] += 1
        else:
            plan.recipients.append(recipient)
    return plan


def shareback_content(record: ImpactRecord, language: str) -> tuple[str, str]:
    """(subject, Markdown body) of the share-back email in ``language``."""
    project = record.project
    with translation.override(language):
        url = absolute_url(reverse("engagement:public_impact", args=[project.code]))
        subject = _("You said, we did: %(project)s") % {"project": project.name}
        body = "\n\n".join(
            [
                _(
                    "Thank you for taking part in “%(project)s”. You told us what you thought. "
                    "This is what we did because of it."
                )
                % {"project": project.name},
                f"**{_('You said')}**",
                record.you_said_for(language),
                f"**{_('We did')}**",
                record.we_did_for(language),
                f"[{_('Read more about what changed')}]({url})",
            ]
        )
    return subject, body


def _subscribers_write(recipients: list[Recipient], *, detail: str, actor: User | None) -> dict[str, int]:
    """A ``Subscriber`` for each recipient, reusing the one their address has: {email: id}.
    Each row added or changed is in the audit log, as the subscriber import's are.

    Someone new is added as "share_back" (told, not subscribed) on the lawful basis of
    legitimate interests: telling people who took part what came of it. Someone who signed
    up but never confirmed keeps their row as it is, still waiting for their confirmation."""
    emails = [r.email for r in recipients]
    existing: dict[str, tuple[int, str]] = {}
    for chunk in _chunks(emails):
        for pk, address, status in (
            Subscriber.objects.annotate(address=Lower("email"))
            .filter(address__in=chunk)
            .values_list("pk", "address", "status")
        ):
            existing[address] = (pk, status)
    now = timezone.now()
    changed: list[int] = []
    # Someone only ever told is told in the language they now ask for; a subscriber's own
    # choice of language stands.
    for language in LANGUAGES:
        told_only = [
            existing[r.email][0]
            for r in recipients
            if r.language == language and existing.get(r.email, (0, ""))[1] == Subscriber.Status.SHARE_BACK
        ]
        for pks in _chunks(told_only):
            moved = Subscriber.objects.filter(pk__in=pks).exclude(language=language)
            changed.extend(moved.values_list("pk", flat=True))
            moved.update(language=language, updated_at=now)
    new = [r for r in recipients if r.email not in existing]
    Subscriber.objects.bulk_create(
        [
            Subscriber(
                email=r.email,
                language=r.language,
                status=Subscriber.Status.SHARE_BACK,
                source=Subscriber.Source.SHARE_BACK,
                source_detail=detail[:200],
                lawful_basis=LawfulBasis.LEGITIMATE_INTERESTS,
                person_id=r.person_id,
            )
            for r in new
        ],
        batch_size=1000,
        ignore_conflicts=True,  # someone signing up at this moment keeps their own row
    )
    ids = {address: pk for address, (pk, _status) in existing.items()}
    for chunk in _chunks([r.email for r in new]):
        ids.update(
            Subscriber.objects.filter(email__in=chunk).values_list("email", "pk")  # stored lower-cased
        )
    added = [ids[r.email] for r in new if r.email in ids]
    for action, pks in ((AuditAction.CREATE, added), (AuditAction.CHANGE, changed)):
        for chunk_pks in _chunks(pks):
            rows = Subscriber.objects.filter(pk__in=chunk_pks).only("pk", "code", "email")
            records = [(action, row) for row in rows]
            audit_record_many(actor=actor, records=records, detail={"share-back": detail})
    return ids


def shareback_prepare(
    record: ImpactRecord,
    *,
    topics: Sequence[int] = (),
    regions: Sequence[int] = (),
    actor: User | None = None,
) -> Bulletin:
    """Write the share-back bulletin of ``record``, in English and Welsh, with one queued
    delivery per recipient of ``shareback_plan``, ready for ``bulletin_deliver``.

    Raises ``SendError`` when there is nobody to tell."""
    with transaction.atomic():
        # One share-back of a record at a time, so two at once cannot tell anyone twice.
        record = ImpactRecord.objects.select_for_update().select_related("project").get(pk=record.pk)
        if not record.is_published:
            raise SendError(_("Publish the record first: the email links to its public page."))
        plan = shareback_plan(record, topics=topics, regions=regions)
        if not plan.recipients:
            raise SendError(_("There is nobody to tell: everyone who took part has been told or left out."))
        subject, body = shareback_content(record, "en")
        subject_cy, body_cy = shareback_content(record, "cy")
        with translation.override(settings.LANGUAGE_CODE):
            title = _("Share-back: %(record)s") % {"record": str(record)}
        bulletin = Bulletin.objects.create(
            kind=Bulletin.Kind.SHARE_BACK,
            impact=record,
            title=title[:200],
            subject=subject[:200],
            body=body,
            subject_cy=subject_cy[:200],
            body_cy=body_cy,
            team=record.project.team,
            status=Bulletin.Status.SENDING,
            send_at=timezone.now(),
            created_by=actor,
            reviewed_by=actor,
        )
        bulletin.topics.set(topics)
        bulletin.regions.set(regions)
        links_register(bulletin)
        ids = _subscribers_write(plan.recipients, detail=title, actor=actor)
        Delivery.objects.bulk_create(
            [
                Delivery(bulletin=bulletin, subscriber_id=ids[r.email])
                for r in plan.recipients
                if r.email in ids
            ],
            batch_size=2000,
            ignore_conflicts=True,
        )
        bulletin.recipients = Delivery.objects.filter(bulletin=bulletin).count()
        bulletin.save(update_fields=["recipients", "updated_at"])
    return bulletin


def shareback_send(
    *,
    record: ImpactRecord,
    actor: User,
    topics: Iterable[Any] = (),
    regions: Iterable[Any] = (),
    request: HttpRequest | None = None,
) -> Bulletin:
    """Share ``record`` back by email now, for ``actor``: audited, sent in the background."""
    topic_ids = [getattr(t, "pk", t) for t in topics]
    region_ids = [getattr(r, "pk", r) for r in regions]
    with transaction.atomic():
        bulletin = shareback_prepare(record, topics=topic_ids, regions=region_ids, actor=actor)
        audit_record(
            actor=actor,
            action=AuditAction.CHANGE,
            obj=record,
            request=request,
            detail={"shared back by email": str(bulletin.code), "recipients": bulletin.recipients},
        )
        for _sender in range(max(1, settings.CHORUS_BULLETIN_SENDERS)):
            enqueue_after_commit(bulletin_deliver, bulletin_id=bulletin.pk)
    return bulletin


def shareback_finished(bulletin: Bulletin) -> None:
    """The share-back has gone. Its record is shared back, on the day of the first send
    (so a quarter already reported keeps its count when people are told later), and says
    how many all its share-backs have reached; the engagement activity the send became
    belongs to the record's project. Runs in the sender's transaction."""
    if bulletin.impact_id is None:
        return
    record = (
        ImpactRecord.objects.select_for_update()
        .select_related("project")
        .filter(pk=bulletin.impact_id)
        .first()
    )
    if record is None:
        return
    reached = Delivery.objects.filter(bulletin__impact=record, status=Delivery.Status.SENT).count()
    with translation.override(settings.LANGUAGE_CODE):
        how = translation.ngettext(
            "Emailed to %(count)s person through Chorus",
            "Emailed to %(count)s people through Chorus",
            reached,
        ) % {"count": reached}
    was = {"on": str(record.shared_back_on or ""), "how": record.shared_back_how}
    record.shared_back_on = record.shared_back_on or timezone.localdate(bulletin.sent_at or timezone.now())
    record.shared_back_how = how[:200]
    record.save(update_fields=["shared_back_on", "shared_back_how", "updated_at"])
    if bulletin.activity is not None:
        bulletin.activity.projects.add(record.project)
    audit_record(
        actor=None,
        action=AuditAction.CHANGE,
        obj=record,
        detail={"shared back": f"{record.shared_back_on.isoformat()}: {record.shared_back_how}", "was": was},
    )
