"""Hooks through which a lower app tells higher ones that something happened.

A lower app sends; a higher app registers a receiver in its ``AppConfig.ready``. The
sender never imports the receiver, so apps keep importing only downward (see
docs/architecture.md).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import transaction

if TYPE_CHECKING:
    from django.db.models import Exists, QuerySet

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TextsReceived:
    """Texts that people wrote and Chorus stored: new responses, feedback, posts or ideas.

    ``source`` says what the ids are rows of (``"response"``, ``"page_feedback"``,
    ``"exit_survey"``, ``"social"``, ``"idea"``); ``subject`` and ``target_id`` say what
    they were written about (a ``"consultation"``, ``"service"``, ``"social"`` source or
    ``"challenge"``, by primary key).
    """

    source: str
    ids: tuple[int, ...]
    subject: str
    target_id: int


TextsReceiver = Callable[[TextsReceived], None]
TEXTS_RECEIVERS: list[TextsReceiver] = []


def on_texts_received(receiver: TextsReceiver) -> TextsReceiver:
    """Register ``receiver`` to hear of every text received (from an ``AppConfig.ready``)."""
    if receiver not in TEXTS_RECEIVERS:
        TEXTS_RECEIVERS.append(receiver)
    return receiver


def texts_received(*, source: str, ids: Iterable[int], subject: str, target_id: int) -> None:
    """Tell the receivers that texts arrived, once the transaction that stored them commits.

    Nothing is sent if the transaction rolls back, and a receiver's work never holds the
    sender's transaction open.
    """
    texts = TextsReceived(source=source, ids=tuple(ids), subject=subject, target_id=target_id)
    if not texts.ids:
        return

    def send() -> None:
        for receiver in TEXTS_RECEIVERS:
            receiver(texts)

    transaction.on_commit(send)


# --- Who took part in a project's engagement, from apps above engagement.

# A builder of a query expression that says whether a directory person of the outer
# checkpoint's group took part in its project by its due date (``OuterRef("project")``,
# ``OuterRef("group")``, and ``OuterRef("due_before")``, the moment its due date ends), and a
# builder of a query of the ids (``person_id``) of the directory people who took part in a
# project by a date.
# Consultations registers responses; engagement counts attendance and panels itself.
# See ``chorus.engagement.participation``.
ParticipationExists = Callable[[], "Exists"]
ParticipationPeople = Callable[[int, date], "QuerySet[Any]"]


@dataclass(frozen=True)
class ParticipationSource:
    how: str  # "responded": what the checkpoint page says the people did
    exists: ParticipationExists
    people: ParticipationPeople


PARTICIPATION_SOURCES: dict[str, ParticipationSource] = {}


def participation_source(source: ParticipationSource) -> None:
    """Register a way people take part in a project (from an ``AppConfig.ready``)."""
    PARTICIPATION_SOURCES[source.how] = source


# --- A person erased from the directory, for apps above the directory that keep their own
# copies of what identifies people (events' registrations and evaluations). Receivers run
# inside the erasure's transaction, so the erasure and every copy's blanking stand or fall
# together.

PersonErasedReceiver = Callable[[int], None]
PERSON_ERASED_RECEIVERS: list[PersonErasedReceiver] = []


def on_person_erased(receiver: PersonErasedReceiver) -> PersonErasedReceiver:
    """Register ``receiver`` (given the erased person's primary key) from an ``AppConfig.ready``."""
    if receiver not in PERSON_ERASED_RECEIVERS:
        PERSON_ERASED_RECEIVERS.append(receiver)
    return receiver


def person_erased(person_id: int) -> None:
    """Tell the receivers, now, that the directory person ``person_id`` was erased."""
    for receiver in PERSON_ERASED_RECEIVERS:
        receiver(person_id)


# --- Email addresses that people in the directory gained or lost (added, edited, imported,
# deleted), for apps above the directory that link their records to people by address
# (consultations' responses). Receivers run inside the directory's transaction, so the
# change and every link's update stand or fall together.

EmailsChangedReceiver = Callable[[frozenset[str]], None]
EMAILS_CHANGED_RECEIVERS: list[EmailsChangedReceiver] = []


def on_person_emails_changed(receiver: EmailsChangedReceiver) -> EmailsChangedReceiver:
    """Register ``receiver`` (given the normalised addresses) from an ``AppConfig.ready``."""
    if receiver not in EMAILS_CHANGED_RECEIVERS:
        EMAILS_CHANGED_RECEIVERS.append(receiver)
    return receiver


def person_emails_changed(addresses: Iterable[str]) -> None:
    """Tell the receivers, now, that who holds each of ``addresses`` (normalised) may have changed."""
    changed = frozenset(address for address in addresses if address)
    if not changed:
        return
    for receiver in EMAILS_CHANGED_RECEIVERS:
        receiver(changed)


# --- Things that happened that integrations outside Chorus may want to hear of (webhooks).
# A lower app calls ``event_happened`` with one of ``EVENT_KINDS`` and the record it is
# about; a higher app (chorus.webhooks) registers a receiver. Receivers run after the
# sender's transaction commits, and never break the sender: one that fails is logged.

EVENT_KINDS = (
    "response_submitted",
    "help_requested",
    "emerging_issue_flagged",
    "idea_posted",
    "idea_answered",
    "subscriber_joined",
    "subscriber_left",
    "import_finished",
    "commitment_overdue",
)

EventReceiver = Callable[[str, Any], object]
EVENT_RECEIVERS: list[EventReceiver] = []


def on_event(receiver: EventReceiver) -> EventReceiver:
    """Register ``receiver(kind, record)`` to hear of every event (from an ``AppConfig.ready``)."""
    if receiver not in EVENT_RECEIVERS:
        EVENT_RECEIVERS.append(receiver)
    return receiver


def event_happened(kind: str, record: Any) -> None:
    """Tell the receivers that ``kind`` happened to ``record``, once the transaction commits."""
    if kind not in EVENT_KINDS:
        raise ValueError(f"Unknown event kind {kind!r}: add it to EVENT_KINDS.")

    def send() -> None:
        for receiver in EVENT_RECEIVERS:
            try:
                receiver(kind, record)
            except Exception:
                # An integration's trouble must never undo or fail what the person did.
                logger.exception("An event receiver failed for %s", kind)

    transaction.on_commit(send)
