"""Read the mailboxes now (the scheduler does it every five minutes): ``chorus mailbox_read``,
or ``chorus mailbox_read cases`` for the case address only."""

from __future__ import annotations

import imaplib
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from chorus.core.mailbox import CONSUMERS, mailbox_read


class Command(BaseCommand):
    help = (
        "Read the email sent to Chorus's addresses (a folder of .eml files or an IMAP mailbox, "
        "as set up in the environment) and store each new message once."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "mailboxes", nargs="*", help=f"Which to read: {', '.join(sorted(CONSUMERS))} (all by default)."
        )

    def handle(self, *args: Any, mailboxes: list[str], **options: Any) -> None:
        unknown = sorted(set(mailboxes) - set(CONSUMERS))
        if unknown:
            raise CommandError(
                f"No mailbox called {', '.join(unknown)}. Mailboxes: {', '.join(sorted(CONSUMERS))}."
            )
        for mailbox in mailboxes or sorted(CONSUMERS):
            try:
                report = mailbox_read(mailbox)
            except (OSError, imaplib.IMAP4.error) as error:
                raise CommandError(f"{mailbox}: the mailbox could not be read: {error}") from error
            if report is None:
                self.stdout.write(
                    f"{mailbox}: not set up (set CHORUS_{mailbox.upper()}_MAILBOX or "
                    f"CHORUS_{mailbox.upper()}_IMAP_HOST; see docs/deploying.md)"
                )
            else:
                self.stdout.write(f"{mailbox}: {report}")
