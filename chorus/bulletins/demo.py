"""Demo data for bulletins: subscribers by region and topic (some linked to the directory),
a partner list, a sent bulletin with its deliveries and clicks, a sent trial, and a draft."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.utils import timezone

from chorus.bulletins.models import Arm, Bulletin, Delivery, Subscriber, SubscriberList
from chorus.core.demo import rows_load
from chorus.core.registry import Scale, demo_builder
from chorus.directory.models import ContactPoint, Region, Topic
from chorus.directory.reference import regions_ensure


@demo_builder("bulletins", after=["directory"])
def build_bulletins(scale: Scale, rng: random.Random) -> dict[str, int]:
    if Bulletin.objects.exists():
        return {"subscribers": Subscriber.objects.count(), "bulletins": 0}
    regions_ensure()
    regions = list(Region.objects.all())
    topics = list(Topic.objects.all())
    now = timezone.now()
    count = scale.subscribers  # exactly what the scale says (issue #22: it made a quarter)
    known = list(
        dict(  # one subscriber per address: the directory holds some people twice
            ContactPoint.objects.filter(kind=ContactPoint.Kind.EMAIL)
            .order_by("pk")
            .values_list("normalised", "person_id")[: count // 2]
        ).items()
    )[: count // 3]
    rows = [
        Subscriber(
            email=email,
            person_id=person_id,
            status=Subscriber.Status.ACTIVE,
            consented_at=now - timedelta(days=rng.randint(1, 400)),
            language="cy" if rng.random() < 0.15 else "en",
        )
        for email, person_id in known
    ]
    rows += [
        Subscriber(
            email=f"subscriber{i}@example.org",
            status=rng.choices(
                [
                    Subscriber.Status.ACTIVE,
                    Subscriber.Status.PENDING,
                    Subscriber.Status.UNSUBSCRIBED,
                    Subscriber.Status.BOUNCED,
                ],
                weights=[85, 6, 7, 2],
            )[0],
            consented_at=now - timedelta(days=rng.randint(1, 400)),
            language="cy" if rng.random() < 0.15 else "en",
            source=rng.choice([Subscriber.Source.SIGN_UP, Subscriber.Source.IMPORT]),
        )
        for i in range(count - len(rows))
    ]
    Subscriber.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    # Keys and statuses, in the model's order (by email), rather than instances: the rows below
    # are plain tuples (chorus.core.demo), as a large build writes a few hundred thousand.
    subscribers = list(Subscriber.objects.values_list("pk", "status"))
    partners = SubscriberList.objects.create(
        name="Partner organisations",
        description="Advice agencies and charities who share our news.",
        is_partner_digest=True,
    )
    # Their regions, topics and lists, written in bulk (one query a row takes minutes at 100,000).
    region_rows: list[tuple[int, int]] = []
    topic_rows: list[tuple[int, int]] = []
    list_rows: list[tuple[int, int]] = []
    for pk, _status in subscribers:
        if regions and rng.random() < 0.7:
            region_rows.append((pk, rng.choice(regions).pk))
        if topics and rng.random() < 0.5:
            for topic in rng.sample(topics, min(len(topics), rng.randint(1, 2))):
                topic_rows.append((pk, topic.pk))
        if rng.random() < 0.1:
            list_rows.append((pk, partners.pk))
    rows_load(Subscriber.regions.through, ["subscriber", "region"], region_rows)
    rows_load(Subscriber.topics.through, ["subscriber", "topic"], topic_rows)
    rows_load(Subscriber.lists.through, ["subscriber", "subscriberlist"], list_rows)
    active = [pk for pk, status in subscribers if status == Subscriber.Status.ACTIVE]
    sent_on, trial_on = now - timedelta(days=20), now - timedelta(days=6)
    sent = Bulletin.objects.create(
        title="October regional bulletin",
        subject="What is happening in your area this autumn",
        body=(
            "## Have your say\n\nOur consultation on court opening hours is open. "
            "[Read it and respond](https://example.gov.uk/consultations/hours).\n\n"
            "## You said, we did\n\nYou told us the waiting areas were cold. "
            "We have fixed the heating in six buildings."
        ),
        status=Bulletin.Status.SENT,
        send_at=now - timedelta(days=20),
        sent_at=now - timedelta(days=20),
        recipients=len(active),
    )
    trial = Bulletin.objects.create(
        title="November consultation reminder (trial)",
        subject="Reminder: have your say",
        body="There is still time to respond. [Respond now](https://example.gov.uk/consultations/hours).",
        status=Bulletin.Status.SENT,
        is_trial=True,
        outcome=Bulletin.Outcome.CLICK,
        send_at=now - timedelta(days=6),
        sent_at=now - timedelta(days=6),
        recipients=len(active),
    )
    plain = Arm.objects.create(bulletin=trial, name="A", subject="Reminder: have your say")
    personal = Arm.objects.create(
        bulletin=trial, name="B", subject="Your views could change court opening hours"
    )
    deliveries: list[tuple[int, int, int | None, str, datetime, datetime | None]] = []
    status = Delivery.Status.SENT.value
    for pk in active:
        clicked = sent_on + timedelta(hours=2) if rng.random() < 0.12 else None
        deliveries.append((sent.pk, pk, None, status, sent_on, clicked))
        arm = plain if rng.random() < 0.5 else personal
        rate = 0.08 if arm is plain else 0.14
        clicked = trial_on + timedelta(hours=3) if rng.random() < rate else None
        deliveries.append((trial.pk, pk, arm.pk, status, trial_on, clicked))
    rows_load(Delivery, ["bulletin", "subscriber", "arm", "status", "sent_at", "clicked_at"], deliveries)
    Bulletin.objects.create(
        title="December bulletin (draft)",
        subject="Events in December",
        body=(
            "## Coming up\n\n{{ events }}\n\n## Have your say\n\n{{ consultations }}\n\n"
            "## You said, we did\n\n{{ you_said_we_did }}"
        ),
    )
    return {"subscribers": len(subscribers), "bulletins": 3}
