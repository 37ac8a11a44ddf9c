"""Set-based database helpers: fetch by a key set, insert/update whole frames (COPY on
PostgreSQL, bulk_create/bulk_update elsewhere), and write history rows with INSERT … SELECT.
Never one query per row."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl
from django.db import connection, models

SQLITE_CHUNK = 500  # bound parameters per statement on SQLite
COPY_ROWS = 100_000


def is_pg() -> bool:
    return connection.vendor == "postgresql"


def chunks(seq: Sequence[Any], n: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(seq), n):
        yield seq[i:i + n]


def fetch_in(sql: str, keys: Sequence[Any], schema: dict[str, Any]) -> pl.DataFrame:
    """Run `sql` (with `{IN}` after the key column) for a whole key set. PostgreSQL: the
    keys are copied into a temporary table and the rows come back with COPY TO as CSV
    (no Python tuple per row: a million rows cost seconds, not a gigabyte); SQLite:
    chunks of IN lists."""
    keys = list(keys)
    if not keys:
        return pl.DataFrame(schema=schema)
    if is_pg():
        return _fetch_pg(sql, keys, schema)
    rows: list[tuple[Any, ...]] = []
    with connection.cursor() as cur:
        for part in chunks(keys, SQLITE_CHUNK):
            cur.execute(sql.replace("{IN}", "IN (" + ",".join(["%s"] * len(part)) + ")"), list(part))
            rows.extend(cur.fetchall())
    return pl.DataFrame(rows, schema=schema, orient="row")


def _key_table(keys: Sequence[Any], name: str = "_bulk_keys", sql_type: str = "") -> str:
    """The keys in an analysed temporary table `name(k)`, for `k IN (SELECT k FROM name)`;
    the column is bigint when every key is an int, text otherwise, unless `sql_type` says."""
    sql_type = sql_type or ("bigint" if all(isinstance(k, int) for k in keys) else "text")
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {name}")
        cur.execute(f"CREATE TEMP TABLE {name} (k {sql_type})")
    _copy(name, pl.DataFrame({"k": list(keys)}, schema={"k": pl.Int64 if sql_type == "bigint" else pl.Utf8}),
          ["k"])
    with connection.cursor() as cur:
        cur.execute(f"ANALYZE {name}")
    return f"IN (SELECT k FROM {name})"


def _fetch_pg(sql: str, keys: Sequence[Any], schema: dict[str, Any]) -> pl.DataFrame:
    df = _copy_out(sql.replace("{IN}", _key_table(keys)), schema)
    with connection.cursor() as cur:
        cur.execute("DROP TABLE _bulk_keys")
    return df


def fetch_keyed(sql: str, keysets: dict[str, tuple[str, Sequence[Any]]],
                schema: dict[str, Any]) -> pl.DataFrame:
    """PostgreSQL: run `sql`, which reads each key set as a temporary table `_keys_<name>`
    with one column `k` of the given SQL type (keysets: name -> (type, keys)); one
    statement however many key sets it joins."""
    tables = [f"_keys_{name}" for name in keysets]
    for table, (sql_type, keys) in zip(tables, keysets.values(), strict=True):
        _key_table(keys, table, sql_type)
    df = _copy_out(sql, schema)
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE {', '.join(tables)}")
    return df


def _copy_out(query: str, schema: dict[str, Any]) -> pl.DataFrame:
    buf = io.BytesIO()
    with connection.cursor() as cur:
        if connection.in_atomic_block:
            # Hash joins over a million keys: in memory, not in eight batches on disk.
            cur.execute("SET LOCAL work_mem = '64MB'")
        with cur.cursor.copy(f"COPY ({query}) TO STDOUT (FORMAT csv, NULL '\\N', FORCE_QUOTE *)") as copy:  # type: ignore[attr-defined]
            for data in copy:
                buf.write(data)
    if buf.tell() == 0:
        return pl.DataFrame(schema=schema)
    buf.seek(0)
    # NULL is an unquoted \N; every value is quoted, so an empty string stays "" (not null).
    return pl.read_csv(buf, has_header=False, new_columns=list(schema), schema=schema,
                       null_values="\\N", quote_char='"')


def _fields(model: type[models.Model]) -> dict[str, models.Field]:
    return {f.attname: f for f in model._meta.concrete_fields}  # type: ignore[misc]


def _column(field: models.Field) -> str:
    return str(field.column)


def _copy(table: str, df: pl.DataFrame, columns: list[str], constants: Sequence[pl.Expr] = ()) -> None:
    """COPY a frame in slices, so that only one slice's CSV is in memory at a time;
    `constants` (literal expressions, named) are added slice by slice, never as whole
    columns."""
    names = [*columns, *(c.meta.output_name() for c in constants)]
    cols = ", ".join(connection.ops.quote_name(c) for c in names)
    with connection.cursor() as cur, cur.cursor.copy(  # type: ignore[attr-defined]
            f"COPY {connection.ops.quote_name(table)} ({cols}) FROM STDIN (FORMAT csv)") as copy:
        for start in range(0, df.height, COPY_ROWS):
            buf = io.BytesIO()
            df.slice(start, COPY_ROWS).select(*columns, *constants).write_csv(
                buf, include_header=False, quote_style="non_numeric", null_value="")
            copy.write(buf.getbuffer())


def _python_value(field: models.Field, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(field, models.DecimalField):
        return Decimal(str(value))
    if isinstance(field, models.JSONField) and isinstance(value, str):
        return json.loads(value)
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        return dt.datetime.fromisoformat(value)
    return value


def _instances(model: type[models.Model], df: pl.DataFrame) -> list[models.Model]:
    fields = _fields(model)
    return [model(**{k: _python_value(fields[k], v) for k, v in row.items()})
            for row in df.iter_rows(named=True)]


def insert_frame(model: type[models.Model], df: pl.DataFrame) -> list[int]:
    """Insert every row of `df` (columns are the model's attnames); returns the new ids in
    row order. PostgreSQL: the ids are drawn from the table's sequence first and the rows
    sent with COPY (nothing to read back); elsewhere bulk_create."""
    if df.height == 0:
        return []
    if not is_pg():
        objs = model.objects.bulk_create(_instances(model, df), batch_size=SQLITE_CHUNK)  # type: ignore[attr-defined]
        return [o.pk for o in objs]
    return _insert_pg(model, df).get_column("id").to_list()


def _insert_pg(model: type[models.Model], df: pl.DataFrame) -> pl.DataFrame:
    """COPY the rows with ids drawn from the table's sequence first (read back with COPY TO:
    a million ids as Python tuples took seconds); returns the rows as written (db column
    names, with `id`)."""
    table = model._meta.db_table
    fields = _fields(model)
    out = df.rename({a: _column(fields[a]) for a in df.columns}).with_columns(draw_ids(table, df.height))
    _copy(table, out, out.columns)
    return out


def draw_ids(table: str, n: int) -> pl.Series:
    """`n` new ids from the table's sequence, as `id`. They come back as one text value
    (a million ids as a million COPY rows cost seconds of Python; as one string, a split),
    and as a range when the draw was contiguous (no other writer drew in between)."""
    with connection.cursor() as cur:
        # The sequence is looked up once: as an argument of nextval, pg_get_serial_sequence
        # ran for every row (a catalog lookup each: 3 s of a million ids).
        cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", [connection.ops.quote_name(table)])
        seq = cur.fetchone()[0]
        cur.execute("WITH d AS MATERIALIZED (SELECT nextval(%s::regclass) AS v FROM generate_series(1, %s)) "
                    "SELECT min(v), max(v), CASE WHEN max(v) - min(v) + 1 = count(*) THEN NULL "
                    "ELSE string_agg(v::text, ',') END FROM d", [seq, n])
        low, high, listed = cur.fetchone()
    if listed is None:
        return pl.int_range(low, high + 1, dtype=pl.Int64, eager=True).alias("id")
    return pl.Series("id", [listed]).str.split(",").explode().cast(pl.Int64)


def append_frame(model: type[models.Model], df: pl.DataFrame) -> None:
    """Insert every row of `df` when the caller needs no ids back: PostgreSQL COPYs the rows
    and the table's default draws the ids (no round trip for a million ids)."""
    if df.height == 0:
        return
    if not is_pg():
        model.objects.bulk_create(_instances(model, df), batch_size=SQLITE_CHUNK)  # type: ignore[attr-defined]
        return
    fields = _fields(model)
    out = df.rename({a: _column(fields[a]) for a in df.columns})
    _copy(model._meta.db_table, out, out.columns)


