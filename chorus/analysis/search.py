"""Full-text search over a run's responses: PostgreSQL's text search, or SQLite's FTS5.

The SQLite index (``analysis_item_fts``) is an external-content FTS5 table kept current
by triggers (migration 0002); on PostgreSQL a GIN index on the English text vector
serves ``to_tsvector('english', redacted) @@ websearch_to_tsquery(...)``.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from chorus.analysis.models import Item

_WORD = re.compile(r"\w+", re.UNICODE)


def items_search(items: QuerySet[Item], query: str) -> QuerySet[Item]:
    words = _WORD.findall(query)
    if not words:
        return items
    if connection.vendor == "postgresql":
        return items.extra(
            where=["to_tsvector('english', analysis_item.redacted) @@ websearch_to_tsquery('english', %s)"],
            params=[query],
        )
    # Every word must appear; the last may be the start of a word.
    match = " ".join(f'"{w}"' for w in words[:-1]) + f' "{words[-1]}"*'
    return items.filter(
        pk__in=RawSQL("SELECT rowid FROM analysis_item_fts WHERE analysis_item_fts MATCH %s", [match])
    )
