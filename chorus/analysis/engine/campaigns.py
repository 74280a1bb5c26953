"""Organised campaigns and copy-paste: identical or lightly edited responses, grouped.

Short answers ("Very good") are alike by nature, so only responses of at least
``min_words`` words are compared. Identical texts (after case, punctuation and spacing
are ignored) group at once; the rest are compared by MinHash over word pairs, and a
candidate pair joins a group when the two texts are at least ``threshold`` alike
(rapidfuzz's token ratio, 0 to 100).
"""

from __future__ import annotations

import re
import zlib
from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from rapidfuzz import fuzz

_WORD = re.compile(r"[a-z0-9']+")
_PRIME = np.uint64((1 << 61) - 1)


def normalise(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def _shingles(words: list[str]) -> np.ndarray:
    grams = [" ".join(words[i : i + 2]) for i in range(max(1, len(words) - 1))]
    return np.array([zlib.crc32(g.encode()) for g in grams], dtype=np.uint64)


class _Groups:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def find_groups(
    texts: Sequence[str], *, min_words: int = 8, threshold: float = 80.0, bands: int = 24, rows: int = 2
) -> list[list[int]]:
    """Groups of two or more near-identical texts, as lists of indexes, largest first."""
    by_text: dict[str, list[int]] = defaultdict(list)
    for index, text in enumerate(texts):
        norm = normalise(text)
        if len(norm.split()) >= min_words:
            by_text[norm].append(index)
    uniques = list(by_text)
    groups = _Groups(len(uniques))
    rng = np.random.default_rng(12345)
    count = bands * rows
    a = rng.integers(1, 1 << 61, size=count, dtype=np.uint64)
    b = rng.integers(0, 1 << 61, size=count, dtype=np.uint64)
    buckets: dict[tuple[int, bytes], list[int]] = defaultdict(list)
    for u, norm in enumerate(uniques):
        hashes = _shingles(norm.split())
        with np.errstate(over="ignore"):
            signature = ((np.outer(a, hashes) + b[:, None]) % _PRIME).min(axis=1)
        for band in range(bands):
            buckets[(band, signature[band * rows : (band + 1) * rows].tobytes())].append(u)
    checked: set[tuple[int, int]] = set()
    for members in buckets.values():
        if len(members) < 2:
            continue
        # Small buckets: every pair. Big ones (a common phrase): each against the first few.
        leaders = members if len(members) <= 40 else members[:3]
        for a_i, first in enumerate(leaders):
            for other in members[a_i + 1 :]:
                pair = (first, other)
                if pair in checked or groups.find(first) == groups.find(other):
                    continue
                checked.add(pair)
                if fuzz.token_sort_ratio(uniques[first], uniques[other]) >= threshold:
                    groups.join(first, other)
    merged: dict[int, list[int]] = defaultdict(list)
    for u, norm in enumerate(uniques):
        merged[groups.find(u)].extend(by_text[norm])
    found = [sorted(members) for members in merged.values() if len(members) >= 2]
    return sorted(found, key=lambda g: (-len(g), g[0]))
