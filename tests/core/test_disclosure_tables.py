"""Two-way tables: no published table lets a suppressed number be worked out (property-based)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from chorus.core.disclosure import mean, pinned, recoverable, share, suppress_table


def _totalled(counts: list[list[int]]) -> list[list[int]]:
    """The table as published in full: each row with its total, then the column totals."""
    rows = [[*row, sum(row)] for row in counts]
    return [*rows, [sum(column) for column in zip(*rows, strict=True)]]


tables = st.integers(min_value=2, max_value=4).flatmap(
    lambda height: st.integers(min_value=2, max_value=4).flatmap(
        lambda width: st.lists(
            st.lists(st.integers(min_value=0, max_value=40), min_size=width, max_size=width),
            min_size=height,
            max_size=height,
        )
    )
)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(tables)
def test_no_suppressed_number_can_be_recovered(counts: list[list[int]]) -> None:
    rows = [f"r{i}" for i in range(len(counts))]
    columns = [f"c{j}" for j in range(len(counts[0]))]
    table = suppress_table(counts, rows, columns, below=10)
    grid = table.grid()
    true = _totalled(counts)
    # Every small number is hidden...
    for r, row in enumerate(true):
        for c, value in enumerate(row):
            if value < 10:
                assert grid[r][c] is None
            elif grid[r][c] is not None:
                assert grid[r][c] == value
    # ...and none of the hidden ones can be worked out from what is shown.
    assert recoverable(grid) == []


def test_a_single_small_cell_takes_a_partner_in_its_row_and_column() -> None:
    table = suppress_table([[3, 20, 30], [15, 25, 35]], ["a", "b"], ["x", "y", "z"], below=10)
    assert table.cells[0][0] is None
    hidden = [(r, c) for r in range(2) for c in range(3) if table.cells[r][c] is None]
    assert len(hidden) >= 4 or table.row_totals[0] is None
    assert table.total == 128


def test_the_checker_sees_a_cell_worked_out_by_subtraction() -> None:
    counts = [[3, 20], [15, 25]]
    grid = [list(row) for row in _totalled(counts)]
    grid[0][0] = None
    assert recoverable(grid) == [(0, 0)]


def test_percentages_and_means_follow_the_counts() -> None:
    assert share(None, 100) is None and share(5, None) is None and share(25, 100) == 25.0
    assert mean([1.0] * 9, below=10) is None and mean([2.0] * 10, below=10) == 2.0


masks = st.integers(min_value=2, max_value=5).flatmap(
    lambda height: st.integers(min_value=2, max_value=5).flatmap(
        lambda width: st.tuples(
            st.lists(
                st.lists(st.sampled_from([0, 0, 3, 12, 40]), min_size=width, max_size=width),
                min_size=height,
                max_size=height,
            ),
            st.lists(
                st.lists(st.booleans(), min_size=width + 1, max_size=width + 1),
                min_size=height + 1,
                max_size=height + 1,
            ),
        )
    )
)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(masks)
def test_the_fast_check_agrees_with_the_linear_programmes(
    case: tuple[list[list[int]], list[list[bool]]],
) -> None:
    """``pinned`` (graph cycles, used to suppress) and ``recoverable`` (linear programmes,
    the attacker's view) find the same hidden numbers on any table and any hiding,
    zeros included."""
    counts, hide = case
    true = _totalled(counts)
    shown = [[None if hide[r][c] else value for c, value in enumerate(row)] for r, row in enumerate(true)]
    assert sorted(pinned(true, shown)) == sorted(recoverable(shown))
