"""Problem ledger (问题清单 → 整改 → 对账销号) and random checks (抽查).

The five lists (问题/整改/任务/责任/效果 清单) are views of the same `Problem` rows with
different columns (see tables.py), never copies.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fupin.accounts.scope import ScopedQuerySet
from fupin.core.base_models import ScopedModel


class ProblemSource(models.TextChoices):
    SWEEP = "sweep", _("排查")
    VISIT = "visit", _("走访")
    INSPECTION = "inspection", _("督查抽查")
    DEPARTMENT = "department", _("部门反馈")
    PROCEDURE = "procedure", _("程序核查")


class ProblemCategory(models.TextChoices):
    HOUSING = "housing", _("住房")
    WATER = "water", _("饮水")
    EDUCATION = "education", _("教育")
    MEDICAL = "medical", _("医疗")
    INCOME = "income", _("收入")
    BASIC_INFO = "basic_info", _("基础信息")
    SAFETY_NET = "safety_net", _("综合保障")
    OTHER = "other", _("其他")


class ProblemState(models.TextChoices):
    OPEN = "open", _("待整改")
    RECTIFYING = "rectifying", _("整改中")
    RECTIFIED = "rectified", _("已整改待核验")
    VERIFIED = "verified", _("已核验")
    CLOSED = "closed", _("已销号")


UNRESOLVED_STATES = (ProblemState.OPEN, ProblemState.RECTIFYING)

ACTION_LABELS = {"create": "登记", "start": "开始整改", "rectify": "提交整改", "reject": "核验不通过",
                 "verify": "核验通过", "close": "销号", "reopen": "重新打开", "update": "调整责任/时限",
                 "escalate": "逾期升级"}


class Escalation(models.IntegerChoices):
    NONE = 0, _("未升级")
    TOWNSHIP = 1, _("已升级至乡镇")
    COUNTY = 2, _("已升级至区县")


class ProblemQuerySet(ScopedQuerySet["Problem"]):
    scope_field = "area__code"
    household_field = "household"  # role helper: only assigned households (assistance.visibility)
    def unresolved(self) -> ProblemQuerySet:
        return self.filter(state__in=UNRESOLVED_STATES)

    def overdue(self, day) -> ProblemQuerySet:  # type: ignore[no-untyped-def]
        return self.unresolved().filter(deadline__lt=day)


class Problem(ScopedModel):
    source = models.CharField(_("问题来源"), max_length=12, choices=ProblemSource.choices)
    category = models.CharField(_("问题类别"), max_length=12, choices=ProblemCategory.choices)
    area = models.ForeignKey("areas.Area", verbose_name=_("区划"), on_delete=models.PROTECT,
                             db_column="area_code", related_name="+")
    household = models.ForeignKey("registry.Household", verbose_name=_("户"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="problems")
    project_ref = models.CharField(_("涉及项目"), max_length=100, blank=True)
    description = models.TextField(_("问题描述"))
    found_on = models.DateField(_("发现日期"))
    found_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发现人"), null=True,
                                 blank=True, on_delete=models.SET_NULL, related_name="+")
    responsible_unit = models.CharField(_("责任单位"), max_length=100, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("责任人账号"), null=True,
                              blank=True, on_delete=models.SET_NULL, related_name="owned_problems")
    owner_name = models.CharField(_("责任人"), max_length=50, blank=True)
    deadline = models.DateField(_("整改时限"), null=True, blank=True, db_index=True)
    plan = models.TextField(_("整改措施"), blank=True)
    state = models.CharField(_("状态"), max_length=12, choices=ProblemState.choices,
                             default=ProblemState.OPEN, db_index=True)
    rectified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("整改人"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    rectified_at = models.DateTimeField(_("整改完成时间"), null=True, blank=True)
    effect = models.TextField(_("整改成效"), blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("核验人"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    verified_at = models.DateTimeField(_("核验时间"), null=True, blank=True)
    verification_note = models.TextField(_("核验意见"), blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("重新打开次数"), default=0)
    escalation = models.PositiveSmallIntegerField(_("升级"), choices=Escalation.choices,
                                                  default=Escalation.NONE)
    escalated_at = models.DateTimeField(_("升级时间"), null=True, blank=True)
    visit = models.ForeignKey("assistance.Visit", verbose_name=_("来源走访"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="problems")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[Any] = ProblemQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-found_on", "-id"]
        verbose_name = _("问题")
        verbose_name_plural = _("问题清单")
        indexes = [
            models.Index(fields=["area"], name="problem_area_pattern", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["state", "deadline"], name="problem_state_deadline"),
        ]

    def __str__(self) -> str:
        return f"问题 #{self.pk} {self.get_category_display()}"

    def get_absolute_url(self) -> str:
        return reverse("rectification:problem_detail", args=[self.pk])

    @property
    def number(self) -> str:
        return f"WT{self.pk:06d}" if self.pk else ""


class ProblemEvent(ScopedModel):
    """Each step of a problem's life: who moved it from which state to which, and why."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=20)
    from_state = models.CharField(_("原状态"), max_length=12, blank=True)
    to_state = models.CharField(_("新状态"), max_length=12, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(_("说明"), blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    scope_field = "problem__area__code"
    household_field = "problem__household"  # role helper (assistance.visibility)

    class Meta:
        ordering = ["problem_id", "at", "id"]
        verbose_name = _("问题处理记录")
        verbose_name_plural = _("问题处理记录")

    def __str__(self) -> str:
        return f"{self.problem_id} {self.action_label}"

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)

    @property
    def to_state_label(self) -> str:
        return str(ProblemState(self.to_state).label) if self.to_state in ProblemState.values else ""


class Evidence(ScopedModel):
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("佐证材料"), upload_to="problems/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=80)
    size = models.PositiveIntegerField(_("大小(字节)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    scope_field = "problem__area__code"
    household_field = "problem__household"  # role helper (assistance.visibility)
    history = HistoricalRecords()

    class Meta:
        ordering = ["problem_id", "id"]
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")


class SpotCheckKind(models.TextChoices):
    HOUSEHOLD = "household", _("农户")
    HELPER = "helper", _("帮扶责任人")


class SpotCheck(ScopedModel):
    """A reproducible random sample: same seed + area + month + kind → same items."""

    area = models.ForeignKey("areas.Area", verbose_name=_("抽查区划"), on_delete=models.PROTECT,
                             db_column="area_code", related_name="+")
    month = models.DateField(_("抽查月份"), help_text=_("当月 1 日"))
    kind = models.CharField(_("抽查对象"), max_length=10, choices=SpotCheckKind.choices)
    seed = models.PositiveIntegerField(_("随机种子"))
    size = models.PositiveSmallIntegerField(_("样本量"))
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("抽查人"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("抽取时间"), auto_now_add=True)

    scope_field = "area__code"
    history = HistoricalRecords()

    class Meta:
        ordering = ["-month", "-id"]
        verbose_name = _("随机抽查")
        verbose_name_plural = _("随机抽查")

    def __str__(self) -> str:
        return f"{self.area_id} {self.month:%Y-%m} {self.get_kind_display()}抽查（种子 {self.seed}）"

    def get_absolute_url(self) -> str:
        return reverse("rectification:spotcheck_detail", args=[self.pk])


class CheckResult(models.TextChoices):
    PENDING = "pending", _("待核查")
    OK = "ok", _("无问题")
    PROBLEM = "problem", _("发现问题")
    UNREACHABLE = "unreachable", _("联系不上")


class SpotCheckItem(ScopedModel):
    spotcheck = models.ForeignKey(SpotCheck, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("序号"))
    household = models.ForeignKey("registry.Household", verbose_name=_("户"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    helper = models.ForeignKey("assistance.Helper", verbose_name=_("帮扶责任人"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    result = models.CharField(_("核查结果"), max_length=12, choices=CheckResult.choices,
                              default=CheckResult.PENDING)
    note = models.TextField(_("核查情况"), blank=True)
    checked_at = models.DateTimeField(_("核查时间"), null=True, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    problem = models.ForeignKey(Problem, verbose_name=_("生成的问题"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")

    scope_field = "spotcheck__area__code"
    household_field = "household"  # role helper: only assigned households (assistance.visibility)
    history = HistoricalRecords()

    class Meta:
        ordering = ["spotcheck_id", "position"]
        verbose_name = _("抽查对象")
        verbose_name_plural = _("抽查对象")
        constraints = [
            models.UniqueConstraint(fields=["spotcheck", "position"], name="uniq_spotcheck_position"),
        ]