def update_frame(model: type[models.Model], df: pl.DataFrame) -> None:
    """Set the columns of `df` on the rows whose `id` it names. PostgreSQL: COPY into a
    temporary table and one UPDATE … FROM; elsewhere bulk_update."""
    if df.height == 0:
        return
    fields = _fields(model)
    names = [c for c in df.columns if c != "id"]
    if is_pg():
        table = model._meta.db_table
        qn = connection.ops.quote_name
        cols = ["id"] + [_column(fields[a]) for a in names]
        with connection.cursor() as cur:
            cur.execute(f"CREATE TEMP TABLE _ledger_upd ON COMMIT DROP AS SELECT "
                        f"{', '.join(qn(c) for c in cols)} FROM {qn(table)} LIMIT 0")
        _copy("_ledger_upd", df.rename({a: _column(fields[a]) for a in names}), cols)
        sets = ", ".join(f"{qn(c)} = u.{qn(c)}" for c in cols[1:])
        with connection.cursor() as cur:
            cur.execute(f"UPDATE {qn(table)} AS t SET {sets} FROM _ledger_upd u WHERE t.id = u.id")
            cur.execute("DROP TABLE _ledger_upd")
        return
    model.objects.bulk_update(_instances(model, df), names, batch_size=SQLITE_CHUNK)  # type: ignore[attr-defined]


