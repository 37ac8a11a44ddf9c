"""Identification (识别纳入) and risk-elimination (风险消除) cases, their steps, attachments,
objections raised during the public notice, and the county's deadline settings."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fupin.accounts.scope import ScopedQuerySet
from fupin.core.base_models import ScopedModel
from fupin.registry.choices import MonitoringType, RiskType

from .choices import (
    Action,
    CaseKind,
    CaseStatus,
    Channel,
    EliminationMode,
    Escalation,
    LeadStatus,
)
from .workflow import ALL_STEPS, STEP_CHOICES, STEP_LABELS


class CaseQuerySet(ScopedQuerySet["Case"]):
    scope_field = "household__area__code"
    def open(self) -> CaseQuerySet:
        return self.filter(status=CaseStatus.OPEN)

    def overdue_now(self) -> CaseQuerySet:
        return self.overdue_on(timezone.localdate())

    def overdue_on(self, day: Any) -> CaseQuerySet:
        """Open cases whose current step (or whole procedure) is past its deadline on `day`."""
        return self.open().filter(Q(step_due__lt=day) | Q(due_date__lt=day))


class Case(ScopedModel):
    kind = models.CharField(_("类别"), max_length=20, choices=CaseKind.choices, db_index=True)
    household = models.ForeignKey("registry.Household", verbose_name=_("农户"),
                                  on_delete=models.PROTECT, related_name="cases")
    status = models.CharField(_("状态"), max_length=12, choices=CaseStatus.choices,
                              default=CaseStatus.OPEN, db_index=True)
    step = models.CharField(_("当前环节"), max_length=30, choices=STEP_CHOICES, db_index=True)
    version = models.PositiveIntegerField(_("版本"), default=1,
                                          help_text=_("每办理一次加 1，用于防止两人同时办理"))
    # Lead (线索)
    channel = models.CharField(_("线索来源"), max_length=20, choices=Channel.choices,
                               default=Channel.CADRE)
    lead = models.TextField(_("线索说明"), blank=True)
    source_warning = models.ForeignKey("monitoring.Warning", verbose_name=_("来源预警"), null=True,
                                       blank=True, on_delete=models.SET_NULL, related_name="cases")
    source_lead = models.ForeignKey("Lead", verbose_name=_("来源线索"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="cases")
    found_on = models.DateField(_("线索发现日期"), null=True, blank=True,
                                help_text=_("识别纳入的办结时限从此日起算"))
    reflag_of = models.ForeignKey("self", verbose_name=_("再标注前的风险消除"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="reflags")
    help_first = models.BooleanField(_("先行帮扶"), default=False,
                                     help_text=_("因灾等紧急情况，识别完成前先落实帮扶措施"))
    # What identification proposes / decides
    monitoring_type = models.CharField(_("监测对象类型"), max_length=10, blank=True,
                                       choices=MonitoringType.choices)
    main_risk = models.CharField(_("主要风险类型"), max_length=20, blank=True,
                                 choices=RiskType.choices)
    other_risks = models.JSONField(_("其他风险类型"), default=list, blank=True)
    # Elimination
    elimination_mode = models.CharField(_("消除方式"), max_length=10, blank=True,
                                        choices=EliminationMode.choices)
    criteria = models.JSONField(_("消除条件核验"), default=list, blank=True)
    previous_monitoring_type = models.CharField(_("消除前监测类型"), max_length=10, blank=True)
    previous_risk_types = models.JSONField(_("消除前风险类型"), default=list, blank=True)
    # An approver (township or county) may let a case whose criteria fail go on, only with a
    # written reason that is kept and shown on the case.
    override_reason = models.TextField(_("条件未满足仍办理的理由"), blank=True)
    override_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("批准人"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    override_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    # Time
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("立案人"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField(_("立案时间"), default=timezone.now)
    step_started_at = models.DateTimeField(_("本环节开始"), default=timezone.now)
    step_due = models.DateField(_("本环节期限"), null=True, blank=True, db_index=True)
    due_date = models.DateField(_("办结期限"), null=True, blank=True, db_index=True)
    notice_start = models.DateField(_("公示开始"), null=True, blank=True)
    notice_end = models.DateField(_("公示截止"), null=True, blank=True)
    overdue = models.BooleanField(_("已逾期"), default=False, db_index=True)
    overdue_since = models.DateField(_("逾期起始"), null=True, blank=True)
    escalation = models.CharField(_("逾期上报"), max_length=10, blank=True,
                                  choices=Escalation.choices, db_index=True)
    decided_on = models.DateField(_("审定日期"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    result_reason = models.TextField(_("办结说明"), blank=True)

    objects: ClassVar[Any] = CaseQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("识别/消除案件")
        verbose_name_plural = _("识别/消除案件")
        constraints = [
            models.UniqueConstraint(fields=["household"], condition=Q(status="open"),
                                    name="one_open_case_per_household"),
        ]
        indexes = [models.Index(fields=["status", "step_due"], name="case_status_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} {self.household}"

    def get_absolute_url(self) -> str:
        return reverse("cases:case_detail", args=[self.pk])


    @property
    def is_open(self) -> bool:
        return self.status == CaseStatus.OPEN

    @property
    def step_label(self) -> str:
        return STEP_LABELS.get(self.step, "已办结")

    @property
    def step_def(self) -> Any:
        return ALL_STEPS.get(self.step)

    @property
    def risk_types(self) -> list[str]:
        return [r for r in [self.main_risk, *self.other_risks] if r]

    @property
    def risk_labels(self) -> list[str]:
        labels = dict(RiskType.choices)
        return [str(labels.get(r, r)) for r in self.risk_types]

    @property
    def is_overdue(self) -> bool:
        """Overdue today, computed live (the nightly escalation only escalates)."""
        return self.is_overdue_on(timezone.localdate())

    def is_overdue_on(self, day: Any) -> bool:
        return self.is_open and bool(
            (self.step_due and self.step_due < day) or (self.due_date and self.due_date < day))


class LeadQuerySet(ScopedQuerySet["Lead"]):
    scope_field = "household__area__code"
    def live(self) -> LeadQuerySet:
        return self.filter(status__in=[LeadStatus.NEW, LeadStatus.IN_PROCEDURE])


class Lead(ScopedModel):
    """A risk lead (线索): a warning, a household's self-application, a department match or
    a cadre's report. It has the day it was found and a deadline: identification must be
    finished within the county's total days from the day the lead was found (MECHANISM
    §5.1). Other apps raise leads through `fupin.cases.leads.raise_lead`."""

    household = models.ForeignKey("registry.Household", verbose_name=_("农户"),
                                  on_delete=models.CASCADE, related_name="leads")
    channel = models.CharField(_("线索来源"), max_length=20, choices=Channel.choices)
    found_on = models.DateField(_("发现日期"))
    deadline = models.DateField(_("识别办结期限"))
    description = models.TextField(_("线索说明"))
    warning = models.ForeignKey("monitoring.Warning", verbose_name=_("来源预警"), null=True,
                                blank=True, on_delete=models.SET_NULL, related_name="leads")
    source = models.CharField(_("来源说明"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=LeadStatus.choices,
                              default=LeadStatus.NEW, db_index=True)
    case = models.ForeignKey("Case", verbose_name=_("识别案件"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    decided_on = models.DateField(_("认定日期"), null=True, blank=True)
    note = models.CharField(_("处理说明"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects: ClassVar[Any] = LeadQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-found_on", "-id"]
        verbose_name = _("风险线索")
        verbose_name_plural = _("风险线索")
        indexes = [models.Index(fields=["household", "status"], name="lead_household_status")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.household} {self.found_on}"


    def is_overdue_on(self, day: Any) -> bool:
        return self.status in (LeadStatus.NEW, LeadStatus.IN_PROCEDURE) and self.deadline < day


class Step(ScopedModel):
    """One action on a case: the timeline. Rows are only ever added."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps")
    seq = models.PositiveIntegerField(_("序号"))
    step = models.CharField(_("环节"), max_length=30, choices=STEP_CHOICES)
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("办理人"), null=True,
                              on_delete=models.SET_NULL, related_name="case_steps")
    actor_role = models.CharField(_("办理人角色"), max_length=20, blank=True)
    acted_at = models.DateTimeField(_("办理时间"), default=timezone.now)
    comment = models.TextField(_("意见"), blank=True)
    data = models.JSONField(_("记录内容"), default=dict, blank=True)
    started_at = models.DateTimeField(_("环节开始"), null=True, blank=True)
    due = models.DateField(_("环节期限"), null=True, blank=True)
    was_overdue = models.BooleanField(_("逾期办理"), default=False)

    scope_field = "case__household__area__code"
    history = HistoricalRecords()

    class Meta:
        ordering = ["case_id", "seq"]
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="uniq_case_step_seq")]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.step_label} {self.get_action_display()}"

    @property
    def step_label(self) -> str:
        return STEP_LABELS.get(self.step, self.step)


