"""Inserting many rows fast, for imports of hundreds of thousands of records.

``bulk_create`` builds a model instance and prepares every field of every row in
Python, which is most of the cost of a big import. ``insert_rows`` sends plain,
parameterised rows instead. It bypasses ``save()`` and model defaults: callers give
every column, with values ready for the database (``db_value`` prepares dates, times,
UUIDs and JSON the way the model's field would).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models


def _field(model: type[models.Model], column: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(column)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{column} is not a column")
    return field


def db_value(model: type[models.Model], column: str, value: Any) -> Any:
    return _field(model, column).get_db_prep_save(value, connection)


def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    batch_size: int = 5000,
) -> int:
    quote = connection.ops.quote_name
    names = [str(_field(model, column).column) for column in columns]
    # Table and column names come from the model's metadata, quoted by the backend;
    # every value is a parameter.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608  # nosec B608
        quote(model._meta.db_table), ", ".join(quote(name) for name in names), ", ".join(["%s"] * len(names))
    )
    with connection.cursor() as cursor:
        return executemany_batched(cursor, sql, rows, batch_size)


def executemany_batched(cursor: Any, sql: str, rows: Iterable[Sequence[Any]], batch_size: int) -> int:
    """Run ``sql`` once per row, ``batch_size`` rows to a call; returns how many rows."""
    count = 0
    batch: list[Sequence[Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= batch_size:
            cursor.executemany(sql, batch)
            count += len(batch)
            batch = []
    if batch:
        cursor.executemany(sql, batch)
        count += len(batch)
    return count
