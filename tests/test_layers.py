"""Apps import only downward: the floors of docs/architecture.md, checked on every import.

Every module under ``chorus/`` is parsed (not imported), each ``import`` of a Chorus
module is mapped to the app it belongs to, and the pair is checked against ``MAY_IMPORT``.
A lower app that must tell a higher one something sends through a hook or registry in
``chorus.core`` instead (``core/hooks.py``, ``core/registry.py``).

Two kinds of import are exempt, on purpose:
- migrations, which name other apps' models by string for foreign keys and run in the
  order their dependencies give, not through these floors;
- imports under ``if TYPE_CHECKING:`` listed in ``TYPE_ONLY``: they name a type for
  mypy and never run, so they add no run-time dependency. Only the pairs listed there
  are allowed, so a new one is a decision, not an accident.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "chorus"

# The floors, lowest first. A unit is an app (a folder under chorus/), the project
# package itself ("chorus": settings, URLs, the command line), or a part of an app that
# is held to a stricter rule than the rest of it ("analysis.engine": plain Python).
FLOORS: list[set[str]] = [
    {"core"},
    {"analysis.engine", "accounts", "equality"},
    {"directory"},
    {"engagement"},
    {"consultations", "events", "feedback", "cases"},
    {"analysis"},
    {"bulletins", "ideas", "public_calendar", "webhooks"},
    {"insights", "api"},
    {"chorus"},
]

# What each unit may import besides itself. Everything here is on a lower floor.
MAY_IMPORT: dict[str, set[str]] = {
    "core": set(),
    # The engine imports no Django (tests/analysis/test_engine.py runs it to check); from
    # Chorus only core's plain-Python rules for personal data.
    "analysis.engine": {"core.sensitive", "core.sensitive_words"},
    "accounts": {"core"},
    "equality": {"core"},
    "directory": {"core", "accounts"},
    "engagement": {"core", "accounts", "directory"},
    "consultations": {"core", "accounts", "directory", "engagement", "equality"},
    # Feedback records the region or place a service says the person was in.
    "feedback": {"core", "accounts", "directory", "equality"},
    "events": {"core", "accounts", "directory", "engagement"},
    "cases": {"core", "accounts", "directory", "engagement"},
    "analysis": {
        "core",
        "accounts",
        "directory",
        "engagement",
        "consultations",
        "events",
        "feedback",
        # Emerging issues are looked for in enquiries and complaints as in feedback.
        "cases",
        "analysis.engine",
    },
    "bulletins": {"core", "accounts", "directory", "engagement", "consultations"},
    "public_calendar": {"core", "directory", "engagement", "consultations"},
    # Ideas use the analysis engine (themes, personal data), not the analysis app.
    "ideas": {"core", "accounts", "directory", "engagement", "analysis.engine"},
    "insights": {
        "core",
        "accounts",
        "directory",
        "engagement",
        "consultations",
        "events",
        "cases",
        "equality",
        "feedback",
        "analysis",
        "analysis.engine",
        "bulletins",
    },
    # Webhooks hear of events through core's hook; their payloads read the records passed.
    "webhooks": {"core", "accounts"},
    # The staff API reads and writes through the apps below it, as their pages do.
    "api": {
        "core",
        "accounts",
        "directory",
        "engagement",
        "consultations",
        "events",
        "feedback",
        "cases",
        "analysis",
        "analysis.engine",
        "bulletins",
        "ideas",
    },
    "chorus": {
        "api",
        "core",
        "accounts",
        "directory",
        "engagement",
        "consultations",
        "events",
        "cases",
        "equality",
        "feedback",
        "analysis",
        "analysis.engine",
        "bulletins",
        "public_calendar",
        "ideas",
        "insights",
    },
}

# Type-only imports (under ``if TYPE_CHECKING:``) allowed across the floors: core's
# helpers take the staff user, whose model is in accounts, as an argument.
TYPE_ONLY: dict[str, set[str]] = {"core": {"accounts"}}


def _unit_of(module: str) -> str:
    """The unit a dotted module name under ``chorus`` belongs to."""
    parts = module.split(".")
    if parts[:3] == ["chorus", "analysis", "engine"]:
        return "analysis.engine"
    if len(parts) > 1 and (PACKAGE / parts[1]).is_dir():
        return parts[1]
    return "chorus"


def _allows(allowed: set[str], module: str) -> bool:
    """Whether ``module`` is one of ``allowed`` units or inside one (``core.sensitive``)."""
    unit = _unit_of(module)
    dotted = module.removeprefix("chorus.")
    return unit in allowed or any(dotted == a or dotted.startswith(f"{a}.") for a in allowed if "." in a)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(dotted: str) -> bool:
    base = ROOT.joinpath(*dotted.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def _imports(path: Path) -> Iterator[tuple[str, int, bool]]:
    """(module imported, line, type-only) for each Chorus module ``path`` imports."""
    tree = ast.parse(path.read_text(), str(path))
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    type_only = _type_checking_lines(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            # ``from chorus.core import sensitive`` imports the module chorus.core.sensitive.
            names = [
                f"{base}.{alias.name}" if _is_module(f"{base}.{alias.name}") else base for alias in node.names
            ]
        else:
            continue
        for name in names:
            if name == "chorus" or name.startswith("chorus."):
                yield name, node.lineno, node.lineno in type_only


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


def test_the_table_covers_every_app_and_nothing_else() -> None:
    apps = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").is_file()}
    units = apps | {"chorus", "analysis.engine"}
    assert set(MAY_IMPORT) == units, "Give each new app a floor in FLOORS and a row in MAY_IMPORT."
    assert set().union(*FLOORS) == units
    assert sum(len(floor) for floor in FLOORS) == len(units), "Each unit stands on one floor."


def test_every_app_may_import_only_from_floors_below_it() -> None:
    floor_of = {unit: number for number, floor in enumerate(FLOORS) for unit in floor}
    for unit, allowed in MAY_IMPORT.items():
        for target in allowed:
            assert floor_of[_unit_of(f"chorus.{target}")] < floor_of[unit], f"{unit} may import {target}"
    for unit, allowed in TYPE_ONLY.items():
        assert allowed.isdisjoint(MAY_IMPORT[unit]), "A type-only exception is for what may not be imported."


def test_every_import_goes_down_the_floors() -> None:
    wrong = []
    for path in _modules():
        unit = _unit_of(_module_name(path))
        for imported, line, type_only in _imports(path):
            if _unit_of(imported) == unit:
                continue
            if _allows(MAY_IMPORT[unit], imported):
                continue
            if type_only and _unit_of(imported) in TYPE_ONLY.get(unit, set()):
                continue
            wrong.append(f"{path.relative_to(ROOT)}:{line} ({unit}) imports {imported}")
    assert not wrong, "Imports that go up or across a floor:\n" + "\n".join(wrong)


def test_the_check_sees_an_import_that_goes_up() -> None:
    # The checker itself: an engagement module reading consultations, at run time or
    # inside a function, is caught; a type-only import of the user model by core is not.
    assert not _allows(MAY_IMPORT["engagement"], "chorus.consultations.models")
    assert _allows(MAY_IMPORT["consultations"], "chorus.engagement.models")
    assert _allows(MAY_IMPORT["analysis.engine"], "chorus.core.sensitive")
    assert not _allows(MAY_IMPORT["analysis.engine"], "chorus.core.models")
    assert not _allows(MAY_IMPORT["ideas"], "chorus.analysis.services")
    assert _unit_of("chorus.settings") == "chorus"
    assert _unit_of("chorus.analysis.engine.pii") == "analysis.engine"
