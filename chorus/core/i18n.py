"""The language of the request being answered."""

from __future__ import annotations

from django.utils.translation import get_language


def current_language() -> str:
    """The active language code, or "en" where none is active (a task, a shell)."""
    return get_language() or "en"


def current_welsh_or_english() -> str:
    """ "cy" when the active language is Welsh, otherwise "en": for content kept in both."""
    return "cy" if current_language().startswith("cy") else "en"
