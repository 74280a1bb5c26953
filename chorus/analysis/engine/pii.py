"""Personal data in free text: find it, and write a redacted copy.

Finds email addresses, UK phone numbers, postcodes, National Insurance numbers, case
and reference numbers, people named with a title ("Dr Patel"), and the names of people
the caller passes in (Chorus passes the directory's names).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

LABELS = {
    "email": "[email]",
    "phone": "[phone]",
    "postcode": "[postcode]",
    "ni_number": "[NI number]",
    "reference": "[reference]",
    "name": "[name]",
}

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("email", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("ni_number", re.compile(r"\b[A-CEGHJ-PR-TW-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b", re.IGNORECASE)),
    (
        "postcode",
        re.compile(r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)\s*\d[ABD-HJLNP-UW-Z]{2}\b", re.IGNORECASE),
    ),
    ("phone", re.compile(r"(?<![\w+])(?:\+44\s?\(?0?\)?\s?|\(?0)(?:\d(?:\)\s?|[\s-])?){9,10}(?!\w)")),
    (
        "reference",
        re.compile(
            r"\b(?:case|claim|reference|ref|account|application|appeal|customer|crime|order)"
            r"\s*(?:no\.?|number|num|#|id)?\s*[:.]?\s*([A-Z0-9][A-Z0-9/-]{4,}\d[A-Z0-9/-]*)",
            re.IGNORECASE,
        ),
    ),
    # Letters and digits mixed, with at least four digits: 1AB23456, KB-2024-000123.
    ("reference", re.compile(r"\b(?=[A-Z0-9/-]*[A-Z])(?=(?:[A-Z/-]*\d){4})[A-Z0-9]+(?:[/-][A-Z0-9]+)*\b")),
    (
        "name",
        re.compile(
            r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Doctor|Judge|Sir|Dame)\.?\s+[A-Z][a-z'\u2019-]+(?:\s+[A-Z][a-z'\u2019-]+)?"
        ),
    ),
]


@dataclass(frozen=True)
class Found:
    kind: str
    start: int
    end: int
    text: str


class NameList:
    """Full names to look for, compiled into one case-insensitive pattern."""

    def __init__(self, names: Iterable[str]) -> None:
        cleaned = sorted({" ".join(n.split()) for n in names if len(n.split()) >= 2}, key=len, reverse=True)
        self.pattern = (
            re.compile(
                r"\b(?:" + "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in cleaned) + r")\b",
                re.IGNORECASE,
            )
            if cleaned
            else None
        )

    def finditer(self, text: str) -> Iterable[re.Match[str]]:
        return self.pattern.finditer(text) if self.pattern else ()


def find(text: str, names: NameList | None = None) -> list[Found]:
    """Every piece of personal data in the text, without overlaps, in order."""
    found: list[Found] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, start: int, end: int) -> None:
        if any(start < e and s < end for s, e in taken):
            return
        taken.append((start, end))
        found.append(Found(kind, start, end, text[start:end]))

    for match in names.finditer(text) if names else ():
        add("name", match.start(), match.end())
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            group = 1 if kind == "reference" and match.re.groups else 0
            add(kind, match.start(group), match.end(group))
    return sorted(found, key=lambda f: f.start)


def redact(text: str, names: NameList | None = None) -> str:
    out = []
    last = 0
    for item in find(text, names):
        out.append(text[last : item.start])
        out.append(LABELS[item.kind])
        last = item.end
    out.append(text[last:])
    return "".join(out)


def kinds(text: str, names: NameList | None = None) -> list[str]:
    return sorted({f.kind for f in find(text, names)})
