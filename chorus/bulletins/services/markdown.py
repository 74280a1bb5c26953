"""A bulletin's Markdown as the two parts of its email, both from one markdown-it parse:
HTML (raw HTML in the source shown as text, never run) and plain text a person reads."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

_md = MarkdownIt("commonmark", {"html": False, "linkify": False})


def markdown_html(text: str) -> str:
    """Markdown to HTML. Raw HTML in the source is shown as text, never run."""
    return str(_md.render(text))


def markdown_text(text: str) -> str:
    """Markdown as the plain-text part of an email: headings underlined, lists with "-" or
    numbers, links as "words (address)", emphasis marks gone."""
    return _PlainText().render(_md.parse(text))


def _inline_text(token: Token) -> str:
    """One paragraph's words, with each link as "words (address)"."""
    parts: list[str] = []
    links: list[tuple[int, str]] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline", "html_inline", "image"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "link_open":
            links.append((len(parts), str(child.attrs.get("href", ""))))
        elif child.type == "link_close" and links:
            start, href = links.pop()
            words = "".join(parts[start:])
            if href and href not in (words, f"mailto:{words}"):
                parts.append(f" ({href})")
    return "".join(parts)


class _PlainText:
    """Writes the token stream line by line, keeping track of lists and quotes."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.lists: list[list[int]] = []  # [ordered, next number] for each open list
        self.marker = ""  # the bullet or number waiting for a list item's first line
        self.quote = 0
        self.blank = False  # a blank line goes before the next thing written

    def render(self, tokens: list[Token]) -> str:
        for index, token in enumerate(tokens):
            self.token(token, tokens[index - 1] if index else None)
        return "\n".join(self.lines).strip("\n") + "\n"

    def token(self, token: Token, opener: Token | None) -> None:
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            self.blank = self.blank or not self.lists
            self.lists.append([kind == "ordered_list_open", int(str(token.attrs.get("start", 1)))])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            self.lists.pop()
            self.blank = self.blank or not self.lists
        elif kind == "list_item_open" and self.lists:
            ordered, number = self.lists[-1]
            self.marker = f"{number}. " if ordered else "- "
            self.lists[-1][1] = number + 1
        elif kind == "inline":
            self.inline(token, opener)
        elif kind in ("fence", "code_block"):
            self.block(token.content.rstrip("\n"), literal=True)
        elif kind == "hr":
            self.block("----")
        elif kind in ("blockquote_open", "blockquote_close"):
            self.blank = True
            self.quote += 1 if kind == "blockquote_open" else -1

    def inline(self, token: Token, opener: Token | None) -> None:
        words = _inline_text(token)
        if opener is None or opener.hidden:  # a tight list's item: no blank lines around it
            self.write(words)
            return
        if opener.type == "heading_open" and opener.tag in ("h1", "h2"):
            words += "\n" + ("=" if opener.tag == "h1" else "-") * len(words)
        self.block(words)

    def block(self, text: str, *, literal: bool = False) -> None:
        self.blank = True
        self.write(text, literal=literal)
        self.blank = True

    def write(self, text: str, *, literal: bool = False) -> None:
        if self.blank and self.lines:
            self.lines.append(">" if self.quote and self.lines[-1].startswith(">") else "")
        self.blank = False
        indent = "  " * max(0, len(self.lists) - 1) + ("  " if self.lists and not self.marker else "")
        for number, line in enumerate(text.split("\n")):
            lead = indent + (self.marker if number == 0 else " " * len(self.marker))
            self.lines.append(f"{'> ' * self.quote}{lead}{'    ' if literal else ''}{line}".rstrip())
        self.marker = ""
