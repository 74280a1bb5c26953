"""The population an organisation serves, imported from ONS Census 2021 tables.

A table comes in the Nomis bulk layout: ``date``, ``geography``, ``geography code``, then
one column per category with its count (``Sex: Female; measures: Value``). Each row is a
nation or English region, matched to ``directory.Region`` by its ONS code. The file is
read through ``chorus.core.imports`` (size and row limits, every row checked with its
line number); nothing is stored unless every row is right, and an import of a table
replaces every figure of its dimension, keeping only the regions the organisation serves.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chorus.core.audit import audit_record
from chorus.core.imports import staged
from chorus.core.imports.columns import fold
from chorus.core.imports.rows import CheckedRow, RowChecker
from chorus.core.models import AuditAction
from chorus.core.spreadsheets import SpreadsheetError
from chorus.directory.models import Region
from chorus.insights.models import PopulationFigure

if TYPE_CHECKING:
    from chorus.accounts.models import User

# One row per nation or region: a Census table for the UK has a dozen rows at most.
MAX_BYTES = 1024 * 1024
MAX_ROWS = 500
TOTAL = "total"
WELSH = "Welsh language skills (speaking)"


@dataclass(frozen=True)
class Category:
    key: str
    label: Any  # a lazy translation
    header: str  # the Nomis column, without "; measures: Value"


@dataclass(frozen=True)
class Table:
    dimension: str
    table_id: str
    label: Any
    total: str  # the Nomis column of everyone the table counts
    categories: tuple[Category, ...]


def _ages() -> tuple[Category, ...]:
    """The five-year bands. Their labels are not shown: the equity page compares the bands
    the equality question asks about (``chorus.insights.equity.AGE_BANDS``)."""
    bands = [(5 * n, 5 * n + 4) for n in range(17)]
    ages = [
        Category(f"{start}_{end}", header, header)
        for start, end in bands
        for header in ["Age: Aged 4 years and under" if start == 0 else f"Age: Aged {start} to {end} years"]
    ]
    return (*ages, Category("85_over", "Age: Aged 85 years and over", "Age: Aged 85 years and over"))


TABLES: dict[str, Table] = {
    table.dimension: table
    for table in (
        Table("age", "TS007A", gettext_lazy("Age by five-year age bands (TS007A)"), "Age: Total", _ages()),
        Table(
            "sex",
            "TS008",
            gettext_lazy("Sex (TS008)"),
            "Sex: All persons",
            (
                Category("female", gettext_lazy("Female"), "Sex: Female"),
                Category("male", gettext_lazy("Male"), "Sex: Male"),
            ),
        ),
        Table(
            "ethnic_group",
            "TS021",
            gettext_lazy("Ethnic group (TS021)"),
            "Ethnic group: Total: All usual residents",
            (
                Category("asian", gettext_lazy("Asian"), "Ethnic group: Asian, Asian British or Asian Welsh"),
                Category(
                    "black",
                    gettext_lazy("Black"),
                    "Ethnic group: Black, Black British, Black Welsh, Caribbean or African",
                ),
                Category("mixed", gettext_lazy("Mixed"), "Ethnic group: Mixed or Multiple ethnic groups"),
                Category("white", gettext_lazy("White"), "Ethnic group: White"),
                Category("other", gettext_lazy("Other"), "Ethnic group: Other ethnic group"),
            ),
        ),
        Table(
            "disability",
            "TS038",
            gettext_lazy("Disability (TS038)"),
            "Disability: Total: All usual residents",
            (
                Category(
                    "yes_a_lot",
                    gettext_lazy("Limited a lot"),
                    "Disability: Disabled under the Equality Act: Day-to-day activities limited a lot",
                ),
                Category(
                    "yes_a_little",
                    gettext_lazy("Limited a little"),
                    "Disability: Disabled under the Equality Act: Day-to-day activities limited a little",
                ),
                Category(
                    "yes_not_at_all",
                    gettext_lazy("Long-term condition, not limited"),
                    "Disability: Not disabled under the Equality Act: Has long term physical or mental "
                    "health condition but day-to-day activities are not limited",
                ),
                Category(
                    "no",
                    gettext_lazy("No long-term condition"),
                    "Disability: Not disabled under the Equality Act: No long term physical or mental "
                    "health conditions",
                ),
            ),
        ),
        Table(
            "welsh",
            "TS033",
            gettext_lazy("Welsh language skills, speaking (TS033)"),
            f"{WELSH}: Total: All usual residents aged 3 and over",
            (
                Category(
                    "yes",
                    gettext_lazy("Can speak Welsh"),
                    "Welsh language skills (speaking): Can speak Welsh",
                ),
                Category(
                    "no",
                    gettext_lazy("Cannot speak Welsh"),
                    "Welsh language skills (speaking): Cannot speak Welsh",
                ),
            ),
        ),
    )
}


def _header(text: str) -> str:
    """A column name as compared: folded, without Nomis's "; measures: Value"."""
    folded = fold(text)
    return folded.split("; measures:")[0].strip()


def _matches(header: str, wanted: str) -> bool:
    """A column is the one wanted under its full Nomis name or without the table's prefix
    ("Female" for "Sex: Female")."""
    full = _header(wanted)
    return header in (full, full.split(": ", 1)[-1])


