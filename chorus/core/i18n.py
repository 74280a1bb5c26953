"""The language of the request being answered, and texts kept in English and Welsh.

Every place that shows a record's Welsh text with its English text as the fallback goes
through ``text_in_language`` (or the ``in_language`` and ``fallback_lang`` template tags
in ``chorus.core.templatetags.chorus``), so English shown on a Welsh page is always
marked up as English: ``<span lang="en">`` inline, ``lang="en"`` on a block.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language


def current_language() -> str:
    """The active language code, or "en" where none is active (a task, a shell)."""
    return get_language() or "en"


def current_welsh_or_english() -> str:
    """ "cy" when the active language is Welsh, otherwise "en": for content kept in both."""
    return "cy" if current_language().startswith("cy") else "en"


class LanguageText(NamedTuple):
    """A text chosen for a page, and the language it is actually in."""

    text: str
    language: str

    def is_fallback(self, page_language: str) -> bool:
        return self.language != page_language


def _english(obj: Any, field: str) -> str:
    # Records name their English column either plainly (``title``) or ``title_en``.
    value = getattr(obj, field, None)
    if value is None or callable(value):
        value = getattr(obj, f"{field}_en", "")
    return "" if value is None else str(value)


def text_in_language(obj: Any, field: str, language: str | None = None) -> LanguageText:
    """``obj``'s ``<field>_cy`` on Welsh pages where it has one, otherwise its English."""
    page = (language or current_language())[:2]
    if page == "cy":
        welsh = getattr(obj, f"{field}_cy", "")
        if welsh:
            return LanguageText(str(welsh), "cy")
    return LanguageText(_english(obj, field), "en")


def lang_attribute(obj: Any, field: str, language: str | None = None) -> SafeString:
    """`` lang="en"`` for an element holding English text on a Welsh page, otherwise nothing."""
    page = (language or current_language())[:2]
    chosen = text_in_language(obj, field, page)
    if chosen.text and chosen.is_fallback(page):
        return SafeString(' lang="en"')
    return SafeString("")


def in_language(obj: Any, field: str, language: str | None = None) -> SafeString:
    """The text for the page, escaped, with English on a Welsh page in ``<span lang="en">``."""
    page = (language or current_language())[:2]
    chosen = text_in_language(obj, field, page)
    if chosen.text and chosen.is_fallback(page):
        return format_html('<span lang="en">{}</span>', chosen.text)
    return format_html("{}", chosen.text)


def has_welsh(obj: Any, *fields: str) -> bool:
    """Whether ``obj`` has Welsh text in every one of ``fields`` that has English text."""
    return all(getattr(obj, f"{f}_cy", "") or not _english(obj, f) for f in fields)
