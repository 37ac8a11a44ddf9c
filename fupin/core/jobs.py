"""Running long work as background jobs with progress.

A job function is registered by name with `@job_function("kind")` and takes
`(job: Job, progress: Progress, **params)`. `start_job` records the Job and enqueues it on
the task backend (the database queue in production, run at once in tests); the page polls
`/jobs/<id>/` and the CLI can run the same function in the foreground with a text bar.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from typing import Any

from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from django_tasks import task

from .models import Job, JobStatus

JobFunction = Callable[..., dict[str, Any]]
_REGISTRY: dict[str, JobFunction] = {}


def job_function(kind: str) -> Callable[[JobFunction], JobFunction]:
    def register(fn: JobFunction) -> JobFunction:
        _REGISTRY[kind] = fn
        return fn
    return register


class Progress:
    """Reports progress to the Job row (throttled) and optionally to a terminal."""

    def __init__(self, job: Job | None = None, *, stream: Any = None, label: str = "") -> None:
        self.job = job
        self.stream = stream
        self.label = label
        self.total = 0
        self.done = 0
        self._last_pct = -1

    def start(self, total: int, message: str = "") -> None:
        self.total, self.done = max(total, 0), 0
        self._write(message, force=True)

    def advance(self, n: int = 1, message: str = "") -> None:
        self.done += n
        self._write(message)

    def set(self, done: int, message: str = "") -> None:
        self.done = done
        self._write(message)

    def _write(self, message: str, force: bool = False) -> None:
        pct = int(self.done * 100 / self.total) if self.total else 0
        if not force and pct == self._last_pct and not message:
            return
        self._last_pct = pct
        if self.job is not None:
            Job.objects.filter(pk=self.job.pk).update(
                done=self.done, total=self.total, **({"message": message[:300]} if message else {}))
        if self.stream is not None:
            width = 30
            filled = int(width * pct / 100)
            label = message or self.label
            self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {pct:3d}% "
                              f"{self.done}/{self.total} {label[:40]:<40}")
            if self.total and self.done >= self.total:
                self.stream.write("\n")
            self.stream.flush()


def start_job(kind: str, title: str, *, user: Any = None, area_code: str = "",
              params: dict[str, Any] | None = None) -> Job:
    """Record a job and enqueue it after the current transaction commits."""
    if kind not in _REGISTRY:
        raise KeyError(f"unknown job kind {kind!r}")
    job = Job.objects.create(kind=kind, title=title, params=params or {}, area_code=area_code,
                             created_by=user if getattr(user, "pk", None) else None)
    transaction.on_commit(lambda: run_job_task.enqueue(job.pk))
    return job


def run_job(job_id: int, stream: Any = None) -> Job:
    """Run a recorded job now, in this process."""
    job = Job.objects.get(pk=job_id)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now())
    progress = Progress(job, stream=stream)
    try:
        result = _REGISTRY[job.kind](job=job, progress=progress, **job.params)
    except Exception as exc:  # a failed job must say why, never vanish
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, finished_at=timezone.now(),
            error=f"{type(exc).__name__}: {exc}\n{traceback.format_exc()[-3000:]}",
            message="失败：" + str(exc)[:280])
    else:
        job.refresh_from_db()
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.DONE, finished_at=timezone.now(), result=result or {},
            done=max(job.done, job.total), message="完成")
    job.refresh_from_db()
    return job


@task()
def run_job_task(job_id: int) -> None:
    # A worker reuses its connection across tasks; drop stale ones first. Never inside a
    # transaction (an immediate backend runs the task within the caller's transaction).
    if not connection.in_atomic_block:
        close_old_connections()
    run_job(job_id)


def run_inline(kind: str, title: str, *, user: Any = None, area_code: str = "",
               params: dict[str, Any] | None = None, show_progress: bool = True) -> Job:
    """CLI path: record the job and run it in the foreground with a text progress bar."""
    job = Job.objects.create(kind=kind, title=title, params=params or {}, area_code=area_code,
                             created_by=user if getattr(user, "pk", None) else None)
    return run_job(job.pk, stream=sys.stderr if show_progress else None)
