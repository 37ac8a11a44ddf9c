"""Two imports over the same households at the same time: the county lock makes the second
wait for the first; neither corrupts the other."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from fupin.ledgers.models import ImportBatch
from fupin.registry.models import Household, Member

from .builders import household, write_csv


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="needs PostgreSQL: SQLite serialises writers itself (one writer at a time)")
@pytest.mark.django_db(transaction=True)
def test_overlapping_imports_do_not_corrupt_each_other(tmp_path):
    shared = [household(f"CON{i:04d}", n=3) for i in range(40)]
    b_shared = [[dict(r) for r in hh] for hh in shared]
    for hh in b_shared:
        hh[0]["住房安全等级"] = "B"  # B corrects a field of every shared household
    a_rows = [r for hh in shared for r in hh] + [r for i in range(40) for r in household(f"CA{i:05d}")]
    b_rows = [r for hh in b_shared for r in hh] + [r for i in range(40) for r in household(f"CB{i:05d}")]
    paths = [write_csv(tmp_path / "a.csv", a_rows), write_csv(tmp_path / "b.csv", b_rows)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def worker(path):
        from fupin.ledgers.services.importer import import_ledger
        try:
            barrier.wait()
            import_ledger(path, baseline=True)  # registered households: a county's first load
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(p,)) for p in paths]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    batches = list(ImportBatch.objects.order_by("finished_at"))
    assert [b.status for b in batches] == ["committed", "committed"]
    first, second = batches
    assert first.created == 80 and first.rejected == 0
    # The second saw the first's households: 40 new of its own, 40 shared updated.
    assert (second.created, second.updated, second.unchanged) == (40, 40, 0)
    assert Household.objects.count() == 120
    assert Member.objects.filter(status="active").count() == 40 * 3 + 80 * 3
    grade = "B" if second.file_name == "b.csv" else "A"  # the later import has the last word
    assert Household.objects.filter(household_no__startswith="CON", housing_grade=grade).count() == 40
    assert Household.history.filter(household_no__startswith="CON").count() == 80


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="needs PostgreSQL: SQLite serialises writers itself (one writer at a time)")
@pytest.mark.django_db(transaction=True)
def test_second_import_fails_cleanly_when_the_lock_is_held_too_long(tmp_path, monkeypatch):
    import psycopg
    from django.conf import settings

    from fupin.ledgers.models import LedgerLock
    from fupin.ledgers.services import importer
    from fupin.ledgers.services.errors import LedgerBusy

    LedgerLock.objects.create(county_code="500236")
    monkeypatch.setattr(importer, "LOCK_WAIT_SECONDS", 1)
    db = settings.DATABASES["default"]
    holder = psycopg.connect(host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"],
                             dbname=connection.settings_dict["NAME"], password=db.get("PASSWORD") or None)
    try:
        holder.execute("SELECT * FROM ledgers_ledgerlock WHERE county_code = '500236' FOR UPDATE")
        with pytest.raises(LedgerBusy, match="另一个台账导入正在处理同一区县"):
            importer.import_ledger(write_csv(tmp_path / "a.csv", household("LCK0001")))
    finally:
        holder.rollback()
        holder.close()
    batch = ImportBatch.objects.get()
    assert batch.status == "failed" and "LedgerBusy" in batch.error
    assert Household.objects.count() == 0