def write_history(model: type[models.Model], ids: Sequence[int], history_type: str,
                  user_id: int | None, reason: str, when: dt.datetime) -> None:
    """One history row per id, copied from the current row (django-simple-history's tables):
    INSERT … SELECT, so the history is exactly what was written."""
    if not ids:
        return
    hist = model.history.model  # type: ignore[attr-defined]
    qn = connection.ops.quote_name
    base_cols = [str(f.column) for f in hist._meta.concrete_fields if not f.name.startswith("history_")]
    target = base_cols + ["history_date", "history_change_reason", "history_type", "history_user_id"]
    sql = (f"INSERT INTO {qn(hist._meta.db_table)} ({', '.join(qn(c) for c in target)}) "
           f"SELECT {', '.join(qn(c) for c in base_cols)}, %s, %s, %s, %s "
           f"FROM {qn(model._meta.db_table)} WHERE id {{IN}}")
    params = [connection.ops.adapt_datetimefield_value(when), reason, history_type, user_id]
    with connection.cursor() as cur:
        if is_pg():
            cur.execute(sql.replace("{IN}", "= ANY(%s)"), [*params, list(ids)])
        else:
            for part in chunks(list(ids), SQLITE_CHUNK):
                cur.execute(sql.replace("{IN}", "IN (" + ",".join(["%s"] * len(part)) + ")"),
                            [*params, *part])


@dataclass(frozen=True)
class HistoryMark:
    """Who wrote, why and when: the history rows of one bulk write carry these. Called with
    (model, ids, history_type) it writes history rows copied from the current rows; `insert`
    inserts a frame and its '+' history rows at once."""

    user_id: int | None
    reason: str
    when: dt.datetime

    def __call__(self, model: type[models.Model], ids: Sequence[int], history_type: str) -> None:
        write_history(model, ids, history_type, self.user_id, self.reason, self.when)

    def insert(self, model: type[models.Model], df: pl.DataFrame) -> list[int]:
        """insert_frame, with a '+' history row per new row. PostgreSQL: the history rows
        are COPYed from the same frame (the table's remaining columns take the same
        defaults in both tables), not read back from the table: a million members' history
        took twelve seconds as INSERT … SELECT, half that as COPY."""
        if df.height == 0 or not is_pg():
            made = insert_frame(model, df)
            self(model, made, "+")
            return made
        out = _insert_pg(model, df)
        hist = model.history.model  # type: ignore[attr-defined]
        kept = {str(f.column) for f in hist._meta.concrete_fields}  # history may leave fields out
        _copy(hist._meta.db_table, out, [c for c in out.columns if c in kept], [
            pl.lit(self.when.isoformat()).alias("history_date"),
            pl.lit(self.reason).alias("history_change_reason"),
            pl.lit("+").alias("history_type"),
            pl.lit(self.user_id, dtype=pl.Int64).alias("history_user_id")])
        return out.get_column("id").to_list()
