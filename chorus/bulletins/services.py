"""Subscribing, choosing an audience, and sending bulletins exactly once per recipient.

Sending: ``bulletin_send`` freezes the content (content blocks filled in), writes one
``Delivery`` per recipient (the unique pair makes a second start add nobody), assigns
trial arms at random in the stated shares, and queues ``bulletin_deliver``. That task
claims queued deliveries in batches (queued → sending, committed before any email
goes), sends a batch over one connection, marks it sent, and waits as the rate limit
asks. A worker that dies mid-batch leaves its rows in "sending"; they are never sent
again but marked "unknown" for staff to check, so nobody gets a bulletin twice.
``bulletins_resume`` (every minute) restarts stalled sends and starts scheduled ones.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt

from chorus.accounts.models import User
from chorus.bulletins.models import AddressEvent, Arm, Bulletin, Delivery, Link, Subscriber
from chorus.core.audit import audit_record
from chorus.core.downloads import absolute_url
from chorus.core.email import email_send_later
from chorus.core.models import AuditAction
from chorus.core.tasks import background, enqueue_after_commit

BLOCKS = ("{{ events }}", "{{ consultations }}", "{{ you_said_we_did }}")
_LINK = re.compile(r'href="(https?://[^"]+)"')


# Subscribing ---------------------------------------------------------------------------


def subscribe(*, email: str, regions: Iterable[Any], topics: Iterable[Any], language: str) -> Subscriber:
    """Sign up (or change preferences) from the public page; the address is confirmed by email.

    The same email is sent whether or not the address was already subscribed, so the
    page reveals nothing about who subscribes."""
    email = email.strip().lower()
    with transaction.atomic():
        subscriber, created = Subscriber.objects.select_for_update().get_or_create(
            email=email, defaults={"language": language, "source": Subscriber.Source.SIGN_UP}
        )
        if created or subscriber.status in (Subscriber.Status.PENDING, Subscriber.Status.UNSUBSCRIBED):
            subscriber.status = Subscriber.Status.PENDING
            subscriber.language = language
            subscriber.save(update_fields=["status", "language", "updated_at"])
            subscriber.regions.set(regions)
            subscriber.topics.set(topics)
        subscriber.confirm_sent_at = timezone.now()
        subscriber.save(update_fields=["confirm_sent_at", "updated_at"])
        with translation.override(language):
            email_send_later(
                to=[email],
                subject=_("Confirm your subscription to %(service)s bulletins")
                % {"service": settings.CHORUS_SERVICE_NAME},
                body=render_to_string(
                    "bulletins/email/confirm.txt",
                    {
                        "subscriber": subscriber,
                        "service_name": settings.CHORUS_SERVICE_NAME,
                        "confirm_url": absolute_url(reverse("bulletins:confirm", args=[subscriber.token])),
                        "manage_url": absolute_url(reverse("bulletins:manage", args=[subscriber.token])),
                        "already": subscriber.status == Subscriber.Status.ACTIVE,
                    },
                ),
            )
    return subscriber


def _person_for(email: str) -> Any:
    from chorus.directory.models import ContactPoint

    contact = (
        ContactPoint.objects.filter(kind=ContactPoint.Kind.EMAIL, normalised=email.lower())
        .select_related("person")
        .first()
    )
    return contact.person if contact else None


def confirm(subscriber: Subscriber) -> None:
    """Double opt-in: the emailed link proves the address; consent is recorded with its date."""
    if subscriber.status == Subscriber.Status.ACTIVE:
        return
    if subscriber.status in (Subscriber.Status.BOUNCED, Subscriber.Status.COMPLAINED):
        return
    subscriber.status = Subscriber.Status.ACTIVE
    subscriber.consented_at = timezone.now()
    subscriber.unsubscribed_at = None
    subscriber.person = subscriber.person or _person_for(subscriber.email)
    subscriber.save()
    _record_consent(subscriber)


def _record_consent(subscriber: Subscriber) -> None:
    if subscriber.person is None:
        return
    from chorus.directory.models import Consent

    Consent.objects.create(
        person=subscriber.person,
        purpose=_("Email bulletins"),
        lawful_basis=subscriber.lawful_basis,
        given_on=timezone.localdate(),
        source=subscriber.get_source_display()
        + (f": {subscriber.source_detail}" if subscriber.source_detail else ""),
    )


def unsubscribe(subscriber: Subscriber, *, how: str) -> None:
    if subscriber.status != Subscriber.Status.ACTIVE and subscriber.status != Subscriber.Status.PENDING:
        return
    subscriber.status = Subscriber.Status.UNSUBSCRIBED
    subscriber.unsubscribed_at = timezone.now()
    subscriber.stopped_reason = how
    subscriber.save(update_fields=["status", "unsubscribed_at", "stopped_reason", "updated_at"])
    if subscriber.person_id:
        from chorus.directory.models import Consent

        Consent.objects.filter(
            person_id=subscriber.person_id, purpose=_("Email bulletins"), withdrawn_on__isnull=True
        ).update(withdrawn_on=timezone.localdate())


def resubscribe(subscriber: Subscriber) -> None:
    if subscriber.status == Subscriber.Status.UNSUBSCRIBED:
        subscriber.status = Subscriber.Status.ACTIVE
        subscriber.unsubscribed_at = None
        subscriber.consented_at = timezone.now()
        subscriber.save(update_fields=["status", "unsubscribed_at", "consented_at", "updated_at"])
        _record_consent(subscriber)


def address_stopped(*, email: str, kind: str, detail: str = "", source: str = "") -> int:
    """A bounce or complaint: record it and stop sending to the address. Returns subscribers stopped."""
    email = email.strip().lower()
    AddressEvent.objects.create(email=email, kind=kind, detail=detail[:300], source=source[:50])
    status = Subscriber.Status.BOUNCED if kind == AddressEvent.Kind.BOUNCE else Subscriber.Status.COMPLAINED
    return Subscriber.objects.filter(email=email).update(
        status=status, stopped_reason=detail[:200] or kind, updated_at=timezone.now()
    )


# Audience ------------------------------------------------------------------------------


def audience(bulletin: Bulletin) -> QuerySet[Subscriber]:
    """Active subscribers the bulletin reaches.

    Regions and topics narrow: a subscriber who chose any of the bulletin's regions (or
    chose none, meaning every region) and any of its topics (likewise). Lists and
    stakeholder groups add their members. With nothing chosen, every active subscriber."""
    return audience_for(
        regions=list(bulletin.regions.values_list("pk", flat=True)),
        topics=list(bulletin.topics.values_list("pk", flat=True)),
        lists=list(bulletin.lists.values_list("pk", flat=True)),
        groups=list(bulletin.groups.values_list("pk", flat=True)),
    )


def audience_for(
    *, regions: Sequence[int], topics: Sequence[int], lists: Sequence[int], groups: Sequence[int]
) -> QuerySet[Subscriber]:
    """The audience for these choices (ids), as ``audience`` explains."""
    active = Subscriber.objects.filter(status=Subscriber.Status.ACTIVE)
    if not (regions or topics or lists or groups):
        return active
    chosen = Q(pk__in=[])
    if regions or topics:
        narrowed = active
        if regions:
            narrowed = narrowed.filter(
                Q(regions__in=regions) | ~Q(pk__in=Subscriber.regions.through.objects.values("subscriber_id"))
            )
        if topics:
            narrowed = narrowed.filter(
                Q(topics__in=topics) | ~Q(pk__in=Subscriber.topics.through.objects.values("subscriber_id"))
            )
        chosen |= Q(pk__in=narrowed.values("pk"))
    if lists:
        chosen |= Q(lists__in=lists)
    if groups:
        chosen |= Q(person__group_memberships__group__in=groups)
    return active.filter(pk__in=active.filter(chosen).values("pk"))


# Content -------------------------------------------------------------------------------


def blocks_fill(markdown: str, language: str = "en") -> str:
    """Replace the content blocks with what Chorus holds now."""
    if not any(b in markdown for b in BLOCKS):
        return markdown
    from chorus.consultations.models import Consultation
    from chorus.engagement.models import Activity, ImpactRecord

    now = timezone.now()
    lines: dict[str, list[str]] = {b: [] for b in BLOCKS}
    with translation.override(language):
        for event in Activity.objects.filter(is_public=True, starts_at__gte=now).order_by("starts_at")[:5]:
            url = absolute_url(reverse("engagement:public_event", args=[event.code]))
            lines["{{ events }}"].append(
                f"- [{event.title_for(language)}]({url}), {timezone.localtime(event.starts_at):%d %B %Y}"
            )
        for consultation in Consultation.objects.filter(opens_at__lte=now, closes_at__gt=now).order_by(
            "closes_at"
        )[:5]:
            url = absolute_url(reverse("consultations:public_consultation", args=[consultation.code]))
            closes = f"{timezone.localtime(consultation.closes_at):%d %B %Y}"
            lines["{{ consultations }}"].append(
                f"- [{consultation.title_for(language)}]({url}): " + _("closes %(date)s") % {"date": closes}
            )
        for record in ImpactRecord.objects.filter(is_published=True).order_by("-published_at")[:3]:
            lines["{{ you_said_we_did }}"].append(
                f"- **{_('You said')}:** {record.you_said_for(language)}\n"
                f"  **{_('We did')}:** {record.we_did_for(language)}"
            )
        empty = {
            "{{ events }}": _("No events are planned just now."),
            "{{ consultations }}": _("No consultations are open just now."),
            "{{ you_said_we_did }}": _("Nothing new this time."),
        }
    for block, found in lines.items():
        markdown = markdown.replace(block, "\n".join(found) if found else empty[block])
    return markdown


_md = MarkdownIt("commonmark", {"html": False, "linkify": False})


def markdown_html(text: str) -> str:
    """Markdown to HTML. Raw HTML in the source is shown as text, never run."""
    return str(_md.render(text))


def _content(bulletin: Bulletin, subscriber: Subscriber, arm: Arm | None) -> tuple[str, str]:
    welsh = subscriber.language == "cy"
    subject = (arm.subject if arm else "") or (
        bulletin.subject_cy if welsh and bulletin.subject_cy else bulletin.subject
    )
    body = (arm.body if arm and arm.body else "") or (
        bulletin.body_cy if welsh and bulletin.body_cy else bulletin.body
    )
    return subject, body


def preview(bulletin: Bulletin, subscriber: Subscriber) -> tuple[str, str]:
    """(subject, message HTML) as this subscriber would see them, with content blocks filled in."""
    subject, body = _content(bulletin, subscriber, None)
    if not bulletin.is_locked:
        body = blocks_fill(body, subscriber.language)
    return subject, markdown_html(body)


def message_for(
    bulletin: Bulletin,
    subscriber: Subscriber,
    *,
    delivery: Delivery | None = None,
    links: dict[str, int] | None = None,
    rendered: dict[str, str] | None = None,
) -> EmailMultiAlternatives:
    """The email one subscriber gets, with tracked links and the unsubscribe header."""
    arm = delivery.arm if delivery else None
    subject, body = _content(bulletin, subscriber, arm)
    with translation.override(subscriber.language):
        manage = absolute_url(reverse("bulletins:manage", args=[subscriber.token]))
        unsubscribe_url = absolute_url(reverse("bulletins:unsubscribe", args=[subscriber.token]))
    # Markdown is rendered once per version and language; only the links differ per recipient.
    if rendered is None:
        html = markdown_html(body)
    else:
        html = rendered.get(body) or rendered.setdefault(body, markdown_html(body))
    if delivery is not None and links is not None:
        token = delivery.token

        def tracked(match: re.Match[str]) -> str:
            number = links.get(match.group(1).replace("&amp;", "&"))
            if number is None:
                return match.group(0)
            return f'href="{absolute_url(reverse("bulletins_tracking:click", args=[token, number]))}"'

        html = _LINK.sub(tracked, html)
    with translation.override(subscriber.language):
        context = {
            "bulletin": bulletin,
            "subject": subject,
            "html": html,
            "text": body,
            "manage_url": manage,
            "unsubscribe_url": unsubscribe_url,
            "service_name": settings.CHORUS_SERVICE_NAME,
            "organisation_name": settings.CHORUS_ORGANISATION_NAME,
            "open_url": absolute_url(reverse("bulletins_tracking:opened", args=[delivery.token]))
            if delivery is not None and bulletin.outcome == Bulletin.Outcome.OPEN
            else "",
        }
        text = render_to_string("bulletins/email/bulletin.txt", context)
        page = render_to_string("bulletins/email/bulletin.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.CHORUS_BULLETIN_FROM_EMAIL,
        to=[subscriber.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "X-Chorus-Delivery": delivery.token if delivery else "preview",
        },
    )
    message.attach_alternative(page, "text/html")
    return message


def _links_register(bulletin: Bulletin) -> dict[str, int]:
    found: list[str] = []
    for text in [bulletin.body, bulletin.body_cy, *bulletin.arms.values_list("body", flat=True)]:
        for url in _LINK.findall(markdown_html(text or "")):
            url = url.replace("&amp;", "&")
            if url not in found:
                found.append(url)
    for number, url in enumerate(found, start=1):
        Link.objects.get_or_create(bulletin=bulletin, number=number, defaults={"url": url})
    return dict(Link.objects.filter(bulletin=bulletin).values_list("url", "number"))


# Sending -------------------------------------------------------------------------------


class SendError(ValueError):
    pass


def bulletin_send(*, bulletin: Bulletin, actor: User, send_at: Any = None) -> Bulletin:
    """Send now, or schedule for ``send_at``. Content, audience, arms and outcome freeze here."""
    with transaction.atomic():
        bulletin = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
        if bulletin.is_locked:
            raise SendError(_("This bulletin has already been sent."))
        arms = list(bulletin.arms.all())
        if bulletin.is_trial:
            if len(arms) < 2:
                raise SendError(
                    _("A trial needs at least two versions. Add another version, or turn the trial off.")
                )
            if not bulletin.outcome:
                raise SendError(_("Choose the outcome the trial measures before sending."))
            if bulletin.outcome == Bulletin.Outcome.RESPONSE and bulletin.outcome_consultation_id is None:
                raise SendError(_("Choose the consultation whose responses the trial counts."))
        if not audience(bulletin).exists():
            raise SendError(
                _("Nobody is in this audience yet. Choose other regions, topics, groups or lists.")
            )
        bulletin.reviewed_by = actor
        if send_at and send_at > timezone.now():
            bulletin.status = Bulletin.Status.SCHEDULED
            bulletin.send_at = send_at
            bulletin.save(update_fields=["status", "send_at", "reviewed_by", "updated_at"])
        else:
            bulletin.save(update_fields=["reviewed_by", "updated_at"])
            _start(bulletin)
    audit_record(
        actor=actor,
        action=AuditAction.CHANGE,
        obj=bulletin,
        detail={"sent": bulletin.status != Bulletin.Status.SCHEDULED, "send_at": str(bulletin.send_at or "")},
    )
    return bulletin


def _start(bulletin: Bulletin) -> None:
    """Freeze the content and write the deliveries; runs inside the caller's transaction."""
    bulletin.body = blocks_fill(bulletin.body, "en")
    bulletin.body_cy = blocks_fill(bulletin.body_cy, "cy") if bulletin.body_cy else ""
    bulletin.status = Bulletin.Status.SENDING
    bulletin.send_at = bulletin.send_at or timezone.now()
    bulletin.save(update_fields=["body", "body_cy", "status", "send_at", "updated_at"])
    _links_register(bulletin)
    arms = list(bulletin.arms.all()) if bulletin.is_trial else []
    rng = random.Random(f"chorus-trial-{bulletin.code}")  # noqa: S311 (assignment, not a secret)
    ids = list(audience(bulletin).order_by("pk").values_list("pk", flat=True))
    weights = [a.weight for a in arms]
    rows = [
        Delivery(
            bulletin=bulletin,
            subscriber_id=pk,
            arm=rng.choices(arms, weights=weights)[0] if arms else None,
        )
        for pk in ids
    ]
    Delivery.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    bulletin.recipients = Delivery.objects.filter(bulletin=bulletin).count()
    bulletin.save(update_fields=["recipients", "updated_at"])
    for _sender in range(max(1, settings.CHORUS_BULLETIN_SENDERS)):
        enqueue_after_commit(bulletin_deliver, bulletin_id=bulletin.pk)


