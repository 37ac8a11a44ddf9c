"""Background jobs of the projects app: an uploaded library or payout file is imported as
a job with a progress bar; the result page lists the accepted and rejected rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.urls import reverse

from fupin.accounts.actors import SystemActor
from fupin.accounts.models import User
from fupin.core.jobs import Progress, job_function
from fupin.core.models import Job

IMPORT = "projects_import"


@job_function(IMPORT)
def run_import(job: Job, progress: Progress, kind: str, path: str, file_name: str,
               user_id: int | None = None, dry_run: bool = False) -> dict[str, Any]:
    from .services.excel import ImportRefused, rejected_report
    from .services.excel import run_import as do_import

    actor: Any = User.objects.get(pk=user_id) if user_id else SystemActor("projects import")
    data = Path(path).read_bytes()
    progress.start(3, "读取文件")
    step = {"n": 0}

    def advance(_rows: int, message: str) -> None:
        step["n"] = min(step["n"] + 1, 3)
        progress.set(step["n"], message)

    try:
        result = do_import(kind, data, file_name, actor=actor, dry_run=dry_run, progress=advance)
    except ImportRefused as exc:
        return {"refused": str(exc), "file_name": file_name, "kind": kind}
    finally:
        Path(path).unlink(missing_ok=True)
    out = result.as_dict()
    out["file_name"] = file_name
    if result.rejected_rows:
        report = Path(path).with_suffix(".rejected.xlsx")
        report.write_bytes(rejected_report(result))
        out["report"] = str(report)
    return out


def import_result_url(job: Job) -> str:
    return reverse("projects:import_result", args=[job.pk])
