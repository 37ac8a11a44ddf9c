"""Background jobs of the reports app: bulletin, indicators, snapshot refresh."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings
from django.urls import reverse

from fupin.core.jobs import Progress, job_function
from fupin.core.models import Job
from fupin.core.privacy import log_access

from . import aggregates, bulletin, indicators


def job_dir(job: Job) -> Path:
    return Path(settings.VAR_DIR) / "reports" / f"job_{job.pk}"


@job_function("reports.bulletin")
def bulletin_job(job: Job, progress: Progress, area: str, month: str) -> dict[str, Any]:
    files = bulletin.write(area, month, job_dir(job), progress)
    Job.objects.filter(pk=job.pk).update(output_file=files["pdf"])
    log_access(job.created_by, "export", "reports.bulletin", job.pk, area, detail=month)
    return {"area": area, "month": month, **files}


@job_function("reports.indicators")
def indicators_job(job: Job, progress: Progress, area: str, as_of: str) -> dict[str, Any]:
    day = dt.date.fromisoformat(as_of)
    counties = aggregates.counties_under(area)
    progress.start(len(counties) + 1, "汇总各区县")
    for county in counties:
        aggregates.ensure(county, [day])
        progress.advance(1, county)
    result = indicators.area_indicators(area, day, aggregates.stored(area, day))
    progress.advance(1, "完成")
    return result


@job_function("reports.refresh")
def refresh_job(job: Job, progress: Progress, area: str, days: list[str]) -> dict[str, Any]:
    counties = aggregates.counties_under(area)
    progress.start(len(counties), "刷新指标快照")
    seconds = 0.0
    day_list = [dt.date.fromisoformat(d) for d in days]
    for county in counties:
        seconds += aggregates.refresh_county(county, day_list)
        progress.advance(1, county)
    return {"counties": counties, "days": days, "seconds": round(seconds, 2)}


@job_function("reports.mpi")
def mpi_job(job: Job, progress: Progress, area: str, as_of: str, k: float, weights: list[float],
            income_line: str, min_years: int, registered_only: bool) -> dict[str, Any]:
    from decimal import Decimal

    from . import mpi
    progress.start(2, "按农户构建剥夺矩阵")
    result = mpi.compute(area, dt.date.fromisoformat(as_of), k=k, weights=weights,
                         income_line=Decimal(income_line), min_years=min_years,
                         registered_only=registered_only)
    progress.advance(2, "完成")
    return result


def mpi_result_url(job: Job) -> str:
    return reverse("reports:mpi_result", args=[job.pk])


def bulletin_result_url(job: Job) -> str:
    return reverse("reports:bulletin_result", args=[job.pk])


def indicators_result_url(job: Job) -> str:
    return reverse("reports:indicators_result", args=[job.pk])
