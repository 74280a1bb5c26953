"""An import kind: what one kind of file holds and how its rows become records."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chorus.core.imports.columns import Fields, guess_mapping
from chorus.core.imports.rows import CheckedRow, RowChecker

# Line (as text) -> who or what the row already is:
# {"person" or "organisation": code, "name": ..., "why": "same email", "probability": 1.0}
Matches = dict[str, dict[str, Any]]
# Writes one batch of checked rows inside the pipeline's transaction; returns how many
# records it created (the rest of the batch updated records already there).
BatchWriter = Callable[[list[CheckedRow]], int]


def no_matches(rows: list[CheckedRow]) -> Matches:
    return {}


@dataclass(frozen=True)
class ImportKind:
    """One row of an app's table of import kinds."""

    name: str
    fields: Fields
    # Builds the checker for a file's headers and mapping, loading its lookups once.
    checker: Callable[[list[str], dict[str, str]], RowChecker]
    # A mapping must match at least one of these fields, or the page says ``required_message``.
    required: tuple[str, ...] = ()
    required_message: Any = ""
    matcher: Callable[[list[CheckedRow]], Matches] = no_matches
    # (job, checker) -> the writer of that job's batches, for a kind written in batches.
    writer: Callable[[Any, RowChecker], BatchWriter] | None = None
    # What the finished import says, from how many records it added and updated:
    # "3 people added, 1 updated" (plural-aware, so a function).
    done_message: Callable[[int, int], str] = lambda created, updated: ""
    batch_size: int = 1000
    guess: Callable[[list[str], Fields], dict[str, str]] = guess_mapping

    def fields_for(self, user: Any) -> Fields:
        """The fields ``user`` may match columns to: a kind whose fields include added
        fields (``custom_fields.WithCustomFields``) offers only those their role sees."""
        scoped = getattr(self.fields, "for_user", None)
        return scoped(user) if callable(scoped) else self.fields

    def mapping_for(self, mapping: dict[str, str], user: Any) -> dict[str, str]:
        """``mapping`` without any field ``user`` may not import (a guess made before, or
        a field hidden from their role since): what the check and the import read."""
        fields = self.fields_for(user)
        return {name: column for name, column in mapping.items() if name in fields}

    def guess_mapping(self, headers: list[str], user: Any = None) -> dict[str, str]:
        return self.guess(headers, self.fields if user is None else self.fields_for(user))
