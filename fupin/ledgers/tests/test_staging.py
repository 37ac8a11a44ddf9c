"""Staging beside the import: on PostgreSQL, outside a transaction, the staged rows are
written by a thread on its own connection while the import goes on; they are all there
when the rejected rows are marked, an error in the writer fails the import, and a failed
import leaves none of them."""

from __future__ import annotations

import polars as pl
import pytest
from django.db import connection

from fupin.ledgers.models import BatchStatus, ImportBatch, StagedRow
from fupin.ledgers.services import staging
from fupin.ledgers.services.importer import import_ledger
from fupin.registry.models import Household

from .builders import household, write_csv
from .conftest import reasons

needs_pg = pytest.mark.skipif(connection.vendor != "postgresql",
                              reason="the writer runs in a thread only on PostgreSQL")


@pytest.fixture
def writers(monkeypatch):
    made: list[staging.StagingWriter] = []
    real = staging.StagingWriter.__init__

    def init(self):
        real(self)
        made.append(self)
    monkeypatch.setattr(staging.StagingWriter, "__init__", init)
    return made


@needs_pg
@pytest.mark.django_db(transaction=True)
def test_rows_are_staged_by_a_thread_and_all_there_for_the_report(tmp_path, monkeypatch, writers):
    monkeypatch.setattr(staging, "QUEUE_PARTS", 1)  # the import waits for the writer at once
    rows = [r for i in range(30) for r in household(f"ST{i:04d}", n=2)]
    rows[5]["身份证号"] = "123"
    batch = import_ledger(write_csv(tmp_path / "s.csv", rows), baseline=True)
    assert [w.threaded for w in writers] == [True]
    assert StagedRow.objects.filter(batch=batch).count() == batch.read == 60
    # The header is row 1: the bad ID is on row 7, and its household (rows 6-7) is refused.
    assert sorted(reasons(batch)) == [6, 7] and batch.rejected == 2
    assert batch.report_file and batch.status == BatchStatus.COMMITTED


def test_inside_a_transaction_the_rows_are_staged_on_the_callers_connection(db, tmp_path, writers):
    """A test's transaction (or any caller's): the batch row is not visible to another
    connection, so staging stays on this one."""
    batch = import_ledger(write_csv(tmp_path / "s.csv", household("ST0001", n=3)), baseline=True)
    assert [w.threaded for w in writers] == [False]
    assert StagedRow.objects.filter(batch=batch).count() == 3


@needs_pg
@pytest.mark.django_db(transaction=True)
def test_an_error_in_the_writer_fails_the_import_and_writes_nothing(tmp_path, monkeypatch):
    def broken(model, df):
        raise RuntimeError("disk full")
    monkeypatch.setattr(staging, "append_frame", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        import_ledger(write_csv(tmp_path / "s.csv", household("ST0001", n=3)), baseline=True)
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.FAILED and "disk full" in batch.error
    assert not Household.objects.exists() and not StagedRow.objects.exists()


@needs_pg
@pytest.mark.django_db(transaction=True)
def test_a_failed_import_rolls_back_what_the_writer_staged(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("validation crashed")
    monkeypatch.setattr("fupin.ledgers.services.importer.row_rules", broken)
    with pytest.raises(RuntimeError, match="validation crashed"):
        import_ledger(write_csv(tmp_path / "s.csv", household("ST0001", n=3)), baseline=True)
    assert ImportBatch.objects.get().status == BatchStatus.FAILED
    assert not StagedRow.objects.exists()


def test_staged_rows_keep_every_cell_in_header_order(db):
    batch = ImportBatch.objects.create(file_name="x.csv", headers=["a", "b"])
    raw = pl.DataFrame({"__row__": [2, 3], "a": ["1", None], "b": ["x", "y"]})
    frame = staging.staged_rows(batch, raw.rename({"__row__": staging.ROW}), ["a", "b"])
    assert frame.get_column("values").to_list() == ['["1","x"]', '[null,"y"]']
    assert frame.get_column("row_no").to_list() == [2, 3]
