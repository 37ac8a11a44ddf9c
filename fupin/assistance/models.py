"""Assistance (帮扶): assisting units, helpers, assignments (append-only), flagged
supervision, household plans with measures, visits with photos, and the configurable rules
(households per helper, visit frequency)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fupin.accounts.scope import ScopedQuerySet
from fupin.core.base_models import AreaLinkedModel, ScopedModel

from .choices import MeasureCategory, MeasureStatus, UnitLevel, VisitChannel

DEFAULT_MAX_HOUSEHOLDS = 5


class AssistanceRule(ScopedModel):
    """Configuration a county (or township) can change without a release. The rule whose
    area code is the longest prefix of a household's village applies; "" is the default."""

    area_code = models.CharField(_("适用区划"), max_length=12, blank=True, unique=True,
                                 help_text=_("空 = 全部区划的默认值"))
    max_households_per_helper = models.PositiveSmallIntegerField(
        _("每名帮扶责任人最多联系户数"), default=DEFAULT_MAX_HOUSEHOLDS,
        validators=[MinValueValidator(1), MaxValueValidator(100)])
    visit_months_monitored = models.PositiveSmallIntegerField(
        _("监测户走访周期(月)"), default=1, validators=[MinValueValidator(1), MaxValueValidator(12)])
    visit_months_poor = models.PositiveSmallIntegerField(
        _("未脱贫户走访周期(月)"), default=1, validators=[MinValueValidator(1), MaxValueValidator(12)])
    visit_months_lifted = models.PositiveSmallIntegerField(
        _("脱贫户走访周期(月)"), default=3, validators=[MinValueValidator(1), MaxValueValidator(12)])
    updated_at = models.DateTimeField(auto_now=True)

    scope_field = "area_code"
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["area_code"]
        verbose_name = _("帮扶规则")
        verbose_name_plural = _("帮扶规则")

    def __str__(self) -> str:
        return f"帮扶规则 {self.area_code or '默认'}"


