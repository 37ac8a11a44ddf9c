"""Shared machinery: background jobs with progress, and the audit log of personal-data reads."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.core.scope import ScopedQuerySet


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class JobQuerySet(ScopedQuerySet["Job"]):
    scope_field = "area_code"

    def visible_to(self, user: Any) -> "JobQuerySet":  # type: ignore[override]
        if getattr(user, "is_superuser", False):
            return self
        return self.filter(created_by=user)


class Job(models.Model):
    """A long piece of work (import, sweep, export, report) with progress shown to the user."""

    kind = models.CharField(_("类型"), max_length=50, db_index=True)
    title = models.CharField(_("名称"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=JobStatus.choices,
                              default=JobStatus.QUEUED, db_index=True)
    done = models.PositiveIntegerField(_("已处理"), default=0)
    total = models.PositiveIntegerField(_("总数"), default=0)
    message = models.CharField(_("当前步骤"), max_length=300, blank=True)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    error = models.TextField(_("错误"), blank=True)
    output_file = models.CharField(_("结果文件"), max_length=300, blank=True)
    area_code = models.CharField(_("区划"), max_length=12, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="jobs")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    # Which process runs the job ("host:pid") and when it last said it is alive: a job whose
    # worker died is marked failed (fupin.core.jobs.recover_stale_jobs).
    worker = models.CharField(_("执行进程"), max_length=100, blank=True)
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")

    def __str__(self) -> str:
        return f"{self.title}（{self.get_status_display()}）"

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, int(self.done * 100 / self.total))

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)


class AccessLog(models.Model):
    """Reads of unmasked personal data and every export: who, when, what."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    action = models.CharField(_("操作"), max_length=30)
    object_type = models.CharField(_("对象类型"), max_length=50)
    object_id = models.CharField(_("对象"), max_length=50, blank=True)
    area_code = models.CharField(_("区划"), max_length=12, blank=True)
    detail = models.CharField(_("说明"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("数据访问日志")
        verbose_name_plural = _("数据访问日志")

    def __str__(self) -> str:
        return f"{self.user_id} {self.action} {self.object_type} {self.object_id}"
