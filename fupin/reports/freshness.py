"""Pages never build snapshots inside a request: when the village snapshots a page needs are
missing or stale, the page says so, shows what is stored, and starts the refresh job (once:
a refresh already queued or running for the area is reused)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fupin.core.jobs import start_job
from fupin.core.models import Job, JobStatus

from . import aggregates

REFRESH = "reports.refresh"


def refresh_in_background(user: Any, prefix: str, days: list[dt.date]) -> Job | None:
    """The refresh job covering the missing snapshots, started now if none is under way;
    None when every snapshot is current."""
    gaps = aggregates.missing(prefix, days)
    if not gaps:
        return None
    running = Job.objects.filter(kind=REFRESH, area_code=prefix,
                                 status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).first()
    if running is not None:
        return running
    wanted = sorted({d for ds in gaps.values() for d in ds})
    return start_job(REFRESH, f"{prefix} 指标快照", user=user, area_code=prefix,
                     params={"area": prefix, "days": [d.isoformat() for d in wanted]})