def _claim(bulletin_id: int, size: int) -> list[int]:
    with transaction.atomic():
        queued = Delivery.objects.filter(bulletin_id=bulletin_id, status=Delivery.Status.QUEUED).order_by(
            "pk"
        )
        if transaction.get_connection().features.has_select_for_update_skip_locked:
            queued = queued.select_for_update(skip_locked=True)
        ids = list(queued.values_list("pk", flat=True)[:size])
        Delivery.objects.filter(pk__in=ids, status=Delivery.Status.QUEUED).update(
            status=Delivery.Status.SENDING, claimed_at=timezone.now()
        )
    return ids


@background(queue="email")
def bulletin_deliver(*, bulletin_id: int) -> int:
    """Send the bulletin's queued deliveries in batches; safe to run in several workers at once."""
    bulletin = Bulletin.objects.get(pk=bulletin_id)
    if bulletin.status != Bulletin.Status.SENDING:
        return 0
    links = dict(Link.objects.filter(bulletin=bulletin).values_list("url", "number"))
    batch = settings.CHORUS_BULLETIN_BATCH
    rate = settings.CHORUS_BULLETIN_RATE  # messages per second, 0 for no limit
    sent = 0
    rendered: dict[str, str] = {}
    while ids := _claim(bulletin_id, batch):
        started = time.monotonic()
        deliveries = list(
            Delivery.objects.filter(pk__in=ids, status=Delivery.Status.SENDING).select_related(
                "subscriber", "arm"
            )
        )
        done, failed, skipped = [], [], []
        messages = []
        for delivery in deliveries:
            if not delivery.subscriber.can_receive:
                skipped.append(delivery.pk)
                continue
            messages.append(
                (
                    delivery,
                    message_for(
                        bulletin, delivery.subscriber, delivery=delivery, links=links, rendered=rendered
                    ),
                )
            )
        connection = get_connection()
        try:
            connection.open()
            for delivery, message in messages:
                message.connection = connection
                try:
                    message.send()
                    done.append(delivery.pk)
                except Exception as error:
                    failed.append((delivery.pk, str(error)[:300]))
        finally:
            connection.close()
        now = timezone.now()
        Delivery.objects.filter(pk__in=done).update(status=Delivery.Status.SENT, sent_at=now)
        Delivery.objects.filter(pk__in=skipped).update(status=Delivery.Status.SKIPPED)
        for pk, reason in failed:
            Delivery.objects.filter(pk=pk).update(status=Delivery.Status.FAILED, error=reason)
        sent += len(done)
        if rate:
            wait = len(ids) / rate - (time.monotonic() - started)
            if wait > 0:
                time.sleep(wait)
    _finish(bulletin_id)
    return sent


