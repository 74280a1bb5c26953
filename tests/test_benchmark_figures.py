"""docs/benchmarks.md opens with the current figure of every benchmark (#28)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _common():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_common", ROOT / "benchmarks" / "_common.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


HISTORY = """# Benchmarks

Intro.

## Linkage: 2026-01-01 10:00 UTC

- Machine: 2 cores (CPU), 8 GiB, Linux
- Commit: aaa1111
- Command: `python linkage.py`

| a |

## Linkage: 2026-01-02 10:00 UTC

- Machine: 2 cores (CPU), 8 GiB, Linux
- Commit: bbb2222
- Command: `python linkage.py --quick`
- Result: `RESULT f1=0.5`

## Search: 2026-01-03 10:00 UTC

- Machine: 2 cores (CPU), 8 GiB, Linux
- Commit: ccc3333
- Command: `python search.py --quick`
- Result: `RESULT p95_ms=12`
"""


def test_the_table_shows_the_latest_full_run_or_else_the_latest_quick_one(tmp_path: Path) -> None:
    common = _common()
    path = tmp_path / "benchmarks.md"
    path.write_text(HISTORY)
    common.refresh_current(path)
    common.refresh_current(path)  # idempotent: one table, rewritten in place
    text = path.read_text()
    assert text.count("## Current figures") == 1
    assert text.index("## Current figures") < text.index("## Linkage: 2026-01-01")
    rows = {row[0]: row for row in common.current_figures(text)}
    assert rows["Linkage"][1:3] == ["2026-01-01 10:00 UTC", "full"]
    assert rows["Linkage"][4] == "aaa1111"
    assert rows["Search"][2:] == ["quick", "2 cores (CPU)", "ccc3333", "RESULT p95_ms=12"]


def test_the_project_table_lists_every_benchmark_script_that_records() -> None:
    common = _common()
    text = (ROOT / "docs" / "benchmarks.md").read_text()
    assert common.CURRENT_START in text
    listed = {row[0] for row in common.current_figures(text)}
    scripts = [p for p in (ROOT / "benchmarks").glob("*.py") if not p.name.startswith("_")]
    titles = set()
    for script in scripts:
        source = script.read_text()
        if "record(" in source:
            titles.add(source.split("record(", 1)[1].split(",", 1)[0].strip().strip("\n ").strip('"'))
    assert titles <= listed, f"run these once so docs/benchmarks.md has them: {titles - listed}"
