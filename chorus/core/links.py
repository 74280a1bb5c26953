"""Personal links: a record's code, signed, so that a link names one record and cannot be
altered or made up (an event registration, an evaluation, a case's satisfaction survey)."""

from __future__ import annotations

from typing import Any

from django.core import signing


def code_token(obj: Any, salt: str) -> str:
    """The secret in a personal link to ``obj`` (a record with a ``code``)."""
    return signing.dumps(str(obj.code), salt=salt, compress=True)


def code_from_token(token: str, salt: str) -> str | None:
    """The code a personal link names, or None for a link altered or made up."""
    try:
        return str(signing.loads(token, salt=salt))
    except signing.BadSignature:
        return None
