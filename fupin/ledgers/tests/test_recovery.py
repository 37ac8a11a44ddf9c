"""Issue 12, point 10: recovery. Jobs whose worker died are marked failed (on worker start
and by the periodic check); `fupin ledger cleanup` marks interrupted batches failed and
removes staged rows and files after the retention period; progress is reported from outside
the write transaction."""

import datetime as dt
import json
import os
import threading
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from fupin.core.jobs import Heartbeat, Progress, recover_stale_jobs, worker_id
from fupin.core.models import Job
from fupin.ledgers.models import BatchStatus, ImportBatch, StagedRow

pytestmark = pytest.mark.django_db


def _running(worker: str, beat_minutes_ago: float) -> Job:
    now = timezone.now()
    when = now - dt.timedelta(minutes=beat_minutes_ago)
    return Job.objects.create(kind="ledger_import", title="导入", status="running", worker=worker,
                              started_at=when, heartbeat_at=when)


def test_dead_worker_and_silent_jobs_are_marked_failed():
    host = worker_id().rpartition(":")[0]
    dead = _running(f"{host}:999999999", 1)  # no such process on this host
    silent = _running("other-host:123", 45)  # no heartbeat for 45 minutes
    alive = _running(worker_id(), 1)  # this very process, beating
    remote = _running("other-host:456", 1)  # another host, beating
    assert recover_stale_jobs() == 2
    states = {j.pk: j.status for j in Job.objects.all()}
    assert states[dead.pk] == states[silent.pk] == "failed"
    assert states[alive.pk] == states[remote.pk] == "running"
    dead.refresh_from_db()
    assert "进程已中止" in dead.message


def test_worker_start_recovers(monkeypatch):
    import sys

    from fupin import cli
    host = worker_id().rpartition(":")[0]
    job = _running(f"{host}:999999999", 1)
    monkeypatch.setattr(sys, "argv", ["fupin", "db_worker"])
    cli.recover_on_worker_start()
    job.refresh_from_db()
    assert job.status == "failed"


def test_job_page_is_a_periodic_check(client, county_admin):
    host = worker_id().rpartition(":")[0]
    job = _running(f"{host}:999999999", 1)
    Job.objects.filter(pk=job.pk).update(created_by=county_admin)
    client.force_login(county_admin)
    assert "失败" in client.get(f"/jobs/{job.pk}/").content.decode()


def test_cleanup_command(tmp_path, settings, county_admin):
    settings.VAR_DIR = tmp_path
    old = timezone.now() - dt.timedelta(days=10)
    killed = ImportBatch.objects.create(file_name="a.csv", status=BatchStatus.STAGED)
    done = ImportBatch.objects.create(file_name="b.csv", status=BatchStatus.COMMITTED,
                                      report_file=str(tmp_path / "r.xlsx"))
    recent = ImportBatch.objects.create(file_name="c.csv", status=BatchStatus.COMMITTED)
    ImportBatch.objects.filter(pk__in=[killed.pk, done.pk]).update(created_at=old)
    for b in (killed, done, recent):
        StagedRow.objects.bulk_create([StagedRow(batch=b, row_no=i, values="[\"x\"]")
                                       for i in range(2, 5)])
    (tmp_path / "r.xlsx").write_bytes(b"x")
    uploads = tmp_path / "ledgers" / "uploads"
    uploads.mkdir(parents=True)
    stale_upload, fresh_upload = uploads / "old.csv", uploads / "new.csv"
    for p in (stale_upload, fresh_upload):
        p.write_bytes(b"500236...")
    os.utime(stale_upload, (old.timestamp(), old.timestamp()))
    out = StringIO()
    call_command("ledger", "cleanup", "--json", stdout=out)
    result = json.loads(out.getvalue())
    killed.refresh_from_db()
    assert killed.status == "failed" and "导入中断" in killed.error
    assert result["batches_failed"] == 1
    # After the retention period: staged rows of old batches, their reports, old uploads.
    assert StagedRow.objects.filter(batch=recent).count() == 3
    assert not StagedRow.objects.filter(batch=done).exists()
    assert not (tmp_path / "r.xlsx").exists() and not stale_upload.exists() and fresh_upload.exists()
    assert result["staged_rows_removed"] == 6 and result["files_removed"] == 1


@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_during_the_write_transaction(settings):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer: nobody can record progress while a write is open")
    job = Job.objects.create(kind="x", title="x", status="running")
    progress = Progress(job)
    beat = progress.heartbeat = Heartbeat(job.pk, progress, interval=0.2)
    beat.start()
    seen: list[int] = []
    try:
        with transaction.atomic():
            progress.start(100)
            progress.set(45, "写入")
            progress.set(80, "写入")
            deadline = time.monotonic() + 10

            def look() -> None:
                from django.db import connections
                try:
                    while time.monotonic() < deadline:
                        done = Job.objects.filter(pk=job.pk).values_list("done", flat=True).first()
                        if done == 80:
                            seen.append(done)
                            return
                        time.sleep(0.1)
                finally:
                    connections.close_all()
            t = threading.Thread(target=look)
            t.start()
            t.join()
    finally:
        beat.stop()
    assert seen == [80]
