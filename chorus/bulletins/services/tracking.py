"""Opens and clicks, recorded from the tracking pixel and the tracked links."""

from __future__ import annotations

from django.utils import timezone

from chorus.bulletins.models import Delivery, Link


def click_record(delivery: Delivery, link: Link) -> None:
    from chorus.bulletins.models import Click

    Click.objects.create(delivery=delivery, link=link)
    if delivery.clicked_at is None:
        Delivery.objects.filter(pk=delivery.pk, clicked_at__isnull=True).update(clicked_at=timezone.now())


def open_record(delivery: Delivery) -> None:
    Delivery.objects.filter(pk=delivery.pk, opened_at__isnull=True).update(opened_at=timezone.now())
