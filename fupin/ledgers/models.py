"""Ledger imports: one ImportBatch per file, its raw rows staged before anything is validated."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fupin.accounts.scope import ScopedQuerySet, scope_q
from fupin.core.base_models import ScopedModel


class BatchStatus(models.TextChoices):
    STAGED = "staged", _("已暂存")
    DRY_RUN = "dry_run", _("试导入（未写入）")
    COMMITTED = "committed", _("已导入")
    FAILED = "failed", _("失败")


class ImportBatchQuerySet(ScopedQuerySet["ImportBatch"]):
    scope_field = "area_code"
    def visible_to(self, user: object) -> ImportBatchQuerySet:  # type: ignore[override]
        """The importing user sees the batch, and so does anyone whose scope covers the
        area the file is about (the common prefix of its village codes)."""
        if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        area = scope_q(user, "area_code") & ~Q(area_code="")
        return self.filter(Q(user=user) | area)


class ImportBatch(ScopedModel):
    """One imported ledger file, with its counts and the rejected-rows report."""

    file_name = models.CharField(_("文件名"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("文件大小"), default=0)
    file_format = models.CharField(_("格式"), max_length=10)
    encoding = models.CharField(_("编码"), max_length=20, blank=True)
    sha256 = models.CharField(_("文件摘要"), max_length=64, blank=True)
    sheet = models.CharField(_("工作表"), max_length=100, blank=True)
    header_row = models.PositiveIntegerField(_("表头行"), default=1)
    headers = models.JSONField(_("表头"), default=list)
    area_code = models.CharField(_("区划"), max_length=12, blank=True, db_index=True)
    unknown_columns = models.JSONField(_("未识别的列"), default=list, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="ledger_imports")
    dry_run = models.BooleanField(_("试导入"), default=False)
    baseline = models.BooleanField(
        _("历史数据导入"), default=False, db_default=False,
        help_text=_("区县首次导入，由县级管理员把台账中的户类型、监测状态作为历史数据载入"))
    status = models.CharField(_("状态"), max_length=10, choices=BatchStatus.choices,
                              default=BatchStatus.STAGED)
    read = models.PositiveIntegerField(_("读取行数"), default=0)
    accepted = models.PositiveIntegerField(_("接收行数"), default=0)
    rejected = models.PositiveIntegerField(_("拒收行数"), default=0)
    households_accepted = models.PositiveIntegerField(_("接收户数"), default=0)
    households_rejected = models.PositiveIntegerField(_("拒收户数"), default=0)
    created = models.PositiveIntegerField(_("新建户数"), default=0)
    updated = models.PositiveIntegerField(_("更新户数"), default=0)
    unchanged = models.PositiveIntegerField(_("未变户数"), default=0)
    report_file = models.CharField(_("拒收报告"), max_length=300, blank=True)
    error = models.TextField(_("错误"), blank=True)
    seconds = models.FloatField(_("耗时(秒)"), default=0)
    timings = models.JSONField(_("各步骤耗时(秒)"), default=dict, blank=True)
    created_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects: ClassVar[Any] = ImportBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("台账导入批次")
        verbose_name_plural = _("台账导入批次")

    def __str__(self) -> str:
        return f"台账导入 #{self.pk} {self.file_name}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse
        return reverse("ledgers:batch", args=[self.pk])

    @property
    def change_reason(self) -> str:
        return f"历史数据导入（台账导入 #{self.pk}）" if self.baseline else f"台账导入 #{self.pk}"

    def counts(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in COUNT_FIELDS}


COUNT_FIELDS = ("read", "accepted", "rejected", "households_accepted", "households_rejected",
                "created", "updated", "unchanged")


class StagedRow(models.Model):
    """A raw row exactly as read (every column, known or not), with its source row number
    and, after validation, the verdict and the reasons."""

    # Scratch rows: no index of their own on batch (the (batch, row_no) index serves) and no
    # database FK check per row (a million trigger calls at commit); Django cascades deletes.
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows",
                              db_index=False, db_constraint=False)
    row_no = models.PositiveIntegerField(_("行号"))
    values = models.TextField(_("原始内容(JSON 数组，顺序同 batch.headers)"))
    rejected = models.BooleanField(_("拒收"), default=False)  # set for rejected rows only
    reasons = models.TextField(_("拒收原因"), blank=True)

    class Meta:
        ordering = ["batch_id", "row_no"]
        verbose_name = _("暂存行")
        verbose_name_plural = _("暂存行")
        indexes = [models.Index(fields=["batch", "row_no"], name="staged_batch_row")]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row_no}"


class LedgerLock(models.Model):
    """One row per county: imports lock the counties they touch (select_for_update), so two
    imports over the same households run one after the other, never interleaved."""

    county_code = models.CharField(max_length=6, primary_key=True)

    class Meta:
        verbose_name = _("台账导入锁")
        verbose_name_plural = _("台账导入锁")

    def __str__(self) -> str:
        return self.county_code
