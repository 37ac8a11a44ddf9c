"""Shared pages: home, job progress."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse

from . import plugins
from .jobs import recover_stale_jobs
from .models import Job


def result_url(job: Job) -> str:
    """The job's result page, as its app's plugin declares (empty until it is done)."""
    fn = plugins.job_result_url(job.kind)
    if fn is None or job.status != "done":
        return ""
    try:
        return fn(job)
    except NoReverseMatch:
        return ""


@login_required
def home(request: HttpRequest) -> HttpResponse:
    # Each app's plugin declares landing pages by role; the best one that exists wins.
    for name in plugins.home_pages(getattr(request.user, "role", "")):
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
