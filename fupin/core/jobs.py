"""Running long work as background jobs with progress.

A job function is registered by name with `@job_function("kind")` and takes
`(job: Job, progress: Progress, **params)`. `start_job` records the Job and enqueues it on
the task backend (the database queue in production, run at once in tests); the page polls
`/jobs/<id>/` and the CLI can run the same function in the foreground with a text bar.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import socket
import sys
import threading
import traceback
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, connections, transaction
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
        self.message = ""
        self._last_pct = -1
        self.heartbeat: Heartbeat | None = None

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
        if message:
            self.message = message[:300]
        if self.job is not None and self.heartbeat is not None and connection.in_atomic_block:
            # Inside a write transaction nobody would see the row change until the commit:
            # the heartbeat thread writes it now, on its own connection.
            self.heartbeat.poke()
        elif self.job is not None:
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


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Heartbeat(threading.Thread):
    """While a job runs in a worker: every few seconds (and at once when poked) write the
    job's heartbeat and progress on this thread's own database connection, i.e. outside the
    job's write transaction. A worker that dies stops beating; recover_stale_jobs then marks
    its job failed."""

    def __init__(self, job_id: int, progress: Progress, interval: float | None = None) -> None:
        super().__init__(name=f"job-{job_id}-heartbeat", daemon=True)
        self.job_id = job_id
        self.progress = progress
        self.interval = interval or float(getattr(settings, "FUPIN_JOB_HEARTBEAT_SECONDS", 15))
        self._stop_event = threading.Event()
        self._poke = threading.Event()

    def poke(self) -> None:
        self._poke.set()

    def stop(self) -> None:
        self._stop_event.set()
        self._poke.set()
        self.join(timeout=self.interval + 5)

    def beat(self) -> None:
        p = self.progress
        Job.objects.filter(pk=self.job_id, status=JobStatus.RUNNING).update(
            heartbeat_at=timezone.now(), done=p.done, total=p.total,
            **({"message": p.message} if p.message else {}))

    def run(self) -> None:
        try:
            while not self._stop_event.is_set():
                self._poke.wait(self.interval)
                self._poke.clear()
                if self._stop_event.is_set():
                    break
                with contextlib.suppress(Exception):  # a busy database: the next beat retries
                    self.beat()
        finally:
            connections.close_all()


def recover_stale_jobs(*, now: dt.datetime | None = None, on_worker_start: bool = False) -> int:
    """Mark failed the running jobs whose worker is gone: on this host, a worker process that
    no longer exists (checked on worker start and by every call); anywhere, a job whose
    heartbeat (or start, if it never beat) is older than FUPIN_JOB_STALE_MINUTES. Returns how
    many were marked. The staged rows and files they left are removed by `fupin ledger
    cleanup` after the retention period."""
    now = now or timezone.now()
    stale_after = dt.timedelta(minutes=int(getattr(settings, "FUPIN_JOB_STALE_MINUTES", 30)))
    host = socket.gethostname()
    dead: list[int] = []
    running = Job.objects.filter(status__in=[JobStatus.RUNNING, JobStatus.QUEUED])
    for pk, worker, status, beat, started, created in running.values_list(
            "pk", "worker", "status", "heartbeat_at", "started_at", "created_at"):
        if status == JobStatus.QUEUED:
            # Queued jobs wait for a worker; only very old ones without any are given up.
            if on_worker_start and created < now - 10 * stale_after:
                dead.append(pk)
            continue
        w_host, _, pid = (worker or "").rpartition(":")
        if w_host == host and pid.isdigit() and not _alive(int(pid)) or (beat or started or created) < now - stale_after:
            dead.append(pk)
    if dead:
        Job.objects.filter(pk__in=dead, status__in=[JobStatus.RUNNING, JobStatus.QUEUED]).update(
            status=JobStatus.FAILED, finished_at=now,
            message="失败：后台任务进程已中止（重启或被终止），任务未完成，请重新提交",
            error="worker gone: marked failed by recover_stale_jobs")
    return len(dead)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


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
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=now,
                                         worker=worker_id(), heartbeat_at=now)
    progress = Progress(job, stream=stream)
    heartbeat = None
    if getattr(settings, "FUPIN_JOB_HEARTBEAT", True) and not connection.in_atomic_block:
        heartbeat = progress.heartbeat = Heartbeat(job.pk, progress)
        heartbeat.start()
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
    finally:
        if heartbeat is not None:
            heartbeat.stop()
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
