"""What Chorus imports at run time is in the lock file `scripts/start` installs."""

from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Imported only inside the function that uses them, and only when an operator asks for them.
OPTIONAL = {"pyspark"}


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_module_chorus_imports_is_in_the_base_lock() -> None:
    locked = {
        _normalise(line.split("==")[0])
        for line in (ROOT / "requirements" / "base.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    }
    imported: set[str] = set()
    for path in (ROOT / "chorus").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module.split(".")[0])
    third_party = imported - set(sys.stdlib_module_names) - {"chorus", "__future__"} - OPTIONAL
    providers = packages_distributions()
    missing = {
        module
        for module in third_party
        if not any(_normalise(dist) in locked for dist in providers.get(module, [module]))
    }
    assert not missing, (
        f"Add these to pyproject's dependencies and recompile requirements/base.txt: {missing}"
    )
