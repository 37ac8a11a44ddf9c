"""Background jobs of rectification."""

from __future__ import annotations

from typing import Any

from fupin.core.jobs import Progress, job_function

from . import services


@job_function("rectification.escalate")
def escalate_job(*, job: Any, progress: Progress, area: str = "", **_: Any) -> dict[str, Any]:
    progress.start(1, "逾期问题升级")
    result = services.escalate_overdue(area=area)
    progress.advance(1)
    return result
