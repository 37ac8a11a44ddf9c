from typing import Any

from fupin.core.jobs import Progress, job_function


@job_function("tinyapp.count")
def count(job: Any, progress: Progress, **params: Any) -> dict[str, Any]:
    return {"ok": True}


def result_url(job: Any) -> str:
    return f"/tiny/?job={job.pk}"
