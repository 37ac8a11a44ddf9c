"""Staging: every raw row is kept as read (all columns, known or not) with its source row
number, so that the rejected rows can be given back exactly as they came.

The staging COPY is server work that need not wait for the import's own work, nor the
other way round: on PostgreSQL, outside a transaction, a `StagingWriter` writes the parts
on a connection of its own, in a thread, while the import normalises the next part,
validates and commits; the import waits for it only before it marks the rejected rows.
"""

from __future__ import annotations

import queue
import threading
from contextlib import nullcontext
from types import TracebackType

import polars as pl
from django.db import connection, transaction

from fupin.registry.bulk import append_frame, is_pg

from ..models import ImportBatch, StagedRow
from .reading import ROW, RawTable
from .validate import normalise_frame

# Parts waiting for the writer: each is about 20 MB of JSON at a hundred thousand rows, so
# a few bound the memory the overlap costs.
QUEUE_PARTS = 3

# JSON string escapes, as polars' (and Python's, ensure_ascii=False) JSON encoder writes them.
JSON_ESCAPES = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r",
                "\t": "\\t"}
JSON_ESCAPES.update({chr(i): f"\\u{i:04x}" for i in range(0x20) if chr(i) not in JSON_ESCAPES})


def json_array(df: pl.DataFrame, columns: list[str]) -> pl.Expr:
    """A JSON array of the row's cells (strings, null for a missing cell) built by string
    concatenation: escaping is done only in the columns that hold a character to escape
    (rare in a ledger), which is several times faster than encoding a list column."""
    needs = df.select(pl.col(c).str.contains_any(list(JSON_ESCAPES)).any().alias(str(i))
                      for i, c in enumerate(columns)).row(0) if columns else ()
    cells = [pl.concat_str([pl.lit('"'), pl.col(c).str.replace_many(JSON_ESCAPES) if esc else pl.col(c),
                            pl.lit('"')]).fill_null("null")
             for c, esc in zip(columns, needs, strict=True)]
    return pl.concat_str([pl.lit("["), pl.concat_str(cells, separator=","), pl.lit("]")])


def staged_rows(batch: ImportBatch, raw: pl.DataFrame, headers: list[str]) -> pl.DataFrame:
    """The StagedRow frame of raw rows: the cells as a JSON array in the order of
    batch.headers (the names are stored once, on the batch). Ids come from the table's
    default: rows are found again by (batch, row_no)."""
    return raw.select(
        pl.lit(batch.pk).alias("batch_id"), pl.col(ROW).cast(pl.Int64).alias("row_no"),
        json_array(raw, headers).alias("values"),
        pl.lit(False).alias("rejected"), pl.lit("").alias("reasons"))


class _Abort(Exception):
    """Raised inside the writer's transaction to roll the staged rows back."""


_DONE = object()
_ABORT = object()


class StagingWriter:
    """Writes StagedRow frames: in a thread on its own connection, in one transaction, when
    it can (PostgreSQL, with the batch row committed: not inside the caller's transaction,
    a test's say); otherwise at once, on the caller's connection (the caller's transaction
    holds them). `finish()` waits and raises what the thread raised; `abort()` rolls back
    what the thread wrote. As a context manager: abort when the block raises, else finish."""

    def __init__(self) -> None:
        self.threaded = is_pg() and not connection.in_atomic_block
        self.error: BaseException | None = None
        self._closed = False
        if self.threaded:
            self._queue: queue.Queue[object] = queue.Queue(maxsize=QUEUE_PARTS)
            self._thread = threading.Thread(target=self._run, name="ledger-staging", daemon=True)
            self._thread.start()

    def write(self, rows: pl.DataFrame) -> None:
        if not self.threaded:
            append_frame(StagedRow, rows)
        elif self.error is None:
            self._queue.put(rows)
        else:
            raise self.error

    def finish(self) -> None:
        self._close(_DONE)

    def abort(self) -> None:
        self._close(_ABORT)

    def _close(self, how: object) -> None:
        if self._closed or not self.threaded:
            return
        self._closed = True
        self._queue.put(how)
        self._thread.join()
        if self.error is not None and how is _DONE:
            raise self.error

    def _run(self) -> None:
        try:
            with transaction.atomic():
                while (rows := self._queue.get()) is not _DONE:
                    if rows is _ABORT:
                        raise _Abort
                    if self.error is None:
                        append_frame(StagedRow, rows)  # type: ignore[arg-type]
        except _Abort:
            pass
        except BaseException as exc:  # kept for finish(); parts still queued are drained
            self.error = exc
            while self._queue.get() not in (_DONE, _ABORT):
                pass
        finally:
            connection.close()

    def __enter__(self) -> StagingWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is None:
            self.finish()
        else:
            self.abort()


def stage_and_normalise(batch: ImportBatch, table: RawTable, writer: StagingWriter) -> pl.DataFrame:
    """Stage the raw rows (through `writer`) and normalise them part by part (the parts the
    reader parsed), letting each raw part go once done: the raw table and its normalised
    copy are never both whole in memory. Returns the normalised rows; table.df is emptied
    (the rejected rows are read back from staging for the report)."""
    raw, table.df = table.df, table.df.clear()
    parts: list[pl.DataFrame] = []
    offset = 0
    for n in raw.get_column(ROW).chunk_lengths():
        parts.append(raw.slice(offset, n))
        offset += n
    del raw
    parts.reverse()
    normalised: list[pl.DataFrame] = []
    categorical = pl.Categorical(pl.Categories.random())  # this import's own: freed with its frames
    with nullcontext() if writer.threaded else transaction.atomic():
        while parts:
            part = parts.pop()
            writer.write(staged_rows(batch, part, table.headers))
            normalised.append(normalise_frame(part, table.fields, categorical))
            del part
    return _one_chunk(normalised)


def _one_chunk(parts: list[pl.DataFrame]) -> pl.DataFrame:
    """The parts as one frame of contiguous columns, built column by column, each column's
    parts let go once copied: a frame of many chunks is copied whole by the first group-by
    or join (polars makes it contiguous), which at a million rows is half a gigabyte.
    `parts` is emptied as the columns are moved (the caller's references go too)."""
    if len(parts) == 1:
        return parts.pop()
    columns = []
    for name in parts[0].columns:
        columns.append(pl.concat([p.get_column(name) for p in parts], rechunk=True))
        parts[:] = [p.drop(name) for p in parts]
    parts.clear()
    return pl.DataFrame(columns)
