"""Hooks through which a lower app tells higher ones that something happened.

A lower app sends; a higher app registers a receiver in its ``AppConfig.ready``. The
sender never imports the receiver, so apps keep importing only downward (see
docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction


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
