"""Email to the case address (read by ``chorus.core.mailbox``): a reply carrying a case's
reference in its subject goes on that case's timeline; any other email opens an enquiry.
Files are kept only if they pass the public form's checks; the others are listed on the
case with why. Out-of-office replies and delivery reports open nothing."""

from __future__ import annotations

import logging
import re
from email.utils import parseaddr

from django.conf import settings

from chorus.cases.models import Case
from chorus.cases.services import case_email_add, case_open_from_email
from chorus.core.mailbox import IncomingEmail, files_checked, mailbox_consumer

logger = logging.getLogger(__name__)

# A case's reference, as the acknowledgement and replies put it in their subjects
# ("We have your enquiry: CAS-2026-000123"); services.case_open makes it.
REFERENCE = re.compile(r"\bCAS-(\d{4})-(\d{6,})\b", re.IGNORECASE)


def case_referenced(subject: str) -> Case | None:
    """The first case named by reference in ``subject`` that Chorus holds."""
    for year, number in REFERENCE.findall(subject):
        case = Case.objects.filter(reference=f"CAS-{year}-{number}").first()
        if case is not None:
            return case
    return None


@mailbox_consumer("cases")
def case_from_email(message: IncomingEmail) -> str:
    """Open or add to a case from one email; what it did, for the mailbox's record."""
    if message.automatic:
        logger.info(
            "Case mailbox: %s from %s opens no case (%s)", message.key, message.sender, message.automatic
        )
        return f"no case: {message.automatic}"
    if message.sender.lower() == parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower():
        # Chorus's own acknowledgement or reply come back (the case address copied in): no loop.
        return "no case: sent by Chorus"
    files, refused = files_checked(message.attachments)
    case = case_referenced(message.subject)
    if case is not None:
        case_email_add(case=case, message=message, files=files, refused=refused)
        return f"added to {case.reference}"
    case = case_open_from_email(message=message, files=files, refused=refused)
    return f"opened {case.reference}"
