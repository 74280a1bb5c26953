"""Personal data in free text: find it, and write a redacted copy.

Finds email addresses, UK phone numbers, postcodes, National Insurance numbers, case
and reference numbers, people named with a title ("Dr Patel"), and the names of people
the caller passes in (Chorus passes the directory's names).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from chorus.core import sensitive

LABELS = {
    "email": "[email]",
    "phone": "[phone]",
    "postcode": "[postcode]",
    "ni_number": "[NI number]",
    "reference": "[reference]",
    "name": "[name]",
}

# The patterns live in chorus.core.sensitive (plain Python, like this engine).
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("email", sensitive.EMAIL),
    ("ni_number", sensitive.NI_NUMBER),
    ("postcode", sensitive.POSTCODE),
    ("phone", sensitive.PHONE),
    ("reference", sensitive.REFERENCE_CUED),
    ("reference", sensitive.REFERENCE_NHS),
    ("reference", sensitive.REFERENCE_MIXED),
    ("name", sensitive.TITLED_NAME),
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
