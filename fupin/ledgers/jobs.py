"""Background jobs of the ledgers app: import an uploaded file, export an area."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings

from fupin.accounts.actors import Actor, SystemActor
from fupin.accounts.models import User
from fupin.core.jobs import Progress, job_function
from fupin.core.models import Job

from .services.errors import LedgerRefused
from .services.export import export_ledger
from .services.importer import import_ledger


def _user(user_id: int | None, reason: str) -> Actor:
    """The user who started the job, or the system for a job started from the command line."""
    return User.objects.get(pk=user_id) if user_id else SystemActor(reason)


@job_function("ledger_import")
def run_import(job: Job, progress: Progress, path: str, file_name: str = "", user_id: int | None = None,
               dry_run: bool = False, delete_after: bool = False,
               baseline: bool = False) -> dict[str, Any]:
    """A refused file is a result too (shown on the result page), not a crashed job."""
    try:
        batch = import_ledger(path, user=_user(user_id, "台账导入"), file_name=file_name or None,
                              dry_run=dry_run, progress=progress, baseline=baseline)
    except LedgerRefused as exc:
        return {"refused": str(exc), "file_name": file_name}
    finally:
        if delete_after:
            Path(path).unlink(missing_ok=True)
    return {"batch_id": batch.pk, "file_name": batch.file_name, **batch.counts()}


def export_path(job: Job) -> Path:
    path = Path(settings.VAR_DIR) / "ledgers" / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path / f"ledger_export_{job.pk}.xlsx"


@job_function("ledger_export")
def run_export(job: Job, progress: Progress, area_code: str, user_id: int | None = None,
               out: str = "") -> dict[str, Any]:
    path = Path(out) if out else export_path(job)
    result = export_ledger(area_code, path, user=_user(user_id, "台账导出"), progress=progress)
    Job.objects.filter(pk=job.pk).update(output_file=str(path))
    return result


def result_url(job: Job) -> str:
    from django.urls import reverse
    return reverse("ledgers:job_result", args=[job.pk])
