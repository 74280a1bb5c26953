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


# Two-way tables --------------------------------------------------------------------------


@dataclass
class Table:
    """A published two-way table of counts with row, column and grand totals.

    ``cells[r][c]`` is None where suppressed; so are ``row_totals[r]``,
    ``column_totals[c]`` and ``total`` when they are."""

    rows: list[str]
    columns: list[str]
    cells: list[list[int | None]]
    row_totals: list[int | None]
    column_totals: list[int | None]
    total: int | None

    def grid(self) -> list[list[int | None]]:
        """Cells with the row totals as a last column and the column totals as a last row."""
        body = [[*self.cells[r], self.row_totals[r]] for r in range(len(self.rows))]
        return [*body, [*self.column_totals, self.total]]


def _grid(counts: list[list[int]]) -> list[list[int]]:
    rows = [[*row, sum(row)] for row in counts]
    columns = [sum(row[c] for row in rows) for c in range(len(rows[0]))] if rows else [0]
    return [*rows, columns]


def recoverable(grid: list[list[int | None]]) -> list[tuple[int, int]]:
    """Suppressed positions of ``grid`` whose value the published numbers pin down exactly.

    The grid holds cells, a last column of row totals and a last row of column totals
    (with the grand total in the corner). Someone trying to recover a cell knows every
    shown number, that each row and column adds up, and that counts are not negative;
    for each hidden number a linear programme finds the least and most it could be. A
    hidden number whose least and most are equal is recoverable."""
    import numpy as np
    from scipy.optimize import linprog

    height, width = len(grid), len(grid[0])
    hidden = [(r, c) for r in range(height) for c in range(width) if grid[r][c] is None]
    if not hidden:
        return []
    index = {position: i for i, position in enumerate(hidden)}
    equations: list[list[float]] = []
    targets: list[float] = []
    lines = [[(r, c) for c in range(width - 1)] + [(r, width - 1)] for r in range(height)]
    lines += [[(r, c) for r in range(height - 1)] + [(height - 1, c)] for c in range(width)]
    for line in lines:
        *parts, total = line
        row = [0.0] * len(hidden)
        known = 0.0
        for position, sign in [*((p, 1.0) for p in parts), (total, -1.0)]:
            value = grid[position[0]][position[1]]
            if value is None:
                row[index[position]] += sign
            else:
                known += sign * value
        if any(row):
            equations.append(row)
            targets.append(-known)
    pinned = []
    a_eq = np.array(equations) if equations else None
    b_eq = np.array(targets) if equations else None
    for position, i in index.items():
        objective = np.zeros(len(hidden))
        objective[i] = 1.0
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        if low.status == 0 and high.status == 0 and (-high.fun) - low.fun < 0.5:
            pinned.append(position)
    return pinned


def pinned(true: list[list[int]], shown: list[list[int | None]]) -> list[tuple[int, int]]:
    """The same answer as ``recoverable(shown)``, found on a graph instead of by linear
    programmes, so that tables with hundreds of hidden cells are checked in milliseconds.

    Each hidden number is an edge between its row line and its column line. Any change to
    the hidden numbers that keeps every line adding up is a sum of cycles of such edges,
    each edge on a cycle moving up or down by turns (with the sign flipped for totals,
    which sit on the other side of their equation). A hidden number is pinned unless some
    cycle moves it while moving down only numbers that are above zero: a zero may only
    go up. So a positive hidden number can be crossed either way, a zero only one way, and
    a number is free exactly when its edge lies on a directed cycle of that graph."""
    height, width = len(shown), len(shown[0])
    hidden = [(r, c) for r in range(height) for c in range(width) if shown[r][c] is None]
    arcs, ways = _hidden_graph(true, hidden, height, width)
    stuck = []
    for edge, position in enumerate(hidden):
        if not any(_reaches(arcs, end, start, edge) for start, end in ways[edge]):
            stuck.append(position)
    return stuck


Arcs = dict[int, list[tuple[int, int]]]


