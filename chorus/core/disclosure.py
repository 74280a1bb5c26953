"""Small-number suppression for published counts.

A count below the threshold (``CHORUS_SUPPRESS_BELOW``, 10 unless set) could identify
someone, so it is shown as suppressed. When a table also shows its total, one
suppressed cell could be worked out by subtraction, so the next smallest cell is
suppressed too (secondary suppression). A total below the threshold suppresses the
whole table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings


def threshold() -> int:
    return int(getattr(settings, "CHORUS_SUPPRESS_BELOW", 10))


@dataclass(frozen=True)
class Cell:
    key: str
    count: int | None  # None when suppressed

    @property
    def suppressed(self) -> bool:
        return self.count is None


def suppress(counts: Mapping[str, int], *, below: int | None = None) -> tuple[list[Cell], int | None]:
    """Cells in the order given, and the total, with small numbers suppressed.

    Cells of 0 are suppressed like any small number, so that "no one" is not told apart
    from "a few people".
    """
    below = threshold() if below is None else below
    total = sum(counts.values())
    if total < below:
        return [Cell(key, None) for key in counts], None
    hidden = {key for key, count in counts.items() if count < below}
    if len(hidden) == 1:
        shown = sorted((count, key) for key, count in counts.items() if key not in hidden)
        if shown:
            hidden.add(shown[0][1])
    return [Cell(key, None if key in hidden else count) for key, count in counts.items()], total
