"""Checking the rows of a file: every row, every problem, with its line number."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class CheckedRow:
    line: int
    values: dict[str, str]  # field name -> the cell, trimmed (a checker may tidy it)
    errors: list[str] = field(default_factory=list)
    cells: list[str] = field(default_factory=list)  # the row as the file has it
    extra: dict[str, Any] = field(default_factory=dict)  # what a kind's checker worked out


class RowChecker:
    """Checks rows against a mapping. A kind's checker loads the lookups it needs once, in
    ``__init__``, and says what is wrong with a row in ``check_row``."""

    def __init__(self, headers: list[str], mapping: dict[str, str]) -> None:
        self.index = {name: headers.index(column) for name, column in mapping.items() if column in headers}

    def check(self, line: int, row: list[str]) -> CheckedRow:
        values = {name: (row[i] if i < len(row) else "").strip() for name, i in self.index.items()}
        checked = CheckedRow(line=line, values=values, cells=row)
        self.check_row(checked)
        return checked

    def check_row(self, checked: CheckedRow) -> None:
        """Add to ``checked.errors`` what is wrong with the row, saying how to fix it."""
