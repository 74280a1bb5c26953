"""Sending bulletins exactly once per recipient.

``bulletin_send`` freezes the content (content blocks filled in), writes one
``Delivery`` per recipient (the unique pair makes a second start add nobody), assigns
trial arms at random in the stated shares, and queues ``bulletin_deliver``. That task
claims queued deliveries in batches (queued → sending, committed before any email
goes), sends a batch over one connection, marks it sent, and waits as the rate limit
asks. A worker that dies mid-batch leaves its rows in "sending"; they are never sent
again but marked "unknown" for staff to check, so nobody gets a bulletin twice.
``bulletins_resume`` (every minute) restarts stalled sends and starts scheduled ones.
"""

from __future__ import annotations

import logging
import random
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chorus.accounts.models import User
from chorus.bulletins.models import Bulletin, Delivery, Link, Subscriber
from chorus.bulletins.services.audience import audience
from chorus.bulletins.services.composing import blocks_fill, links_register, message_for
from chorus.core.audit import audit_record
from chorus.core.models import AuditAction
from chorus.core.tasks import Interrupted, background, enqueue_after_commit, on_interrupted

log = logging.getLogger(__name__)


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
        if not audience(bulletin, actor).exists():
            raise SendError(
                _(
                    "Nobody is in this audience yet. "
                    "Choose other regions, topics, groups, lists or saved searches."
                )
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


def welsh_without_welsh(bulletin: Bulletin, user: User | None = None) -> int:
    """How many in the audience asked for Welsh when the bulletin has no Welsh version
    (they would get the English text)."""
    if bulletin.body_cy.strip() or bulletin.is_locked:
        return 0
    return audience(bulletin, user).filter(language="cy").count()


def bulletin_test_send(*, bulletin: Bulletin, actor: User) -> list[str]:
    """A copy to the officer, marked [TEST], in each language the bulletin is written in.

    Nothing is recorded as a delivery and nothing freezes: the bulletin stays a draft.
    Returns the languages sent."""
    languages = ["en", "cy"] if bulletin.body_cy.strip() else ["en"]
    for language in languages:
        enqueue_after_commit(
            bulletin_test_deliver, bulletin_id=bulletin.pk, to=actor.email, language=language
        )
    audit_record(actor=actor, action=AuditAction.CHANGE, obj=bulletin, detail={"test sent to": actor.email})
    return languages


@background(queue="email")
def bulletin_test_deliver(*, bulletin_id: int, to: str, language: str) -> int:
    bulletin = Bulletin.objects.get(pk=bulletin_id)
    if not bulletin.is_locked:
        bulletin.body = blocks_fill(bulletin.body, "en")
        bulletin.body_cy = blocks_fill(bulletin.body_cy, "cy") if bulletin.body_cy else ""
    # A subscriber held only in memory: no row, so no delivery and no count.
    message = message_for(bulletin, Subscriber(email=to, language=language))
    with translation.override(language):
        message.subject = _("[TEST] %(subject)s") % {"subject": message.subject}
    return message.send()


def _start(bulletin: Bulletin) -> None:
    """Freeze the content and write the deliveries; runs inside the caller's transaction."""
    bulletin.body = blocks_fill(bulletin.body, "en")
    bulletin.body_cy = blocks_fill(bulletin.body_cy, "cy") if bulletin.body_cy else ""
    bulletin.status = Bulletin.Status.SENDING
    bulletin.send_at = bulletin.send_at or timezone.now()
    bulletin.save(update_fields=["body", "body_cy", "status", "send_at", "updated_at"])
    links_register(bulletin)
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
            if not delivery.subscriber.can_receive(share_back=bulletin.kind == Bulletin.Kind.SHARE_BACK):
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


@on_interrupted(bulletin_deliver)
def deliver_interrupted(stopped: Interrupted) -> None:
    """A sender stopped mid-send. What it had claimed may or may not have gone, so it is
    marked "unknown" now (never sent again) for staff to see on the bulletin's page; the
    queued rest goes when the send runs again. Claims made after the stopped sender's
    last sign of life (plus one heartbeat) belong to another sender and are left alone."""
    bulletin_id = stopped.argument("bulletin_id")
    latest = stopped.last_seen + timedelta(seconds=settings.CHORUS_TASK_HEARTBEAT_SECONDS)
    unknown = Delivery.objects.filter(
        bulletin_id=bulletin_id, status=Delivery.Status.SENDING, claimed_at__lte=latest
    ).update(status=Delivery.Status.UNKNOWN)
    if unknown:
        log.warning(
            "Bulletin %s: its sender stopped; %s claimed messages marked unknown", bulletin_id, unknown
        )


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
        if bulletin.impact_id is not None:
            # Imported here: the share-back module starts its sends with this one's task.
            from chorus.bulletins.services.shareback import shareback_finished

            shareback_finished(bulletin)


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
