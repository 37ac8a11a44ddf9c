"""Background jobs of the cases app."""

from __future__ import annotations

from typing import Any

from fupin.core.jobs import Progress, job_function

from .deadlines import escalate


@job_function("cases_escalate")
def escalate_job(*, job: Any, progress: Progress, **params: Any) -> dict[str, Any]:
    """Mark overdue steps and escalate them to the township and county inboxes."""
    progress.start(1, "标记逾期并上报")
    result = escalate()
    progress.advance(1, "完成")
    return result


def escalate_result_url(job: Any) -> str:
    from django.urls import reverse
    return reverse("cases:overdue")
