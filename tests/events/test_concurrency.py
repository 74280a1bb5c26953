"""The last place is given once, whatever arrives at the same moment (PostgreSQL only:
SQLite has one writer at a time, so it cannot race; CI runs the suite on both)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from chorus.events import services
from chorus.events.models import Registration
from tests.factories import RegistrationSettingsFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)"),
]

CLIENTS = 12


def _at_once(work: Callable[[int], None]) -> list[BaseException]:
    """Run ``work(i)`` in CLIENTS threads released together, each on its own connection."""
    start = threading.Barrier(CLIENTS)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            start.wait()
            work(i)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_people_registering_at_once_for_the_last_place_give_it_to_exactly_one() -> None:
    settings_ = RegistrationSettingsFactory(capacity=3)
    for i in range(2):
        services.registration_create(
            activity=settings_.activity,
            name=f"Early {i}",
            email=f"early{i}@example.org",
            language="en",
            answers={},
        )

    def register(i: int) -> None:
        services.registration_create(
            activity=settings_.activity,
            name=f"Racer {i}",
            email=f"racer{i}@example.org",
            language="en",
            answers={},
        )

    assert _at_once(register) == []
    statuses = list(Registration.objects.filter(activity=settings_.activity).values_list("status", flat=True))
    assert statuses.count("confirmed") == 3
    assert statuses.count("waiting") == CLIENTS - 1


def test_the_same_answers_sent_at_once_register_once() -> None:
    settings_ = RegistrationSettingsFactory(capacity=50)

    def register(i: int) -> None:
        services.registration_create(
            activity=settings_.activity,
            name="Same Person",
            email="same@example.org" if i % 2 else "SAME@example.org",
            language="en",
            answers={},
            submission="one-journey" if i % 3 else None,
        )

    assert _at_once(register) == []
    assert Registration.objects.filter(activity=settings_.activity).count() == 1


def test_a_cancellation_racing_new_registrations_never_overfills() -> None:
    settings_ = RegistrationSettingsFactory(capacity=2)
    first, _second = (
        services.registration_create(
            activity=settings_.activity, name=f"P {i}", email=f"p{i}@example.org", language="en", answers={}
        )[0]
        for i in range(2)
    )

    def work(i: int) -> None:
        if i == 0:
            services.registration_cancel(registration=Registration.objects.get(pk=first.pk))
        else:
            services.registration_create(
                activity=settings_.activity,
                name=f"R {i}",
                email=f"r{i}@example.org",
                language="en",
                answers={},
            )

    assert _at_once(work) == []
    assert services.registration_counts(settings_).taken == 2
