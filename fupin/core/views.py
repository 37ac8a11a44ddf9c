"""Shared pages: home, job progress."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse

from .jobs import recover_stale_jobs
from .models import Job

# kind -> function(job) returning the URL of the job's result page (apps register theirs).
RESULT_URLS: dict[str, Callable[[Job], str]] = {}


def result_url(job: Job) -> str:
    fn = RESULT_URLS.get(job.kind)
    if fn is None or job.status != "done":
        return ""
    try:
        return fn(job)
    except NoReverseMatch:
        return ""


@login_required
def home(request: HttpRequest) -> HttpResponse:
    # Village cadres and helpers work on households; offices above them start on the dashboard.
    names = ("reports:dashboard", "registry:household_list")
    if getattr(request.user, "role", "") in ("village_cadre", "helper"):
        names = names[::-1]
    for name in names:
        try:
            return redirect(reverse(name))
        except NoReverseMatch:
            continue
    return render(request, "base.html")


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    recover_stale_jobs()  # the periodic check: a job whose worker died says so here
    jobs = Job.objects.visible_to(request.user)[:100]
    return render(request, "core/job_list.html", {"jobs": jobs})


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(Job.objects.visible_to(request.user), pk=pk)
    if job.status == "running" and recover_stale_jobs():
        job.refresh_from_db()
    if request.headers.get("Accept") == "application/json":
        return JsonResponse({"id": job.pk, "status": job.status, "percent": job.percent,
                             "done": job.done, "total": job.total, "message": job.message,
                             "result": job.result, "result_url": result_url(job)})
    return render(request, "core/job_detail.html", {"job": job, "result_url": result_url(job)})


@login_required
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(Job.objects.visible_to(request.user), pk=pk)
    return render(request, "core/job_progress.html", {"job": job, "result_url": result_url(job)})


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400: the page says what was wrong (e.g. "年度应为 2000–2100 的整数")."""
    message = str(exception) if exception is not None and exception.args else ""
    return render(request, "400.html", {"exception": message}, status=400)
