"""Background jobs of monitoring: a sweep started from the page, with progress."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from fupin.core.jobs import Progress, job_function
from fupin.core.models import Job

SWEEP_JOB = "monitoring.sweep"


@job_function(SWEEP_JOB)
def sweep_job(job: Job, progress: Progress, area: str = "", as_of: str = "",
              user_id: int | None = None, **_: Any) -> dict[str, Any]:
    from fupin.accounts.models import User

    from .services.sweep import run_sweep
    user = User.objects.filter(pk=user_id).first() if user_id else None
    day = dt.date.fromisoformat(as_of) if as_of else None
    sweep = run_sweep(as_of=day, area=area, user=user, job=job, progress=progress)
    return {"sweep_id": sweep.pk, "households": sweep.households, "opened": sweep.opened,
            "refreshed": sweep.refreshed, "closed": sweep.closed, "seconds": sweep.seconds}


def sweep_result_url(job: Job) -> str:
    return reverse("monitoring:sweep_detail", args=[job.result.get("sweep_id")])