def columns_for(table: Table, headers: list[str]) -> tuple[dict[str, str], list[str]]:
    """Field name -> file column for ``table``, and the names of the columns missing."""
    folded = {_header(h): h for h in headers if h}
    wanted = {
        "geography_code": "geography code",
        TOTAL: table.total,
        **{category.key: category.header for category in table.categories},
    }
    mapping: dict[str, str] = {}
    missing: list[str] = []
    for name, column in wanted.items():
        found = next((original for header, original in folded.items() if _matches(header, column)), None)
        if found is None:
            missing.append(column)
        else:
            mapping[name] = found
    return mapping, missing


def _whole_number(value: str) -> int | None:
    plain = value.replace(",", "").strip()
    return int(plain) if plain.isdigit() else None


class PopulationRowChecker(RowChecker):
    """A row is a known region with a whole-number count in every category."""

    def __init__(self, headers: list[str], mapping: dict[str, str]) -> None:
        super().__init__(headers, mapping)
        self.mapping = mapping
        self.regions = {region.ons_code.upper(): region for region in Region.objects.all()}

    def check_row(self, checked: CheckedRow) -> None:
        code = checked.values.pop("geography_code", "").upper()
        region = self.regions.get(code)
        if region is None:
            checked.errors.append(
                _(
                    "“%(code)s” is not the code of a nation or English region. Use codes such as "
                    "E12000001 (North East) or W92000004 (Wales), one row for each."
                )
                % {"code": code}
                if code
                else _("The geography code is empty. Enter the ONS code of the nation or region.")
            )
        counts: dict[str, int] = {}
        for name, value in checked.values.items():
            number = _whole_number(value)
            if number is None:
                checked.errors.append(
                    _("“%(value)s” in “%(column)s” is not a whole number. Enter a count such as 1520.")
                    % {"value": value, "column": self.mapping[name]}
                )
            else:
                counts[name] = number
        checked.extra = {"region": region, "counts": counts}


class PopulationImportError(Exception):
    """The file cannot be imported; ``problems`` says every reason, with line numbers."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


def population_import(
    *, actor: User, upload: Any, dimension: str, regions: Collection[Region], request: Any = None
) -> int:
    """Import a Census table: every row checked, then the figures of the chosen regions
    stored in place of the dimension's old ones. Returns how many regions were stored.
    Raises ``PopulationImportError`` (and stores nothing) when anything is wrong."""
    table = TABLES[dimension]
    try:
        headers, rows = staged.read_now(upload, max_bytes=MAX_BYTES, max_rows=MAX_ROWS)
    except SpreadsheetError as error:
        raise PopulationImportError([error.message]) from error
    mapping, missing = columns_for(table, headers)
    if missing:
        raise PopulationImportError(
            [
                _("The file has no column “%(column)s”. Check you chose the right table, %(table)s.")
                % {"column": column, "table": table.table_id}
                for column in missing
            ]
        )
    checked = staged.check_rows(PopulationRowChecker(headers, mapping), rows)
    problems = [
        _("Line %(line)s: %(error)s") % {"line": row.line, "error": error}
        for row in checked
        for error in row.errors
    ]
    if problems:
        raise PopulationImportError(problems)
    chosen = {region.pk for region in regions}
    at = next((i for i, header in enumerate(headers) if _header(header) == "date"), None)
    dates = {row.cells[at].strip() for row in checked if at is not None and at < len(row.cells)}
    figures = [
        PopulationFigure(
            dimension=dimension,
            category=category,
            region=row.extra["region"],
            count=count,
            source_file=str(upload.name)[:255],
            source_table=table.table_id,
            source_date=", ".join(sorted(d for d in dates if d))[:20],
            imported_by=actor,
        )
        for row in checked
        if row.extra["region"].pk in chosen
        for category, count in row.extra["counts"].items()
    ]
    with transaction.atomic():
        PopulationFigure.objects.filter(dimension=dimension).delete()
        PopulationFigure.objects.bulk_create(figures)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="insights.populationfigure",
            object_repr=_("Population figures: %(table)s") % {"table": table.label},
            detail={"table": table.table_id, "file": str(upload.name), "rows": len(checked)},
            request=request,
        )
    return len({figure.region_id for figure in figures})


Figures = dict[str, dict[str, int]]  # region ONS code -> category -> count


def populations() -> dict[str, Figures]:
    """Dimension -> region ONS code -> category -> count, for every dimension held, in one
    query (a few thousand rows at most: a dozen regions, a few tables, their categories)."""
    found: dict[str, Figures] = {}
    for dimension, code, category, count in PopulationFigure.objects.values_list(
        "dimension", "region__ons_code", "category", "count"
    ):
        found.setdefault(dimension, {}).setdefault(code, {})[category] = count
    return found


def population_sources() -> list[dict[str, Any]]:
    """What was imported, one line per table: its file, date and who."""
    lines = []
    for dimension, table in TABLES.items():
        first = PopulationFigure.objects.filter(dimension=dimension).select_related("imported_by").first()
        if first is not None:
            lines.append({"table": table, "figure": first})
    return lines
