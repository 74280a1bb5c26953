"""A form sent twice (reloaded, or clicked twice) makes one record. Each form carries a
one-use id (``new_submission``, in a hidden ``submission`` field), and the session remembers
which record each id made, the last few per kind of form."""

from __future__ import annotations

import re
import secrets

from django.http import HttpRequest

# What ``new_submission`` gives: anything else sent back is not one of this server's ids.
SUBMISSION = re.compile(r"[A-Za-z0-9_-]{16,64}")
KEPT = 20


def new_submission() -> str:
    return secrets.token_urlsafe(24)


def submission_made(request: HttpRequest, key: str) -> str | None:
    """The code of the record this POST's form already made in this session, if it did."""
    if request.method != "POST":
        return None
    made: dict[str, str] = request.session.get(key, {})
    return made.get(request.POST.get("submission", ""))


def submission_remember(request: HttpRequest, key: str, code: object) -> None:
    """Remember that this POST's form made the record ``code`` (the last ``KEPT`` kept)."""
    submission = request.POST.get("submission", "")
    if SUBMISSION.fullmatch(submission):
        made: dict[str, str] = request.session.get(key, {})
        request.session[key] = {**dict(list(made.items())[-(KEPT - 1) :]), submission: str(code)}