def _finish(bulletin_id: int) -> None:
    with transaction.atomic():
        bulletin = Bulletin.objects.select_for_update().get(pk=bulletin_id)
        busy = Delivery.objects.filter(
            bulletin=bulletin, status__in=[Delivery.Status.QUEUED, Delivery.Status.SENDING]
        ).exists()
        if busy or bulletin.status != Bulletin.Status.SENDING:
            return
        bulletin.status = Bulletin.Status.SENT
        bulletin.sent_at = timezone.now()
        bulletin.save(update_fields=["status", "sent_at", "updated_at"])
        _activity_record(bulletin)


def _activity_record(bulletin: Bulletin) -> None:
    """A sent bulletin is an engagement activity, with its reach."""
    from chorus.engagement.models import Activity, ActivityType

    reached = Delivery.objects.filter(bulletin=bulletin, status=Delivery.Status.SENT).count()
    activity = Activity.objects.create(
        kind=ActivityType.BULLETIN,
        title=bulletin.subject,
        starts_at=bulletin.sent_at or timezone.now(),
        summary=bulletin.title,
        recipients=reached,
        team=bulletin.team,
        organiser=bulletin.reviewed_by,
    )
    activity.regions.set(bulletin.regions.all())
    activity.topics.set(bulletin.topics.all())
    activity.groups.set(bulletin.groups.all())
    bulletin.activity = activity
    bulletin.save(update_fields=["activity", "updated_at"])


