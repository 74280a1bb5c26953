"""A small, safe text format for pages administrators edit.

Blank lines separate blocks; a block starting "## " is a heading, one whose
lines start "- " is a bullet list; [words](https://address) is a link. Every
other character is escaped, so edited text can never inject markup.
"""

from __future__ import annotations

import re

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString

_LINK = re.compile(r"\[([^\]]+)\]\(((?:https?://|mailto:|/)[^)\s]+)\)")


def _join(pieces: list[SafeString], separator: str = "") -> SafeString:
    return format_html_join(separator, "{}", ((piece,) for piece in pieces))


def _inline(text: str) -> SafeString:
    pieces: list[SafeString] = []
    last = 0
    for match in _LINK.finditer(text):
        pieces.append(escape(text[last : match.start()]))
        pieces.append(format_html('<a class="govuk-link" href="{}">{}</a>', match.group(2), match.group(1)))
        last = match.end()
    pieces.append(escape(text[last:]))
    return _join(pieces)


def render_page_text(text: str) -> SafeString:
    blocks = [block.strip() for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if block.strip()]
    html: list[SafeString] = []
    for block in blocks:
        lines = [line.strip() for line in block.split("\n")]
        if lines[0].startswith("## "):
            html.append(format_html('<h2 class="govuk-heading-m">{}</h2>', _inline(lines[0][3:])))
            lines = lines[1:]
            if not lines:
                continue
        if all(line.startswith("- ") for line in lines):
            items = _join([format_html("<li>{}</li>", _inline(line[2:])) for line in lines])
            html.append(format_html('<ul class="govuk-list govuk-list--bullet">{}</ul>', items))
        else:
            html.append(format_html('<p class="govuk-body">{}</p>', _inline(" ".join(lines))))
    return _join(html, "\n")
