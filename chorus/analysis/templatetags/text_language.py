"""Marking text whose language is not the page's: ``<p{{ text|lang_if_other }}>``.

Chorus writes theme descriptions, and keeps the log of analysts' changes, in English;
respondents write in English or Welsh. On a page in the other language such text must
say which it is (WCAG 3.1.2), or a screen reader reads it in the page's voice.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from chorus.analysis.engine.labels import written_in_welsh

register = template.Library()


def language_of(text: str) -> str:
    return "cy" if written_in_welsh(text or "") else "en"


@register.filter
def lang_if_other(text: str) -> SafeString:
    """`` lang="xx"`` where ``text`` reads as a language other than the page's, else nothing."""
    page = (get_language() or "en")[:2]
    found = language_of(str(text))
    return format_html(' lang="{}"', found) if text and found != page else SafeString("")


@register.simple_tag
def english_if_other() -> SafeString:
    """`` lang="en"`` on a page not in English: for text Chorus keeps only in English."""
    return SafeString("") if (get_language() or "en")[:2] == "en" else SafeString(' lang="en"')