def bulletins_resume() -> int:
    """Start scheduled bulletins that are due; restart stalled sends. Returns bulletins touched."""
    touched = 0
    now = timezone.now()
    stale_claim = timedelta(seconds=settings.CHORUS_BULLETIN_STALE_SECONDS)
    for bulletin in Bulletin.objects.filter(status=Bulletin.Status.SCHEDULED, send_at__lte=now):
        with transaction.atomic():
            locked = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
            if locked.status == Bulletin.Status.SCHEDULED:
                _start(locked)
                touched += 1
    for bulletin in Bulletin.objects.filter(status=Bulletin.Status.SENDING):
        stale = Delivery.objects.filter(
            bulletin=bulletin, status=Delivery.Status.SENDING, claimed_at__lt=now - stale_claim
        )
        lost = stale.update(status=Delivery.Status.UNKNOWN)
        recent = Delivery.objects.filter(
            bulletin=bulletin, status=Delivery.Status.SENDING, claimed_at__gte=now - stale_claim
        ).exists()
        if not recent and (
            lost or Delivery.objects.filter(bulletin=bulletin, status=Delivery.Status.QUEUED).exists()
        ):
            enqueue_after_commit(bulletin_deliver, bulletin_id=bulletin.pk)
            touched += 1
        elif not recent:
            _finish(bulletin.pk)
    return touched


