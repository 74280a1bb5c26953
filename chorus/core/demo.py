"""Loading the demo's biggest tables fast (issue #22 §5: the large demo, a million responses,
in under 15 minutes on PostgreSQL).

``bulk_create`` builds a model instance for each row and prepares every field of it in
Python, which is most of the cost of a table of millions of rows. The demo builders give
plain tuples instead: on PostgreSQL ``rows_load`` streams them with ``COPY``; elsewhere
(SQLite, for ``scripts/start``) it inserts them with ``executemany``. Columns a builder
leaves out get their field's default, as ``bulk_create`` would give them. Nothing here runs
``save()`` or sends signals, which the demo's models do not rely on.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from chorus.core.bulk import executemany_batched


def _connection(model: type[models.Model]) -> BaseDatabaseWrapper:
    """Where ``model``'s rows are written (equality records may have a database of their own)."""
    return connections[router.db_for_write(model)]


def _column(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.concrete:
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return field


def ids_reserve(model: type[models.Model], count: int) -> list[int]:
    """``count`` new primary keys for ``model``, for rows that other rows refer to before
    they are loaded. Load the rows before reserving more (on SQLite the next free key is
    the highest one used)."""
    if count <= 0:
        return []
    connection = _connection(model)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [model._meta.db_table, model._meta.pk.column, count],
            )
            return [row[0] for row in cursor.fetchall()]
    rows = model._default_manager.using(connection.alias)
    highest = rows.aggregate(highest=models.Max("pk"))["highest"] or 0
    return list(range(highest + 1, highest + 1 + count))


def _constant(value: Any) -> Callable[[], Any]:
    return lambda: value


Default = tuple[models.Field[Any, Any], Callable[[], Any]]


def _defaults(model: type[models.Model], given: set[str]) -> list[Default]:
    """For each column not given, how to make its value for one row."""
    now = timezone.now()
    made: list[Default] = []
    for field in model._meta.concrete_fields:
        if field.column in given or field.primary_key:
            continue
        # One moment for every row: they are made together.
        if (
            field.default is timezone.now
            or getattr(field, "auto_now", False)
            or getattr(field, "auto_now_add", False)
        ):
            made.append((field, _constant(now)))
        elif field.has_default() and callable(field.default):
            made.append((field, field.default))
        else:
            made.append((field, _constant(field.get_default())))
    return made


def rows_load(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    batch_size: int = 5000,
) -> int:
    """Insert ``rows`` (each a tuple of values for ``columns``, as Python values: choices as
    strings, JSON as the list, dict or string it holds) into ``model``'s table; returns how
    many. A column may be ``"id"`` for keys from ``ids_reserve``."""
    connection = _connection(model)
    fields = [_column(model, name) for name in columns]
    defaults = _defaults(model, {field.column for field in fields})
    every = fields + [field for field, _ in defaults]
    quote = connection.ops.quote_name
    table, names = quote(model._meta.db_table), ", ".join(quote(field.column) for field in every)
    makers = [make for _, make in defaults]
    count = 0
    if connection.vendor == "postgresql":
        # COPY's text format takes JSON as its text; everything else psycopg writes as is.
        json_at = [i for i, field in enumerate(every) if isinstance(field, models.JSONField)]
        # Table and column names come from the model's metadata, quoted by the backend.
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                values = [*row, *(make() for make in makers)]
                for i in json_at:
                    values[i] = json.dumps(values[i])
                copy.write_row(values)
                count += 1
        return count
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(every))})"  # noqa: S608  # nosec B608
    prepared = (
        [
            field.get_db_prep_save(v, connection)
            for field, v in zip(every, [*row, *(make() for make in makers)], strict=True)
        ]
        for row in rows
    )
    with connection.cursor() as cursor:
        return executemany_batched(cursor, sql, prepared, batch_size)


def column_update(model: type[models.Model], column: str, values: Iterable[tuple[int, Any]]) -> int:
    """Set ``column`` of each row named by primary key in ``values`` (pairs of key and new
    value): one statement on PostgreSQL, where ``bulk_update``'s ``CASE`` over a hundred
    thousand rows takes minutes."""
    connection = _connection(model)
    field = _column(model, column)
    quote = connection.ops.quote_name
    table, target, pk = quote(model._meta.db_table), quote(field.column), quote(model._meta.pk.column)
    pairs = list(values)
    if not pairs:
        return 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            kind = field.db_type(connection)
            cursor.execute(f"CREATE TEMPORARY TABLE demo_column_update (pk bigint, value {kind})")
            with cursor.cursor.copy("COPY demo_column_update (pk, value) FROM STDIN") as copy:
                for key, value in pairs:
                    copy.write_row((key, value))
            cursor.execute(
                f"UPDATE {table} SET {target} = demo_column_update.value "  # noqa: S608  # nosec B608
                f"FROM demo_column_update WHERE {table}.{pk} = demo_column_update.pk"
            )
            cursor.execute("DROP TABLE demo_column_update")
        else:
            cursor.executemany(
                f"UPDATE {table} SET {target} = %s WHERE {pk} = %s",  # noqa: S608  # nosec B608
                [(field.get_db_prep_save(value, connection), key) for key, value in pairs],
            )
    return len(pairs)
