"""A small, safe text format for pages administrators edit.

Blank lines separate blocks; a block starting "## " is a heading, one whose
lines start "- " is a bullet list; [words](https://address) is a link. Every
other character is escaped, so edited text can never inject markup.
"""

from __future__ import annotations

import re

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

_LINK = re.compile(r"\[([^\]]+)\]\(((?:https?://|mailto:|/)[^)\s]+)\)")


def _inline(text: str) -> str:
    out: list[str] = []
    last = 0
    for match in _LINK.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(format_html('<a class="govuk-link" href="{}">{}</a>', match.group(2), match.group(1)))
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)


def render_page_text(text: str) -> SafeString:
    blocks = [block.strip() for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if block.strip()]
    html: list[str] = []
    for block in blocks:
        lines = [line.strip() for line in block.split("\n")]
        if lines[0].startswith("## "):
            html.append(f'<h2 class="govuk-heading-m">{_inline(lines[0][3:])}</h2>')
            lines = lines[1:]
            if not lines:
                continue
        if all(line.startswith("- ") for line in lines):
            items = "".join(f"<li>{_inline(line[2:])}</li>" for line in lines)
            html.append(f'<ul class="govuk-list govuk-list--bullet">{items}</ul>')
        else:
            html.append(f'<p class="govuk-body">{_inline(" ".join(lines))}</p>')
    return mark_safe("\n".join(html))  # noqa: S308  (every piece above is escaped)
