"""Resolving free-text place names to the directory's reference places."""

from __future__ import annotations

from rapidfuzz import fuzz, process

from chorus.directory.models import Place
from chorus.directory.normalise import name_key


def _keys() -> dict[str, Place]:
    keys: dict[str, Place] = {}
    for place in Place.objects.all():
        for name in (place.name, *place.other_name_list()):
            keys.setdefault(name_key(name), place)
    return keys


def place_resolve(text: str, *, min_score: float = 90) -> Place | None:
    """The place ``text`` means: an exact name or other name (ignoring case, accents and
    punctuation), else the closest name if it is near enough to be the same."""
    key = name_key(text)
    if not key:
        return None
    keys = _keys()
    if key in keys:
        return keys[key]
    best = process.extractOne(key, list(keys), scorer=fuzz.token_sort_ratio, score_cutoff=min_score)
    return keys[best[0]] if best else None
