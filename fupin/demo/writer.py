"""Bulk writing for generated data: COPY on PostgreSQL, multi-row INSERT elsewhere.

Rows are plain tuples in the order of `fields` (model attribute names). Primary keys are
assigned by the generator (so members can point at households without a round trip);
`reset_sequences` puts PostgreSQL's id sequences past them afterwards.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models.deletion import CASCADE, DO_NOTHING, SET_NULL
from django.db.models.functions import Coalesce

SQLITE_MAX_VARIABLES = 32766


def next_id(model: type[models.Model]) -> int:
    return int(model._base_manager.aggregate(m=Coalesce(models.Max("pk"), 0))["m"]) + 1


def _columns(model: type[models.Model], fields: Sequence[str]) -> list[str]:
    opts = model._meta
    return [str(opts.get_field(f).column) for f in fields]  # type: ignore[union-attr]


def _json_positions(model: type[models.Model], fields: Sequence[str]) -> list[int]:
    return [i for i, f in enumerate(fields)
            if isinstance(model._meta.get_field(f), models.JSONField)]


def insert(model: type[models.Model], fields: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """Insert `rows` in as few statements as the backend allows."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in _columns(model, fields))
    json_at = _json_positions(model, fields)
    if json_at:
        rows = [_with_json(r, json_at) for r in rows]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor, cursor.cursor.copy(  # type: ignore[attr-defined]
                f"COPY {table} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    if connection.vendor == "sqlite":
        # SQLite keeps dates as ISO text (what Django's adapters write); decimals go through
        # the adapter Django registers; datetimes arrive already adapted by the caller.
        date_at = [i for i, f in enumerate(fields) if type(model._meta.get_field(f)) is models.DateField]
        rows = [_iso_dates(r, date_at) for r in rows]
    width = len(fields)
    per = max(1, min(2000, SQLITE_MAX_VARIABLES // width if connection.vendor == "sqlite"
                     else 60000 // width))
    mark = "?" if connection.vendor == "sqlite" else "%s"
    one = "(" + ", ".join([mark] * width) + ")"
    connection.ensure_connection()
    # The driver's own cursor: Django's debug cursor would format every parameter for its
    # query log, which costs more than the insert itself.
    cursor = connection.connection.cursor()  # type: ignore[union-attr]
    try:
        for start in range(0, len(rows), per):
            chunk = rows[start:start + per]
            sql = f"INSERT INTO {table} ({cols}) VALUES " + ", ".join([one] * len(chunk))
            cursor.execute(sql, [v for row in chunk for v in row])
    finally:
        cursor.close()


def _with_json(row: tuple[Any, ...], positions: list[int]) -> tuple[Any, ...]:
    values = list(row)
    for i in positions:
        values[i] = json.dumps(values[i])
    return tuple(values)


def _iso_dates(row: tuple[Any, ...], positions: list[int]) -> tuple[Any, ...]:
    values = list(row)
    for i in positions:
        if values[i] is not None:
            values[i] = values[i].isoformat()
    return tuple(values)


def reset_sequences(models_: Iterable[type[models.Model]]) -> None:
    sql = connection.ops.sequence_reset_sql(no_style(), list(models_))
    if sql:
        with connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)


def purge(qs: models.QuerySet[Any]) -> int:
    """Delete `qs` and everything that cascades from it, set-based.

    Django's own delete() loads every row to send signals (and simple-history would write a
    history row per deleted object); for replacing generated data we delete with one
    statement per related table instead, following the same on_delete rules.
    """
    model = qs.model
    for rel in model._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)):
            continue
        on_delete = rel.on_delete  # type: ignore[union-attr]
        if on_delete is DO_NOTHING:
            continue
        related = rel.related_model._base_manager.filter(  # type: ignore[union-attr]
            **{f"{rel.field.name}__in": qs.values("pk")})  # type: ignore[union-attr]
        if on_delete is CASCADE:
            purge(related)
        elif on_delete is SET_NULL:
            related.update(**{rel.field.name: None})  # type: ignore[union-attr]
        elif related.exists():
            raise RuntimeError(
                f"{rel.related_model._meta.label} rows still refer to {model._meta.label}")  # type: ignore[union-attr]
    return qs._raw_delete(qs.db)  # type: ignore[attr-defined]
