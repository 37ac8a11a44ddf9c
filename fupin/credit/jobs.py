"""Background jobs of the credit app: the monthly subsidy run of an area."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from fupin.core.jobs import Progress, job_function


@job_function("credit_subsidy")
def subsidy_job(*, job: Any, progress: Progress, area_code: str, month: str,
                user_id: int | None = None) -> dict[str, Any]:
    from fupin.accounts.actors import SystemActor
    from fupin.accounts.models import User

    from .services import run_subsidies

    actor: Any = User.objects.filter(pk=user_id).first() if user_id else None
    actor = actor or SystemActor("月度贴息计算")
    progress.start(1, f"计算 {area_code} {month} 贴息")
    run = run_subsidies(actor=actor, area_code=area_code, month=month)
    progress.advance(1, "完成")
    return {"run": run.pk, "loans": run.loans, "paid": run.paid_loans, "lost": run.lost_loans,
            "total": str(run.total)}


def subsidy_result_url(job: Any) -> str:
    run = (job.result or {}).get("run")
    return reverse("credit:subsidy_run", args=[run]) if run else reverse("credit:subsidy_list")
