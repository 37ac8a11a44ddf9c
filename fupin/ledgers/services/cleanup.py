"""Recovery and retention for imports and exports (`fupin ledger cleanup`, nightly).

1. Jobs whose worker died are marked failed (fupin.core.jobs.recover_stale_jobs).
2. Batches left "staged" by a killed import (nothing was written: the write is one
   transaction) are marked failed with the reason.
3. After FUPIN_LEDGER_RETENTION_DAYS, the personal data an import or export leaves behind is
   removed: staged rows (raw cells with full IDs), uploaded files, rejected-row reports and
   export files. The batch keeps its counts and reasons summary.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from fupin.core.jobs import recover_stale_jobs
from fupin.core.models import Job, JobStatus

from ..models import BatchStatus, ImportBatch, StagedRow


def _old_files(folder: Path, cutoff: dt.datetime) -> list[Path]:
    if not folder.is_dir():
        return []
    limit = cutoff.timestamp()
    return [p for p in folder.iterdir() if p.is_file() and p.stat().st_mtime < limit]


def cleanup(*, days: int | None = None, now: dt.datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    days = settings.FUPIN_LEDGER_RETENTION_DAYS if days is None else days
    cutoff = now - dt.timedelta(days=days)
    stale = now - dt.timedelta(minutes=settings.FUPIN_JOB_STALE_MINUTES)
    jobs_failed = recover_stale_jobs(now=now)
    running = Job.objects.filter(kind="ledger_import", status=JobStatus.RUNNING).exists()
    interrupted = ImportBatch.objects.filter(status=BatchStatus.STAGED, created_at__lt=stale)
    if running:  # a live import may still be working on its (older) batch
        interrupted = interrupted.filter(created_at__lt=now - dt.timedelta(days=1))
    batches_failed = interrupted.update(
        status=BatchStatus.FAILED, finished_at=now,
        error="导入中断（后台进程被终止或重启），未写入任何数据；请重新导入")
    old = ImportBatch.objects.filter(created_at__lt=cutoff).exclude(status=BatchStatus.STAGED)
    old_ids = list(old.values_list("pk", flat=True))
    rows = 0
    for start in range(0, len(old_ids), 500):
        with transaction.atomic():
            rows += StagedRow.objects.filter(batch_id__in=old_ids[start:start + 500])._raw_delete(
                StagedRow.objects.db)
    reports = 0
    for batch in old.exclude(report_file=""):
        Path(batch.report_file).unlink(missing_ok=True)
        reports += 1
    old.exclude(report_file="").update(report_file="")
    var = Path(settings.VAR_DIR) / "ledgers"
    files = 0
    for path in _old_files(var / "uploads", cutoff) + _old_files(var / "exports", cutoff):
        path.unlink(missing_ok=True)
        files += 1
    return {"jobs_failed": jobs_failed, "batches_failed": batches_failed,
            "staged_rows_removed": rows, "reports_removed": reports, "files_removed": files,
            "retention_days": days, "cutoff": cutoff.isoformat(), "at": time.strftime("%F %T")}