def click_record(delivery: Delivery, link: Link) -> None:
    from chorus.bulletins.models import Click

    Click.objects.create(delivery=delivery, link=link)
    if delivery.clicked_at is None:
        Delivery.objects.filter(pk=delivery.pk, clicked_at__isnull=True).update(clicked_at=timezone.now())


def open_record(delivery: Delivery) -> None:
    Delivery.objects.filter(pk=delivery.pk, opened_at__isnull=True).update(opened_at=timezone.now())


def import_subscribers(
    *, rows: Sequence[dict[str, Any]], lawful_basis: str, source_detail: str, actor: User, into: Any = None
) -> tuple[int, int]:
    """Add checked rows as active subscribers with the recorded lawful basis. Returns (added, updated)."""
    added = updated = 0
    with transaction.atomic():
        for row in rows:
            subscriber, created = Subscriber.objects.get_or_create(
                email=row["email"],
                defaults={
                    "status": Subscriber.Status.ACTIVE,
                    "source": Subscriber.Source.IMPORT,
                    "source_detail": source_detail,
                    "lawful_basis": lawful_basis,
                    "consented_at": timezone.now(),
                    "language": row.get("language") or "en",
                },
            )
            if created:
                subscriber.person = _person_for(subscriber.email)
                subscriber.save(update_fields=["person"])
                _record_consent(subscriber)
                added += 1
            else:
                updated += 1
            if row.get("regions"):
                subscriber.regions.add(*row["regions"])
            if row.get("topics"):
                subscriber.topics.add(*row["topics"])
            if into is not None:
                subscriber.lists.add(into)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="bulletins.subscriber",
            object_repr=_("%(added)s subscribers imported") % {"added": added},
            detail={
                "added": added,
                "updated": updated,
                "lawful_basis": lawful_basis,
                "source": source_detail,
            },
        )
    return added, updated