def _hidden_graph(
    true: list[list[int]], hidden: list[tuple[int, int]], height: int, width: int
) -> tuple[Arcs, list[list[tuple[int, int]]]]:
    """The graph ``pinned`` searches: from each node, the (node reached, hidden number)
    arcs; and each hidden number's arcs, as (from, to). Nodes are the row lines
    0..height-1, then the column lines height..height+width-1."""
    arcs: Arcs = {}
    ways: list[list[tuple[int, int]]] = []

    def sign(r: int, c: int) -> int:
        return (-1 if r == height - 1 else 1) * (-1 if c == width - 1 else 1)

    for edge, (r, c) in enumerate(hidden):
        row_node, column_node = r, height + c
        up_is_row_to_column = sign(r, c) == 1  # the direction that raises this number
        own = []
        if true[r][c] > 0 or up_is_row_to_column:
            own.append((row_node, column_node))
        if true[r][c] > 0 or not up_is_row_to_column:
            own.append((column_node, row_node))
        for start, end in own:
            arcs.setdefault(start, []).append((end, edge))
        ways.append(own)
    return arcs, ways


def _reaches(arcs: Arcs, start: int, goal: int, without: int) -> bool:
    """Whether ``goal`` can be reached from ``start`` without crossing hidden number ``without``."""
    seen, stack = {start}, [start]
    while stack:
        node = stack.pop()
        if node == goal:
            return True
        for following, edge in arcs.get(node, ()):
            if edge != without and following not in seen:
                seen.add(following)
                stack.append(following)
    return False


def suppress_table(
    counts: list[list[int]], rows: list[str], columns: list[str], *, below: int | None = None
) -> Table:
    """Suppress small cells (primary), then more cells until no hidden number can be
    worked out from the totals (secondary), checked by ``pinned`` (equivalent to the
    linear programmes of ``recoverable``, which the tests use to check it).

    Secondary cells are chosen smallest first from the same row (then column) as a
    pinned cell, so as little as possible is hidden. Each round protects every pinned
    cell whose row and column have not already gained a hidden cell in that round."""
    below = threshold() if below is None else below
    true = _grid(counts)
    height, width = len(true), len(true[0])
    shown: list[list[int | None]] = [list(row) for row in true]
    if true[-1][-1] < below:
        empty: list[list[int | None]] = [[None] * width for _ in range(height)]
        return _table(empty, rows, columns)
    for r in range(height):
        for c in range(width):
            if true[r][c] < below:
                shown[r][c] = None
    for _round in range(height * width):
        stuck = pinned(true, shown)
        if not stuck:
            break
        touched_rows: set[int] = set()
        touched_columns: set[int] = set()
        for r, c in stuck:
            if r in touched_rows or c in touched_columns:
                continue  # checked again next round
            candidates = [(true[r][j], r, j) for j in range(width - 1) if shown[r][j] is not None and j != c]
            candidates += [
                (true[i][c], i, c) for i in range(height - 1) if shown[i][c] is not None and i != r
            ]
            if not candidates:
                # Only totals are left to hide along this line: hide the smallest shown number anywhere.
                candidates = [
                    (true[i][j], i, j) for i in range(height) for j in range(width) if shown[i][j] is not None
                ]
            if not candidates:
                break
            _value, i, j = min(candidates)
            shown[i][j] = None
            touched_rows.update((r, i))
            touched_columns.update((c, j))
    return _table(shown, rows, columns)


def _table(shown: list[list[int | None]], rows: list[str], columns: list[str]) -> Table:
    return Table(
        rows=list(rows),
        columns=list(columns),
        cells=[row[:-1] for row in shown[:-1]],
        row_totals=[row[-1] for row in shown[:-1]],
        column_totals=shown[-1][:-1],
        total=shown[-1][-1],
    )


def share(part: int | None, whole: int | None) -> float | None:
    """A percentage follows its count: hidden when either number is."""
    if part is None or whole is None or whole == 0:
        return None
    return round(100 * part / whole, 1)


def mean(values: list[float], *, below: int | None = None) -> float | None:
    """A mean of fewer than the threshold's number of values is hidden, like a small count."""
    below = threshold() if below is None else below
    if len(values) < below or not values:
        return None
    return sum(values) / len(values)