class AssistingUnit(AreaLinkedModel):
    """An assisting unit (帮扶单位); `area` is the area it serves (its scope)."""

    name = models.CharField(_("单位名称"), max_length=100)
    level = models.CharField(_("单位隶属关系"), max_length=10, choices=UnitLevel.choices)
    area = models.ForeignKey("areas.Area", verbose_name=_("所属区划"), on_delete=models.PROTECT,
                             db_column="area_code", related_name="+")
    contact = models.CharField(_("联系人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["area_id", "name"]
        verbose_name = _("帮扶单位")
        verbose_name_plural = _("帮扶单位")
        constraints = [models.UniqueConstraint(fields=["name", "area"], name="uniq_unit_name_area")]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_level_display()}）"

    def get_absolute_url(self) -> str:
        return reverse("assistance:unit_detail", args=[self.pk])


class UnitPairing(ScopedModel):
    """A unit paired with a village (单位包村), with its period."""

    unit = models.ForeignKey(AssistingUnit, verbose_name=_("帮扶单位"), on_delete=models.PROTECT,
                             related_name="pairings")
    village = models.ForeignKey("areas.Area", verbose_name=_("结对村"), on_delete=models.PROTECT,
                                db_column="area_code", related_name="+")
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    scope_field = "village__code"
    history = HistoricalRecords()

    class Meta:
        ordering = ["village_id", "-started_on"]
        verbose_name = _("单位结对村")
        verbose_name_plural = _("单位结对村")
        constraints = [models.UniqueConstraint(fields=["unit", "village"], condition=Q(ended_on__isnull=True),
                                               name="one_open_pairing_per_unit_village")]

    def __str__(self) -> str:
        return f"{self.unit} → {self.village_id}"


class HelperQuerySet(ScopedQuerySet["Helper"]):
    scope_field = "area__code"
    def with_load(self) -> HelperQuerySet:
        return self.annotate(active_count=models.Count(
            "assignments", filter=Q(assignments__ended_on__isnull=True)))


class Helper(ScopedModel):
    """A helper (帮扶责任人), optionally linked to a login of role `helper`."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("登录账号"), null=True,
                                blank=True, on_delete=models.SET_NULL, related_name="helper")
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    unit = models.ForeignKey(AssistingUnit, verbose_name=_("帮扶单位"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="helpers")
    position = models.CharField(_("职务"), max_length=50, blank=True)
    area = models.ForeignKey("areas.Area", verbose_name=_("负责区划"), on_delete=models.PROTECT,
                             db_column="area_code", related_name="+")
    max_households = models.PositiveSmallIntegerField(
        _("最多联系户数(覆盖规则)"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)])
    active = models.BooleanField(_("在岗"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[Any] = HelperQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["area_id", "name"]
        verbose_name = _("帮扶责任人")
        verbose_name_plural = _("帮扶责任人")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("assistance:helper_detail", args=[self.pk])


class AssignmentQuerySet(ScopedQuerySet["Assignment"]):
    scope_field = "household__area__code"
    def current(self) -> AssignmentQuerySet:
        return self.filter(ended_on__isnull=True)


class Assignment(ScopedModel):
    """Household ↔ helper, append-only: a change of helper ends the open row (ended_on)
    and adds a new one. Rows are never deleted or rewritten otherwise."""

    household = models.ForeignKey("registry.Household", verbose_name=_("户"), on_delete=models.CASCADE,
                                  related_name="assignments")
    helper = models.ForeignKey(Helper, verbose_name=_("帮扶责任人"), on_delete=models.PROTECT,
                               related_name="assignments")
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    reason = models.CharField(_("变更原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[Any] = AssignmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["household_id", "started_on", "id"]
        verbose_name = _("结对帮扶")
        verbose_name_plural = _("结对帮扶")
        constraints = [
            models.UniqueConstraint(fields=["household"], condition=Q(ended_on__isnull=True),
                                    name="one_current_helper_per_household"),
            models.CheckConstraint(condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                                   name="assignment_period_positive"),
        ]
        indexes = [models.Index(fields=["helper", "ended_on"], name="assignment_helper_open")]

    def __str__(self) -> str:
        return f"{self.household_id} ← {self.helper} {self.started_on}–{self.ended_on or ''}"


class FlaggedQuerySet(ScopedQuerySet["FlaggedSupervision"]):
    scope_field = "area__code"
    household_field = "household"  # role helper: only assigned households (assistance.visibility)
    def current(self) -> FlaggedQuerySet:
        return self.filter(ended_on__isnull=True)


class FlaggedSupervision(ScopedModel):
    """挂牌督战: a village (household empty) or a household under direct supervision."""

    area = models.ForeignKey("areas.Area", verbose_name=_("村(社区)"), on_delete=models.PROTECT,
                             db_column="area_code", related_name="+")
    household = models.ForeignKey("registry.Household", verbose_name=_("户"), null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="flags")
    leader_name = models.CharField(_("督战责任领导"), max_length=50)
    leader_title = models.CharField(_("领导职务"), max_length=100, blank=True)
    reason = models.CharField(_("挂牌原因"), max_length=200, blank=True)
    started_on = models.DateField(_("挂牌日期"))
    ended_on = models.DateField(_("摘牌日期"), null=True, blank=True)

    objects: ClassVar[Any] = FlaggedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["area_id", "-started_on"]
        verbose_name = _("挂牌督战")
        verbose_name_plural = _("挂牌督战")

    def __str__(self) -> str:
        return f"挂牌督战 {self.household or self.area_id}"


class Plan(ScopedModel):
    """一户一策: one plan per household and year."""

    household = models.ForeignKey("registry.Household", verbose_name=_("户"), on_delete=models.CASCADE,
                                  related_name="plans")
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2014),
                                                                  MaxValueValidator(2100)])
    summary = models.TextField(_("帮扶思路"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("制定时间"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_field = "household__area__code"
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-year", "household_id"]
        verbose_name = _("一户一策")
        verbose_name_plural = _("一户一策")
        constraints = [models.UniqueConstraint(fields=["household", "year"], name="one_plan_per_household_year")]

    def __str__(self) -> str:
        return f"{self.household} {self.year} 年帮扶计划"

    def get_absolute_url(self) -> str:
        return reverse("assistance:plan_detail", args=[self.pk])


class Measure(ScopedModel):
    plan = models.ForeignKey(Plan, verbose_name=_("帮扶计划"), on_delete=models.CASCADE,
                             related_name="measures")
    category = models.CharField(_("措施类别"), max_length=15, choices=MeasureCategory.choices)
    title = models.CharField(_("措施内容"), max_length=200)
    responsible_unit = models.ForeignKey(AssistingUnit, verbose_name=_("责任单位"), null=True,
                                         blank=True, on_delete=models.PROTECT, related_name="measures")
    responsible_text = models.CharField(_("责任部门"), max_length=100, blank=True)
    amount = models.DecimalField(_("金额(元)"), max_digits=12, decimal_places=2, default=Decimal(0),
                                 validators=[MinValueValidator(Decimal(0))])
    start = models.DateField(_("开始日期"), null=True, blank=True)
    end = models.DateField(_("结束日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=MeasureStatus.choices,
                              default=MeasureStatus.PLANNED)
    outcome = models.TextField(_("成效"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_field = "plan__household__area__code"
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["plan_id", "id"]
        verbose_name = _("帮扶措施")
        verbose_name_plural = _("帮扶措施")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="measure_amount_not_negative"),
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(start__isnull=True) | Q(end__gte=F("start")),
                                   name="measure_period_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}：{self.title}"


class Visit(ScopedModel):
    household = models.ForeignKey("registry.Household", verbose_name=_("户"), on_delete=models.CASCADE,
                                  related_name="visits")
    helper = models.ForeignKey(Helper, verbose_name=_("帮扶责任人"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField(_("走访日期"), db_index=True)
    channel = models.CharField(_("方式"), max_length=10, choices=VisitChannel.choices,
                               default=VisitChannel.HOME)
    findings = models.TextField(_("走访情况"))
    policies_explained = models.CharField(_("宣讲政策"), max_length=300, blank=True)
    measures_agreed = models.CharField(_("商定措施"), max_length=300, blank=True)
    updates = models.JSONField(_("更新的户情"), default=dict, blank=True)
    # Evidence (§5.8): where (the phone's location, optional; personal data shown to writers
    # only), a check-in photo, and the household's confirmation: a signature drawn on the
    # screen (PNG) or the name of the family member who confirmed.
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True,
                                   validators=[MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))])
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True,
                                    validators=[MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))])
    location_accuracy = models.PositiveIntegerField(_("定位精度(米)"), null=True, blank=True)
    checkin_photo = models.FileField(_("签到照片"), upload_to="visits/checkin/%Y/%m/", blank=True)
    signature = models.FileField(_("户签名"), upload_to="visits/signature/%Y/%m/", blank=True)
    confirmed_by = models.CharField(_("确认的家庭成员"), max_length=50, blank=True)
    recorded_at = models.DateTimeField(_("手机记录时间"), null=True, blank=True,
                                       help_text=_("离线记录时手机上的时间"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    scope_field = "household__area__code"
    history = HistoricalRecords()

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        indexes = [models.Index(fields=["household", "visited_on"], name="visit_household_day")]

    def __str__(self) -> str:
        return f"{self.household} {self.visited_on} {self.get_channel_display()}"

    def get_absolute_url(self) -> str:
        return reverse("assistance:visit_detail", args=[self.pk])


    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def confirmation_label(self) -> str:
        if self.signature:
            return "户签名确认" + (f"（{self.confirmed_by}）" if self.confirmed_by else "")
        if self.confirmed_by:
            return f"家庭成员 {self.confirmed_by} 确认"
        return ""


class VisitPhoto(ScopedModel):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("照片"), upload_to="visits/%Y/%m/")
    content_type = models.CharField(_("类型"), max_length=50)
    size = models.PositiveIntegerField(_("大小(字节)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    scope_field = "visit__household__area__code"

    class Meta:
        ordering = ["visit_id", "id"]
        verbose_name = _("走访照片")
        verbose_name_plural = _("走访照片")

    def __str__(self) -> str:
        return f"{self.visit_id} {self.sha256[:8]}"
