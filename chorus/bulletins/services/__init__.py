"""Writes of the bulletins app, split along their seams:

- ``subscriptions``: subscribing, confirming, unsubscribing;
- ``audience``: who a bulletin reaches;
- ``composing``: content blocks and the email each subscriber gets;
- ``markdown``: a bulletin's Markdown as HTML and as plain text;
- ``sending``: sending exactly once per recipient, in batches, resumable;
- ``shareback``: a "you said, we did" record emailed to the people it came from;
- ``tracking``: opens and clicks.

Callers import from here: ``from chorus.bulletins import services``.
"""

from chorus.bulletins.services.audience import audience, audience_for
from chorus.bulletins.services.composing import (
    BLOCKS,
    blocks_fill,
    bulletin_save,
    message_for,
    preview,
)
from chorus.bulletins.services.markdown import markdown_html, markdown_text
from chorus.bulletins.services.sending import (
    SendError,
    bulletin_deliver,
    bulletin_send,
    bulletin_test_send,
    bulletins_resume,
    welsh_without_welsh,
)
from chorus.bulletins.services.shareback import (
    shareback_content,
    shareback_plan,
    shareback_prepare,
    shareback_send,
)
from chorus.bulletins.services.subscriptions import (
    address_stopped,
    confirm,
    resubscribe,
    subscribe,
    unsubscribe,
)
from chorus.bulletins.services.tracking import click_record, open_record

__all__ = [
    "BLOCKS",
    "SendError",
    "address_stopped",
    "audience",
    "audience_for",
    "blocks_fill",
    "bulletin_deliver",
    "bulletin_save",
    "bulletin_send",
    "bulletin_test_send",
    "bulletins_resume",
    "click_record",
    "confirm",
    "markdown_html",
    "markdown_text",
    "message_for",
    "open_record",
    "preview",
    "resubscribe",
    "shareback_content",
    "shareback_plan",
    "shareback_prepare",
    "shareback_send",
    "subscribe",
    "unsubscribe",
    "welsh_without_welsh",
]