def attachment_path(instance: Attachment, filename: str) -> str:
    day = timezone.localdate()
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"cases/{day:%Y/%m}/{instance.case_id}/{instance.sha256[:16]}.{ext}"


class Attachment(ScopedModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    step = models.ForeignKey(Step, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="attachments")
    step_code = models.CharField(_("环节"), max_length=30, choices=STEP_CHOICES)
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveBigIntegerField(_("大小(字节)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    content_type = models.CharField(_("类型"), max_length=100)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    scope_field = "case__household__area__code"
    history = HistoricalRecords()

    class Meta:
        ordering = ["case_id", "uploaded_at", "id"]
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("cases:attachment", args=[self.pk])


class Objection(ScopedModel):
    """An objection raised during the village public notice, and the answer to it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="objections")
    step_code = models.CharField(_("环节"), max_length=30, choices=STEP_CHOICES)
    raised_on = models.DateField(_("提出日期"))
    raised_by = models.CharField(_("异议人"), max_length=100, blank=True)
    content = models.TextField(_("异议内容"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    answer = models.TextField(_("答复"), blank=True)
    upheld = models.BooleanField(_("异议成立"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    scope_field = "case__household__area__code"
    history = HistoricalRecords()

    class Meta:
        ordering = ["case_id", "raised_on", "id"]
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")

    def __str__(self) -> str:
        return f"{self.case_id} {self.raised_on}"


    @property
    def is_answered(self) -> bool:
        return bool(self.answer)


class CaseSettings(ScopedModel):
    """A county's time limits for the procedures; the county administrator edits them."""

    county_code = models.CharField(_("区县代码"), max_length=6, unique=True)
    step_days = models.JSONField(_("各环节时限(天)"), default=dict, blank=True)
    identification_total_days = models.PositiveSmallIntegerField(
        _("识别纳入总时限(天)"), default=15, validators=[MinValueValidator(1), MaxValueValidator(90)])
    notice_min_days = models.PositiveSmallIntegerField(
        _("识别公示最少天数"), default=5, validators=[MinValueValidator(5), MaxValueValidator(30)])
    elim_notice_min_days = models.PositiveSmallIntegerField(
        _("消除公示最少天数"), default=5, validators=[MinValueValidator(5), MaxValueValidator(30)])
    elim_notice_max_days = models.PositiveSmallIntegerField(
        _("消除公示最多天数"), default=7, validators=[MinValueValidator(5), MaxValueValidator(30)])
    township_escalation_days = models.PositiveSmallIntegerField(
        _("逾期几天上报乡镇"), default=1, validators=[MinValueValidator(1), MaxValueValidator(60)])
    county_escalation_days = models.PositiveSmallIntegerField(
        _("逾期几天上报县级"), default=3, validators=[MinValueValidator(1), MaxValueValidator(90)])
    max_attachment_mb = models.PositiveSmallIntegerField(
        _("附件大小上限(MB)"), default=10, validators=[MinValueValidator(1), MaxValueValidator(50)])
    elim_stable_months = models.PositiveSmallIntegerField(
        _("风险消除收入稳定月数"), default=6, validators=[MinValueValidator(1), MaxValueValidator(36)],
        help_text=_("识别后收入持续超过监测线的最少月数（原则上不少于半年）"))
    updated_at = models.DateTimeField(auto_now=True)

    scope_field = "county_code"
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("识别消除时限设置")
        verbose_name_plural = _("识别消除时限设置")
        constraints = [
            models.CheckConstraint(
                condition=Q(county_escalation_days__gte=models.F("township_escalation_days")),
                name="county_escalation_after_township"),
            models.CheckConstraint(
                condition=Q(elim_notice_max_days__gte=models.F("elim_notice_min_days")),
                name="elim_notice_max_ge_min"),
        ]

    def __str__(self) -> str:
        return f"{self.county_code} 时限设置"


    def days_for(self, step_code: str) -> int:
        value = (self.step_days or {}).get(step_code)
        if value is None:
            return int(ALL_STEPS[step_code].default_days)
        return int(value)
