"""Email to the people address (read by ``chorus.core.mailbox``), logged to the directory
people it concerns: see ``emails.py``. Automatic replies, delivery reports and Chorus's own
email are not logged."""

from __future__ import annotations

import logging

from chorus.core.mailbox import IncomingEmail, files_checked, mailbox_consumer
from chorus.engagement.emails import MAILBOX, calendar_of, chorus_addresses, email_log

logger = logging.getLogger(__name__)


@mailbox_consumer(MAILBOX)
def email_from_mailbox(message: IncomingEmail) -> str:
    """Log one email; what it did, for the mailbox's record."""
    if message.automatic:
        logger.info("People mailbox: %s is not logged (%s)", message.key, message.automatic)
        return f"not logged: {message.automatic}"
    if message.sender.lower() in chorus_addresses():
        return "not logged: sent by Chorus"
    calendar = calendar_of(message)
    # The invitation is read into an activity, not kept as a file.
    attachments = [
        a for a in message.attachments if calendar == "" or a.data.decode("utf-8", "replace") != calendar
    ]
    files, refused = files_checked(attachments)
    email = email_log(message=message, files=files, refused=refused, calendar=calendar)
    if email.status == email.Status.TO_FILE:
        return "waiting to be filed"
    return f"logged to {email.people.count()} people"
