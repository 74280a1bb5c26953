"""Personal data in free text: find it, and write a redacted copy.

Finds email addresses, UK phone numbers, postcodes, National Insurance numbers, case
and reference numbers, people named with a title ("Dr Patel"), and the names of people
the caller passes in (Chorus passes the directory's names).
"""

from __future__ import annotations

import itertools
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
# Every pattern but these needs a digit; the email pattern needs an "@", the titled
# name a title.
_WITHOUT_DIGITS = {"email", "name"}
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class Found:
    kind: str
    start: int
    end: int
    text: str


_WORD = re.compile(r"\w+")


class NameList:
    """Full names to look for, found as a case-insensitive regular expression of the
    name would find them (word boundaries either side, any spacing between its words).

    The names are indexed by their first two words, so a text costs a dictionary look-up
    per pair of neighbouring words whatever the directory's size: one pattern of a
    million names tried at every position of every text took longer than the rest of
    an analysis together (#22). Where a pair is indexed, the few names under it are
    compiled into one pattern and tried there, longest first."""

    def __init__(self, names: Iterable[str]) -> None:
        cleaned = {" ".join(n.split()) for n in names if len(n.split()) >= 2}
        index: dict[str, list[str]] = {}
        for name in cleaned:
            index.setdefault(_key(name), []).append(name)
        self._index = {key: tuple(sorted(found, key=len, reverse=True)) for key, found in index.items()}
        self._pairs = any(" " in key for key in self._index)
        self._singles = any(" " not in key for key in self._index)
        self._patterns: dict[str, re.Pattern[str]] = {}
        self._count = len(cleaned)

    def __len__(self) -> int:
        return self._count

    def _pattern(self, key: str) -> re.Pattern[str]:
        pattern = self._patterns.get(key)
        if pattern is None:
            names = self._index[key]
            pattern = re.compile(
                r"\b(?:" + "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in names) + r")\b",
                re.IGNORECASE,
            )
            if len(self._patterns) > 10_000:
                self._patterns.clear()
            self._patterns[key] = pattern
        return pattern

    def finditer(self, text: str) -> Iterable[re.Match[str]]:
        if not self._index:
            return []
        # Most texts name nobody: one set look-up of all their pairs of words says so. (Lower
        # case can change a word's length outside ASCII; such texts go word by word.)
        if text.isascii():
            lowered = _WORD.findall(text.lower())
            indexed = self._index.keys()
            if (not self._pairs or indexed.isdisjoint(map(" ".join, itertools.pairwise(lowered)))) and (
                not self._singles or indexed.isdisjoint(lowered)
            ):
                return []
        words = list(_WORD.finditer(text))
        found: list[re.Match[str]] = []
        end = 0
        for i, word in enumerate(words):
            if word.start() < end:
                continue
            first = word.group().lower()
            keys = []
            if self._pairs and i + 1 < len(words):
                keys.append(first + " " + words[i + 1].group().lower())
            if self._singles:
                keys.append(first)
            for key in keys:
                if key in self._index:
                    match = self._pattern(key).match(text, word.start())
                    if match:
                        found.append(match)
                        end = match.end()
                        break
        return found


def _key(name: str) -> str:
    """The first two words of a name (one, where it has only one), in lower case."""
    return " ".join(w.lower() for w in _WORD.findall(name)[:2])


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
    digits = _DIGIT.search(text) is not None
    for kind, pattern in _PATTERNS:
        if (
            (kind not in _WITHOUT_DIGITS and not digits)
            or (kind == "email" and "@" not in text)
            or (kind == "name" and not any(title in text for title in sensitive.TITLES))
        ):
            continue  # the pattern needs what the text lacks: searching it would find nothing
        for match in pattern.finditer(text):
            group = 1 if kind == "reference" and match.re.groups else 0
            add(kind, match.start(group), match.end(group))
    return sorted(found, key=lambda f: f.start)


def redact(text: str, names: NameList | None = None) -> str:
    return _redacted(text, find(text, names))


def kinds(text: str, names: NameList | None = None) -> list[str]:
    return sorted({f.kind for f in find(text, names)})


def scan(text: str, names: NameList | None = None) -> tuple[list[str], str]:
    """The kinds of personal data in the text and its redacted copy, from one search."""
    found = find(text, names)
    return sorted({f.kind for f in found}), _redacted(text, found)


def _redacted(text: str, found: list[Found]) -> str:
    if not found:
        return text
    out = []
    last = 0
    for item in found:
        out.append(text[last : item.start])
        out.append(LABELS[item.kind])
        last = item.end
    out.append(text[last:])
    return "".join(out)
