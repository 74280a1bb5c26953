"""The ``chorus`` command: Chorus's operator tasks, and Django's management commands."""

from __future__ import annotations

import os
import sys

OVERVIEW = """usage: chorus COMMAND [options]

Chorus: one place for a public body's engagement with the people it serves.

Operator commands:
  serve         Run the web server (gunicorn); in local mode also a task worker.
  worker        Run background tasks (imports, analysis, email) from the database.
  demo          Fill the database with realistic demo data (--scale small|medium|large).
  createadmin   Create an administrator account.
  mailbox_read  Read the email sent to the case address now (the scheduler does every 5 minutes).
  check         Check the configuration (add --deploy under production settings).
  migrate       Create or update the database tables.
  analyse       Analyse a CSV file of free-text responses; no server or database needed.

Every Django management command works too (chorus help --commands lists them all).
Run 'chorus COMMAND --help' for a command's options.

Configuration comes from environment variables; see docs/deploying.md.
Set CHORUS_MODE=local to run on one machine with a SQLite file in ./data.
"""


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chorus.settings")
    if not args or args[0] in ("-h", "--help"):
        print(OVERVIEW)
        return 0
    if args == ["help"]:
        print(OVERVIEW)
        return 0
    if args[0] in ("analyse", "analyze"):
        from chorus.analysis.cli import run

        return run(args[1:])
    if args[0] == "help" and args[1:] == ["--commands"]:
        args = ["help", "--commands"]

    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["chorus", *args])
        if args[0] == "migrate" and not any(a.startswith("--database") for a in args):
            from django.conf import settings

            if "equality" in settings.DATABASES:
                # Equality answers live in their own database: migrate that one too.
                execute_from_command_line(["chorus", *args, "--database", "equality"])
    except ImproperlyConfigured as error:
        print(f"chorus: configuration problem: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
